#!/usr/bin/env bash
# v24 run 10: the MoE example under torch.compile with CUDA graphs
# (--compile-mode reduce-overhead), bf16 and row fp8, 30 steps each.
set -u
cd "$(dirname "$0")/../.."
export PYTHONPATH=$PWD/stage/python MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
t0=$SECONDS
for b in mggemm mggemm_fp8; do
  timeout 70 python3 stage/python/examples/moe.py --backend $b --compile --compile-mode reduce-overhead --steps 30 --no-progress --log-every 100 --json $OUT/moe-example-cudagraph-$b-r10.json > $OUT/moe-example-cudagraph-$b-r10.txt 2>&1; echo "$b rc=$?"
  grep -A2 "^backend" $OUT/moe-example-cudagraph-$b-r10.txt | tail -1; grep -i "skip\|error" $OUT/moe-example-cudagraph-$b-r10.txt | head -3
  echo "at $((SECONDS-t0)) s"
done
