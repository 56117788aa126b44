#!/usr/bin/env bash
# v22 step 12: piecewise grouped-column amax: fp8 dW Python GPU tests (the
# sync-debug one among them), timing against the scatter, the MoE example.
set -u
cd "$(dirname "$0")/../.."
export PYTHONPATH=$PWD/stage/python MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
t0=$SECONDS
timeout 120 python3 -m pytest -q stage/python/tests/test_gpu_fp8.py -k "grad_weight or grouped_columns" > $OUT/pytest-fp8.txt 2>&1; echo "pytest rc=$?"; tail -1 $OUT/pytest-fp8.txt
echo "tests done at $((SECONDS-t0)) s"
timeout 100 python3 stage/scratch/qprof2.py 2>&1 | grep -v Warning | tee $OUT/qprof2.txt
echo "qprof done at $((SECONDS-t0)) s"
timeout 100 python3 stage/python/examples/moe.py --backend mggemm_fp8 --steps 30 --no-progress --log-every 100 > $OUT/moe-fp8.txt 2>&1
timeout 100 python3 stage/python/examples/moe.py --backend mggemm_fp8_dw --steps 30 --no-progress --log-every 100 > $OUT/moe-fp8-dw.txt 2>&1
grep -A3 "^backend" $OUT/moe-fp8.txt $OUT/moe-fp8-dw.txt
echo "all done at $((SECONDS-t0)) s"
