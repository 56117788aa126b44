#!/usr/bin/env bash
# v22 step 1: what the imbalanced fp8 dW pays for: masked k-blocks (groups
# off 128-column boundaries), group imbalance itself, or tiny/empty groups.
set -u
cd "$(dirname "$0")/../.."
R=stage/bin/mggemm-run
declare -A S
S[A_balanced]="--groups 8 --m 16384 --split balanced"
S[B_python_imb]="--sizes 1734,0,6832,1871,33,5335,552,27"
S[C_imb_aligned_empty]="--sizes 1792,0,6784,1920,0,5248,640,0"
S[D_imb_aligned_small]="--sizes 1792,0,6784,1920,128,5120,512,128"
S[E_two_groups]="--sizes 8192,8192,0,0,0,0,0,0"
S[F_bal_offset64]="--sizes 2112,2048,2048,2048,2048,2048,2048,1984"
S[G_bal_offset16]="--sizes 2064,2048,2048,2048,2048,2048,2048,2032"
for rep in 1 2; do
for dt in e4m3 bf16; do for k in A_balanced B_python_imb C_imb_aligned_empty D_imb_aligned_small E_two_groups F_bal_offset64 G_bal_offset16; do
  echo "$rep $dt $k: $(timeout 60 $R --bench --iters 40 --variant grad_weight --dtype $dt ${S[$k]} --n 4096 --k 7168 2>&1 | grep ^bench | sed 's/.*launches.*: //')"
done; done; done | tee $OUT/bench.txt
M=gpu__time_duration.sum,dram__bytes_read.sum,lts__t_sector_hit_rate.pct,sm__pipe_tensor_op_gmma_cycles_active.avg.pct_of_peak_sustained_active,sm__cycles_active.avg
for k in A_balanced C_imb_aligned_empty F_bal_offset64; do
  echo "== e4m3 $k"
  timeout 60 ncu --kernel-name regex:grad_weight --launch-skip 3 --launch-count 1 --metrics $M $R --bench --iters 4 --warmup 1 --variant grad_weight --dtype e4m3 ${S[$k]} --n 4096 --k 7168 2>&1 | grep -E "duration|bytes|hit_rate|gmma|cycles_active"
done | tee $OUT/ncu.txt
