#!/bin/bash
# Session 5 run 9: energy per FLOP (1.2 s per implementation and round) on three more anchor shapes, balanced.
set -u
cd "$(dirname "$0")/../.."
export PYTHONPATH=$PWD/stage/python MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
timeout 170 python3 -m mggemm.bench --out $OUT/bench --shapes 8x32768x4096x14336,8x32768x14336x4096,32x65536x4096x7168 --splits balanced --variants forward,grad_input,grad_weight --rounds 2 --rep-ms 2400 --no-progress --no-plots 2>&1 | grep -v "^note"
