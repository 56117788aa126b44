#!/bin/bash
# Session 8 run 3: vC = row scales applied in the promotion FFMA, column scales prefetched per box with predicated loads.
# the promoting kernels; vAB = vB + all column scales loaded at the epilogue's start. Checks, then
# sustained A/B base / vB / vAB (and v1 = no epilogue, the bound).
set -u
cd "$(dirname "$0")/../.."
L=$OUT/log; mkdir -p $L; exec > >(tee $L/main.txt) 2>&1
log() { echo "== $(date +%T) $*"; }
log check
for v in vC; do
 for dt in "e4m3 128x192x128s4c2" "e4m3 128x128x128s6c1" "e4m3_block 128x192x128s4c2" "e4m3_block 128x128x128s6c1" "e4m3_fast 128x256x128s4c2" "e4m3_fast 128x256x128s4c1"; do
  read -r d t <<<"$dt"
  for a in "--groups 8 --m 16384 --n 4096 --k 7168" "--sizes 0,1,0,127,0,129,0 --n 264 --k 144" "--groups 16 --m 20000 --split imbalanced --n 2056 --k 7168" "--groups 37 --m 9000 --split random --n 1160 --k 640 --seed 3" "--groups 7 --m 5000 --split random --n 200 --k 1024 --seed 5" "--groups 8 --m 4096 --n 4096 --k 4096 --split imbalanced --nonnegative"; do
   echo "$v $d $t $a: $(stage/$v/bin/mggemm-run --check --dtype $d --tile $t $a 2>&1 | tr '\n' ' ' | grep -oE 'rel_error [0-9.e+-]+|RESULT: [A-Z]+|[Ee]rror[^.]*' | tr '\n' ' ')"; done
 done
done 2>&1 | grep -v "nonnegative.*e4m3_fast" | sed 's/  */ /g'
log sustained
nvidia-smi --query-gpu=timestamp,power.draw,clocks.sm --format=csv,noheader,nounits -lms 100 > $L/smi.csv &
SMI=$!
: > $L/windows.txt
T=128x192x128s4c2
for rep in 1 2; do
for sh in "16 32768 7168 2048" "64 65536 7168 2048" "16 32768 2048 7168" "8 32768 14336 4096" "8 32768 4096 14336"; do
  read -r G M N K <<<"$sh"
  a="--groups $G --m $M --n $N --k $K --split balanced"
  for v in "base e4m3" "vC e4m3" "v1 e4m3" "base e4m3_fast" "vC e4m3_fast" "base e4m3_block" "vC e4m3_block"; do
   read -r d dt <<<"$v"; T2=$T; [ $dt = e4m3_fast ] && T2=128x256x128s4c2; R=stage/bin/mggemm-run; [ $d != base ] && R=stage/$d/bin/mggemm-run
   it=600; [ $M = 65536 ] && it=250; [ $G = 8 ] && it=250
   t0=$(date +%s.%N); r=$($R --bench --iters $it --warmup 20 --dtype $dt --tile $T2 $a 2>&1 | grep -E 'bench:|error' | sed 's/over .*set(s)//; s/(min[^)]*)//'); t1=$(date +%s.%N)
   echo "$t0|$t1|$d $dt $G $M $N $K|$r" >> $L/windows.txt; sleep 0.3
  done
done
done
kill $SMI
python3 stage/scratch/sustain.py $L/smi.csv $L/windows.txt
log done
