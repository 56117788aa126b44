#!/usr/bin/env bash
# Runs the Python package's tests: CPU tests everywhere; torch, CUDA and
# runtime tests where those exist (skipped with a reason otherwise).
# Installs pytest if it is missing. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -c "import pytest" 2>/dev/null || python3 -m pip install -q "pytest>=7"
exec python3 -m pytest python/tests -q "$@"
