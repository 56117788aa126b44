#!/bin/bash
# Session 5 run 3: does resynchronising the clusters pay? Same group shape, many groups in one launch vs few (sustained, power sampled).
set -u
cd "$(dirname "$0")/../.."
L=$OUT/log; mkdir -p $L; exec > >(tee $L/main.txt) 2>&1
nvidia-smi --query-gpu=timestamp,power.draw,clocks.sm --format=csv,noheader,nounits -lms 100 > $L/smi.csv &
SMI=$!
: > $L/windows.txt
run() { t0=$(date +%s.%N); r=$(stage/bin/mggemm-run --bench --iters $1 --warmup 20 ${@:2} 2>&1 | grep -E 'bench:|error' | sed 's/over .*set(s)//'); t1=$(date +%s.%N); echo "$t0|$t1|$*|$r" >> $L/windows.txt; sleep 0.5; }
for rep in 1 2; do
  run 500 --groups 8 --m 32768 --n 4096 --k 14336
  run 4000 --groups 1 --m 4096 --n 4096 --k 14336
  run 2000 --groups 2 --m 8192 --n 4096 --k 14336
  run 500 --groups 8 --m 32768 --n 14336 --k 4096
  run 4000 --groups 1 --m 4096 --n 14336 --k 4096
  run 2000 --groups 16 --m 32768 --n 2048 --k 7168
  run 8000 --groups 4 --m 8192 --n 2048 --k 7168
  run 500 --variant grad_input --groups 8 --m 32768 --n 4096 --k 14336
  run 4000 --variant grad_input --groups 1 --m 4096 --n 4096 --k 14336
done
kill $SMI
python3 stage/scratch/sustain.py $L/smi.csv $L/windows.txt
