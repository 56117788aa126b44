#!/usr/bin/env bash
# v22 step 10: the MoE example with fp8 weight gradients (mggemm_fp8_dw):
# its GPU tests, then 50 steps of every backend.
set -u
cd "$(dirname "$0")/../.."
export PYTHONPATH=$PWD/stage/python MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
t0=$SECONDS
timeout 200 python3 -m pytest -q stage/python/tests/test_gpu_moe.py > $OUT/pytest-moe.txt 2>&1; echo "pytest rc=$?"; tail -1 $OUT/pytest-moe.txt
echo "tests done at $((SECONDS-t0)) s"
timeout 300 python3 stage/python/examples/moe.py --backend all --steps 50 --no-progress --log-every 10 --json $OUT/moe.json > $OUT/moe.txt 2>&1; echo "moe rc=$?"
tail -12 $OUT/moe.txt
echo "all done at $((SECONDS-t0)) s"
