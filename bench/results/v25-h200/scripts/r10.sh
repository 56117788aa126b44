#!/usr/bin/env bash
# v25 run 10 (wip/block-quantize-kernels): the block quantizer as one Triton
# kernel; the block-related fp8 GPU tests, then blockprof.py (the block-scaled
# training product's kernels, against run 9's).
set -u
cd "$(dirname "$0")/../.."
export PYTHONPATH=$PWD/stage/python MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
t0=$SECONDS
timeout 80 python3 -m pytest -q -k "block" stage/python/tests/test_gpu_fp8.py > $OUT/pytest-fp8-block-r10.txt 2>&1; echo "pytest rc=$?"; tail -1 $OUT/pytest-fp8-block-r10.txt; grep FAILED $OUT/pytest-fp8-block-r10.txt | head
echo "tests done at $((SECONDS-t0)) s"
timeout 40 python3 stage/scratch/blockprof.py 2>&1 | grep -v -i warn | tee $OUT/blockprof-r10.txt
echo "all done at $((SECONDS-t0)) s"
