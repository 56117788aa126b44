#!/usr/bin/env bash
# v29 run 4: 5 stages for the 128 x 192 fp8 forward on clusters, made room
# for by one epilogue staging buffer per warp instead of two (stage/s5:
# that build, every kernel with one buffer, s5c2 kernels added to the
# library and forced with --tile). Checks, then main against s5's s4c2 (one
# buffer) and s5c2, row and block, 3 rounds alternating, median ms of 200
# launches.
set -u
cd "$(dirname "$0")/../.."
t0=$SECONDS
R=stage/s5/bin/mggemm-run
for d in e4m3 e4m3_block; do
  for c in "--m 1000 --sizes 0,17,300,683 --n 520 --k 384" "--groups 8 --m 4096 --n 4096 --k 7168 --split imbalanced" "--groups 3 --m 777 --n 1000 --k 2000 --split random"; do
    for t in 128x192x128s5c2 128x192x128s4c2; do
      echo "check $d $t $c: $($R --dtype $d $c --tile $t --check 2>&1 | grep -E 'check|PASS|FAIL|error' | tr '\n' ' ')"
    done
  done
  echo "memcheck $d: $(timeout 120 compute-sanitizer --tool memcheck $R --dtype $d --m 1000 --sizes 0,17,300,683 --n 520 --k 384 --tile 128x192x128s5c2 --check 2>&1 | grep -E 'ERROR SUMMARY' | tr '\n' ' ')"
  echo "racecheck $d: $(timeout 120 compute-sanitizer --tool racecheck $R --dtype $d --m 1000 --sizes 0,17,300,683 --n 520 --k 384 --tile 128x192x128s5c2 --check 2>&1 | grep -E 'RACECHECK SUMMARY|ERROR SUMMARY' | tr '\n' ' ')"
done 2>&1 | tee $OUT/checks-r4.txt
med() { "$@" | sed -n 's/^bench: median \([0-9.]*\) ms.*/\1/p'; }
cases=(
 "--groups 32 --m 65536 --n 4096 --k 7168 --split balanced"
 "--groups 8 --m 16384 --n 4096 --k 7168 --split balanced"
 "--groups 16 --m 32768 --n 2048 --k 7168 --split balanced"
 "--groups 8 --m 32768 --n 14336 --k 4096 --split imbalanced"
 "--groups 64 --m 65536 --n 7168 --k 2048 --split balanced"
)
for r in 1 2 3; do
  for d in e4m3_block e4m3; do
    i=0
    for a in "${cases[@]}"; do
      i=$((i+1)); line="round $r $d case#$i:"
      line="$line main $(med stage/main/bin/mggemm-run --dtype $d $a --bench --iters 200 --warmup 20)"
      line="$line s4 $(med $R --dtype $d $a --tile 128x192x128s4c2 --bench --iters 200 --warmup 20)"
      line="$line s5 $(med $R --dtype $d $a --tile 128x192x128s5c2 --bench --iters 200 --warmup 20)"
      echo "$line"
    done
  done
done | tee $OUT/ab-s5-r4.txt
echo "all done at $((SECONDS-t0)) s"
