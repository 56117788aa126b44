#!/usr/bin/env bash
# v25 run 6: eager MoE example, row fp8, the example before (moe_v25r3.py,
# a bf16 copy of W first) and after run 5's change (f32 W quantized
# directly), alternating, 50 steps each, twice; then bf16 once.
# moe_v25r3.py: `git show a0215cf:python/examples/moe.py`, staged beside.
set -u
cd "$(dirname "$0")/../.."
export PYTHONPATH=$PWD/stage/python MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
t0=$SECONDS
i=0
for v in v25r3 examples v25r3 examples mggemm; do
  i=$((i+1))
  b=mggemm_fp8; f=stage/python/examples/moe.py
  [ $v = v25r3 ] && f=stage/scratch/moe_v25r3.py
  [ $v = mggemm ] && b=mggemm
  timeout 80 python3 $f --backend $b --steps 50 --no-progress --log-every 100 > $OUT/moe-eager-$i-$v.txt 2>&1; echo "$i $v $b rc=$?"
  grep -A2 "^backend" $OUT/moe-eager-$i-$v.txt | tail -1
done
echo "all done at $((SECONDS-t0)) s"
