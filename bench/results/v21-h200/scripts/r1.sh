#!/usr/bin/env bash
# fp8 grad_weight: first checks, regression checks, first timings.
set -u
cd "$(dirname "$0")/../.."
R=stage/bin/mggemm-run
nvidia-smi --query-gpu=name,clocks.sm,power.draw,temperature.gpu --format=csv | tee $OUT/gpu.txt
echo "== quick fp8 grad_weight checks" | tee $OUT/quick.txt
for dt in e4m3 e4m3_fast; do
  for args in "--groups 4 --m 1024 --n 256 --k 384 --split balanced" \
              "--sizes 0,1,0,127,0,129,0,15 --n 264 --k 136" \
              "--groups 8 --m 8192 --n 2048 --k 7168 --split imbalanced" \
              "--groups 5 --m 3008 --split random --n 100 --k 40" \
              "--groups 4 --m 0 --n 512 --k 512"; do
    echo "-- $dt $args" >>$OUT/quick.txt
    timeout 60 $R --variant grad_weight --dtype $dt $args >>$OUT/quick.txt 2>&1; echo "rc=$?" >>$OUT/quick.txt
  done
done
grep -E "^--|check dw|rc=" $OUT/quick.txt
echo "== bench grad_weight bf16 vs e4m3 vs e4m3_fast" | tee $OUT/bench.txt
for shape in "8 16384 4096 7168" "16 32768 2048 7168" "32 65536 4096 7168" "64 65536 2048 7168" "8 32768 14336 4096" "8 32768 4096 14336" "128 8192 2048 7168"; do
  read -r G M N K <<<"$shape"
  for split in balanced imbalanced; do
    for dt in bf16 e4m3 e4m3_fast; do
      line=$(timeout 120 $R --bench --iters 40 --variant grad_weight --dtype $dt --groups $G --m $M --n $N --k $K --split $split 2>&1 | grep -E "^bench|TFLOP" | head -3 | tr '\n' ' ')
      echo "G=$G M=$M N=$N K=$K $split $dt: $line" | tee -a $OUT/bench.txt
    done
  done
done
echo "== run-gpu-tests fp8 + edge"
OUT=$OUT/t stage/run-gpu-tests.sh fp8 edge --budget 260 >$OUT/tests-stdout.txt 2>&1; echo "tests rc=$?"
tail -45 $OUT/t/summary.txt
