#!/bin/bash
# Session 5 run 6: balanced rounds (new) vs HEAD kernels (base): test suites on new, sustained A/B.
set -u
cd "$(dirname "$0")/../.."
L=$OUT/log; mkdir -p $L; exec > >(tee $L/main.txt) 2>&1
log() { echo "== $(date +%T) $*"; }
log check
for a in "--groups 4 --m 20000 --n 4096 --k 1000 --split imbalanced" "--groups 16 --m 32768 --n 2048 --k 7168 --split imbalanced" "--variant grad_weight --groups 3 --m 9000 --n 4096 --k 2048 --split imbalanced" "--dtype e4m3_block --groups 3 --m 15000 --n 4096 --k 1024 --split imbalanced" "--groups 128 --m 8192 --n 2048 --k 7168 --split imbalanced" "--variant grad_input --groups 129 --m 9000 --n 1024 --k 512 --split imbalanced" "--groups 8 --m 16384 --n 4096 --k 7168"; do
  echo "$a: $(stage/bin/mggemm-run --check $a 2>&1 | tail -1)"; done
log tests
stage/run-gpu-tests.sh edge fp8 stress random --budget 150 > $L/tests.log 2>&1; echo "tests rc=$?"
tail -2 $L/tests.log; mv $OUT/summary.txt $L/tests-summary.txt 2>/dev/null; rm -f $OUT/gpu-tests.log $OUT/results.jsonl
log sustained
nvidia-smi --query-gpu=timestamp,power.draw,clocks.sm --format=csv,noheader,nounits -lms 100 > $L/smi.csv &
SMI=$!
: > $L/windows.txt
for rep in 1 2; do
 for a in "--groups 8 --m 16384 --n 4096 --k 7168" "--groups 16 --m 32768 --n 2048 --k 7168" "--groups 8 --m 32768 --n 4096 --k 14336" "--variant grad_input --groups 8 --m 16384 --n 4096 --k 7168" "--variant grad_weight --groups 8 --m 16384 --n 4096 --k 7168" "--groups 8 --m 16384 --n 4096 --k 7168 --split imbalanced" "--groups 128 --m 8192 --n 2048 --k 7168" "--groups 128 --m 8192 --n 2048 --k 7168 --split imbalanced" "--dtype e4m3_block --groups 8 --m 16384 --n 4096 --k 7168"; do
  for v in base new; do bin=stage/bin/mggemm-run; [ $v = base ] && bin=stage/base/bin/mggemm-run
   it=2000; [[ $a == *"--k 14336"* ]] && it=500
   t0=$(date +%s.%N); r=$($bin --bench --iters $it --warmup 20 $a 2>&1 | grep -E 'bench:|error' | sed 's/over .*set(s)//'); t1=$(date +%s.%N)
   echo "$t0|$t1|$v $a|$r" >> $L/windows.txt; sleep 0.5
  done
 done
done
kill $SMI
python3 stage/scratch/sustain.py $L/smi.csv $L/windows.txt
log done
tar czf $OUT/r6.tgz -C $OUT log && find $OUT/log -mindepth 1 ! -name main.txt -delete
