#!/usr/bin/env bash
# v23 run 3: the Triton quantizer with div_rn and in-kernel row groups: tests,
# host time, timing and tiles, the MoE example (fp8 dW) and its profile.
set -u
cd "$(dirname "$0")/../.."
export PYTHONPATH=$PWD/stage/python MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
t0=$SECONDS
timeout 150 python3 -m pytest -q stage/python/tests/test_gpu_fp8.py -k "grad_weight or grouped_columns" > $OUT/pytest-fp8.txt 2>&1; echo "pytest rc=$?"; tail -3 $OUT/pytest-fp8.txt
echo "tests done at $((SECONDS-t0)) s"
timeout 100 python3 stage/scratch/ovh.py > $OUT/ovh.txt 2>&1; grep "us/call\|failed" $OUT/ovh.txt
echo "ovh done at $((SECONDS-t0)) s"
timeout 200 python3 stage/scratch/qprof3.py 2>&1 | grep -v Warning | tee $OUT/qprof3.txt
echo "qprof done at $((SECONDS-t0)) s"
timeout 150 python3 stage/python/examples/moe.py --backend mggemm,mggemm_fp8,mggemm_fp8_dw --steps 30 --no-progress --log-every 100 > $OUT/moe.txt 2>&1 || \
  for b in mggemm mggemm_fp8 mggemm_fp8_dw; do timeout 100 python3 stage/python/examples/moe.py --backend $b --steps 30 --no-progress --log-every 100 >> $OUT/moe.txt 2>&1; done
grep -A4 "^backend" $OUT/moe.txt
echo "moe done at $((SECONDS-t0)) s"
timeout 100 python3 stage/scratch/moeprof.py mggemm_fp8_dw > $OUT/moeprof.txt 2>&1
grep "===" $OUT/moeprof.txt
echo "all done at $((SECONDS-t0)) s"
