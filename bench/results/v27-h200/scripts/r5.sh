#!/usr/bin/env bash
# v27 run 5: the whole Python suite on the GPU (this build: padded layout,
# aligned kernel path); then whole training products (quantization
# included) on three anchor shapes: bf16 and fp8 with the fp8 weight
# gradient ($OUT/train), and main's Python and runtime on the latter
# ($OUT/train-main), mggemm only.
set -u
cd "$(dirname "$0")/../.."
t0=$SECONDS
export MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
PYTHONPATH=$PWD/stage/python timeout 300 python3 -m pytest -q stage/python/tests > $OUT/pytest-all-r5.txt 2>&1; echo "pytest rc=$?"; tail -1 $OUT/pytest-all-r5.txt; grep -E "FAILED|ERROR" $OUT/pytest-all-r5.txt | head
echo "tests done at $((SECONDS-t0)) s"
shapes=8x16384x4096x7168,32x65536x4096x7168,64x65536x2048x7168
left=$(( (540 - (SECONDS - t0)) / 2 ))
mkdir -p $OUT/train; PYTHONPATH=$PWD/stage/python timeout $left python3 -m mggemm.bench --out $OUT/train --variants train,fp8_train_dw --shapes $shapes --no-progress --no-plots 2>&1 | grep -v Warning > $OUT/train/summary.txt; echo "bench rc=$?"
cat $OUT/train/summary.txt
left=$((540 - (SECONDS - t0)))
mkdir -p $OUT/train-main; MGGEMM_RUNTIME_LIB=$PWD/stage/main/lib/libmggemm_runtime.so PYTHONPATH=$PWD/stage/oldpy timeout $left python3 -m mggemm.bench --out $OUT/train-main --variants fp8_train_dw --impls mggemm --shapes $shapes --no-progress --no-plots 2>&1 | grep -v Warning > $OUT/train-main/summary.txt; echo "bench main rc=$?"
cat $OUT/train-main/summary.txt
echo "all done at $((SECONDS-t0)) s"
