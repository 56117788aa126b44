#!/usr/bin/env bash
# A/B: v1 (k-blocks from a 128-aligned column) vs v2 (= v1 + TMA stores of
# dW boxes), fp8 grad_weight; then checks and the bench on v2 (stage/).
set -u
cd "$(dirname "$0")/../.."
export PYTHONPATH=$PWD/stage/python MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
t0=$SECONDS
for shape in "8 16384 4096 7168" "16 32768 2048 7168" "64 65536 2048 7168" "8 32768 4096 14336" "128 8192 2048 7168"; do
  read -r G M N K <<<"$shape"
  for split in balanced imbalanced; do
    for v in v1 stage v1 stage; do
      R=stage/v1/bin/mggemm-run; [[ $v == stage ]] && R=stage/bin/mggemm-run
      echo "G=$G M=$M N=$N K=$K $split e4m3 $v: $($R --bench --iters 40 --variant grad_weight --dtype e4m3 --groups $G --m $M --n $N --k $K --split $split 2>&1 | grep ^bench | sed 's/.*launches.*: //')"
    done
    echo "G=$G M=$M N=$N K=$K $split bf16 stage: $(stage/bin/mggemm-run --bench --iters 40 --variant grad_weight --dtype bf16 --groups $G --m $M --n $N --k $K --split $split 2>&1 | grep ^bench | sed 's/.*launches.*: //')"
  done
done | tee $OUT/ab.txt
echo "ab done at $((SECONDS-t0)) s"
R=stage/bin/mggemm-run
for dt in e4m3 e4m3_fast; do
  for args in "--sizes 512,0,1000,37,3,200,1,15,8 --n 264 --k 136" \
              "--sizes 0,1,0,127,0,129,0,15 --n 264 --k 136" \
              "--groups 8 --m 8192 --n 2048 --k 7168 --split imbalanced" \
              "--groups 128 --m 8192 --n 2048 --k 7168 --split imbalanced" \
              "--groups 5 --m 3008 --split random --n 100 --k 40" \
              "--groups 4 --m 0 --n 512 --k 512"; do
    echo "-- $dt $args"; timeout 60 $R --variant grad_weight --dtype $dt $args 2>&1 | grep -E "check dw|rror"; echo "rc=$?"
  done
done > $OUT/quick.txt
grep -c PASS $OUT/quick.txt; grep -B1 -E "FAIL|rror" $OUT/quick.txt | head
timeout 100 $R --stress 600 --threads 4 --seed 11 > $OUT/stress.txt 2>&1; echo "stress rc=$?"; tail -2 $OUT/stress.txt
echo "checks done at $((SECONDS-t0)) s"
timeout 200 python3 -m mggemm.bench --out $OUT/bench --variants grad_weight,fp8_grad_weight --no-progress --no-plots > $OUT/bench-stdout.txt 2>&1; echo "bench rc=$?"
grep -v "^note" $OUT/bench-stdout.txt | tail -32
echo "bench done at $((SECONDS-t0)) s"
timeout 100 python3 -m pytest -q stage/python/tests/test_gpu_fp8.py -k "grad_weight or grouped_columns" > $OUT/pytest-fp8.txt 2>&1; echo "pytest rc=$?"; tail -1 $OUT/pytest-fp8.txt
echo "all done at $((SECONDS-t0)) s"
