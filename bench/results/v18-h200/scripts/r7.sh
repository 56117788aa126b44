#!/bin/bash
# Session 7 run 7: fast_accumulation opt-in (e4m3_fast = the v17 row-scaled kernel): fp8 test group, Python tests,
# benchmark of fp8_forward and fp8_fast_forward.
set -u
cd "$(dirname "$0")/../.."
export PYTHONPATH=$PWD/stage/python MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
echo "== $(date +%T) fp8 tests"
stage/run-gpu-tests.sh fp8 --budget 150 > $OUT/gpu-tests-fp8.txt 2>&1; echo "rc=$?"; tail -3 $OUT/gpu-tests-fp8.txt
cp summary.txt $OUT/gpu-tests-fp8-summary.txt 2>/dev/null
echo "e4m3_fast nonnegative (expected to fail): $(stage/bin/mggemm-run --check --dtype e4m3_fast --groups 8 --m 4096 --n 4096 --k 14336 --split imbalanced --nonnegative 2>&1 | grep -E 'rel_error|RESULT' | tr '\n' ' ')"
echo "== $(date +%T) pytest"
python3 -m pytest -q stage/python/tests > $OUT/pytest.txt 2>&1; echo "rc=$?"; tail -2 $OUT/pytest.txt
echo "== $(date +%T) bench"
python3 -m mggemm.bench --out $OUT/bench --variants forward,fp8_forward,fp8_fast_forward --rounds 2 --rep-ms 100 --no-progress --no-plots > $OUT/bench.txt 2>&1; echo "bench rc=$?"
grep -v "^W read\|^energy" $OUT/bench.txt | head -50
echo "== $(date +%T) done"
