#!/usr/bin/env bash
# v28 run 6: the block-scaled consumers' scales (stage/: this build,
# scripts/block-scales-ahead.patch; stage/main: main). Each k-block's
# factors (A scale x B scale) are computed a k-block ahead, and the B
# scales are loaded one per lane and shuffled, so that the loop no longer
# moves a just-loaded B scale to a uniform register at its back edge (an
# R2UR that waited for the load). Checks, the fp8 block cases of the test
# matrix, then main against this build, 3 rounds, median ms of 200.
set -u
cd "$(dirname "$0")/../.."
t0=$SECONDS
stage/run-gpu-tests.sh fp8 --budget 150 > $OUT/gpu-tests-r6.txt 2>&1; echo "gpu tests rc=$?"; tail -2 $OUT/gpu-tests-r6.txt
for c in "--m 1000 --sizes 0,17,300,683 --n 520 --k 384" "--groups 8 --m 4096 --n 1000 --k 1024 --split random --seed 3" "--groups 1 --m 2048 --n 2048 --k 7168 --nonnegative" "--groups 3 --m 777 --n 4096 --k 4000 --split imbalanced"; do
  echo "check $c: $(stage/bin/mggemm-run --dtype e4m3_block $c --check 2>&1 | grep -E 'RESULT|rror' | tr '\n' ' ')"
done
echo "memcheck: $(timeout 120 compute-sanitizer --tool memcheck stage/bin/mggemm-run --dtype e4m3_block --m 1000 --sizes 0,17,300,683 --n 520 --k 384 --check 2>&1 | grep -E 'RESULT|ERROR SUMMARY' | tr '\n' ' ')"
med() { "$@" | sed -n 's/^bench: median \([0-9.]*\) ms.*/\1/p'; }
cases=(
 "--groups 64 --m 65536 --n 7168 --k 2048 --split balanced"
 "--groups 8 --m 32768 --n 14336 --k 4096 --split imbalanced"
 "--groups 32 --m 65536 --n 4096 --k 7168 --split balanced"
 "--groups 1 --m 32768 --n 4096 --k 14336"
 "--groups 8 --m 16384 --n 4096 --k 7168 --split balanced"
)
for r in 1 2 3; do
  i=0
  for a in "${cases[@]}"; do
    i=$((i+1)); line="round $r case#$i:"
    for c in main new; do
      bin=stage/$c/bin/mggemm-run; [ $c = new ] && bin=stage/bin/mggemm-run
      line="$line $c $(med $bin --dtype e4m3_block $a --bench --iters 200 --warmup 20)"
    done
    echo "$line"
  done
done | tee $OUT/ab-block-r6.txt
echo "all done at $((SECONDS-t0)) s"
