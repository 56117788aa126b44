#!/usr/bin/env bash
# v22 step 5: checks on the kept kernels: the fp8 test group, the whole
# compute-sanitizer script, the edge group, stress.
set -u
cd "$(dirname "$0")/../.."
t0=$SECONDS
OUT=$OUT/t stage/run-gpu-tests.sh fp8 edge --budget 150 >$OUT/tests-stdout.txt 2>&1; echo "fp8+edge tests rc=$?"
tail -1 $OUT/t/summary.txt
echo "tests done at $((SECONDS-t0)) s"
OUT=$OUT/san timeout 330 stage/sanitize-gpu.sh > $OUT/sanitize-stdout.txt 2>&1; echo "sanitize rc=$?"
grep -c clean $OUT/sanitize-stdout.txt; grep -E "FAIL" $OUT/sanitize-stdout.txt | head; tail -2 $OUT/sanitize-stdout.txt
echo "sanitize done at $((SECONDS-t0)) s"
timeout 60 stage/bin/mggemm-run --stress 400 --threads 4 --seed 24 > $OUT/stress.txt 2>&1; echo "stress rc=$?"; tail -1 $OUT/stress.txt
echo "all done at $((SECONDS-t0)) s"
