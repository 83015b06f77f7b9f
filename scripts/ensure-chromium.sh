#!/usr/bin/env bash
# Chromium is used by one test: it opens a report headless and checks that the plot is
# drawn, nothing logs an error and nothing is fetched from the network. On Debian as root
# it is installed from Debian's packages (waiting up to ~5 minutes for another apt process's
# lock); elsewhere that test is skipped with a message, except under CI=true, where it fails
# (set CHROMIUM=/path/to/chromium to use another build).
set -uo pipefail
if [ -x "${CHROMIUM:-/usr/bin/chromium}" ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: installing Debian's chromium for the report test…" >&2
  export DEBIAN_FRONTEND=noninteractive
  # Another apt process may hold the lock (e.g. an unattended upgrade): wait for it, bounded.
  for attempt in $(seq 1 30); do
    if apt-get -o DPkg::Lock::Timeout=60 update -qq >&2 && apt-get -o DPkg::Lock::Timeout=60 install -y -qq --no-install-recommends chromium >&2; then exit 0; fi
    echo "ensure-chromium: apt failed (attempt $attempt/30; lock held?), retrying in 10 s…" >&2
    sleep 10
  done
fi
echo "ensure-chromium: no Chromium; the headless report test will be skipped (apt-get install chromium)." >&2
exit 0
