#!/bin/bash
# Session 7 run 4: torch._scaled_grouped_mm fast vs precise accumulation against mggemm's row fp8 (accum.py),
# then the benchmark of forward, fp8_forward and fp8_grad_input with the fast-accumulating torch peer.
set -u
cd "$(dirname "$0")/../.."
export PYTHONPATH=$PWD/stage/python MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
echo "== $(date +%T) accum"
python3 stage/scratch/accum.py > $OUT/accum.txt 2>&1; echo "accum rc=$?"; cat $OUT/accum.txt
echo "== $(date +%T) bench"
python3 -m mggemm.bench --out $OUT/bench --variants forward,fp8_forward,fp8_grad_input --rounds 2 --rep-ms 100 --no-progress --no-plots > $OUT/bench.txt 2>&1; echo "bench rc=$?"
tail -5 $OUT/bench.txt
echo "== $(date +%T) done"
