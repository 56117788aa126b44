#!/usr/bin/env bash
# v27 run 9: does the width of the transposed operands (M, their row
# stride) change the fp8 weight gradient's time when the groups are the
# same? 32 groups of 2048 rows (N 4096, K 7168) and 64 of 1024 (N 2048),
# M from the sizes' sum up to 2x it; 3 rounds alternating.
set -u
cd "$(dirname "$0")/../.."
med() { "$@" | sed -n 's/^bench: median \([0-9.]*\) ms.*/\1/p'; }
s32=$(python3 -c "print(','.join(['2048']*32))")
s64=$(python3 -c "print(','.join(['1024']*64))")
for r in 1 2 3; do
  line="round $r G32:"
  for m in 65536 65664 69632 73728 81920 131072; do
    line="$line M=$m $(med stage/bin/mggemm-run --variant grad_weight --dtype e4m3 --sizes $s32 --m $m --n 4096 --k 7168 --bench --iters 50 --warmup 5)"
  done
  echo "$line"
  line="round $r G64:"
  for m in 65536 73728 131072; do
    line="$line M=$m $(med stage/bin/mggemm-run --variant grad_weight --dtype e4m3 --sizes $s64 --m $m --n 2048 --k 7168 --bench --iters 50 --warmup 5)"
  done
  echo "$line"
done
