#!/usr/bin/env bash
# v29 run 1: where the block-scaled forward's ~10% behind the row-scaled one
# goes. main: block and row kernels as on main; d1: block kernel whose scale
# loads all read k-block 0's scales (same loads, L1 hits); d0: block kernel
# with no scale loads in the loop (k-block 0/1's scales reused). d0/d1 give
# wrong answers by design: timing only. 3 rounds alternating, median ms of
# 200 launches. (d1: loadScales reads block 0 instead of min(kb, last);
# d0: the 128 x 192 loop carries its scales instead of loading kb + 2's.)
set -u
cd "$(dirname "$0")/../.."
t0=$SECONDS
nvidia-smi --query-gpu=name,clocks.sm,power.draw,temperature.gpu --format=csv
med() { "$@" | sed -n 's/^bench: median \([0-9.]*\) ms.*/\1/p'; }
cases=(
 "--groups 32 --m 65536 --n 4096 --k 7168 --split balanced"
 "--groups 8 --m 16384 --n 4096 --k 7168 --split balanced"
 "--groups 16 --m 32768 --n 2048 --k 7168 --split balanced"
 "--groups 8 --m 32768 --n 14336 --k 4096 --split imbalanced"
 "--groups 64 --m 65536 --n 7168 --k 2048 --split balanced"
)
for r in 1 2 3; do
  i=0
  for a in "${cases[@]}"; do
    i=$((i+1)); line="round $r case#$i:"
    line="$line row $(med stage/main/bin/mggemm-run --dtype e4m3 $a --bench --iters 200 --warmup 20)"
    for c in main d1 d0; do
      line="$line $c $(med stage/$c/bin/mggemm-run --dtype e4m3_block $a --bench --iters 200 --warmup 20)"
    done
    echo "$line"
  done
done | tee $OUT/ab-scales-r1.txt
nvidia-smi --query-gpu=name,clocks.sm,power.draw,temperature.gpu --format=csv
echo "all done at $((SECONDS-t0)) s"
