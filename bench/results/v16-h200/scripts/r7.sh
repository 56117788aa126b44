#!/bin/bash
# Session 5 run 7: Python tests (power reader included) and the benchmark with power, on the v15 kernels.
set -u
cd "$(dirname "$0")/../.."
L=$OUT/log; mkdir -p $L; exec > >(tee $L/main.txt) 2>&1
log() { echo "== $(date +%T) $*"; }
export PYTHONPATH=$PWD/stage/python MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
log bench
timeout 240 python3 -m mggemm.bench --out $OUT/bench --variants forward,grad_input,grad_weight,fp8_forward,fp8_grad_input,fp8_block_forward --rounds 2 --rep-ms 100 --no-progress --no-plots > $L/bench.txt 2>&1; echo "bench rc=$?"
grep -E "energy|W read|vs best" $L/bench.txt | head -5
python3 -c "import json; r=json.load(open('$OUT/bench/results.json')); print(r['meta'].get('clocks'))"
log pytest
timeout 200 python3 -m pytest stage/python/tests -q -x > $L/pytest.txt 2>&1; echo "pytest rc=$?"; tail -3 $L/pytest.txt
log done
