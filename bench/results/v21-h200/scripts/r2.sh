#!/usr/bin/env bash
# fp8 grad_weight: checks (unaligned group starts), python GPU tests, bench.
set -u
cd "$(dirname "$0")/../.."
R=stage/bin/mggemm-run
export PYTHONPATH=$PWD/stage/python MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
t0=$SECONDS
echo "== quick fp8 grad_weight checks" > $OUT/quick.txt
for dt in e4m3 e4m3_fast; do
  for args in "--sizes 512,0,1000,37,3,200,1,15,8 --n 264 --k 136" \
              "--sizes 0,1,0,127,0,129,0,15 --n 264 --k 136" \
              "--groups 4 --m 1024 --n 256 --k 384 --split balanced" \
              "--groups 8 --m 8192 --n 2048 --k 7168 --split imbalanced" \
              "--groups 64 --m 8192 --n 512 --k 2048 --split random" \
              "--groups 5 --m 3008 --split random --n 100 --k 40" \
              "--groups 4 --m 0 --n 512 --k 512" \
              "--sizes 7 --n 128 --k 128 --m 16"; do
    echo "-- $dt $args" >>$OUT/quick.txt
    timeout 60 $R --variant grad_weight --dtype $dt $args >>$OUT/quick.txt 2>&1; echo "rc=$?" >>$OUT/quick.txt
  done
done
grep -E "^--|check dw|rc=|error" $OUT/quick.txt | head -60
echo "quick done at $((SECONDS-t0)) s"
timeout 200 python3 -m pytest -q -x stage/python/tests/test_gpu_fp8.py > $OUT/pytest-fp8.txt 2>&1; echo "pytest rc=$?"; tail -5 $OUT/pytest-fp8.txt
echo "pytest done at $((SECONDS-t0)) s"
timeout 240 python3 -m mggemm.bench --out $OUT/bench --variants grad_weight,fp8_grad_weight --no-progress --no-plots > $OUT/bench-stdout.txt 2>&1; echo "bench rc=$?"
tail -40 $OUT/bench-stdout.txt
echo "bench done at $((SECONDS-t0)) s"
