#!/usr/bin/env bash
# v26 run 4: the Python functions behind the eager fp8 step's host time
# (pyprof.py: cProfile, bf16 and row-scaled fp8 backends).
set -u
cd "$(dirname "$0")/../.."
export PYTHONPATH=$PWD/stage/python MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
timeout 150 python3 stage/scratch/pyprof.py mggemm mggemm_fp8 > $OUT/pyprof-r4.txt 2>&1; echo "pyprof rc=$?"
grep -c . $OUT/pyprof-r4.txt
