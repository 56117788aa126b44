#!/usr/bin/env bash
# v27 run 4: the padded layout of quantize_fp8_grouped_columns (each group
# padded to 128 columns) with run 3's kernel. The fp8 Python GPU tests and
# the benchmark's tests; the benchmark's grad_weight and fp8_grad_weight on
# the anchor shapes ($OUT/dw); then, for a same-run comparison, main's
# Python (packed layout) and runtime on fp8_grad_weight, mggemm only
# ($OUT/dw-main).
set -u
cd "$(dirname "$0")/../.."
t0=$SECONDS
export MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
PYTHONPATH=$PWD/stage/python timeout 240 python3 -m pytest -q stage/python/tests/test_gpu_fp8.py stage/python/tests/test_bench.py > $OUT/pytest-r4.txt 2>&1; echo "pytest rc=$?"; tail -1 $OUT/pytest-r4.txt; grep -E "FAILED|ERROR" $OUT/pytest-r4.txt | head
for a in "--m 1024 --sizes 256,0,512" "--m 512 --sizes 256,384 --expect-status bad_sizes"; do
  echo "checked $a: $(stage/bin/mggemm-run --variant grad_weight --dtype e4m3 --check-sizes --n 512 --k 256 $a 2>&1 | tail -1)"
done
echo "tests done at $((SECONDS-t0)) s"
mkdir -p $OUT/dw; PYTHONPATH=$PWD/stage/python timeout 240 python3 -m mggemm.bench --out $OUT/dw --variants grad_weight,fp8_grad_weight --no-progress --no-plots 2>&1 | grep -v Warning > $OUT/dw/summary.txt; echo "bench rc=$?"
cat $OUT/dw/summary.txt
echo "new done at $((SECONDS-t0)) s"
left=$((520 - (SECONDS - t0)))
mkdir -p $OUT/dw-main; MGGEMM_RUNTIME_LIB=$PWD/stage/main/lib/libmggemm_runtime.so PYTHONPATH=$PWD/stage/oldpy timeout $left python3 -m mggemm.bench --out $OUT/dw-main --variants fp8_grad_weight --impls mggemm --no-progress --no-plots 2>&1 | grep -v Warning > $OUT/dw-main/summary.txt; echo "bench main rc=$?"
cat $OUT/dw-main/summary.txt
echo "all done at $((SECONDS-t0)) s"
