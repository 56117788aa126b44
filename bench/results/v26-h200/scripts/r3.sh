#!/usr/bin/env bash
# v26 run 3: where an eager MoE-example step's host time goes (hostprof.py,
# bf16 and the three fp8 backends), then the example with every backend,
# 50 eager steps (block scaling's first run on the quantizer kernel).
set -u
cd "$(dirname "$0")/../.."
export PYTHONPATH=$PWD/stage/python MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
t0=$SECONDS
timeout 150 python3 stage/scratch/hostprof.py mggemm mggemm_fp8 mggemm_fp8_block mggemm_fp8_dw 2>&1 | grep -v -i warn > $OUT/hostprof-r3.txt; echo "hostprof rc=$?"; cat $OUT/hostprof-r3.txt
echo "hostprof done at $((SECONDS-t0)) s"
timeout 200 python3 stage/python/examples/moe.py --backend all --steps 50 --no-progress --log-every 100 --json $OUT/moe-example-r3.json > $OUT/moe-example-r3.txt 2>&1; echo "moe rc=$?"; tail -8 $OUT/moe-example-r3.txt
echo "all done at $((SECONDS-t0)) s"
