#!/usr/bin/env bash
# v23 run 6: the quantizer's kernels alone, tiles/warps/uniform-scale sweep.
set -u
cd "$(dirname "$0")/../.."
export PYTHONPATH=$PWD/stage/python MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
t0=$SECONDS
timeout 400 python3 stage/scratch/ksweep.py 2>&1 | grep -v Warning | tee $OUT/ksweep.txt
echo "all done at $((SECONDS-t0)) s"
