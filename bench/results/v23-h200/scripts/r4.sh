#!/usr/bin/env bash
# v23 run 4: the quantizer's timing and tiles; the whole fp8 and MoE GPU tests.
set -u
cd "$(dirname "$0")/../.."
export PYTHONPATH=$PWD/stage/python MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
t0=$SECONDS
timeout 200 python3 stage/scratch/qprof3.py 2>&1 | grep -v Warning | tee $OUT/qprof3.txt
echo "qprof done at $((SECONDS-t0)) s"
timeout 250 python3 -m pytest -q stage/python/tests/test_gpu_fp8.py stage/python/tests/test_gpu_moe.py > $OUT/pytest-fp8-moe.txt 2>&1; echo "pytest rc=$?"; tail -2 $OUT/pytest-fp8-moe.txt
echo "all done at $((SECONDS-t0)) s"
