#!/usr/bin/env bash
# v29 run 13: 128 x 128 tiles, 6 stages, clusters of 2, the two consumers
# taking turns with one partial accumulator (cuBLASLt's schedule), on the
# current loop (the early stage wait of v28 step 7 came after v28 step 6
# measured this schedule 7-13% slower). stage/: main plus those kernels for
# the row- and block-scaled forward, forced with --tile 128x128x128s6c2.
# Checks, then main's selected 128 x 192 against it, 3 rounds alternating,
# median ms of 200 launches.
set -u
cd "$(dirname "$0")/../.."
t0=$SECONDS
R=stage/bin/mggemm-run
T="--tile 128x128x128s6c2"
for d in e4m3_block e4m3; do
  for c in "--m 1000 --sizes 0,17,300,683 --n 520 --k 384" "--groups 3 --m 777 --n 1000 --k 2000 --split random" "--groups 8 --m 4096 --n 4096 --k 7168 --split imbalanced" "--groups 5 --m 2000 --sizes 0,640,0,1360,0 --n 448 --k 256" "--m 300 --sizes 300 --n 192 --k 128" "--groups 4 --m 1500 --n 256 --k 128 --split balanced"; do
    echo "check $d $c: $($R --dtype $d $c $T --check 2>&1 | grep -E 'RESULT|rror' | tr '\n' ' ')"
  done
  for tool in memcheck racecheck synccheck; do
    echo "$tool $d: $(timeout 150 compute-sanitizer --tool $tool $R --dtype $d --m 1000 --sizes 0,17,300,683 --n 520 --k 384 $T --check 2>&1 | grep -E 'RESULT|ERROR SUMMARY|RACECHECK SUMMARY' | tr '\n' ' ')"
  done
done 2>&1 | tee $OUT/checks-r13.txt
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
  for d in e4m3_block e4m3; do
    i=0
    for a in "${cases[@]}"; do
      i=$((i+1)); line="round $r $d case#$i:"
      line="$line main $(med stage/main/bin/mggemm-run --dtype $d $a --bench --iters 200 --warmup 20)"
      line="$line t128 $(med $R --dtype $d $a $T --bench --iters 200 --warmup 20)"
      echo "$line"
    done
  done
done | tee $OUT/ab-128x128-turns-r13.txt
echo "all done at $((SECONDS-t0)) s"
