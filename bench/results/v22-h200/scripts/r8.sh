#!/usr/bin/env bash
# v22 step 8: does the kept masker cost e4m3_fast 2% where nothing is
# masked (r4), or was that the run? v1 (consumers zero) against the kept
# kernels, alternating, balanced G = 8.
set -u
cd "$(dirname "$0")/../.."
A="--groups 8 --m 16384 --split balanced --n 4096 --k 7168"
for rep in 1 2 3 4; do for dt in e4m3_fast e4m3; do for v in v1 new; do
  bin=stage/bin/mggemm-run; [[ $v == v1 ]] && bin=stage/v1/bin/mggemm-run
  echo "$rep $dt $v: $(timeout 60 $bin --bench --iters 60 --variant grad_weight --dtype $dt $A 2>&1 | grep ^bench | sed 's/.*launches.*: //')"
done; done; done | tee $OUT/ab.txt
