#!/usr/bin/env bash
# v23 run 9, final code: fp8 and MoE Python GPU tests; the quantizer and the
# transpose under compute-sanitizer.
set -u
cd "$(dirname "$0")/../.."
export PYTHONPATH=$PWD/stage/python MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
t0=$SECONDS
timeout 130 python3 -m pytest -q stage/python/tests/test_gpu_fp8.py stage/python/tests/test_gpu_moe.py > $OUT/pytest-fp8-moe-r9.txt 2>&1; echo "pytest rc=$?"; tail -1 $OUT/pytest-fp8-moe-r9.txt; grep FAILED $OUT/pytest-fp8-moe-r9.txt | head
echo "tests done at $((SECONDS-t0)) s"
for tool in memcheck racecheck; do
  timeout 80 compute-sanitizer --tool $tool --error-exitcode 9 python3 stage/scratch/qsan.py > $OUT/sanitize-quantizer-$tool-r9.txt 2>&1; echo "$tool rc=$?"; grep -c True $OUT/sanitize-quantizer-$tool-r9.txt; grep -c False $OUT/sanitize-quantizer-$tool-r9.txt; tail -1 $OUT/sanitize-quantizer-$tool-r9.txt
done
echo "all done at $((SECONDS-t0)) s"
