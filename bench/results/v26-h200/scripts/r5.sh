#!/usr/bin/env bash
# v26 run 5: fp8 / bf16 of cuBLAS and of mggemm on one-group block-scaled
# forwards and weight gradients (blockvsbf16.py), then the MoE example's
# block-scaled backend under CUDA graphs (30 steps).
set -u
cd "$(dirname "$0")/../.."
export PYTHONPATH=$PWD/stage/python MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
t0=$SECONDS
timeout 200 python3 stage/scratch/blockvsbf16.py $OUT/blockvsbf16-r5.json 2>&1 | grep -v -i warn | tee $OUT/blockvsbf16-r5.txt
echo "ratios done at $((SECONDS-t0)) s"
for b in mggemm mggemm_fp8_block; do
  timeout 90 python3 stage/python/examples/moe.py --backend $b --compile --compile-mode reduce-overhead --steps 30 --no-progress --log-every 100 --json $OUT/moe-example-cudagraph-$b-r5.json > $OUT/moe-example-cudagraph-$b-r5.txt 2>&1; echo "$b rc=$?"; tail -1 $OUT/moe-example-cudagraph-$b-r5.txt
done
echo "all done at $((SECONDS-t0)) s"
