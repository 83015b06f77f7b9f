#!/usr/bin/env bash
# Chromium is used by one test: it opens a report headless and checks that the plot is
# drawn, nothing logs an error and nothing is fetched from the network. On Debian as root
# it is installed from Debian's packages; elsewhere that test is skipped with a message
# (set CHROMIUM=/path/to/chromium to use another build).
set -uo pipefail
if [ -x "${CHROMIUM:-/usr/bin/chromium}" ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: installing Debian's chromium for the report test…" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 && apt-get install -y -qq --no-install-recommends chromium >&2 && exit 0
fi
echo "ensure-chromium: no Chromium; the headless report test will be skipped (apt-get install chromium)." >&2
exit 0
