#!/usr/bin/env bash
# Why fp8 dW loses on the Python bench's imbalanced split: the same sizes
# through mggemm-run, timed and under ncu (DRAM bytes, L2 hit rate, tensor
# pipe), against the balanced split.
set -u
cd "$(dirname "$0")/../.."
R=stage/bin/mggemm-run
IMB="--sizes 1734,0,6832,1871,33,5335,552,27"
BAL="--groups 8 --m 16384 --split balanced"
for dt in e4m3 bf16; do for s in "$BAL" "$IMB"; do
  echo "$dt $s: $(timeout 60 $R --bench --iters 40 --variant grad_weight --dtype $dt $s --n 4096 --k 7168 2>&1 | grep ^bench | sed 's/.*launches.*: //')"
done; done | tee $OUT/bench.txt
M=gpu__time_duration.sum,dram__bytes_read.sum,dram__bytes_write.sum,lts__t_sector_hit_rate.pct,sm__pipe_tensor_op_gmma_cycles_active.avg.pct_of_peak_sustained_active,sm__cycles_active.avg,smsp__cycles_active.max
for dt in e4m3 bf16; do for s in "$BAL" "$IMB"; do
  echo "== $dt $s"
  timeout 60 ncu --kernel-name regex:grad_weight --launch-skip 3 --launch-count 1 --metrics $M $R --bench --iters 4 --warmup 1 --variant grad_weight --dtype $dt $s --n 4096 --k 7168 2>&1 | grep -E "duration|bytes|hit_rate|gmma|cycles_active"
done; done | tee $OUT/ncu.txt
