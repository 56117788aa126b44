#!/usr/bin/env bash
# v24 run 8: the MoE example eager (every backend) and under torch.compile
# (--compile: bf16, row fp8, row fp8 with fp8 dW), 50 steps each: is the fp8
# step still behind bf16's once the host work is compiled?
set -u
cd "$(dirname "$0")/../.."
export PYTHONPATH=$PWD/stage/python MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
t0=$SECONDS
timeout 120 python3 stage/python/examples/moe.py --backend all --steps 50 --no-progress --log-every 100 --json $OUT/moe-example-r8.json > $OUT/moe-example-r8.txt 2>&1; echo "eager rc=$?"
grep -A10 "^backend" $OUT/moe-example-r8.txt
echo "eager done at $((SECONDS-t0)) s"
for b in mggemm mggemm_fp8 mggemm_fp8_dw; do
  timeout 110 python3 stage/python/examples/moe.py --backend $b --compile --steps 50 --no-progress --log-every 100 --json $OUT/moe-example-compile-$b-r8.json > $OUT/moe-example-compile-$b-r8.txt 2>&1; echo "compile $b rc=$?"
  grep -A2 "^backend" $OUT/moe-example-compile-$b-r8.txt | tail -1
  echo "at $((SECONDS-t0)) s"
done
