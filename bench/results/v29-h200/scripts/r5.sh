#!/usr/bin/env bash
# v29 run 5: the promoting 128 x 192 consumers free a k-block's stage after
# issuing the next k-block's MMAs instead of right after its MMAs finish
# (stage/rl, scripts/release-late.patch), taking the frees off the path from
# a consumer's MMA wait to its next issue. Checks, then main against rl,
# 3 rounds alternating, median ms of 200 launches.
set -u
cd "$(dirname "$0")/../.."
t0=$SECONDS
R=stage/rl/bin/mggemm-run
for c in "--dtype e4m3_block --m 1000 --sizes 0,17,300,683 --n 520 --k 384" "--dtype e4m3 --groups 8 --m 4096 --n 4096 --k 7168 --split imbalanced" "--dtype e4m3_block --groups 3 --m 777 --n 1000 --k 2000 --split random" "--dtype e4m3 --variant grad_weight --m 1008 --sizes 128,0,384,256,240 --n 264 --k 136" "--dtype e4m3 --variant grad_weight --groups 8 --m 8192 --n 2048 --k 1024 --split imbalanced"; do
  echo "check $c: $($R $c --check 2>&1 | grep -E 'RESULT|error' | tr '\n' ' ')"
done
for c in "--dtype e4m3_block --m 1000 --sizes 0,17,300,683 --n 520 --k 384" "--dtype e4m3 --variant grad_weight --m 1008 --sizes 128,0,384,256,240 --n 264 --k 136"; do
  for tool in memcheck racecheck synccheck; do
    echo "$tool $c: $(timeout 120 compute-sanitizer --tool $tool $R $c --check 2>&1 | grep -E 'RESULT|ERROR SUMMARY|RACECHECK SUMMARY' | tr '\n' ' ')"
  done
done 2>&1 | tee $OUT/checks-r5.txt
med() { "$@" | sed -n 's/^bench: median \([0-9.]*\) ms.*/\1/p'; }
cases=(
 "--dtype e4m3_block --groups 32 --m 65536 --n 4096 --k 7168 --split balanced"
 "--dtype e4m3_block --groups 16 --m 32768 --n 2048 --k 7168 --split balanced"
 "--dtype e4m3_block --groups 8 --m 32768 --n 14336 --k 4096 --split imbalanced"
 "--dtype e4m3_block --groups 64 --m 65536 --n 7168 --k 2048 --split balanced"
 "--dtype e4m3 --groups 32 --m 65536 --n 4096 --k 7168 --split balanced"
 "--dtype e4m3 --groups 64 --m 65536 --n 7168 --k 2048 --split balanced"
 "--dtype e4m3 --groups 8 --m 32768 --n 14336 --k 4096 --split imbalanced"
 "--dtype e4m3 --variant grad_weight --groups 64 --m 65536 --n 2048 --k 7168 --split balanced"
 "--dtype e4m3 --variant grad_weight --groups 8 --m 32768 --n 4096 --k 14336 --split imbalanced"
)
for r in 1 2 3; do
  i=0
  for a in "${cases[@]}"; do
    i=$((i+1)); line="round $r case#$i:"
    for c in main rl; do
      line="$line $c $(med stage/$c/bin/mggemm-run $a --bench --iters 200 --warmup 20)"
    done
    echo "$line"
  done
done | tee $OUT/ab-release-late-r5.txt
echo "all done at $((SECONDS-t0)) s"
