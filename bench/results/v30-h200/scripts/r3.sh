#!/usr/bin/env bash
# v30 run 3: the Python ops' checks remembered by layout (ops._check_real):
# the GPU Python tests of the ops, then host time per call, main's package
# and this one alternating, three rounds (median of 5 x 1000 calls each).
set -u
cd "$(dirname "$0")/../.."
export MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
PYTHONPATH=$PWD/stage/python python -m pytest -q -x stage/python/tests 2>&1 | tail -5 | tee $OUT/pytest-r3.txt
for r in 1 2 3; do
  for v in python-main python; do
    echo "== round $r $v"
    PYTHONPATH=$PWD/stage/$v python stage/scratch/hostcost.py 2>&1
  done
done | tee $OUT/hostcost-r3.txt
