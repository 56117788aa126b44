#!/usr/bin/env bash
# v23 run 1: the Triton grouped-columns quantizer: its tests (bit equality
# with the torch ops), timing and tile sweep, the fp8 dW end to end; the
# MoE example's step profiled per backend.
set -u
cd "$(dirname "$0")/../.."
export PYTHONPATH=$PWD/stage/python MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
t0=$SECONDS
nvidia-smi --query-gpu=name,clocks.sm,power.draw,temperature.gpu --format=csv
timeout 150 python3 -m pytest -q stage/python/tests/test_gpu_fp8.py -k "grad_weight or grouped_columns" > $OUT/pytest-fp8.txt 2>&1; echo "pytest rc=$?"; tail -3 $OUT/pytest-fp8.txt
echo "tests done at $((SECONDS-t0)) s"
timeout 200 python3 stage/scratch/qprof3.py 2>&1 | grep -v Warning | tee $OUT/qprof3.txt
echo "qprof done at $((SECONDS-t0)) s"
timeout 150 python3 stage/scratch/moeprof.py mggemm mggemm_fp8 mggemm_fp8_dw > $OUT/moeprof.txt 2>&1
grep "===" $OUT/moeprof.txt
echo "all done at $((SECONDS-t0)) s"
