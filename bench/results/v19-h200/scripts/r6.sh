#!/bin/bash
# Session 8 run 6: ncu source-level SASS profile of the kept row and block fp8 kernels at short K
# (N 7168, K 2048), for the epilogue's share of the consumers' samples.
set -u
cd "$(dirname "$0")/../.."
L=$OUT/log; mkdir -p $L; exec > >(tee $L/main.txt) 2>&1
for dt in e4m3 e4m3_block; do
  timeout 200 ncu --clock-control none -k regex:mggemm --launch-skip 2 --launch-count 1 --set full --import-source no -o $OUT/$dt stage/bin/mggemm-run --bench --iters 3 --warmup 2 --dtype $dt --tile 128x192x128s4c2 --groups 16 --m 32768 --n 7168 --k 2048 > $L/ncu-$dt.log 2>&1; echo "ncu $dt rc=$?"
  ncu -i $OUT/$dt.ncu-rep --page source --csv --print-source sass > $OUT/$dt-sass.csv 2>/dev/null; echo "src rc=$?"
  ncu -i $OUT/$dt.ncu-rep --page details > $OUT/$dt-details.txt 2>&1
  rm -f $OUT/$dt.ncu-rep
done
