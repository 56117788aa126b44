#!/usr/bin/env bash
# v28 run 11: run 10 timed our one-expert weight gradients over 1024 and
# 2048 tokens (N = 2048) through Python at 0.40-0.63x cuBLAS, where run 2
# had 0.94-0.95x; our bf16 there fell too. mggemm-run --bench (no Python),
# main against the final code, alternating, 3 rounds, median of 200.
set -u
cd "$(dirname "$0")/../.."
med() { "$@" | sed -n 's/^bench: median \([0-9.]*\) ms.*/\1/p'; }
for r in 1 2 3; do
  for m in 1024 2048; do
    for d in e4m3 bf16; do
      a="--variant grad_weight --dtype $d --groups 1 --m $m --n 2048 --k 7168"
      echo "round $r m=$m $d: main $(med stage/main/bin/mggemm-run $a --bench --iters 200 --warmup 20) new $(med stage/bin/mggemm-run $a --bench --iters 200 --warmup 20)"
    done
  done
done | tee $OUT/dw-one-expert-r11.txt
