#!/usr/bin/env bash
# Installs what the Spark integration's test and benchmark need, when it is missing: a Java 17
# runtime (openjdk-17-jre-headless, with apt-get as root; otherwise says what to install), then
# PySpark with its Arrow and pandas support, and pytest, from PyPI (pip, as the current user).
set -euo pipefail

if ! java -version >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "bootstrap-spark: installing openjdk-17-jre-headless" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq openjdk-17-jre-headless >&2
  else
    echo "bootstrap-spark: Spark needs a Java 17 runtime; install one first, e.g. 'sudo apt-get install openjdk-17-jre-headless'" >&2
    exit 2
  fi
fi

PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import pyspark, pyarrow, pandas, pytest' >/dev/null 2>&1; then
  echo "bootstrap-spark: installing pyspark[sql] and pytest with pip" >&2
  "$PYTHON" -m pip install -q 'pyspark[sql]>=4.0' pytest >&2
fi
