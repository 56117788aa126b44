#!/usr/bin/env bash
# v23 run 7, final code (cast tiles 32 x 64): fp8 Python GPU tests, the
# quantizer under compute-sanitizer, quantizer timing, the MoE example.
set -u
cd "$(dirname "$0")/../.."
export PYTHONPATH=$PWD/stage/python MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
t0=$SECONDS
timeout 150 python3 -m pytest -q stage/python/tests/test_gpu_fp8.py > $OUT/pytest-fp8-final.txt 2>&1; echo "pytest rc=$?"; tail -1 $OUT/pytest-fp8-final.txt
for tool in memcheck racecheck; do
  timeout 150 compute-sanitizer --tool $tool --error-exitcode 9 python3 stage/scratch/qsan.py > $OUT/sanitize-quantizer-$tool.txt 2>&1; echo "$tool rc=$?"; tail -3 $OUT/sanitize-quantizer-$tool.txt
done
echo "sanitizer done at $((SECONDS-t0)) s"
timeout 120 python3 stage/scratch/qprof3.py 2>&1 | grep -v Warning | grep -v "   tiles" | tee $OUT/qprof3-final.txt
echo "qprof done at $((SECONDS-t0)) s"
timeout 200 python3 stage/python/examples/moe.py --backend all --steps 50 --no-progress --log-every 100 --json $OUT/moe-example.json > $OUT/moe-example.txt 2>&1; echo "moe rc=$?"
grep -A10 "^backend" $OUT/moe-example.txt
echo "all done at $((SECONDS-t0)) s"
