#!/usr/bin/env bash
# v28 run 7: 128 x 128 s6 tiles on clusters of two, the shape of cuBLASLt's
# block kernel, with its consumer scheme: one partial accumulator, the two
# consumers taking turns (stage/: scripts/t128-turns.patch, "S") against
# main's 128-wide loop with two alternating partials (stage/P:
# scripts/t128c2.patch plus the row kernel, "P"), both against the selected
# 128 x 192 c2, forced with --tile. Checks of S's new kernels, then median
# ms of 200 launches, 2 rounds alternating.
set -u
cd "$(dirname "$0")/../.."
t0=$SECONDS
S=stage/bin/mggemm-run; P=stage/P/bin/mggemm-run
for d in e4m3 e4m3_block; do
  for c in "--m 1000 --sizes 0,17,300,683 --n 520 --k 384" "--groups 8 --m 4096 --n 1000 --k 1024 --split random --seed 3" "--groups 1 --m 2048 --n 2048 --k 7168 --nonnegative" "--groups 3 --m 777 --n 4096 --k 4000 --split imbalanced" "--groups 4 --m 64 --n 256 --k 128"; do
    echo "check S $d $c: $($S --dtype $d --tile 128x128x128s6c2 $c --check 2>&1 | grep -E 'RESULT|rror' | tr '\n' ' ')"
  done
done
echo "memcheck: $(timeout 120 compute-sanitizer --tool memcheck $S --dtype e4m3_block --tile 128x128x128s6c2 --m 1000 --sizes 0,17,300,683 --n 520 --k 384 --check 2>&1 | grep -E 'RESULT|ERROR SUMMARY' | tr '\n' ' ')"
echo "racecheck: $(timeout 120 compute-sanitizer --tool racecheck $S --dtype e4m3_block --tile 128x128x128s6c2 --m 1000 --sizes 0,17,300,683 --n 520 --k 384 --check 2>&1 | grep -E 'RESULT|RACECHECK SUMMARY' | tr '\n' ' ')"
med() { "$@" | sed -n 's/^bench: median \([0-9.]*\) ms.*/\1/p'; }
cases=(
 "--groups 1 --m 16384 --n 4096 --k 7168"
 "--groups 64 --m 65536 --n 7168 --k 2048 --split balanced"
 "--groups 8 --m 32768 --n 14336 --k 4096 --split imbalanced"
 "--groups 32 --m 65536 --n 4096 --k 7168 --split balanced"
 "--groups 16 --m 32768 --n 2048 --k 7168 --split balanced"
)
for r in 1 2; do
  for d in e4m3_block e4m3; do
    i=0
    for a in "${cases[@]}"; do
      i=$((i+1))
      echo "round $r $d case#$i: 192c2 $(med $S --dtype $d --tile 128x192x128s4c2 $a --bench --iters 200 --warmup 20) S128 $(med $S --dtype $d --tile 128x128x128s6c2 $a --bench --iters 200 --warmup 20) P128 $(med $P --dtype $d --tile 128x128x128s6c2 $a --bench --iters 200 --warmup 20)"
    done
  done
done | tee $OUT/ab-t128-r7.txt
echo "all done at $((SECONDS-t0)) s"
