#!/usr/bin/env bash
# v30 run 8: the fp8 dW's transposed X made inside dY's grouped-column
# quantization op (one group layout): the fp8 Python tests and the Python
# ops' GPU tests, then host time against main's two-op path in one process.
set -u
cd "$(dirname "$0")/../.."
export MGGEMM_RUNTIME_LIB=$PWD/stage/main/lib/libmggemm_runtime.so PYTHONPATH=$PWD/stage/python
python -m pytest -q stage/python/tests/test_gpu_fp8.py stage/python/tests/test_ops_fp8.py stage/python/tests/test_gpu_ops.py stage/python/tests/test_gpu_moe.py 2>&1 | tail -4 | tee $OUT/pytest-r8.txt
python stage/scratch/foldcost.py 2>&1 | tee $OUT/foldcost-r8.txt
