#!/usr/bin/env bash
# v30 run 7: the promoting forward kernels (row- and block-scaled fp8)
# storing whole 16-row boxes with TMA, as the other kernels do (stage/bin:
# that build, scripts/tma-stores.patch), against main (stage/main), which
# stores every box with st.global (v11 and v17 found TMA stores 3-9% slower
# on the block kernel). Checks, memcheck, then 3 rounds alternating.
set -u
cd "$(dirname "$0")/../.."
t0=$SECONDS
R=stage/bin/mggemm-run
for d in e4m3 e4m3_block; do
  for c in "--m 1000 --sizes 0,17,300,683 --n 520 --k 384" "--groups 8 --m 4096 --n 4096 --k 7168 --split imbalanced" "--groups 3 --m 777 --n 1000 --k 2000 --split random" "--groups 4 --m 8192 --n 2048 --k 4096 --split balanced"; do
    echo "check $d $c: $($R --dtype $d $c --check 2>&1 | grep -E 'PASS|FAIL|error' | tr '\n' ' ')"
  done
  echo "memcheck $d: $(timeout 120 compute-sanitizer --tool memcheck $R --dtype $d --m 1000 --sizes 0,17,300,683 --n 520 --k 384 --check 2>&1 | grep -E 'ERROR SUMMARY' | tr '\n' ' ')"
  echo "racecheck $d: $(timeout 120 compute-sanitizer --tool racecheck $R --dtype $d --m 1000 --sizes 0,17,300,683 --n 520 --k 384 --check 2>&1 | grep -E 'RACECHECK SUMMARY|ERROR SUMMARY' | tr '\n' ' ')"
done 2>&1 | tee $OUT/checks-r7.txt
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
      echo "round $r $d case#$i: main $(med stage/main/bin/mggemm-run --dtype $d $a --bench --iters 200 --warmup 20) tma $(med $R --dtype $d $a --bench --iters 200 --warmup 20)"
    done
  done
done | tee $OUT/ab-r7.txt
echo "all done at $((SECONDS-t0)) s"
