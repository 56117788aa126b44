#!/usr/bin/env bash
# v30 run 1: the k-block loop's FFMA (block forward) and FADD (row forward)
# control bits rewritten in the cubin (scratch/sassctl.py): allyield (every
# one yields, no operand reuse: DeepGEMM's FFMA interleave taken to all),
# noyield (none yields, ptxas's reuse kept), reuse (none yields, the factor
# operand reused across consecutive FFMAs). Checks, then main against the
# three, row and block, 3 rounds alternating, median ms of 200 launches.
set -u
cd "$(dirname "$0")/../.."
t0=$SECONDS
for v in main allyield noyield reuse; do
  R=stage/$v/bin/mggemm-run; [ $v = main ] && R=stage/bin/mggemm-run
  for d in e4m3 e4m3_block; do
    for c in "--m 1000 --sizes 0,17,300,683 --n 520 --k 384" "--groups 8 --m 4096 --n 4096 --k 7168 --split imbalanced" "--groups 3 --m 777 --n 1000 --k 2000 --split random" "--groups 4 --m 8192 --n 2048 --k 4096 --split balanced"; do
      echo "check $v $d $c: $($R --dtype $d $c --check 2>&1 | grep -E 'check|PASS|FAIL|error|rel' | tr '\n' ' ')"
    done
  done
done 2>&1 | tee $OUT/checks-r1.txt
echo "checks done at $((SECONDS-t0)) s"
med() { "$@" | sed -n 's/^bench: median \([0-9.]*\) ms.*/\1/p'; }
cases=(
 "--groups 32 --m 65536 --n 4096 --k 7168 --split balanced"
 "--groups 8 --m 16384 --n 4096 --k 7168 --split balanced"
 "--groups 16 --m 32768 --n 2048 --k 7168 --split balanced"
 "--groups 8 --m 32768 --n 14336 --k 4096 --split imbalanced"
 "--groups 64 --m 65536 --n 7168 --k 2048 --split balanced"
)
for r in 1 2 3; do
  for d in e4m3_block e4m3; do
    i=0
    for a in "${cases[@]}"; do
      i=$((i+1)); line="round $r $d case#$i:"
      line="$line main $(med stage/bin/mggemm-run --dtype $d $a --bench --iters 200 --warmup 20)"
      for v in allyield noyield reuse; do
        line="$line $v $(med stage/$v/bin/mggemm-run --dtype $d $a --bench --iters 200 --warmup 20)"
      done
      echo "$line"
    done
  done
done | tee $OUT/ab-r1.txt
echo "all done at $((SECONDS-t0)) s"
