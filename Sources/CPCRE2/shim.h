#ifndef VIGIE_PCRE2_SHIM_H
#define VIGIE_PCRE2_SHIM_H
/* Vigie uses the 8-bit (UTF-8) PCRE2 library only. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#endif
