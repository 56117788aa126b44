#!/usr/bin/env bash
# fp8 grad_weight after word-masked zeroing: checks, bench, regression.
set -u
cd "$(dirname "$0")/../.."
R=stage/bin/mggemm-run
export PYTHONPATH=$PWD/stage/python MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
t0=$SECONDS
echo "== quick fp8 grad_weight checks" > $OUT/quick.txt
for dt in e4m3 e4m3_fast; do
  for args in "--sizes 512,0,1000,37,3,200,1,15,8 --n 264 --k 136" \
              "--sizes 0,1,0,127,0,129,0,15 --n 264 --k 136" \
              "--groups 8 --m 8192 --n 2048 --k 7168 --split imbalanced" \
              "--groups 64 --m 8192 --n 512 --k 2048 --split random" \
              "--groups 128 --m 8192 --n 2048 --k 7168 --split imbalanced" \
              "--groups 5 --m 3008 --split random --n 100 --k 40"; do
    echo "-- $dt $args" >>$OUT/quick.txt
    timeout 60 $R --variant grad_weight --dtype $dt $args >>$OUT/quick.txt 2>&1; echo "rc=$?" >>$OUT/quick.txt
  done
done
grep -E "^--|check dw|rc=|rror" $OUT/quick.txt | head -60
echo "quick done at $((SECONDS-t0)) s"
timeout 200 python3 -m mggemm.bench --out $OUT/bench --variants grad_weight,fp8_grad_weight --no-progress --no-plots > $OUT/bench-stdout.txt 2>&1; echo "bench rc=$?"
grep -v "^note" $OUT/bench-stdout.txt | tail -32
echo "bench done at $((SECONDS-t0)) s"
for dt in e4m3 e4m3_fast; do for split in balanced imbalanced; do
  echo "$dt $split G8 M16384 N4096 K7168: $($R --bench --iters 40 --variant grad_weight --dtype $dt --groups 8 --m 16384 --n 4096 --k 7168 --split $split 2>&1 | grep ^bench)"
done; done | tee $OUT/fast.txt
timeout 120 python3 -m pytest -q stage/python/tests/test_gpu_fp8.py -k "grad_weight or grouped_columns" > $OUT/pytest-fp8.txt 2>&1; echo "pytest rc=$?"; tail -2 $OUT/pytest-fp8.txt
echo "pytest done at $((SECONDS-t0)) s"
timeout 150 $R --stress 400 --threads 4 --seed 7 > $OUT/stress.txt 2>&1; echo "stress rc=$?"; tail -4 $OUT/stress.txt
echo "stress done at $((SECONDS-t0)) s"
OUT=$OUT/t stage/run-gpu-tests.sh fp8 edge --budget $((560 - (SECONDS-t0) - 60)) >$OUT/tests-stdout.txt 2>&1; echo "tests rc=$?"
grep -E "FAIL|TIMEOUT|NOT RUN|passed|failed" $OUT/t/summary.txt | tail -15
echo "all done at $((SECONDS-t0)) s"
