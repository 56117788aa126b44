#!/bin/bash
# Session 9 run 10: the kept kernels (wgmma descriptors from warp-uniform values): the GPU test
# groups fp8, edge, stress; Python tests; the MoE example; the full benchmark.
set -u
cd "$(dirname "$0")/../.."
L=$OUT/log; mkdir -p $L; exec > >(tee $L/main.txt) 2>&1
log() { echo "== $(date +%T) $*"; }
export PYTHONPATH=$PWD/stage/python MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
log gpu tests
OUT=$OUT/gpu-tests stage/run-gpu-tests.sh fp8 edge stress --budget 200 > $L/gpu-tests.txt 2>&1; echo "gpu tests rc=$?"
tail -12 $L/gpu-tests.txt
log pytest
python3 -m pytest -q stage/python/tests 2>&1 | tail -3
log moe
python3 stage/python/examples/moe.py --backend all --steps 50 --no-progress > $L/moe.txt 2>&1; echo "moe rc=$?"; tail -12 $L/moe.txt
log bench
python3 -m mggemm.bench --out $OUT/bench --variants all --no-progress --no-plots > $L/bench.txt 2>&1; echo "bench rc=$?"
grep -v "^energy\|^note" $L/bench.txt | head -110
log done
