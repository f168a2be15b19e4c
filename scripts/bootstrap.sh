#!/usr/bin/env bash
# Installs what Vigie needs to build, when it is missing: PCRE2's headers (libpcre2-dev),
# Hunspell's headers and its French, Spanish and English dictionaries (libhunspell-dev,
# hunspell-fr, hunspell-es, hunspell-en-us; `has inflected` reads them) and pkg-config. Installs with apt-get when running as root; otherwise says what to install.
set -euo pipefail

if ! command -v swift >/dev/null 2>&1; then
  echo "bootstrap: Swift 6 is required (https://www.swift.org/install/)" >&2
  exit 2
fi

dictionaries() { [ -f /usr/share/hunspell/fr.dic ] && [ -f /usr/share/hunspell/es_ES.dic ] && [ -f /usr/share/hunspell/en_US.dic ]; }
if command -v pkg-config >/dev/null 2>&1 && pkg-config --exists libpcre2-8 && pkg-config --exists hunspell && { dictionaries || [ "$(uname)" = Darwin ]; }; then
  exit 0
fi

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "bootstrap: installing libpcre2-dev, libhunspell-dev, hunspell-fr, hunspell-es, hunspell-en-us and pkg-config" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq libpcre2-dev libhunspell-dev hunspell-fr hunspell-es hunspell-en-us pkg-config >&2
elif command -v brew >/dev/null 2>&1; then
  brew install pcre2 hunspell pkg-config >&2
else
  echo "bootstrap: PCRE2 or Hunspell is missing; install them first, e.g. 'sudo apt-get install libpcre2-dev libhunspell-dev hunspell-fr hunspell-es hunspell-en-us pkg-config'" >&2
  exit 2
fi
