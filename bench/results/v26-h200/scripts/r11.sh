#!/usr/bin/env bash
# v26 run 11 (main, final code): the runtime's unit tests and mggemm-run
# --list (preflight), then the whole Python suite on the GPU.
set -u
cd "$(dirname "$0")/../.."
export PYTHONPATH=$PWD/stage/python MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
t0=$SECONDS
stage/run-gpu-tests.sh preflight 2>&1 | tail -3
timeout 300 python3 -m pytest -q stage/python/tests > $OUT/pytest-all-r11.txt 2>&1; echo "pytest rc=$?"; tail -1 $OUT/pytest-all-r11.txt; grep -E "FAILED|ERROR" $OUT/pytest-all-r11.txt | head -20
echo "all done at $((SECONDS-t0)) s"
