#!/usr/bin/env bash
# v26 run 7 (exp/fp8-dw-tiles again): run 6's weight-gradient tile sweep on
# all seven anchor shapes, 3 rounds of 50 launches.
set -u
cd "$(dirname "$0")/../.."
export MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
t0=$SECONDS
timeout 500 python3 stage/bench/tune_tiles.py --run stage/bin/mggemm-run --out $OUT --dtype e4m3 --variants grad_weight --rounds 3 --iters 50 2>&1 | tee $OUT/dwtiles-r7.txt
echo "all done at $((SECONDS-t0)) s"
