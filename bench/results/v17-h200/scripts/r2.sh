#!/bin/bash
# Session 6 run 2: block 128x192 with consumers taking turns (new) vs unordered 128x192 and 128x128.
set -u
cd "$(dirname "$0")/../.."
L=$OUT/log; mkdir -p $L; exec > >(tee $L/main.txt) 2>&1
log() { echo "== $(date +%T) $*"; }
R=stage/bin/mggemm-run
log list; $R --list | grep e4m3_block
log check
for t in 128x192x128s4c2; do
 for a in "--groups 8 --m 16384 --n 4096 --k 7168" "--groups 16 --m 32768 --n 2048 --k 7168 --split imbalanced" "--groups 3 --m 15000 --n 4096 --k 1024 --split imbalanced" "--sizes 0,1,0,127,0,129,0 --n 264 --k 144" "--groups 5 --m 3001 --split random --n 136 --k 48" "--groups 3 --m 700 --split random --n 1024 --k 16" "--groups 16 --m 20000 --split imbalanced --n 2056 --k 7168" "--groups 37 --m 9000 --split random --n 1160 --k 640 --seed 3" "--groups 8 --m 8192 --n 14336 --k 4096 --split imbalanced" "--groups 64 --m 8192 --n 7168 --k 2048 --split imbalanced" "--groups 256 --m 8192 --n 2048 --k 7168 --split imbalanced" "--groups 4 --m 4000 --n 64 --k 256" "--groups 4 --m 4000 --n 192 --k 384" "--groups 4 --m 4000 --n 320 --k 384 --split random"; do
  echo "$t $a: $($R --check --dtype e4m3_block --tile $t $a 2>&1 | tail -1)"; done
done
log sustained
nvidia-smi --query-gpu=timestamp,power.draw,clocks.sm --format=csv,noheader,nounits -lms 100 > $L/smi.csv &
SMI=$!
: > $L/windows.txt
for rep in 1 2; do
 for sh in "8 16384 4096 7168" "16 32768 2048 7168" "32 65536 4096 7168" "64 65536 2048 7168" "8 32768 14336 4096" "8 32768 4096 14336"; do
  read -r G M N K <<<"$sh"
  for sp in balanced imbalanced; do
   a="--dtype e4m3_block --groups $G --m $M --n $N --k $K --split $sp"
   for v in 128x128x128s6 128x192x128s4 unord; do
    c=c2; [ $G = 128 ] && continue
    R=stage/bin/mggemm-run; [ $v = unord ] && { R=stage/unord/bin/mggemm-run; v=128x192x128s4; }
    it=1000; [ $M = 65536 ] && it=500; [ $M = 32768 ] && [ $G = 8 ] && it=400
    t0=$(date +%s.%N); r=$($R --bench --iters $it --warmup 20 --tile $v$c $a 2>&1 | grep -E 'bench:|error' | sed 's/over .*set(s)//'); t1=$(date +%s.%N)
    echo "$t0|$t1|$R $v$c $G $M $N $K $sp|$r" >> $L/windows.txt; sleep 0.3
   done
  done
 done
done
kill $SMI
python3 stage/scratch/sustain.py $L/smi.csv $L/windows.txt
log done
tar czf $OUT/r2.tgz -C $OUT log
