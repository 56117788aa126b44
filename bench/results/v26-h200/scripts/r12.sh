#!/usr/bin/env bash
# v26 run 12: the fp8 weight gradient against the fp8 forward on the same
# one-group GEMM (dW [4096, 7168] reducing over 8,192 rows; forward 4,096
# rows x 7168 x K = 8192): mggemm-run --bench, alternating, 3 rounds, then
# ncu (speed of light, warp states, scheduler) of one launch of each.
set -u
cd "$(dirname "$0")/../.."
export MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
run=stage/bin/mggemm-run
fwd="--variant forward --dtype e4m3 --groups 1 --m 4096 --n 7168 --k 8192"
dw="--variant grad_weight --dtype e4m3 --groups 1 --m 8192 --n 4096 --k 7168"
t0=$SECONDS
for r in 1 2 3; do
  for c in fwd dw; do
    eval args=\$$c
    echo "round $r $c: $($run $args --bench --iters 100 --warmup 10 | grep -E '^bench|^kernel' | tr '\n' ' ')"
  done
done | tee $OUT/dw-vs-fwd-r12.txt
for c in fwd dw; do
  eval args=\$$c
  timeout 150 ncu --clock-control none -k regex:mggemm --launch-skip 2 --launch-count 1 --section SpeedOfLight --section WarpStateStats --section SchedulerStats --section Occupancy $run $args --bench --iters 3 --warmup 2 > $OUT/ncu-$c-r12.txt 2>&1; echo "ncu $c rc=$?"
done
grep -E "Duration|Elapsed Cycles|SM Busy|Compute \(SM\) Throughput|Memory Throughput|Issued Warp|No Eligible|Stall|Registers|Warp Cycles Per Issued" $OUT/ncu-*-r12.txt | head -60
echo "all done at $((SECONDS-t0)) s"
