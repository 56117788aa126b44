#!/usr/bin/env bash
# v22 step 7: the stage masker also arrives on `empty` (so that no stage is
# refilled before it has waited on `full` for it): checks, then A/B against
# the r4 kernels (v2).
set -u
cd "$(dirname "$0")/../.."
t0=$SECONDS
R=stage/bin/mggemm-run
OUT=$OUT/t stage/run-gpu-tests.sh fp8 --budget 100 >$OUT/tests-stdout.txt 2>&1; echo "fp8 tests rc=$?"
tail -1 $OUT/t/summary.txt
for tool in synccheck racecheck memcheck; do
  for shape in "--sizes 0,1,130,77,0,64 --n 264 --k 200" "--sizes 3,0,125 --n 136 --k 72" "--m 160 --sizes 5,-3,200,77 --n 136 --k 72" "--m 1072 --sizes 33,700,27,0,300 --n 400 --k 136" "--m 4096 --sizes 33,700,27,0,300,2000,1,600 --n 520 --k 392"; do
    for dt in e4m3 e4m3_fast; do
      tile=128x192x128s4c2; [[ $dt == e4m3_fast ]] && tile=128x256x128s4c2
      if timeout 60 compute-sanitizer --tool $tool --error-exitcode 9 $R --variant grad_weight --dtype $dt $shape --tile $tile --check >>$OUT/sanitizer.log 2>&1; then r=clean; else r=FAIL; fi
      echo "$tool $dt $shape: $r"
    done
  done
done > $OUT/sanitizer-summary.txt; grep -c clean $OUT/sanitizer-summary.txt; grep FAIL $OUT/sanitizer-summary.txt
timeout 100 $R --stress 400 --threads 4 --seed 25 > $OUT/stress.txt 2>&1; echo "stress rc=$?"; tail -1 $OUT/stress.txt
echo "checks done at $((SECONDS-t0)) s"
declare -A S
S[A_balanced]="--groups 8 --m 16384 --split balanced --n 4096 --k 7168"
S[B_python_imb]="--sizes 1734,0,6832,1871,33,5335,552,27 --n 4096 --k 7168"
S[I_g128_imb]="--groups 128 --m 8192 --split imbalanced --n 2048 --k 7168"
S[J_g64_imb]="--groups 64 --m 65536 --split imbalanced --n 2048 --k 7168"
for rep in 1 2; do
for k in A_balanced B_python_imb I_g128_imb J_g64_imb; do
  for dt in e4m3 e4m3_fast; do
    for v in v2 new; do
      bin=$R; [[ $v == v2 ]] && bin=stage/v2/bin/mggemm-run
      echo "$rep $dt $k $v: $(timeout 60 $bin --bench --iters 40 --variant grad_weight --dtype $dt ${S[$k]} 2>&1 | grep ^bench | sed 's/.*launches.*: //')"
    done
  done
done; done | tee $OUT/ab.txt
echo "all done at $((SECONDS-t0)) s"
