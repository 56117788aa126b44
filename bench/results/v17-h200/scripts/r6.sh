#!/bin/bash
# Session 6 run 6: block 128x192: TMA stores for whole boxes (vtma) vs per-lane stores (base).
set -u
cd "$(dirname "$0")/../.."
L=$OUT/log; mkdir -p $L; exec > >(tee $L/main.txt) 2>&1
log() { echo "== $(date +%T) $*"; }
log check
for v in vtma:128x192x128s4; do
 d=${v%%:*}; t=${v#*:}
 for a in "--groups 8 --m 16384 --n 4096 --k 7168" "--groups 16 --m 32768 --n 2048 --k 7168 --split imbalanced" "--sizes 0,1,0,127,0,129,0 --n 264 --k 144" "--groups 16 --m 20000 --split imbalanced --n 2056 --k 7168" "--groups 37 --m 9000 --split random --n 1160 --k 640 --seed 3"; do
  echo "$d $t $a: $(stage/$d/bin/mggemm-run --check --dtype e4m3_block --tile ${t}c2 $a 2>&1 | tail -1)"; done
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
   for v in base:128x192x128s4 vtma:128x192x128s4; do
    d=${v%%:*}; t=${v#*:}; R=stage/$d/bin/mggemm-run; [ $d = base ] && R=stage/bin/mggemm-run
    it=1000; [ $M = 65536 ] && it=500; [ $M = 32768 ] && [ $G = 8 ] && it=400
    t0=$(date +%s.%N); r=$($R --bench --iters $it --warmup 20 --tile ${t}c2 $a 2>&1 | grep -E 'bench:|error' | sed 's/over .*set(s)//; s/(min[^)]*)//'); t1=$(date +%s.%N)
    echo "$t0|$t1|$d $G $M $N $K $sp|$r" >> $L/windows.txt; sleep 0.3
   done
  done
 done
done
kill $SMI
python3 stage/scratch/sustain.py $L/smi.csv $L/windows.txt
log done
tar czf $OUT/r6.tgz -C $OUT log
