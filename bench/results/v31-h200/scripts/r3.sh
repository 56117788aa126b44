#!/usr/bin/env bash
# v31 run 3: the benchmark of every product and fp8 form against every peer
# on main (c42efaa; kernels as at 216b030), as v28 runs 2 and 9 ran it, for
# issue 8's closing figures.
set -u
cd "$(dirname "$0")/../.."
t0=$SECONDS
export MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
mkdir -p $OUT/all; PYTHONPATH=$PWD/stage/python timeout 500 python3 -m mggemm.bench --out $OUT/all --variants forward,grad_input,grad_weight,fp8_forward,fp8_grad_input,fp8_block_forward,fp8_grad_weight --no-progress --no-plots 2>&1 | grep -v Warning > $OUT/all/summary.txt; echo "bench rc=$? at $((SECONDS-t0)) s"
grep -E "^fp8" $OUT/all/summary.txt | head -60
echo "all done at $((SECONDS-t0)) s"
