#!/bin/bash
# Session 9 run 5: the full benchmark (every variant; the fp8 row-scaled variants now with a
# per-expert torch._scaled_mm loop as a peer) and the Python tests on the GPU.
set -u
cd "$(dirname "$0")/../.."
L=$OUT/log; mkdir -p $L; exec > >(tee $L/main.txt) 2>&1
log() { echo "== $(date +%T) $*"; }
export PYTHONPATH=$PWD/stage/python MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
log bench
python3 -m mggemm.bench --out $OUT/bench --variants all --no-progress --no-plots > $L/bench.txt 2>&1; echo "bench rc=$?"
grep -v "^energy" $L/bench.txt | tail -130
log pytest
python3 -m pytest -q stage/python/tests 2>&1 | tail -4
log done
