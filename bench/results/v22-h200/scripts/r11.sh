#!/usr/bin/env bash
set -u
cd "$(dirname "$0")/../.."
export PYTHONPATH=$PWD/stage/python MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
timeout 200 python3 stage/scratch/qprof.py 2>&1 | grep -v Warning | tee $OUT/qprof.txt
