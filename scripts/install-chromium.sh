#!/usr/bin/env bash
# Installs headless Chromium from Debian's packages for the report's browser test
# (Tests/VigieKitTests/Report/ReportTests.swift), when it is missing. Installs with apt-get when running
# as root (as CI does); otherwise says what to install and exits 2, and the test is skipped.
set -euo pipefail

for name in chromium chromium-browser google-chrome google-chrome-stable; do
  if command -v "$name" >/dev/null 2>&1; then exit 0; fi
done

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "install-chromium: installing chromium (Debian package) for the browser test" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq chromium >&2
else
  echo "install-chromium: headless Chromium is missing; install it, e.g. 'sudo apt-get install chromium', to run the browser test" >&2
  exit 2
fi
