#!/bin/bash
# Session 6 run 8: ncu source counters (warp stall sampling per SASS line) of the block-scaled 128x192 kernel.
cd "$(dirname "$0")/../.."
ncu --clock-control none -k regex:mggemm_ --launch-skip 2 --launch-count 1 --section WarpStateStats --section SourceCounters --page source --print-source sass --csv \
  stage/bin/mggemm-run --bench --iters 3 --warmup 0 --dtype e4m3_block --groups 8 --m 16384 --n 4096 --k 7168 > $OUT/src.csv 2>&1; echo "rc=$?"
ncu --clock-control none -k regex:mggemm_ --launch-skip 2 --launch-count 1 --section WarpStateStats --section SourceCounters --page details --csv \
  stage/bin/mggemm-run --bench --iters 3 --warmup 0 --dtype e4m3_block --groups 8 --m 16384 --n 4096 --k 7168 > $OUT/details.csv 2>&1; echo "rc=$?"
gzip -f $OUT/src.csv; ls -la $OUT
