#!/usr/bin/env bash
# Final kernels: fp8 test group (forward + grad_weight), compute-sanitizer on
# the fp8 grad_weight cases of sanitize-gpu.sh, the whole pytest suite.
set -u
cd "$(dirname "$0")/../.."
export PYTHONPATH=$PWD/stage/python MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
t0=$SECONDS
OUT=$OUT/t stage/run-gpu-tests.sh fp8 --budget 110 >$OUT/tests-stdout.txt 2>&1; echo "fp8 tests rc=$?"
tail -3 $OUT/t/summary.txt
echo "fp8 tests done at $((SECONDS-t0)) s"
run=stage/bin/mggemm-run; f=0
for tool in memcheck racecheck synccheck initcheck; do
  for shape in "--sizes 0,1,130,77,0,64 --n 264 --k 200" "--sizes 3,0,125 --n 136 --k 72" "--m 160 --sizes 5,-3,200,77 --n 136 --k 72"; do
    for dt in e4m3 e4m3_fast; do
      tile=128x192x128s4c2; [[ $dt == e4m3_fast ]] && tile=128x256x128s4c2
      if timeout 60 compute-sanitizer --tool $tool --error-exitcode 9 $run --variant grad_weight --dtype $dt $shape --tile $tile --check >>$OUT/sanitizer.log 2>&1; then r=clean; else r=FAIL; f=$((f+1)); fi
      echo "$tool $dt $shape: $r"
    done
  done
done | tee $OUT/sanitizer-summary.txt | grep -c clean
grep FAIL $OUT/sanitizer-summary.txt
echo "sanitizer done at $((SECONDS-t0)) s"
timeout $((540 - (SECONDS-t0) - 20)) python3 -m pytest -q stage/python/tests > $OUT/pytest.txt 2>&1; echo "pytest rc=$?"; tail -3 $OUT/pytest.txt
echo "all done at $((SECONDS-t0)) s"
