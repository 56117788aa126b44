#!/usr/bin/env bash
# v22 step 9: fp8 dW k-blocks starting at the 32- or 64-aligned column before
# the group (va32, va64) instead of the 128-aligned one (kept): checks, then
# an alternating A/B.
set -u
cd "$(dirname "$0")/../.."
for v in va32 va64; do for dt in e4m3 e4m3_fast; do
  for args in "--sizes 512,0,1000,37,3,200,1,15,8 --n 264 --k 136" "--m 1072 --sizes 33,700,27,0,300 --n 400 --k 136" \
              "--groups 8 --m 8192 --n 2048 --k 7168 --split imbalanced" "--groups 128 --m 8192 --n 2048 --k 7168 --split imbalanced"; do
    echo "$v $dt $args: $(timeout 60 stage/$v/bin/mggemm-run --variant grad_weight --dtype $dt $args 2>&1 | grep -E 'check dw|rror')"
  done
done; done | tee $OUT/checks.txt | grep -c PASS
declare -A S
S[A_balanced]="--groups 8 --m 16384 --split balanced --n 4096 --k 7168"
S[B_python_imb]="--sizes 1734,0,6832,1871,33,5335,552,27 --n 4096 --k 7168"
S[F_bal_offset64]="--sizes 2112,2048,2048,2048,2048,2048,2048,1984 --n 4096 --k 7168"
S[I_g128_imb]="--groups 128 --m 8192 --split imbalanced --n 2048 --k 7168"
S[L_g32_imb]="--groups 32 --m 65536 --split imbalanced --n 4096 --k 7168"
for rep in 1 2; do for k in A_balanced B_python_imb F_bal_offset64 I_g128_imb L_g32_imb; do for v in kept va32 va64; do
  bin=stage/bin/mggemm-run; [[ $v != kept ]] && bin=stage/$v/bin/mggemm-run
  echo "$rep e4m3 $k $v: $(timeout 60 $bin --bench --iters 40 --variant grad_weight --dtype e4m3 ${S[$k]} 2>&1 | grep ^bench | sed 's/.*launches.*: //')"
done; done; done | tee $OUT/ab.txt
