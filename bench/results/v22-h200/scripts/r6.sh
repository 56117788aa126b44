#!/usr/bin/env bash
# v22 step 6: the benchmark's weight-gradient variants on the kept kernels
# (peers in the same run), then the fp8 dW Python GPU tests.
set -u
cd "$(dirname "$0")/../.."
export PYTHONPATH=$PWD/stage/python MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
t0=$SECONDS
timeout 330 python3 -m mggemm.bench --out $OUT/bench --variants grad_weight,fp8_grad_weight --no-progress --no-plots > $OUT/bench-stdout.txt 2>&1; echo "bench rc=$?"
grep -v "^note" $OUT/bench-stdout.txt | tail -40
echo "bench done at $((SECONDS-t0)) s"
timeout 120 python3 -m pytest -q stage/python/tests/test_gpu_fp8.py -k "grad_weight or grouped_columns" > $OUT/pytest-fp8.txt 2>&1; echo "pytest rc=$?"; tail -1 $OUT/pytest-fp8.txt
echo "all done at $((SECONDS-t0)) s"
