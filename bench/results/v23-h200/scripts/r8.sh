#!/usr/bin/env bash
# v23 run 8: the row-scaled training path's fp8 dW on the forward's fp8 X:
# tests, timing (and transpose tiles), the MoE example.
set -u
cd "$(dirname "$0")/../.."
export PYTHONPATH=$PWD/stage/python MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
t0=$SECONDS
timeout 150 python3 -m pytest -q stage/python/tests/test_gpu_fp8.py stage/python/tests/test_gpu_moe.py > $OUT/pytest-fp8-moe-r8.txt 2>&1; echo "pytest rc=$?"; tail -1 $OUT/pytest-fp8-moe-r8.txt; grep FAILED $OUT/pytest-fp8-moe-r8.txt | head
echo "tests done at $((SECONDS-t0)) s"
timeout 200 python3 stage/scratch/dwprof.py 2>&1 | grep -v Warning | tee $OUT/dwprof.txt
echo "dwprof done at $((SECONDS-t0)) s"
timeout 150 python3 stage/python/examples/moe.py --backend all --steps 50 --no-progress --log-every 100 --json $OUT/moe-example.json > $OUT/moe-example.txt 2>&1; echo "moe rc=$?"
grep -A10 "^backend" $OUT/moe-example.txt
echo "all done at $((SECONDS-t0)) s"
