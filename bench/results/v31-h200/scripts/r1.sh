#!/usr/bin/env bash
# v31 run 1: the promoting consumers' wgmma.fence moved from before their
# MMAs to right after their wait for them, before the promotion (stage/bin:
# that build, scripts/fence-before-promotion.patch from v30, built there but
# never run), against main (stage/main). ptxas then issues a
# WARPGROUP.ARRIVE among the FFMAs and keeps one before the MMAs. Checks,
# memcheck, then 3 alternating rounds on five products, row and block.
set -u
cd "$(dirname "$0")/../.."
t0=$SECONDS
R=stage/bin/mggemm-run
for d in e4m3 e4m3_block; do
  for c in "--m 1000 --sizes 0,17,300,683 --n 520 --k 384" "--groups 8 --m 4096 --n 4096 --k 7168 --split imbalanced" "--groups 3 --m 777 --n 1000 --k 2000 --split random"; do
    echo "check $d $c: $($R --dtype $d $c --check 2>&1 | grep -E 'PASS|FAIL|error' | tr '\n' ' ')"
  done
  echo "memcheck $d: $(timeout 120 compute-sanitizer --tool memcheck $R --dtype $d --m 1000 --sizes 0,17,300,683 --n 520 --k 384 --check 2>&1 | grep -E 'ERROR SUMMARY' | tr '\n' ' ')"
done 2>&1 | tee $OUT/checks-r1.txt
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
      echo "round $r $d case#$i: main $(med stage/main/bin/mggemm-run --dtype $d $a --bench --iters 200 --warmup 20) fence $(med $R --dtype $d $a --bench --iters 200 --warmup 20)"
    done
  done
  echo "round $r done at $((SECONDS-t0)) s"
done | tee $OUT/ab-r1.txt
echo "all done at $((SECONDS-t0)) s"
