#!/usr/bin/env bash
# v29 run 6: the block-scaled 128 x 192 kernel's scales copied into the
# stages by producer warp 1 (cp.async, its lanes' arrivals on `full`), read
# by the consumers from shared memory one k-block ahead (stage/: that build,
# scripts/stage-scales-loader-warp.patch; stage/main: main). fp8 test
# matrix, sanitizers, --check on odd shapes, runtime unit tests, then main
# against that build, 3 rounds alternating, median ms of 200 launches.
set -u
cd "$(dirname "$0")/../.."
t0=$SECONDS
stage/run-gpu-tests.sh fp8 --budget 150 > $OUT/gpu-tests-r6.txt 2>&1; echo "gpu tests rc=$?"; tail -2 $OUT/gpu-tests-r6.txt
R=stage/bin/mggemm-run
for c in "--m 1000 --sizes 0,17,300,683 --n 520 --k 384" "--groups 3 --m 777 --n 1000 --k 2000 --split random" "--groups 5 --m 3000 --n 320 --k 136 --split imbalanced" "--groups 8 --m 4096 --n 4096 --k 7168 --split imbalanced" "--groups 2 --m 513 --n 64 --k 4096 --split balanced" "--m 300 --sizes 300 --n 192 --k 128"; do
  echo "check block $c: $($R --dtype e4m3_block $c --check 2>&1 | grep -E 'RESULT|error' | tr '\n' ' ')"
done
for tool in memcheck racecheck synccheck initcheck; do
  echo "$tool: $(timeout 150 compute-sanitizer --tool $tool $R --dtype e4m3_block --m 1000 --sizes 0,17,300,683 --n 520 --k 384 --check 2>&1 | grep -E 'RESULT|ERROR SUMMARY|RACECHECK SUMMARY' | tr '\n' ' ')"
done
stage/bin/mggemm-runtime-tests stage/lib/libmggemm_runtime.so > $OUT/unit-r6.txt 2>&1; echo "unit rc=$?"; tail -2 $OUT/unit-r6.txt
med() { "$@" | sed -n 's/^bench: median \([0-9.]*\) ms.*/\1/p'; }
cases=(
 "--dtype e4m3_block --groups 32 --m 65536 --n 4096 --k 7168 --split balanced"
 "--dtype e4m3_block --groups 8 --m 16384 --n 4096 --k 7168 --split balanced"
 "--dtype e4m3_block --groups 16 --m 32768 --n 2048 --k 7168 --split balanced"
 "--dtype e4m3_block --groups 8 --m 32768 --n 14336 --k 4096 --split imbalanced"
 "--dtype e4m3_block --groups 64 --m 65536 --n 7168 --k 2048 --split balanced"
 "--dtype e4m3_block --groups 8 --m 32768 --n 4096 --k 14336 --split balanced"
 "--dtype e4m3 --groups 32 --m 65536 --n 4096 --k 7168 --split balanced"
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
done | tee $OUT/ab-stage-scales-r6.txt
echo "all done at $((SECONDS-t0)) s"
