#!/usr/bin/env bash
# v24 run 3 (row kernels' tiles from run 2): the quantizer GPU tests, the
# row kernels under memcheck, the sweep around run 2's best tiles, rowprof,
# the MoE example. Stage with scripts/bundle, copy the scripts into
# stage/scratch/.
set -u
cd "$(dirname "$0")/../.."
export PYTHONPATH=$PWD/stage/python MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
t0=$SECONDS
timeout 100 python3 -m pytest -q -k quantize stage/python/tests/test_gpu_fp8.py > $OUT/pytest-quantize-r3.txt 2>&1; echo "pytest rc=$?"; tail -1 $OUT/pytest-quantize-r3.txt; grep FAILED $OUT/pytest-quantize-r3.txt | head
timeout 80 compute-sanitizer --tool memcheck --error-exitcode 9 python3 stage/scratch/rowsan.py > $OUT/sanitize-row-memcheck-r3.txt 2>&1; echo "memcheck rc=$?"; grep -c True $OUT/sanitize-row-memcheck-r3.txt; grep False $OUT/sanitize-row-memcheck-r3.txt; tail -1 $OUT/sanitize-row-memcheck-r3.txt
echo "checks done at $((SECONDS-t0)) s"
timeout 200 python3 stage/scratch/rowtune.py 2>&1 | grep -v Warning | tee $OUT/rowtune-r3.txt
echo "rowtune done at $((SECONDS-t0)) s"
timeout 200 python3 stage/scratch/rowprof.py 2>&1 | grep -v Warning | tee $OUT/rowprof-r3.txt
echo "rowprof done at $((SECONDS-t0)) s"
timeout 150 python3 stage/python/examples/moe.py --backend all --steps 50 --no-progress --log-every 100 --json $OUT/moe-example-r3.json > $OUT/moe-example-r3.txt 2>&1; echo "moe rc=$?"
grep -A10 "^backend" $OUT/moe-example-r3.txt
echo "all done at $((SECONDS-t0)) s"
