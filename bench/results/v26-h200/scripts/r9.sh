#!/usr/bin/env bash
# v26 run 9 (main: the row-scaled fp8 weight gradient without clusters below
# 256 rows per group): the runtime's unit tests and the fp8 GPU test matrix,
# memcheck on the unclustered kernel, the selection on run 8's few-row
# shapes, the fp8 weight-gradient Python GPU tests, and the bench's weight
# gradients (bf16 and fp8, with peers) on two few-row shapes.
set -u
cd "$(dirname "$0")/../.."
export PYTHONPATH=$PWD/stage/python MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
t0=$SECONDS
MGGEMM_TEST_BUDGET_S=200 stage/run-gpu-tests.sh preflight fp8 2>&1 | tail -4
echo "matrix done at $((SECONDS-t0)) s"
compute-sanitizer --tool memcheck stage/bin/mggemm-run --variant grad_weight --dtype e4m3 --groups 64 --m 4096 --n 520 --k 1000 --split imbalanced --check > $OUT/memcheck-dw-c1-r9.txt 2>&1; echo "memcheck rc=$?"; tail -3 $OUT/memcheck-dw-c1-r9.txt
timeout 120 python3 stage/bench/tune_tiles.py --run stage/bin/mggemm-run --out /tmp --dtype e4m3 --variants grad_weight --rounds 1 --shapes 128x8192x2048x7168,256x32768x2048x7168,32x16384x4096x7168 > $OUT/dwtiles-selected-r9.txt 2>&1; cat $OUT/dwtiles-selected-r9.txt
timeout 150 python3 -m pytest -q -k "grad_weight" stage/python/tests/test_gpu_fp8.py > $OUT/pytest-fp8-dw-r9.txt 2>&1; echo "pytest rc=$?"; tail -1 $OUT/pytest-fp8-dw-r9.txt
mkdir -p $OUT/dw; timeout 200 python3 -m mggemm.bench --out $OUT/dw --variants grad_weight,fp8_grad_weight --shapes 128x8192x2048x7168,64x8192x4096x7168 --no-progress --no-plots 2>&1 | grep -v Warning > $OUT/dw/summary.txt; cat $OUT/dw/summary.txt
echo "all done at $((SECONDS-t0)) s"
