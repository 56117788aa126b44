#!/usr/bin/env bash
# v29 run 9: the consumers of the 128 x 192 kernels on clusters store a tile
# only after issuing the next tile's first k-block's MMAs (stage/: that
# build, scripts/deferred-store.patch; the row forward and weight gradient
# spill registers there, the block forward does not). Checks, then main
# against that build, 3 rounds alternating, median ms of 200 launches.
set -u
cd "$(dirname "$0")/../.."
t0=$SECONDS
R=stage/bin/mggemm-run
for d in "--dtype e4m3_block" "--dtype e4m3" "--dtype e4m3 --variant grad_weight"; do
for c in "--m 1000 --sizes 0,17,300,683 --n 520 --k 384" "--groups 3 --m 777 --n 1000 --k 2000 --split random" "--groups 8 --m 4096 --n 4096 --k 7168 --split imbalanced" "--groups 5 --m 2000 --sizes 0,640,0,1360,0 --n 448 --k 256" "--m 300 --sizes 300 --n 192 --k 128"; do
  echo "check $d $c: $($R $d $c --check 2>&1 | grep -E 'RESULT|error' | tr '\n' ' ')"
done
for tool in memcheck racecheck synccheck; do
  echo "$tool $d: $(timeout 150 compute-sanitizer --tool $tool $R $d --m 1000 --sizes 0,17,300,683 --n 520 --k 384 --check 2>&1 | grep -E 'RESULT|ERROR SUMMARY|RACECHECK SUMMARY' | tr '\n' ' ')"
done
done 2>&1 | tee $OUT/checks-r9.txt
med() { "$@" | sed -n 's/^bench: median \([0-9.]*\) ms.*/\1/p'; }
cases=(
 "--dtype e4m3_block --groups 32 --m 65536 --n 4096 --k 7168 --split balanced"
 "--dtype e4m3_block --groups 8 --m 32768 --n 14336 --k 4096 --split imbalanced"
 "--dtype e4m3_block --groups 64 --m 65536 --n 7168 --k 2048 --split balanced"
 "--dtype e4m3_block --groups 16 --m 32768 --n 7168 --k 2048 --split imbalanced"
 "--dtype e4m3 --groups 32 --m 65536 --n 4096 --k 7168 --split balanced"
 "--dtype e4m3 --groups 64 --m 65536 --n 7168 --k 2048 --split balanced"
 "--dtype e4m3 --variant grad_weight --groups 64 --m 65536 --n 2048 --k 7168 --split balanced"
 "--dtype e4m3 --variant grad_weight --groups 8 --m 32768 --n 4096 --k 14336 --split imbalanced"
)
for r in 1 2 3; do
  i=0
  for a in "${cases[@]}"; do
    i=$((i+1)); line="round $r case#$i:"
    for c in main new; do
      bin=stage/$c/bin/mggemm-run; [ $c = new ] && bin=$R
      line="$line $c $(med $bin $a --bench --iters 200 --warmup 20)"
    done
    echo "$line"
  done
done | tee $OUT/ab-deferred-store-r9.txt
echo "all done at $((SECONDS-t0)) s"
