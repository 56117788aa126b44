#!/usr/bin/env bash
# v29 run 10: where the deferred stores (run 9) lose: ncu --set full of
# main's and run 9's block kernel on 16384 x 4096 x 7168, G = 8.
set -u
cd "$(dirname "$0")/../.."
t0=$SECONDS
for v in main new; do
  bin=stage/$v/bin/mggemm-run; [ $v = new ] && bin=stage/bin/mggemm-run
  timeout 200 ncu --clock-control none -k regex:mggemm --launch-skip 1 --launch-count 1 --set full -o $OUT/$v $bin --dtype e4m3_block --groups 8 --m 16384 --n 4096 --k 7168 --split balanced --bench --iters 2 --warmup 1 > $OUT/$v.log 2>&1
  echo "ncu $v rc=$? at $((SECONDS-t0)) s"
  ncu -i $OUT/$v.ncu-rep --page details > $OUT/$v-details.txt 2>&1
  ncu -i $OUT/$v.ncu-rep --page source --csv --print-source sass 2>/dev/null | gzip > $OUT/$v-sass.csv.gz
  rm -f $OUT/$v.ncu-rep
  grep -E "Elapsed Cycles|Executed Ipc Active|L2 Hit Rate" $OUT/$v-details.txt
done
echo "all done at $((SECONDS-t0)) s"
