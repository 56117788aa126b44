#!/usr/bin/env bash
# v26 run 2: run 1's two failed block tests (fixed: strides of size-1 dims,
# opcheck without NaN), the bench's tests, then the training variants with
# the new fp8_block_train on three anchor shapes ($OUT/train).
set -u
cd "$(dirname "$0")/../.."
export PYTHONPATH=$PWD/stage/python MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
t0=$SECONDS
timeout 150 python3 -m pytest -q stage/python/tests/test_bench.py "stage/python/tests/test_gpu_fp8.py::test_quantize_blockwise_kernel_matches_torch_ops" stage/python/tests/test_gpu_fp8.py::test_quantize_blockwise_kernel_keeps_nan_and_opcheck > $OUT/pytest-r2.txt 2>&1; echo "pytest rc=$?"; tail -1 $OUT/pytest-r2.txt; grep FAILED $OUT/pytest-r2.txt | head
echo "tests done at $((SECONDS-t0)) s"
mkdir -p $OUT/train; timeout 480 python3 -m mggemm.bench --out $OUT/train --variants train,fp8_train,fp8_train_dw,fp8_block_train --shapes 8x16384x4096x7168,32x65536x4096x7168,64x65536x2048x7168 --no-progress 2>&1 | grep -v Warning > $OUT/train/summary.txt; echo "bench rc=$?"
cat $OUT/train/summary.txt
echo "all done at $((SECONDS-t0)) s"
