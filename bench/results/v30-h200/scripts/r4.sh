#!/usr/bin/env bash
# v30 run 4: host time per call, main's package against this one (checks
# remembered), three rounds alternating; then the fp8 backward's parts.
set -u
cd "$(dirname "$0")/../.."
export MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
for r in 1 2 3; do
  for v in python-main/python python; do
    echo "== round $r $v"
    PYTHONPATH=$PWD/stage/$v python stage/scratch/hostcost.py 2>&1
  done
done | tee $OUT/hostcost-r4.txt
PYTHONPATH=$PWD/stage/python python stage/scratch/hostcost.py backward 2>&1 | tee $OUT/backward-r4.txt
