#!/usr/bin/env bash
# v27 run 8: the padded layout with rows a multiple of 128 columns (run 7's
# were 96 bytes off 128-byte lines where G = 32 and 64). The fp8 Python GPU
# tests; main's packed layout against it in one process
# (scripts/ab_layout.py); the benchmark's weight gradients on the anchor
# shapes ($OUT/dw) and whole training products on three ($OUT/train).
set -u
cd "$(dirname "$0")/../.."
t0=$SECONDS
export MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
PYTHONPATH=$PWD/stage/python timeout 200 python3 -m pytest -q stage/python/tests/test_gpu_fp8.py stage/python/tests/test_ops_fp8.py > $OUT/pytest-r8.txt 2>&1; echo "pytest rc=$?"; tail -1 $OUT/pytest-r8.txt; grep -E "FAILED|ERROR" $OUT/pytest-r8.txt | head
PYTHONPATH=$PWD/stage/python:$PWD/stage/abpkg timeout 150 python3 stage/scratch/ab_layout.py 2>&1 | grep -v Warning | tee $OUT/ab-layout-r8.txt
echo "a/b done at $((SECONDS-t0)) s"
mkdir -p $OUT/dw; PYTHONPATH=$PWD/stage/python timeout 150 python3 -m mggemm.bench --out $OUT/dw --variants grad_weight,fp8_grad_weight --no-progress --no-plots 2>&1 | grep -v Warning > $OUT/dw/summary.txt; echo "bench rc=$?"
cat $OUT/dw/summary.txt
mkdir -p $OUT/train; PYTHONPATH=$PWD/stage/python timeout 150 python3 -m mggemm.bench --out $OUT/train --variants train,fp8_train,fp8_train_dw --shapes 8x16384x4096x7168,32x65536x4096x7168,64x65536x2048x7168 --no-progress --no-plots 2>&1 | grep -v Warning > $OUT/train/summary.txt; echo "bench rc=$?"
cat $OUT/train/summary.txt
echo "all done at $((SECONDS-t0)) s"
