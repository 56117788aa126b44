#!/usr/bin/env bash
# v30 run 9: the final package: the whole Python suite on the GPU, then host
# time per call against main's package (5633740), alternating, two rounds.
set -u
cd "$(dirname "$0")/../.."
export MGGEMM_RUNTIME_LIB=$PWD/stage/main/lib/libmggemm_runtime.so
PYTHONPATH=$PWD/stage/python python -m pytest -q stage/python/tests 2>&1 | tail -3 | tee $OUT/pytest-r9.txt
for r in 1 2; do
  for v in python-main/python python; do
    echo "== round $r $v"
    PYTHONPATH=$PWD/stage/$v python stage/scratch/hostcost.py 2>&1
  done
done | tee $OUT/hostcost-r9.txt
