#!/usr/bin/env bash
# v29 run 8: as run 6, but the producer warp itself copies each stage's
# scales (all 32 lanes wait for the stage, lane 0 issues the TMA loads,
# every lane its cp.async copies), instead of a second warp. Checks, then
# main against this build, 3 rounds alternating, median ms of 200 launches.
set -u
cd "$(dirname "$0")/../.."
t0=$SECONDS
R=stage/bin/mggemm-run
for c in "--m 1000 --sizes 0,17,300,683 --n 520 --k 384" "--groups 3 --m 777 --n 1000 --k 2000 --split random" "--groups 8 --m 4096 --n 4096 --k 7168 --split imbalanced" "--groups 2 --m 513 --n 64 --k 4096 --split balanced" "--m 300 --sizes 300 --n 192 --k 128"; do
  echo "check block $c: $($R --dtype e4m3_block $c --check 2>&1 | grep -E 'RESULT|error' | tr '\n' ' ')"
done
for tool in memcheck racecheck synccheck; do
  echo "$tool: $(timeout 150 compute-sanitizer --tool $tool $R --dtype e4m3_block --m 1000 --sizes 0,17,300,683 --n 520 --k 384 --check 2>&1 | grep -E 'RESULT|ERROR SUMMARY|RACECHECK SUMMARY' | tr '\n' ' ')"
done
med() { "$@" | sed -n 's/^bench: median \([0-9.]*\) ms.*/\1/p'; }
cases=(
 "--groups 32 --m 65536 --n 4096 --k 7168 --split balanced"
 "--groups 8 --m 16384 --n 4096 --k 7168 --split balanced"
 "--groups 16 --m 32768 --n 2048 --k 7168 --split balanced"
 "--groups 8 --m 32768 --n 14336 --k 4096 --split imbalanced"
 "--groups 64 --m 65536 --n 7168 --k 2048 --split balanced"
 "--groups 8 --m 32768 --n 4096 --k 14336 --split balanced"
)
for r in 1 2 3; do
  i=0
  for a in "${cases[@]}"; do
    i=$((i+1)); line="round $r case#$i:"
    for c in main new; do
      bin=stage/$c/bin/mggemm-run; [ $c = new ] && bin=$R
      line="$line $c $(med $bin --dtype e4m3_block $a --bench --iters 200 --warmup 20)"
    done
    echo "$line"
  done
done | tee $OUT/ab-producer-copies-r8.txt
echo "all done at $((SECONDS-t0)) s"
