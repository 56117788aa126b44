#!/usr/bin/env bash
# v27 run 3: the fp8 weight gradient without the stage masker where every
# group's size is a multiple of 128 (stage/: this build; stage/main: main's;
# stage/E1: run 1's unmasked build). Checks: the runtime's unit tests, the
# fp8 test matrix (now with aligned sizes), compute-sanitizer on an aligned
# and a misaligned case; then times main, this build and E1 on aligned
# shapes (balanced, and run 1's imbalanced splits with sizes rounded up to
# 128) and main against this build on the unrounded imbalanced splits.
set -u
cd "$(dirname "$0")/../.."
t0=$SECONDS
stage/run-gpu-tests.sh preflight fp8 --budget 200 > $OUT/gpu-tests-r3.txt 2>&1; echo "gpu tests rc=$?"
tail -15 $OUT/gpu-tests-r3.txt
for c in "--m 1008 --sizes 128,0,384,256,512 --n 264 --k 136" "--m 880 --sizes 128,256,112,384 --n 264 --k 136"; do
  for tool in memcheck synccheck racecheck; do
    echo "$tool $c: $(timeout 120 compute-sanitizer --tool $tool stage/bin/mggemm-run --variant grad_weight --dtype e4m3 $c --check 2>&1 | grep -E 'RESULT|ERROR SUMMARY|RACECHECK SUMMARY' | tr '\n' ' ')"
  done
done
echo "== timing"
med() { "$@" | sed -n 's/^bench: median \([0-9.]*\) ms.*/\1/p'; }
r32=128,0,9472,128,128,640,2048,128,128,896,128,256,0,0,128,128,256,1024,384,2176,0,0,128,0,0,0,128,512,0,47744,256,256
r128=128,128,640,128,0,0,128,128,0,128,128,128,128,0,128,0,128,128,128,0,0,0,0,0,0,0,128,128,0,2688,128,0,128,128,0,0,0,128,128,128,128,0,0,128,128,128,0,0,256,0,0,0,0,384,128,0,128,0,384,128,128,0,128,128,0,0,0,0,128,0,0,128,640,128,128,128,128,0,128,0,128,0,0,128,128,384,0,0,0,128,128,128,0,384,128,0,128,128,0,0,0,128,128,128,0,1280,0,0,0,0,128,0,0,128,0,0,0,128,128,128,0,128,512,128,0,0,0,0
aligned=("--groups 1 --m 8192 --n 4096 --k 7168" "--groups 32 --m 65536 --n 4096 --k 7168 --split balanced" "--groups 64 --m 65536 --n 2048 --k 7168 --split balanced" "--sizes $r32 --n 4096 --k 7168" "--sizes $r128 --n 2048 --k 7168")
unaligned=("--groups 32 --m 65536 --n 4096 --k 7168 --split imbalanced" "--groups 128 --m 8192 --n 2048 --k 7168 --split imbalanced")
for r in 1 2 3; do
  i=0
  for a in "${aligned[@]}"; do
    i=$((i+1)); line="round $r aligned#$i:"
    for c in main new E1; do
      bin=stage/$c/bin/mggemm-run; [ $c = new ] && bin=stage/bin/mggemm-run
      line="$line $c $(med $bin --variant grad_weight --dtype e4m3 $a --bench --iters 100 --warmup 10)"
    done
    echo "$line"
  done
  i=0
  for a in "${unaligned[@]}"; do
    i=$((i+1)); line="round $r unaligned#$i:"
    for c in main new; do
      bin=stage/$c/bin/mggemm-run; [ $c = new ] && bin=stage/bin/mggemm-run
      line="$line $c $(med $bin --variant grad_weight --dtype e4m3 $a --bench --iters 100 --warmup 10)"
    done
    echo "$line"
  done
done
echo "all done at $((SECONDS-t0)) s"
