#!/usr/bin/env bash
# v25 run 9: blockprof.py (the block-scaled training product's kernels).
set -u
cd "$(dirname "$0")/../.."
export PYTHONPATH=$PWD/stage/python MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
timeout 150 python3 stage/scratch/blockprof.py 2>&1 | grep -v Warning | tee $OUT/blockprof-r9.txt
