#!/usr/bin/env bash
# v27 run 11: checks of the final code: the runtime's unit tests, the two
# checked-mode fp8 weight gradient cases of the test matrix, the whole
# Python suite on the GPU.
set -u
cd "$(dirname "$0")/../.."
t0=$SECONDS
export MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
stage/bin/mggemm-runtime-tests > $OUT/runtime-tests-r11.txt 2>&1; echo "runtime tests rc=$?"; tail -2 $OUT/runtime-tests-r11.txt
for a in "--m 1024 --sizes 256,0,512" "--m 512 --sizes 256,384 --expect-status bad_sizes"; do
  echo "checked $a: $(stage/bin/mggemm-run --variant grad_weight --dtype e4m3 --check-sizes --n 512 --k 256 $a 2>&1 | tail -1)"
done
PYTHONPATH=$PWD/stage/python timeout 220 python3 -m pytest -q stage/python/tests > $OUT/pytest-all-r11.txt 2>&1; echo "pytest rc=$?"; tail -1 $OUT/pytest-all-r11.txt; grep -E "FAILED|ERROR" $OUT/pytest-all-r11.txt | head
echo "all done at $((SECONDS-t0)) s"
