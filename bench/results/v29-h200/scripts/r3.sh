#!/usr/bin/env bash
# v29 run 3: ncu --set full of the row kernel (main) and d0 (block kernel,
# no scale loads in the loop) on 16384 x 4096 x 7168, G = 8 balanced:
# where d0's 10% more cycles (run 2) go. Details as text, SASS as CSV.
set -u
cd "$(dirname "$0")/../.."
t0=$SECONDS
shape="--groups 8 --m 16384 --n 4096 --k 7168 --split balanced"
prof() { # name, variant, dtype
  timeout 200 ncu --clock-control none -k regex:mggemm --launch-skip 1 --launch-count 1 --set full -o $OUT/$1 stage/$2/bin/mggemm-run --dtype $3 $shape --bench --iters 2 --warmup 1 > $OUT/$1.log 2>&1
  echo "ncu $1 rc=$? at $((SECONDS-t0)) s"
  ncu -i $OUT/$1.ncu-rep --page details > $OUT/$1-details.txt 2>&1
  ncu -i $OUT/$1.ncu-rep --page source --csv --print-source sass 2>/dev/null | gzip > $OUT/$1-sass.csv.gz
  rm -f $OUT/$1.ncu-rep
}
prof row main e4m3
prof d0 d0 e4m3_block
echo "all done at $((SECONDS-t0)) s"
