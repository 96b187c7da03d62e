#!/usr/bin/env bash
# Creates .venv (once) and installs git-migrate with every extra into it. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip >/dev/null
.venv/bin/python -m pip install --quiet -e '.[all,dev]'
# `git migrate --help` is `man git-migrate`; editable installs skip the man pages (data files,
# setuptools#3399), so link them where man-db looks for this PATH entry
mkdir -p .venv/share/man/man1
ln -sf "$PWD"/man/man1/*.1 .venv/share/man/man1/
