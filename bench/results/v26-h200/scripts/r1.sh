#!/usr/bin/env bash
# v26 run 1 (wip/block-quantize-kernels on 1e83339): the whole Python suite
# (first GPU run of 837392d, 23f6e15 and the block quantizer kernel), then
# blockprof.py (the block-scaled training product's kernels, against v25 run 9;
# v25-h200/scripts/blockprof.py, staged into stage/scratch).
set -u
cd "$(dirname "$0")/../.."
export PYTHONPATH=$PWD/stage/python MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
t0=$SECONDS
timeout 300 python3 -m pytest -q stage/python/tests > $OUT/pytest-all-r1.txt 2>&1; echo "pytest rc=$?"; tail -1 $OUT/pytest-all-r1.txt; grep -E "FAILED|ERROR" $OUT/pytest-all-r1.txt | head -20
echo "tests done at $((SECONDS-t0)) s"
timeout 60 python3 stage/scratch/blockprof.py 2>&1 | grep -v -i warn | tee $OUT/blockprof-r1.txt
echo "all done at $((SECONDS-t0)) s"
