#!/usr/bin/env bash
# v26 run 13: run 12's two kernels (the fp8 forward and weight gradient on
# the same one-group GEMM) under ncu --set full, one launch each, with the
# SASS source page (executed instructions and stall samples per
# instruction) exported as CSV, for where dW's extra instructions go.
set -u
cd "$(dirname "$0")/../.."
export MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
run=stage/bin/mggemm-run
fwd="--variant forward --dtype e4m3 --groups 1 --m 4096 --n 7168 --k 8192"
dw="--variant grad_weight --dtype e4m3 --groups 1 --m 8192 --n 4096 --k 7168"
t0=$SECONDS
for c in fwd dw; do
  eval args=\$$c
  timeout 120 ncu --clock-control none -k regex:mggemm --launch-skip 2 --launch-count 1 --set full --import-source no -o /tmp/$c $run $args --bench --iters 3 --warmup 2 > /tmp/ncu-$c.log 2>&1; echo "ncu $c rc=$?"
  ncu -i /tmp/$c.ncu-rep --page source --csv --print-source sass > $OUT/sass-$c-r13.csv 2>/dev/null; echo "source $c rc=$?"
  ncu -i /tmp/$c.ncu-rep --page details > $OUT/details-$c-r13.txt 2>&1
  ls -la $OUT/sass-$c-r13.csv
done
echo "all done at $((SECONDS-t0)) s"
