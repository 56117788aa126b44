#!/usr/bin/env bash
# v28 run 10, final code: run 2's one-expert fp8 / bf16 ratios of cuBLAS and
# mggemm again (scripts/ratios.py), after the early stage wait (step 7).
set -u
cd "$(dirname "$0")/../.."
export MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
PYTHONPATH=$PWD/stage/python timeout 200 python3 stage/scratch/ratios.py $OUT/ratios-r10.json 2>&1 | grep -v Warning | tee $OUT/ratios-r10.txt
