#!/bin/bash
# Session 5 run 8: the benchmark's energy per FLOP over long measurements (3 s per implementation and case).
set -u
cd "$(dirname "$0")/../.."
export PYTHONPATH=$PWD/stage/python MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
timeout 200 python3 -m mggemm.bench --out $OUT/bench --shapes 8x16384x4096x7168,16x32768x2048x7168 --splits balanced --variants forward,grad_input,fp8_forward --rounds 2 --rep-ms 3000 --no-progress --no-plots 2>&1 | grep -v "^note"
