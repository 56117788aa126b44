#!/usr/bin/env bash
# v25 run 1 (wip/reuse-fp8-weight: the row-scaled dX on the forward's fp8
# W): the fp8 and MoE Python GPU tests, the kernels under memcheck, dxprof
# (against v24's path, and whole products), the MoE example. Stage with
# scripts/bundle, copy the scripts into stage/scratch/.
set -u
cd "$(dirname "$0")/../.."
export PYTHONPATH=$PWD/stage/python MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
t0=$SECONDS
timeout 150 python3 -m pytest -q stage/python/tests/test_gpu_fp8.py stage/python/tests/test_gpu_moe.py > $OUT/pytest-fp8-moe-r1.txt 2>&1; echo "pytest rc=$?"; tail -1 $OUT/pytest-fp8-moe-r1.txt; grep FAILED $OUT/pytest-fp8-moe-r1.txt | head
echo "tests done at $((SECONDS-t0)) s"
timeout 80 compute-sanitizer --tool memcheck --error-exitcode 9 python3 stage/scratch/rowsan.py > $OUT/sanitize-memcheck-r1.txt 2>&1; echo "memcheck rc=$?"; grep -c True $OUT/sanitize-memcheck-r1.txt; grep False $OUT/sanitize-memcheck-r1.txt; tail -1 $OUT/sanitize-memcheck-r1.txt
timeout 200 python3 stage/scratch/dxprof.py 2>&1 | grep -v Warning | tee $OUT/dxprof-r1.txt
echo "dxprof done at $((SECONDS-t0)) s"
timeout 150 python3 stage/python/examples/moe.py --backend all --steps 50 --no-progress --log-every 100 --json $OUT/moe-example-r1.json > $OUT/moe-example-r1.txt 2>&1; echo "moe rc=$?"
grep -A10 "^backend" $OUT/moe-example-r1.txt
echo "all done at $((SECONDS-t0)) s"
