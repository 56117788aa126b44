#!/usr/bin/env bash
# v28 run 8: the promoting consumers wait for a k-block's stage while the
# k-block before it runs, before their adds (stage/: this build,
# scripts/early-stage-wait.patch; stage/main: main). The fp8 test matrix,
# memcheck and racecheck on a forward and a weight gradient, then main
# against this build, 3 rounds alternating, median ms of 200 launches.
set -u
cd "$(dirname "$0")/../.."
t0=$SECONDS
stage/run-gpu-tests.sh fp8 --budget 150 > $OUT/gpu-tests-r8.txt 2>&1; echo "gpu tests rc=$?"; tail -2 $OUT/gpu-tests-r8.txt
for c in "--dtype e4m3_block --m 1000 --sizes 0,17,300,683 --n 520 --k 384" "--dtype e4m3 --variant grad_weight --m 1008 --sizes 128,0,384,256,240 --n 264 --k 136"; do
  for tool in memcheck racecheck synccheck; do
    echo "$tool $c: $(timeout 120 compute-sanitizer --tool $tool stage/bin/mggemm-run $c --check 2>&1 | grep -E 'RESULT|ERROR SUMMARY|RACECHECK SUMMARY' | tr '\n' ' ')"
  done
done
med() { "$@" | sed -n 's/^bench: median \([0-9.]*\) ms.*/\1/p'; }
cases=(
 "--dtype e4m3_block --groups 32 --m 65536 --n 4096 --k 7168 --split balanced"
 "--dtype e4m3_block --groups 64 --m 65536 --n 7168 --k 2048 --split balanced"
 "--dtype e4m3_block --groups 8 --m 32768 --n 14336 --k 4096 --split imbalanced"
 "--dtype e4m3 --groups 32 --m 65536 --n 4096 --k 7168 --split balanced"
 "--dtype e4m3 --groups 64 --m 65536 --n 7168 --k 2048 --split balanced"
 "--dtype e4m3 --groups 8 --m 32768 --n 14336 --k 4096 --split imbalanced"
 "--dtype e4m3 --variant grad_weight --groups 64 --m 65536 --n 2048 --k 7168 --split balanced"
 "--dtype e4m3 --variant grad_weight --groups 8 --m 32768 --n 4096 --k 14336 --split imbalanced"
)
for r in 1 2 3; do
  i=0
  for a in "${cases[@]}"; do
    i=$((i+1)); line="round $r case#$i:"
    for c in main new; do
      bin=stage/$c/bin/mggemm-run; [ $c = new ] && bin=stage/bin/mggemm-run
      line="$line $c $(med $bin $a --bench --iters 200 --warmup 20)"
    done
    echo "$line"
  done
done | tee $OUT/ab-early-wait-r8.txt
echo "all done at $((SECONDS-t0)) s"
