#!/usr/bin/env bash
# Creates .venv with Python 3.12+ and installs the project and its dev tools into it.
# Idempotent: installs again only when pyproject.toml changes. Set PYTHON=/path/to/python3.12 to choose.
set -euo pipefail
cd "$(dirname "$0")/.."

usable() { "$1" -c 'import sys; sys.exit(not ((3, 12) <= sys.version_info[:2] < (3, 14)))' 2>/dev/null; }

find_python() {
  local c
  for c in "${PYTHON:-}" python3.12 python3.13 python3; do
    [ -n "$c" ] && command -v "$c" >/dev/null 2>&1 && usable "$c" && { command -v "$c"; return; }
  done
  # pyenv keeps other versions out of PATH unless selected: look in its folder too.
  for c in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[23]*/bin/python3; do
    [ -x "$c" ] && usable "$c" && { echo "$c"; return; }
  done
  return 1
}

if [ ! -x .venv/bin/python ] || ! usable .venv/bin/python; then
  py=$(find_python) || { echo "error: Python 3.12 or 3.13 is needed; set PYTHON=/path/to/python3.12" >&2; exit 1; }
  echo "setting up .venv with $py" >&2
  rm -rf .venv
  "$py" -m venv .venv
fi
stamp=".venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "installing dependencies into .venv (first run takes a minute or two)" >&2
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
  rm -f .venv/.installed-*
  touch "$stamp"
fi

# The app's browser test (tests/test_app.py) drives Debian's chromium; install it when missing and we can.
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing chromium for the app's browser test" >&2
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
    || echo "warning: could not install chromium; the browser test will be skipped" >&2
fi
