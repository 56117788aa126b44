#!/usr/bin/env bash
# v25 run 8: the block-scaled training path's Wᵀ through the byte-transpose
# kernel: the fp8 Python GPU tests, blockt.py.
set -u
cd "$(dirname "$0")/../.."
export PYTHONPATH=$PWD/stage/python MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
t0=$SECONDS
timeout 150 python3 -m pytest -q stage/python/tests/test_gpu_fp8.py > $OUT/pytest-fp8-r8.txt 2>&1; echo "pytest rc=$?"; tail -1 $OUT/pytest-fp8-r8.txt; grep FAILED $OUT/pytest-fp8-r8.txt | head
echo "tests done at $((SECONDS-t0)) s"
timeout 120 python3 stage/scratch/blockt.py 2>&1 | grep -v Warning | tee $OUT/blockt-r8.txt
echo "all done at $((SECONDS-t0)) s"
