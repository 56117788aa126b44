#!/usr/bin/env bash
# v28 run 2, main (0bdaffb): the benchmark's forward, input and weight
# gradients, bf16 and fp8 (row, block), all peers, on the anchor shapes
# ($OUT/all); then one-group fp8 / bf16 ratios of cuBLAS and of mggemm on
# the shapes where an fp8 form misses 1.6x our bf16 (scripts/ratios.py).
set -u
cd "$(dirname "$0")/../.."
t0=$SECONDS
export MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
mkdir -p $OUT/all; PYTHONPATH=$PWD/stage/python timeout 420 python3 -m mggemm.bench --out $OUT/all --variants forward,grad_input,grad_weight,fp8_forward,fp8_grad_input,fp8_block_forward,fp8_grad_weight --no-progress --no-plots 2>&1 | grep -v Warning > $OUT/all/summary.txt; echo "bench rc=$? at $((SECONDS-t0)) s"
cat $OUT/all/summary.txt
PYTHONPATH=$PWD/stage/python timeout 150 python3 stage/scratch/ratios.py $OUT/ratios-r2.json 2>&1 | grep -v Warning | tee $OUT/ratios-r2.txt
echo "all done at $((SECONDS-t0)) s"
