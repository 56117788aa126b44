#!/usr/bin/env bash
# v29 run 7: where the stage-copied scales lose at K = 2048 (run 6): ncu
# --set full of main's and run 6's block kernel on 32768 x 7168 x 2048,
# G = 8 balanced; and the --check that failed in run 6, on main too.
set -u
cd "$(dirname "$0")/../.."
t0=$SECONDS
for v in main new; do
  bin=stage/$v/bin/mggemm-run; [ $v = new ] && bin=stage/bin/mggemm-run
  echo "check $v: $($bin --dtype e4m3_block --groups 5 --m 3000 --n 320 --k 136 --split imbalanced --check 2>&1 | tail -3 | tr '\n' ' ')"
  timeout 200 ncu --clock-control none -k regex:mggemm --launch-skip 1 --launch-count 1 --set full -o $OUT/$v $bin --dtype e4m3_block --groups 8 --m 32768 --n 7168 --k 2048 --split balanced --bench --iters 2 --warmup 1 > $OUT/$v.log 2>&1
  echo "ncu $v rc=$? at $((SECONDS-t0)) s"
  ncu -i $OUT/$v.ncu-rep --page details > $OUT/$v-details.txt 2>&1
  ncu -i $OUT/$v.ncu-rep --page source --csv --print-source sass 2>/dev/null | gzip > $OUT/$v-sass.csv.gz
  rm -f $OUT/$v.ncu-rep
  grep -E "Elapsed Cycles|Duration|Executed Ipc Active|L2 Hit Rate" $OUT/$v-details.txt
done
echo "all done at $((SECONDS-t0)) s"
