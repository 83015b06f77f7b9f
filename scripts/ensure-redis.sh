#!/usr/bin/env bash
# Debian's redis-server is used by the sweep tests of the job queue (BullMQ): each test
# starts its own server on loopback at a random port, without persistence, and stops it.
# On Debian as root it is installed from Debian's packages (waiting up to ~5 minutes for
# another apt process's lock); elsewhere those tests are skipped with a message, except
# under CI=true, where they fail (set REDIS_SERVER=/path/to/redis-server to use another build).
set -uo pipefail
if [ -x "${REDIS_SERVER:-/usr/bin/redis-server}" ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-redis: installing Debian's redis-server for the queue tests…" >&2
  export DEBIAN_FRONTEND=noninteractive
  for attempt in $(seq 1 30); do
    if apt-get -o DPkg::Lock::Timeout=60 update -qq >&2 && apt-get -o DPkg::Lock::Timeout=60 install -y -qq --no-install-recommends redis-server >&2; then
      # The package starts a system service on port 6379; the tests start their own servers.
      exit 0
    fi
    echo "ensure-redis: apt failed (attempt $attempt/30; lock held?), retrying in 10 s…" >&2
    sleep 10
  done
fi
echo "ensure-redis: no redis-server; the job-queue tests will be skipped (apt-get install redis-server)." >&2
exit 0
