#!/bin/bash
# Session 6 run 5: benchmark (all variants), Python tests and the MoE example on the new block-scaled default.
cd "$(dirname "$0")/../.."
export PYTHONPATH=$PWD/stage/python MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
python3 -m mggemm.bench --out $OUT/bench --variants forward,grad_input,grad_weight,fp8_forward,fp8_grad_input,fp8_block_forward --rounds 2 --rep-ms 100 --no-progress --no-plots > $OUT/bench.txt 2>&1; echo "bench rc=$?"
python3 -m pytest stage/python/tests -q -x > $OUT/pytest.txt 2>&1; echo "pytest rc=$?"; tail -2 $OUT/pytest.txt
python3 stage/python/examples/moe.py --backend all --steps 50 --no-progress > $OUT/moe.txt 2>&1; echo "moe rc=$?"; tail -12 $OUT/moe.txt
