#!/usr/bin/env bash
# v25 run 5 (grouped_mm_fp8 takes f32 master weights; the MoE example's fp8
# backends quantize them directly): the fp8 and MoE Python GPU tests; the
# example under CUDA graphs, bf16, row fp8, and row fp8 as of run 3
# (moe_v25r3.py, the example before this change: a bf16 copy of W first;
# staged from `git show a0215cf:python/examples/moe.py`, not kept here),
# then eager, every backend.
set -u
cd "$(dirname "$0")/../.."
export PYTHONPATH=$PWD/stage/python MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
t0=$SECONDS
timeout 150 python3 -m pytest -q stage/python/tests/test_gpu_fp8.py stage/python/tests/test_gpu_moe.py > $OUT/pytest-fp8-moe-r5.txt 2>&1; echo "pytest rc=$?"; tail -1 $OUT/pytest-fp8-moe-r5.txt; grep FAILED $OUT/pytest-fp8-moe-r5.txt | head
echo "tests done at $((SECONDS-t0)) s"
for v in "mggemm examples" "mggemm_fp8 examples" "mggemm_fp8 v25r3" "mggemm_fp8 examples"; do
  set -- $v
  if [ $2 = examples ]; then f=stage/python/examples/moe.py; else f=stage/scratch/moe_v25r3.py; fi
  n=moe-example-cudagraph-$1-$2-r5
  [ -e $OUT/$n.txt ] && n=$n-again
  timeout 80 python3 $f --backend $1 --compile --compile-mode reduce-overhead --steps 30 --no-progress --log-every 100 --json $OUT/$n.json > $OUT/$n.txt 2>&1; echo "$v rc=$?"
  grep -A2 "^backend" $OUT/$n.txt | tail -1
  echo "at $((SECONDS-t0)) s"
done
timeout 150 python3 stage/python/examples/moe.py --backend all --steps 50 --no-progress --log-every 100 --json $OUT/moe-example-r5.json > $OUT/moe-example-r5.txt 2>&1; echo "moe rc=$?"
grep -A10 "^backend" $OUT/moe-example-r5.txt
echo "all done at $((SECONDS-t0)) s"
