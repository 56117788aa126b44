#!/usr/bin/env bash
# v28 run 1: the row-scaled fp8 kernels prefetch their epilogue's scales into
# L1 as a tile starts (stage/: this build; stage/main: main's). Checks: the
# runtime's unit tests, the fp8 test matrix, memcheck on two cases; then
# times main against this build, alternating, 3 rounds, on short- and
# long-reduction forward (= input gradient) and weight-gradient shapes.
set -u
cd "$(dirname "$0")/../.."
t0=$SECONDS
stage/bin/mggemm-runtime-tests stage/lib/libmggemm_runtime.so > $OUT/unit-r1.txt 2>&1; echo "unit rc=$? $(tail -1 $OUT/unit-r1.txt)"
stage/run-gpu-tests.sh preflight fp8 --budget 200 > $OUT/gpu-tests-r1.txt 2>&1; echo "gpu tests rc=$?"
tail -4 $OUT/gpu-tests-r1.txt
for c in "--variant forward --dtype e4m3 --m 1000 --sizes 0,17,300,683 --n 200 --k 256" "--variant grad_weight --dtype e4m3 --m 880 --sizes 128,256,112,384 --n 264 --k 136" "--variant forward --dtype e4m3_fast --m 700 --sizes 5,600,95 --n 264 --k 512"; do
  echo "memcheck $c: $(timeout 120 compute-sanitizer --tool memcheck stage/bin/mggemm-run $c --check 2>&1 | grep -E 'RESULT|ERROR SUMMARY' | tr '\n' ' ')"
done
echo "== timing (median ms of 100)"
med() { "$@" | sed -n 's/^bench: median \([0-9.]*\) ms.*/\1/p'; }
cases=(
 "--variant forward --dtype e4m3 --groups 16 --m 32768 --n 7168 --k 2048 --split balanced"
 "--variant forward --dtype e4m3 --groups 64 --m 65536 --n 7168 --k 2048 --split balanced"
 "--variant forward --dtype e4m3 --groups 64 --m 65536 --n 7168 --k 2048 --split imbalanced"
 "--variant forward --dtype e4m3 --groups 16 --m 32768 --n 2048 --k 7168 --split balanced"
 "--variant forward --dtype e4m3 --groups 8 --m 32768 --n 14336 --k 4096 --split balanced"
 "--variant forward --dtype e4m3 --groups 128 --m 8192 --n 7168 --k 2048 --split balanced"
 "--variant forward --dtype e4m3_fast --groups 16 --m 32768 --n 7168 --k 2048 --split balanced"
 "--variant grad_weight --dtype e4m3 --groups 64 --m 65536 --n 2048 --k 7168 --split balanced"
 "--variant grad_weight --dtype e4m3 --groups 16 --m 32768 --n 2048 --k 7168 --split balanced"
 "--variant grad_weight --dtype e4m3 --groups 8 --m 16384 --n 4096 --k 7168 --split balanced"
)
for r in 1 2 3; do
  i=0
  for a in "${cases[@]}"; do
    i=$((i+1)); line="round $r case#$i:"
    for c in main new; do
      bin=stage/$c/bin/mggemm-run; [ $c = new ] && bin=stage/bin/mggemm-run
      line="$line $c $(med $bin $a --bench --iters 100 --warmup 10)"
    done
    echo "$line"
  done
done | tee $OUT/ab-prefetch-r1.txt
echo "all done at $((SECONDS-t0)) s"
