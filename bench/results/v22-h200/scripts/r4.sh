#!/usr/bin/env bash
# v22 step 4: stage masker threads wait for the phase they arrived on
# (synccheck "missing wait" in r3); synccheck/racecheck again, A/B against
# v1, and what the masker warps cost where nothing is masked (ncu).
set -u
cd "$(dirname "$0")/../.."
t0=$SECONDS
R=stage/bin/mggemm-run
for tool in synccheck racecheck; do
  for shape in "--sizes 0,1,130,77,0,64 --n 264 --k 200" "--sizes 3,0,125 --n 136 --k 72" "--m 160 --sizes 5,-3,200,77 --n 136 --k 72" "--m 1072 --sizes 33,700,27,0,300 --n 400 --k 136" "--m 4096 --sizes 33,700,27,0,300,2000,1,600 --n 520 --k 392"; do
    for dt in e4m3 e4m3_fast; do
      tile=128x192x128s4c2; [[ $dt == e4m3_fast ]] && tile=128x256x128s4c2
      if timeout 60 compute-sanitizer --tool $tool --error-exitcode 9 $R --variant grad_weight --dtype $dt $shape --tile $tile --check >>$OUT/sanitizer.log 2>&1; then r=clean; else r=FAIL; fi
      echo "$tool $dt $shape: $r"
    done
  done
done > $OUT/sanitizer-summary.txt; grep -c clean $OUT/sanitizer-summary.txt; grep FAIL $OUT/sanitizer-summary.txt
timeout 120 $R --stress 300 --threads 4 --seed 23 > $OUT/stress.txt 2>&1; echo "stress rc=$?"; tail -1 $OUT/stress.txt
echo "checks done at $((SECONDS-t0)) s"
declare -A S
S[A_balanced]="--groups 8 --m 16384 --split balanced --n 4096 --k 7168"
S[B_python_imb]="--sizes 1734,0,6832,1871,33,5335,552,27 --n 4096 --k 7168"
S[F_bal_offset64]="--sizes 2112,2048,2048,2048,2048,2048,2048,1984 --n 4096 --k 7168"
S[I_g128_imb]="--groups 128 --m 8192 --split imbalanced --n 2048 --k 7168"
S[K_bal_k14336]="--groups 8 --m 32768 --split balanced --n 4096 --k 14336"
for rep in 1 2; do
for k in A_balanced K_bal_k14336 B_python_imb F_bal_offset64 I_g128_imb; do
  for dt in e4m3 e4m3_fast; do
    for v in v1 new; do
      bin=$R; [[ $v == v1 ]] && bin=stage/v1/bin/mggemm-run
      echo "$rep $dt $k $v: $(timeout 60 $bin --bench --iters 40 --variant grad_weight --dtype $dt ${S[$k]} 2>&1 | grep ^bench | sed 's/.*launches.*: //')"
    done
  done
done; done | tee $OUT/ab.txt
M=gpu__time_duration.sum,sm__cycles_active.avg,smsp__inst_executed.sum,sm__inst_executed_pipe_uniform.sum,smsp__average_warps_issue_stalled_barrier_per_issue_active.ratio
for dt in e4m3_fast e4m3; do for v in v1 new; do
  bin=$R; [[ $v == v1 ]] && bin=stage/v1/bin/mggemm-run
  echo "== $dt $v A_balanced"
  timeout 60 ncu --kernel-name regex:grad_weight --launch-skip 3 --launch-count 1 --metrics $M $bin --bench --iters 4 --warmup 1 --variant grad_weight --dtype $dt ${S[A_balanced]} 2>&1 | grep -E "duration|inst|cycles_active|stalled"
done; done | tee $OUT/ncu.txt
echo "all done at $((SECONDS-t0)) s"
