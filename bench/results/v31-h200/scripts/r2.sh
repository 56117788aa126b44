#!/usr/bin/env bash
# v31 run 2: each consumer issues a k-block's 128 x 192 MMAs as two commit
# groups of 96 columns and adds the first group's partial sums while the
# second runs (stage/bin: scripts/n-split.patch), against main (stage/main).
# The promotion then has half a batch more of the tensor cores' time to fit
# in; A is read from shared memory twice per k-step. Checks (row, block,
# weight gradient), sanitizers, then 3 alternating rounds.
set -u
cd "$(dirname "$0")/../.."
t0=$SECONDS
R=stage/bin/mggemm-run
small=(
 "--dtype e4m3 --m 1000 --sizes 0,17,300,683 --n 520 --k 384"
 "--dtype e4m3_block --m 1000 --sizes 0,17,300,683 --n 520 --k 384"
 "--dtype e4m3 --variant grad_weight --m 1008 --sizes 128,0,384,256,240 --n 264 --k 136"
)
for c in "${small[@]}" "--dtype e4m3 --groups 8 --m 4096 --n 4096 --k 7168 --split imbalanced" "--dtype e4m3_block --groups 8 --m 4096 --n 4096 --k 7168 --split imbalanced" "--dtype e4m3_block --groups 3 --m 777 --n 1000 --k 2000 --split random" "--dtype e4m3 --variant grad_weight --groups 8 --m 8192 --n 2048 --k 4096 --split imbalanced"; do
  echo "check $c: $($R $c --check 2>&1 | grep -E 'PASS|FAIL|rror' | tr '\n' ' ')"
done 2>&1 | tee $OUT/checks-r2.txt
for c in "${small[@]}"; do
  for t in memcheck racecheck synccheck; do
    echo "$t $c: $(timeout 120 compute-sanitizer --tool $t $R $c --check 2>&1 | grep -E 'SUMMARY' | tr '\n' ' ')"
  done
done 2>&1 | tee -a $OUT/checks-r2.txt
echo "checks done at $((SECONDS-t0)) s"
med() { "$@" | sed -n 's/^bench: median \([0-9.]*\) ms.*/\1/p'; }
cases=(
 "--groups 16 --m 32768 --n 7168 --k 2048 --split balanced"
 "--groups 64 --m 65536 --n 7168 --k 2048 --split balanced"
 "--groups 8 --m 16384 --n 4096 --k 7168 --split balanced"
 "--groups 32 --m 65536 --n 4096 --k 7168 --split balanced"
 "--groups 8 --m 32768 --n 14336 --k 4096 --split imbalanced"
)
for r in 1 2 3; do
  for d in e4m3 e4m3_block; do
    i=0
    for a in "${cases[@]}"; do
      i=$((i+1))
      echo "round $r $d case#$i: main $(med stage/main/bin/mggemm-run --dtype $d $a --bench --iters 200 --warmup 20) split $(med $R --dtype $d $a --bench --iters 200 --warmup 20)"
    done
  done
  i=0
  for a in "--groups 64 --m 65536 --n 2048 --k 7168 --split balanced" "--groups 8 --m 32768 --n 4096 --k 14336 --split imbalanced"; do
    i=$((i+1))
    echo "round $r dw case#$i: main $(med stage/main/bin/mggemm-run --dtype e4m3 --variant grad_weight $a --bench --iters 200 --warmup 20) split $(med $R --dtype e4m3 --variant grad_weight $a --bench --iters 200 --warmup 20)"
  done
  echo "round $r done at $((SECONDS-t0)) s"
done | tee $OUT/ab-r2.txt
echo "all done at $((SECONDS-t0)) s"
