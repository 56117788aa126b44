#!/usr/bin/env bash
# v24 run 7: host time per training step, A/B/C in one process (hostab).
set -u
cd "$(dirname "$0")/../.."
export PYTHONPATH=$PWD/stage/python MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
timeout 200 python3 stage/scratch/hostab.py 2>&1 | grep -v Warning | tee $OUT/hostab-r7.txt
