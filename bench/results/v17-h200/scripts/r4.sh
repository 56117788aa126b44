#!/bin/bash
# Session 6 run 4: the new default (block 128x192 c2 with turns): GPU tests and compute-sanitizer.
cd "$(dirname "$0")/../.."
mkdir -p $OUT/t
stage/bin/mggemm-run --list | grep block
OUT=$OUT/t stage/run-gpu-tests.sh edge fp8 stress --budget 150 > $OUT/t/tests.out 2>&1; echo "tests rc=$?"
grep -E "FAIL|TIMEOUT|NOT RUN" $OUT/t/summary.txt | head; grep -c PASS $OUT/t/summary.txt; grep -E "block" $OUT/t/summary.txt | head -30
mkdir -p $OUT/san; OUT=$OUT/san stage/sanitize-gpu.sh > $OUT/san/san.out 2>&1; echo "san rc=$?"; tail -3 $OUT/san/san.out
tar czf $OUT/r4.tgz -C $OUT t san && rm -rf $OUT/t $OUT/san
