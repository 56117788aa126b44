#!/usr/bin/env bash
# v28 run 4: extra library kernels (scripts/r4-tiles.patch) 128 x 128 x 128
# on clusters of two, 6 and 5 stages, row and block scales (the tile and
# cluster of cuBLASLt's block kernel, run 3), forced with --tile against the
# selected 128 x 192 c2 and the 128 x 128 s6 c1: checks, then median ms of
# 100, 2 rounds alternating.
set -u
cd "$(dirname "$0")/../.."
t0=$SECONDS
run=stage/bin/mggemm-run
for d in e4m3 e4m3_block; do
  for t in 128x128x128s6c2 128x128x128s5c2; do
    for c in "--m 1000 --sizes 0,17,300,683 --n 200 --k 256" "--groups 8 --m 4096 --n 520 --k 1024 --split random --seed 3" "--groups 1 --m 2048 --n 2048 --k 7168 --nonnegative"; do
      echo "check $d $t $c: $($run --dtype $d --tile $t $c --check 2>&1 | grep -E 'RESULT|error' | tr '\n' ' ')"
    done
  done
done
med() { "$@" | sed -n 's/^bench: median \([0-9.]*\) ms.*/\1/p'; }
cases=(
 "--groups 1 --m 16384 --n 4096 --k 7168"
 "--groups 1 --m 32768 --n 7168 --k 2048"
 "--groups 8 --m 16384 --n 4096 --k 7168 --split balanced"
 "--groups 16 --m 32768 --n 2048 --k 7168 --split balanced"
 "--groups 64 --m 65536 --n 7168 --k 2048 --split balanced"
 "--groups 8 --m 32768 --n 14336 --k 4096 --split imbalanced"
)
for r in 1 2; do
  for d in e4m3_block e4m3; do
    i=0
    for a in "${cases[@]}"; do
      i=$((i+1)); line="round $r $d case#$i:"
      for t in 128x192x128s4c2 128x128x128s6c2 128x128x128s5c2 128x128x128s6c1; do
        line="$line $t $(med $run --dtype $d --tile $t $a --bench --iters 100 --warmup 10)"
      done
      echo "$line"
    done
  done
done | tee $OUT/ab-tiles-r4.txt
echo "all done at $((SECONDS-t0)) s"
