#!/bin/bash
# Session 8 run 5: the kept kernels (398e584): benchmark (bf16 forward/grad_input, all fp8 variants),
# GPU tests edge + stress, Python tests, MoE example.
set -u
cd "$(dirname "$0")/../.."
L=$OUT/log; mkdir -p $L; exec > >(tee $L/main.txt) 2>&1
log() { echo "== $(date +%T) $*"; }
export PYTHONPATH=$PWD/stage/python MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
log bench
python3 -m mggemm.bench --out $OUT/bench --variants forward,grad_input,fp8_forward,fp8_grad_input,fp8_block_forward,fp8_fast_forward --rounds 2 --rep-ms 100 --no-progress --no-plots > $OUT/bench.txt 2>&1; echo "bench rc=$?"
log gpu tests
stage/run-gpu-tests.sh edge stress --budget 120 2>&1 | tail -3
log pytest
python3 -m pytest -q stage/python/tests 2>&1 | tail -3
log moe
python3 stage/python/examples/moe.py --backend all --steps 50 --no-progress > $OUT/moe.txt 2>&1; echo "moe rc=$?"; tail -12 $OUT/moe.txt
log done
