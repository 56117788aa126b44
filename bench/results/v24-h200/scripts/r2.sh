#!/usr/bin/env bash
# v24 run 2 (wip/row-quantizers; scales as torch computes them on CUDA,
# rows read once): the fp8 and MoE Python GPU tests, the row kernels under
# memcheck, the tile sweep (rowtune), rowprof. Stage with scripts/bundle,
# copy the scripts into stage/scratch/.
set -u
cd "$(dirname "$0")/../.."
export PYTHONPATH=$PWD/stage/python MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
t0=$SECONDS
timeout 150 python3 -m pytest -q stage/python/tests/test_gpu_fp8.py stage/python/tests/test_gpu_moe.py > $OUT/pytest-fp8-moe-r2.txt 2>&1; echo "pytest rc=$?"; tail -1 $OUT/pytest-fp8-moe-r2.txt; grep FAILED $OUT/pytest-fp8-moe-r2.txt | head
echo "tests done at $((SECONDS-t0)) s"
timeout 80 compute-sanitizer --tool memcheck --error-exitcode 9 python3 stage/scratch/rowsan.py > $OUT/sanitize-row-memcheck-r2.txt 2>&1; echo "memcheck rc=$?"; grep -c True $OUT/sanitize-row-memcheck-r2.txt; grep False $OUT/sanitize-row-memcheck-r2.txt; tail -1 $OUT/sanitize-row-memcheck-r2.txt
timeout 240 python3 stage/scratch/rowtune-r2.py 2>&1 | grep -v Warning | tee $OUT/rowtune-r2.txt
echo "rowtune done at $((SECONDS-t0)) s"
timeout 200 python3 stage/scratch/rowprof.py 2>&1 | grep -v Warning | tee $OUT/rowprof-r2.txt
echo "rowprof done at $((SECONDS-t0)) s"
echo "all done at $((SECONDS-t0)) s"
