#!/usr/bin/env bash
# v24 run 9: the compiled MoE example's GPU time by kernel, bf16 and row fp8.
set -u
cd "$(dirname "$0")/../.."
export PYTHONPATH=$PWD/stage/python MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
timeout 200 python3 stage/scratch/moecompile.py 2>&1 | grep -v Warning > $OUT/moecompile-r9.txt; echo "rc=$?"
grep -A24 "^===" $OUT/moecompile-r9.txt | cut -c1-170
