#!/usr/bin/env bash
# v27 run 1: what the fp8 weight gradient's group masking costs. stage/exp
# holds a build whose fp8 weight gradient neither masks stages nor waits for
# a masker (no masker warps): correct only where every group starts and ends
# on a multiple of 128 rows. Checks that it is correct there (and wrong on
# an imbalanced split, so the check can tell), then times it against main's
# kernel, main's fp8 forward of the same one-group GEMM and main's bf16
# weight gradient, 3 rounds alternating.
set -u
cd "$(dirname "$0")/../.."
main=stage/bin/mggemm-run
exp=stage/exp/bin/mggemm-run
t0=$SECONDS
echo "== checks of the unmasked build"
for a in "--groups 1 --m 8192 --n 4096 --k 7168" "--groups 8 --m 16384 --n 4096 --k 7168 --split balanced" "--groups 8 --m 16384 --n 4096 --k 7168 --split imbalanced"; do
  echo "exp $a: $($exp --variant grad_weight --dtype e4m3 $a --check 2>&1 | tail -1)"
done
echo "== timing"
shapes=("1 8192 4096 7168" "8 16384 4096 7168" "32 65536 4096 7168" "64 65536 2048 7168" "128 16384 4096 7168")
for r in 1 2 3; do
  for s in "${shapes[@]}"; do
    set -- $s
    a="--groups $1 --m $2 --n $3 --k $4 --split balanced --bench --iters 100 --warmup 10"
    for c in main exp; do
      eval bin=\$$c
      echo "round $r G$1 M$2 N$3 K$4 e4m3 $c: $($bin --variant grad_weight --dtype e4m3 $a | grep -E '^bench' )"
    done
    echo "round $r G$1 M$2 N$3 K$4 bf16 main: $($main --variant grad_weight --dtype bf16 $a | grep -E '^bench' )"
    if [ $1 = 1 ]; then
      echo "round $r fwd 4096x$4x$2 e4m3 main: $($main --variant forward --dtype e4m3 --groups 1 --m $3 --n $4 --k $2 --bench --iters 100 --warmup 10 | grep -E '^bench')"
    fi
  done
done
echo "all done at $((SECONDS-t0)) s"
