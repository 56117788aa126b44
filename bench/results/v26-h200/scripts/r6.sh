#!/usr/bin/env bash
# v26 run 6 (branch exp/fp8-dw-tiles: three more fp8 weight-gradient tiles
# in the library): each checked once, then tune_tiles.py --dtype e4m3 on the
# weight gradient of three anchor shapes, both splits, 2 rounds.
set -u
cd "$(dirname "$0")/../.."
run=stage/bin/mggemm-run
export MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
t0=$SECONDS
for tile in 128x192x128s4c2 128x128x128s6c2 128x128x128s6c1 128x192x128s4c1; do
  for sp in balanced imbalanced; do
    $run --variant grad_weight --dtype e4m3 --groups 8 --m 4096 --n 2048 --k 1000 --split $sp --tile $tile --check 2>&1 | tail -1 | sed "s/^/$tile $sp: /"
  done
done | tee $OUT/dwtiles-check-r6.txt
echo "checks done at $((SECONDS-t0)) s"
timeout 500 python3 stage/bench/tune_tiles.py --run $run --out $OUT --dtype e4m3 --variants grad_weight --shapes 8x16384x4096x7168,32x65536x4096x7168,64x65536x2048x7168 2>&1 | tee $OUT/dwtiles-r6.txt
echo "all done at $((SECONDS-t0)) s"
