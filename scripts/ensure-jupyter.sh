#!/usr/bin/env bash
# Makes sure a Python with Jupyter's nbclient/nbconvert and ipykernel is available.
# On Debian as root: installs Debian's Jupyter packages. Elsewhere: says what to install.
# Prints the Python interpreter to use on stdout.
set -euo pipefail

have() { "$1" -c 'import nbclient, nbconvert, ipykernel, jupyter_client' >/dev/null 2>&1; }

for py in ${PYTHON:-} /usr/bin/python3 python3; do
  if [ -n "$py" ] && command -v "$py" >/dev/null 2>&1 && have "$py"; then echo "$py"; exit 0; fi
done

pkgs="jupyter-notebook jupyter-nbconvert python3-nbconvert python3-nbclient jupyter-client python3-ipykernel"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-jupyter: installing Debian's Jupyter packages ($pkgs)…" >&2
  export DEBIAN_FRONTEND=noninteractive
  # Another apt process may hold the lock: wait for it, bounded (30 attempts, ~5 minutes).
  for attempt in $(seq 1 30); do
    if apt-get -o DPkg::Lock::Timeout=60 update -qq >&2 && apt-get -o DPkg::Lock::Timeout=60 install -y -qq --no-install-recommends $pkgs >&2; then break; fi
    echo "ensure-jupyter: apt failed (attempt $attempt/30; lock held?), retrying in 10 s…" >&2
    sleep 10
  done
  if have /usr/bin/python3; then echo /usr/bin/python3; exit 0; fi
fi

cat >&2 <<MSG
ensure-jupyter: no Python with Jupyter (nbclient, nbconvert, ipykernel) was found.
Install one of:
  Debian/Ubuntu (as root):  apt-get install --no-install-recommends $pkgs
  pip (any OS, e.g. your own JupyterLab environment):
                            python3 -m pip install "nbclient>=0.7" "nbconvert>=6.5" ipykernel jupyter_client
then run make again (set PYTHON=/path/to/python3 if it is not the first python3 on PATH).
MSG
exit 1
