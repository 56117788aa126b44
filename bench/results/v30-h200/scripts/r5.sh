#!/usr/bin/env bash
# v30 run 5: the fp8 backward's host time inside and outside the autograd
# engine's device thread (scratch/enginecost.py).
set -u
cd "$(dirname "$0")/../.."
export MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so PYTHONPATH=$PWD/stage/python
python stage/scratch/enginecost.py 2>&1 | tee $OUT/enginecost-r5.txt
