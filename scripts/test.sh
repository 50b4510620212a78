#!/usr/bin/env bash
# Sets up .venv if needed, checks the code style (ruff), then runs the test suite on 2 cores. Extra
# arguments go to pytest, e.g. scripts/test.sh -m "not slow" or scripts/test.sh tests/test_mechanisms.py.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
.venv/bin/ruff check .
.venv/bin/ruff format --check .
exec .venv/bin/python -m pytest -n 2 "$@"
