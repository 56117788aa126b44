#!/usr/bin/env bash
# v27 run 2: which part of the stage masker costs the fp8 weight gradient
# its 1-14% (run 1). Builds, fp8 weight gradient only:
#   E1  no masking at all (run 1's; aligned groups only)
#   E2  consumers wait for the masker on every k-block; the masker no
#       longer arrives on `empty` (correct on every split)
#   E3  masker as main, consumers never wait for it (aligned groups only)
#   E4  no masker warps; consumers keep main's test (aligned groups only)
# Checks E2 on unaligned splits and under compute-sanitizer, then times
# all against main on balanced aligned splits, and E2 against main on
# imbalanced ones, 3 rounds alternating.
set -u
cd "$(dirname "$0")/../.."
t0=$SECONDS
echo "== checks of E2"
for a in "--groups 8 --m 16384 --n 4096 --k 7168 --split imbalanced" "--groups 128 --m 8192 --n 2048 --k 1024 --split random --seed 3" "--groups 5 --m 1040 --n 520 --k 264 --split random --seed 7" "--sizes 0,300,0,17,199,500 --m 1024 --n 256 --k 384"; do
  echo "E2 $a: $(stage/E2/bin/mggemm-run --variant grad_weight --dtype e4m3 $a --check 2>&1 | tail -1)"
  echo "E2 fast $a: $(stage/E2/bin/mggemm-run --variant grad_weight --dtype e4m3_fast $a --check 2>&1 | tail -1)"
done
for tool in synccheck racecheck; do
  timeout 120 compute-sanitizer --tool $tool stage/E2/bin/mggemm-run --variant grad_weight --dtype e4m3 --groups 3 --m 640 --n 384 --k 256 --sizes 100,300,240 --check 2>&1 | tail -3 | sed "s/^/$tool: /"
done
echo "== timing, balanced (aligned)"
bal=("1 8192 4096 7168" "8 16384 4096 7168" "32 65536 4096 7168" "64 65536 2048 7168")
imb=("8 16384 4096 7168" "32 65536 4096 7168" "64 65536 2048 7168" "128 8192 2048 7168")
med() { "$@" | sed -n 's/^bench: median \([0-9.]*\) ms.*/\1/p'; }
for r in 1 2 3; do
  for s in "${bal[@]}"; do
    set -- $s
    a="--variant grad_weight --dtype e4m3 --groups $1 --m $2 --n $3 --k $4 --split balanced --bench --iters 100 --warmup 10"
    line="round $r bal G$1 M$2 N$3 K$4:"
    for c in main E1 E2 E3 E4; do
      bin=stage/$c/bin/mggemm-run; [ $c = main ] && bin=stage/bin/mggemm-run
      line="$line $c $(med $bin $a)"
    done
    echo "$line"
  done
  for s in "${imb[@]}"; do
    set -- $s
    a="--variant grad_weight --dtype e4m3 --groups $1 --m $2 --n $3 --k $4 --split imbalanced --bench --iters 100 --warmup 10"
    echo "round $r imb G$1 M$2 N$3 K$4: main $(med stage/bin/mggemm-run $a) E2 $(med stage/E2/bin/mggemm-run $a)"
  done
done
echo "all done at $((SECONDS-t0)) s"
