#!/usr/bin/env bash
# v23 run 5, final code (cast tiles 64 x 64): quantizer timing, the Python
# GPU suite, the MoE example (all backends, 50 steps).
set -u
cd "$(dirname "$0")/../.."
export PYTHONPATH=$PWD/stage/python MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
t0=$SECONDS
nvidia-smi --query-gpu=name,clocks.sm,power.draw,temperature.gpu --format=csv
timeout 120 python3 stage/scratch/qprof3.py 2>&1 | grep -v Warning | grep -v "   tiles" | tee $OUT/qprof3-final.txt
echo "qprof done at $((SECONDS-t0)) s"
timeout 330 python3 -m pytest -q stage/python/tests > $OUT/pytest-all.txt 2>&1; echo "pytest rc=$?"; tail -2 $OUT/pytest-all.txt
echo "pytest done at $((SECONDS-t0)) s"
timeout 200 python3 stage/python/examples/moe.py --backend all --steps 50 --no-progress --log-every 100 --json $OUT/moe-example.json > $OUT/moe-example.txt 2>&1; echo "moe rc=$?"
grep -A8 "^backend" $OUT/moe-example.txt
echo "all done at $((SECONDS-t0)) s"
