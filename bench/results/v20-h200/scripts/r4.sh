#!/bin/bash
# Session 9 run 4: fp8 promoting kernels with 5 stages (one epilogue buffer per warp, since they
# store their boxes themselves) against 4 stages with two; checks first.
set -u
cd "$(dirname "$0")/../.."
L=$OUT/log; mkdir -p $L; exec > >(tee $L/main.txt) 2>&1
log() { echo "== $(date +%T) $*"; }
V=stage/v5/bin/mggemm-run
log checks
for dt in e4m3 e4m3_block; do
 for a in "--groups 8 --m 4096 --n 2048 --k 7168" "--groups 5 --m 1000 --n 200 --k 300 --split imbalanced" "--groups 37 --m 5000 --n 7168 --k 2048 --split imbalanced" "--sizes 0,1,129,0,383,64 --n 392 --k 1000" "--groups 3 --m 600 --n 328 --k 4096 --nonnegative"; do
  LD_LIBRARY_PATH=stage/v5/lib $V --check --dtype $dt --tile 128x192x128s5c2 $a 2>&1 | tail -1 | sed "s/^/$dt $a: /"
 done
done
log sustained
nvidia-smi --query-gpu=timestamp,power.draw,clocks.sm --format=csv,noheader,nounits -lms 100 > $L/smi.csv &
SMI=$!
: > $L/windows.txt
for rep in 1 2; do
for sh in "8 16384 4096 7168" "16 32768 2048 7168" "8 32768 4096 14336" "16 32768 7168 2048" "64 65536 7168 2048"; do
  read -r G M N K <<<"$sh"
  a="--groups $G --m $M --n $N --k $K --split balanced"
  for v in "base e4m3" "v5 e4m3" "base e4m3_block" "v5 e4m3_block"; do
   read -r d dt <<<"$v"; R=stage/bin/mggemm-run; T=128x192x128s4c2
   [ $d = v5 ] && R=$V && T=128x192x128s5c2
   export LD_LIBRARY_PATH=$(dirname $(dirname $R))/lib
   it=600; [ $M = 65536 ] && it=300; [ $K = 14336 ] && it=250
   t0=$(date +%s.%N); r=$($R --bench --iters $it --warmup 20 --dtype $dt --tile $T $a 2>&1 | grep -E 'bench:|error' | sed 's/over .*set(s)//; s/(min[^)]*)//'); t1=$(date +%s.%N)
   echo "$t0|$t1|$d $dt $G $M $N $K|$r" >> $L/windows.txt; sleep 0.3
  done
done
done
kill $SMI
python3 stage/scratch/sustain.py $L/smi.csv $L/windows.txt
log done
