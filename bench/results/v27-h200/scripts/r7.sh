#!/usr/bin/env bash
# v27 run 7: main's packed layout against the padded one in one process
# (scripts/ab_layout.py), after the layout became one Triton kernel; the fp8 Python GPU tests.
set -u
cd "$(dirname "$0")/../.."
t0=$SECONDS
export MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
PYTHONPATH=$PWD/stage/python timeout 200 python3 -m pytest -q stage/python/tests/test_gpu_fp8.py stage/python/tests/test_ops_fp8.py > $OUT/pytest-r7.txt 2>&1; echo "pytest rc=$?"; tail -1 $OUT/pytest-r7.txt
PYTHONPATH=$PWD/stage/python:$PWD/stage/abpkg timeout 420 python3 stage/scratch/ab_layout.py 2>&1 | grep -v Warning | tee $OUT/ab-layout-r7.txt
echo "all done at $((SECONDS-t0)) s"
