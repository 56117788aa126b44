#!/usr/bin/env bash
# v26 run 14 (review: one amax -> scale helper per side, ops._e4m3_scale and
# _quantize_kernels._e4m3_scale_of): the fp8 Python GPU tests, whose
# quantizer tests compare the kernels' bits with the torch ops'.
set -u
cd "$(dirname "$0")/../.."
export PYTHONPATH=$PWD/stage/python MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
timeout 200 python3 -m pytest -q stage/python/tests/test_gpu_fp8.py > $OUT/pytest-fp8-r14.txt 2>&1; echo "pytest rc=$?"; tail -1 $OUT/pytest-fp8-r14.txt; grep -E "FAILED|ERROR" $OUT/pytest-fp8-r14.txt | head
