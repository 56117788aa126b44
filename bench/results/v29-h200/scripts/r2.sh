#!/usr/bin/env bash
# v29 run 2: is d0 (block kernel, no scale loads in the loop) slower than the
# row kernel in cycles or in clock? ncu cycles of each on one case, then the
# A/B with the SM clock at the end of each bench.
set -u
cd "$(dirname "$0")/../.."
t0=$SECONDS
a="--groups 8 --m 16384 --n 4096 --k 7168 --split balanced"
m="gpc__cycles_elapsed.max,sm__cycles_active.avg,smsp__inst_executed.sum,sm__pipe_tensor_op_gmma_cycles_active.avg.pct_of_peak_sustained_active,gpu__time_duration.sum,smsp__cycles_elapsed.avg.per_second"
for v in "row main e4m3" "blk main e4m3_block" "d0 d0 e4m3_block"; do
  set -- $v
  echo "== $1"
  ncu --clock-control none -k regex:mggemm --launch-skip 5 --launch-count 3 --metrics $m stage/$2/bin/mggemm-run --dtype $3 $a --bench --iters 10 --warmup 2 2>&1 | grep -E "mggemm_|gpc__|sm__|smsp__|gpu__" | head -40
done > $OUT/ncu-cycles-r2.txt
cat $OUT/ncu-cycles-r2.txt
for r in 1 2; do
  for v in "row main e4m3" "blk main e4m3_block" "d0 d0 e4m3_block"; do
    set -- $v
    echo "round $r $1: $(stage/$2/bin/mggemm-run --dtype $3 $a --bench --iters 400 --warmup 20 | grep -E 'median|SM clock' | sed 's/ (min.*TFLOP/ TFLOP/' | tr '\n' ' ')"
  done
done | tee $OUT/ab-clock-r2.txt
echo "all done at $((SECONDS-t0)) s"
