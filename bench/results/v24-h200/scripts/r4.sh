#!/usr/bin/env bash
# v24 run 4: host time of the fp8 training step and its parts (hostprof).
set -u
cd "$(dirname "$0")/../.."
export PYTHONPATH=$PWD/stage/python MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
t0=$SECONDS
timeout 200 python3 stage/scratch/hostprof-r4.py 2>&1 | grep -v Warning > $OUT/hostprof-r4.txt; echo "rc=$?"
head -20 $OUT/hostprof-r4.txt; grep -A32 "=== cProfile" $OUT/hostprof-r4.txt | cut -c1-150
echo "all done at $((SECONDS-t0)) s"
