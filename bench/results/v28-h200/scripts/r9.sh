#!/usr/bin/env bash
# v28 run 9, the kept change (the promoting consumers wait for a k-block's
# stage while the one before it runs): the runtime's unit tests, the whole
# Python suite, and the benchmark of every product and fp8 form against
# every peer ($OUT/all, as run 2).
set -u
cd "$(dirname "$0")/../.."
t0=$SECONDS
export MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
stage/bin/mggemm-runtime-tests stage/lib/libmggemm_runtime.so > $OUT/unit-r9.txt 2>&1; echo "unit rc=$? $(tail -1 $OUT/unit-r9.txt)"
PYTHONPATH=$PWD/stage/python timeout 240 python3 -m pytest -q stage/python/tests > $OUT/pytest-all-r9.txt 2>&1; echo "pytest rc=$? at $((SECONDS-t0)) s"; tail -1 $OUT/pytest-all-r9.txt; grep -E "FAILED|ERROR" $OUT/pytest-all-r9.txt | head
mkdir -p $OUT/all; PYTHONPATH=$PWD/stage/python timeout 300 python3 -m mggemm.bench --out $OUT/all --variants forward,grad_input,grad_weight,fp8_forward,fp8_grad_input,fp8_block_forward,fp8_grad_weight --no-progress --no-plots 2>&1 | grep -v Warning > $OUT/all/summary.txt; echo "bench rc=$? at $((SECONDS-t0)) s"
grep -E "^fp8" $OUT/all/summary.txt | head -60
echo "all done at $((SECONDS-t0)) s"
