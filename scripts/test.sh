#!/usr/bin/env bash
# Set up this checkout (see bootstrap.sh) and run the whole test suite.
# Extra arguments go to pytest, e.g. scripts/test.sh -k render -x
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
cd "$ROOT"
"$VENV/bin/ruff" check src tests bench
"$VENV/bin/ruff" format --check --quiet src tests bench
exec "$VENV/bin/python" -m pytest "$@"
