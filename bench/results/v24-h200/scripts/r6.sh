#!/usr/bin/env bash
# v24 run 6 (with eager-autograd.patch: grouped_mm's autograd as an autograd.Function
# in plain eager calls; not kept, run 7): the
# whole Python GPU suite, hostprof, rowprof, the MoE example.
set -u
cd "$(dirname "$0")/../.."
export PYTHONPATH=$PWD/stage/python MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
t0=$SECONDS
timeout 330 python3 -m pytest -q stage/python/tests > $OUT/pytest-all-r6.txt 2>&1; echo "pytest rc=$?"; tail -1 $OUT/pytest-all-r6.txt; grep FAILED $OUT/pytest-all-r6.txt | head
echo "pytest done at $((SECONDS-t0)) s"
timeout 100 python3 stage/scratch/hostprof.py 2>&1 | grep -v Warning > $OUT/hostprof-r6.txt; echo "rc=$?"
head -28 $OUT/hostprof-r6.txt
echo "hostprof done at $((SECONDS-t0)) s"
timeout 200 python3 stage/scratch/rowprof.py 2>&1 | grep -v Warning | grep -v "^M=" | tee $OUT/rowprof-r6.txt
timeout 150 python3 stage/python/examples/moe.py --backend all --steps 50 --no-progress --log-every 100 --json $OUT/moe-example-r6.json > $OUT/moe-example-r6.txt 2>&1; echo "moe rc=$?"
grep -A10 "^backend" $OUT/moe-example-r6.txt
echo "all done at $((SECONDS-t0)) s"
