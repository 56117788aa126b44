#!/usr/bin/env bash
# v25 run 3 (main at v25): the whole Python GPU suite, the row quantizer's
# tiles (rowtune.py), the MoE example under CUDA graphs (bf16, row fp8).
set -u
cd "$(dirname "$0")/../.."
export PYTHONPATH=$PWD/stage/python MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
t0=$SECONDS
timeout 240 python3 -m pytest -q stage/python/tests > $OUT/pytest-all-r3.txt 2>&1; echo "pytest rc=$?"; tail -1 $OUT/pytest-all-r3.txt; grep FAILED $OUT/pytest-all-r3.txt | head
echo "pytest done at $((SECONDS-t0)) s"
timeout 150 python3 stage/scratch/rowtune.py 2>&1 | grep -v Warning | tee $OUT/rowtune-r3.txt
echo "rowtune done at $((SECONDS-t0)) s"
for b in mggemm mggemm_fp8; do
  timeout 70 python3 stage/python/examples/moe.py --backend $b --compile --compile-mode reduce-overhead --steps 30 --no-progress --log-every 100 --json $OUT/moe-example-cudagraph-$b-r3.json > $OUT/moe-example-cudagraph-$b-r3.txt 2>&1; echo "$b rc=$?"
  grep -A2 "^backend" $OUT/moe-example-cudagraph-$b-r3.txt | tail -1
  echo "at $((SECONDS-t0)) s"
done
