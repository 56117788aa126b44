#!/usr/bin/env bash
# v26 run 10 (branch exp/fp8-fwd-tiles: 128 x 192 without clusters added for
# the fp8 forward, row and block scales): checked once each, then the
# forward's tiles (128 x 192 on clusters, 128 x 128 s6 and 128 x 192
# without) on few-row and two large shapes, 3 rounds.
set -u
cd "$(dirname "$0")/../.."
export MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
run=stage/bin/mggemm-run
t0=$SECONDS
for dt in e4m3 e4m3_block; do
  for sp in balanced imbalanced; do
    $run --variant forward --dtype $dt --groups 8 --m 3000 --n 520 --k 1000 --split $sp --tile 128x192x128s4c1 --check 2>&1 | tail -1 | sed "s/^/$dt $sp: /"
  done
done | tee $OUT/fwdtiles-check-r10.txt
shapes=128x8192x2048x7168,64x8192x4096x7168,256x32768x2048x7168,32x4096x7168x2048,32x65536x4096x7168,16x32768x7168x2048
for dt in e4m3 e4m3_block; do
  timeout 250 python3 stage/bench/tune_tiles.py --run $run --out /tmp --dtype $dt --variants forward --rounds 3 --iters 50 --shapes $shapes 2>&1 | tee $OUT/fwdtiles-$dt-r10.txt
done
echo "all done at $((SECONDS-t0)) s"
