#!/usr/bin/env bash
# v29 run 14 (review): the fp8 quantizers' Triton kernels after the LOG_G
# helper, through the Python fp8 tests on the GPU.
set -u
cd "$(dirname "$0")/../.."
export PYTHONPATH=$PWD/stage/python MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
python3 -m pytest -q -x stage/python/tests/test_gpu_fp8.py stage/python/tests/test_ops_fp8.py 2>&1 | tail -5 | tee $OUT/pytest-fp8-r14.txt
