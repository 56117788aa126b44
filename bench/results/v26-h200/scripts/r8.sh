#!/usr/bin/env bash
# v26 run 8 (exp/fp8-dw-tiles): the weight gradient's tiles where experts
# get few tokens (64 to 512 rows per group), fp8 and bf16, 3 rounds: does
# run 7's G = 128 result (128 x 192 without clusters 4-5% faster in fp8)
# hold on other few-row shapes, and does bf16 gain the same?
set -u
cd "$(dirname "$0")/../.."
export MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
t0=$SECONDS
shapes=128x8192x2048x7168,64x8192x4096x7168,256x32768x2048x7168,32x4096x4096x7168,32x16384x4096x7168
for dt in e4m3 bf16; do
  mkdir -p $OUT/$dt
  timeout 280 python3 stage/bench/tune_tiles.py --run stage/bin/mggemm-run --out $OUT/$dt --dtype $dt --variants grad_weight --rounds 3 --iters 50 --shapes $shapes 2>&1 | tee $OUT/dwtiles-$dt-r8.txt
done
echo "all done at $((SECONDS-t0)) s"
