#!/usr/bin/env bash
# v25 run 7: the benchmark's training variants (train, fp8_train,
# fp8_train_dw): the bench's GPU tests, then the bench on three anchor
# shapes (results.json and plots in $OUT/train).
set -u
cd "$(dirname "$0")/../.."
export PYTHONPATH=$PWD/stage/python MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
t0=$SECONDS
timeout 120 python3 -m pytest -q stage/python/tests/test_bench.py > $OUT/pytest-bench-r7.txt 2>&1; echo "pytest rc=$?"; tail -1 $OUT/pytest-bench-r7.txt; grep FAILED $OUT/pytest-bench-r7.txt | head
echo "tests done at $((SECONDS-t0)) s"
mkdir -p $OUT/train; timeout 330 python3 -m mggemm.bench --out $OUT/train --variants train,fp8_train,fp8_train_dw --shapes 8x16384x4096x7168,32x65536x4096x7168,64x65536x2048x7168 --no-progress 2>&1 | grep -v Warning > $OUT/train/summary.txt; echo "bench rc=$?"
cat $OUT/train/summary.txt
echo "all done at $((SECONDS-t0)) s"
