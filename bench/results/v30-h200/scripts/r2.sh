#!/usr/bin/env bash
# v30 run 2: host cost of the Python ops and their parts (scratch/hostcost.py).
set -u
cd "$(dirname "$0")/../.."
export PYTHONPATH=$PWD/stage/python MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
nvidia-smi --query-gpu=name,clocks.sm --format=csv
python stage/scratch/hostcost.py 2>&1 | tee $OUT/hostcost-r2.txt
