#!/bin/bash
# Session 7 run 6: the kept kernels: compute-sanitizer, GPU tests (edge, stress), benchmark, MoE example.
set -u
cd "$(dirname "$0")/../.."
export PYTHONPATH=$PWD/stage/python MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
echo "== $(date +%T) sanitizer"
OUT=$OUT/sanitizer stage/sanitize-gpu.sh > $OUT/sanitizer.txt 2>&1; echo "sanitizer rc=$?"; tail -3 $OUT/sanitizer.txt
echo "== $(date +%T) tests"
stage/run-gpu-tests.sh edge stress --budget 120 > $OUT/gpu-tests.txt 2>&1; echo "tests rc=$?"; tail -3 $OUT/gpu-tests.txt
echo "== $(date +%T) bench"
python3 -m mggemm.bench --out $OUT/bench --variants forward,grad_input,fp8_forward,fp8_grad_input,fp8_block_forward --rounds 2 --rep-ms 100 --no-progress --no-plots > $OUT/bench.txt 2>&1; echo "bench rc=$?"
echo "== $(date +%T) moe"
python3 stage/python/examples/moe.py --backend all --steps 50 --no-progress > $OUT/moe.txt 2>&1; echo "moe rc=$?"; tail -12 $OUT/moe.txt
echo "== $(date +%T) done"
