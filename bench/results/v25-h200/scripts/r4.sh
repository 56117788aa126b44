#!/usr/bin/env bash
# v25 run 4 (fewer rows a program for long rows): the fp8 Python GPU
# tests, rowsan under memcheck, rowsplit.py (A/B against 4 rows always).
set -u
cd "$(dirname "$0")/../.."
export PYTHONPATH=$PWD/stage/python MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
t0=$SECONDS
timeout 150 python3 -m pytest -q stage/python/tests/test_gpu_fp8.py > $OUT/pytest-fp8-r4.txt 2>&1; echo "pytest rc=$?"; tail -1 $OUT/pytest-fp8-r4.txt; grep FAILED $OUT/pytest-fp8-r4.txt | head
echo "tests done at $((SECONDS-t0)) s"
timeout 80 compute-sanitizer --tool memcheck --error-exitcode 9 python3 stage/scratch/rowsan.py > $OUT/sanitize-memcheck-r4.txt 2>&1; echo "memcheck rc=$?"; grep -c True $OUT/sanitize-memcheck-r4.txt; grep False $OUT/sanitize-memcheck-r4.txt; tail -1 $OUT/sanitize-memcheck-r4.txt
timeout 300 python3 stage/scratch/rowsplit.py 2>&1 | grep -v Warning | tee $OUT/rowsplit-r4.txt
echo "all done at $((SECONDS-t0)) s"
