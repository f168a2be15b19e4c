#ifndef VIGIE_HUNSPELL_SHIM_H
#define VIGIE_HUNSPELL_SHIM_H
/* Hunspell's C interface: dictionary look-ups for `has inflected` (stems of a word). */
#include <hunspell/hunspell.h>
#endif
