#!/usr/bin/env bash
# v25 run 2: the dY-times-sw row quantizer with one shared vector of column
# scales per program. fp8 tests, memcheck, swprof (A/B against run 1's
# kernel, tiles, products, a kernel breakdown of the fp8-dW product).
set -u
cd "$(dirname "$0")/../.."
export PYTHONPATH=$PWD/stage/python MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
t0=$SECONDS
timeout 150 python3 -m pytest -q stage/python/tests/test_gpu_fp8.py > $OUT/pytest-fp8-r2.txt 2>&1; echo "pytest rc=$?"; tail -1 $OUT/pytest-fp8-r2.txt; grep FAILED $OUT/pytest-fp8-r2.txt | head
echo "tests done at $((SECONDS-t0)) s"
timeout 80 compute-sanitizer --tool memcheck --error-exitcode 9 python3 stage/scratch/rowsan.py > $OUT/sanitize-memcheck-r2.txt 2>&1; echo "memcheck rc=$?"; grep -c True $OUT/sanitize-memcheck-r2.txt; grep False $OUT/sanitize-memcheck-r2.txt; tail -1 $OUT/sanitize-memcheck-r2.txt
timeout 300 python3 stage/scratch/swprof.py 2>&1 | grep -v Warning | tee $OUT/swprof-r2.txt
echo "all done at $((SECONDS-t0)) s"
