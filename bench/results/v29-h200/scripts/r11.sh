#!/usr/bin/env bash
# v29 run 11: B's block scales loaded one per lane and shuffled where used
# (stage/sh, no uniform-register move waiting on a just-issued load), and
# that plus the deferred stores of run 9 (stage/ds), against main. Checks,
# then 3 rounds alternating, median ms of 200 launches.
set -u
cd "$(dirname "$0")/../.."
t0=$SECONDS
for v in sh ds; do
  R=stage/$v/bin/mggemm-run
  for c in "--m 1000 --sizes 0,17,300,683 --n 520 --k 384" "--groups 3 --m 777 --n 1000 --k 2000 --split random" "--groups 8 --m 4096 --n 4096 --k 7168 --split imbalanced" "--groups 128 --m 8192 --n 2048 --k 7168 --split imbalanced" "--m 300 --sizes 300 --n 192 --k 128"; do
    echo "check $v block $c: $($R --dtype e4m3_block $c --check 2>&1 | grep -E 'RESULT|error' | tr '\n' ' ')"
  done
  echo "memcheck $v: $(timeout 150 compute-sanitizer --tool memcheck $R --dtype e4m3_block --m 1000 --sizes 0,17,300,683 --n 520 --k 384 --check 2>&1 | grep -E 'RESULT|ERROR SUMMARY' | tr '\n' ' ')"
  echo "racecheck $v: $(timeout 150 compute-sanitizer --tool racecheck $R --dtype e4m3_block --m 1000 --sizes 0,17,300,683 --n 520 --k 384 --check 2>&1 | grep -E 'RESULT|RACECHECK SUMMARY' | tr '\n' ' ')"
done 2>&1 | tee $OUT/checks-r11.txt
med() { "$@" | sed -n 's/^bench: median \([0-9.]*\) ms.*/\1/p'; }
cases=(
 "--dtype e4m3_block --groups 32 --m 65536 --n 4096 --k 7168 --split balanced"
 "--dtype e4m3_block --groups 8 --m 32768 --n 14336 --k 4096 --split imbalanced"
 "--dtype e4m3_block --groups 64 --m 65536 --n 7168 --k 2048 --split balanced"
 "--dtype e4m3_block --groups 8 --m 32768 --n 4096 --k 14336 --split balanced"
 "--dtype e4m3_block --groups 128 --m 8192 --n 2048 --k 7168 --split balanced"
 "--dtype e4m3 --groups 64 --m 65536 --n 7168 --k 2048 --split balanced"
)
for r in 1 2 3; do
  i=0
  for a in "${cases[@]}"; do
    i=$((i+1)); line="round $r case#$i:"
    for c in main sh ds; do
      line="$line $c $(med stage/$c/bin/mggemm-run $a --bench --iters 200 --warmup 20)"
    done
    echo "$line"
  done
done | tee $OUT/ab-shuffle-r11.txt
echo "all done at $((SECONDS-t0)) s"
