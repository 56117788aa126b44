#!/bin/bash
# Session 7 run 3: block-scaled 128x192: a row's last, narrower tile runs its own k-loop with narrower MMAs (new) vs HEAD (base).
set -u
cd "$(dirname "$0")/../.."
L=$OUT/log; mkdir -p $L; exec > >(tee $L/main.txt) 2>&1
log() { echo "== $(date +%T) $*"; }
log check
for a in "--groups 8 --m 16384 --n 4096 --k 7168" "--groups 16 --m 32768 --n 2048 --k 7168 --split imbalanced" "--groups 8 --m 4096 --n 14336 --k 512" "--sizes 0,1,0,127,0,129,0 --n 264 --k 144" "--sizes 300,0,555,1 --n 320 --k 256" "--groups 16 --m 20000 --split imbalanced --n 2056 --k 7168" "--groups 37 --m 9000 --split random --n 1160 --k 640 --seed 3" "--groups 5 --m 3000 --split random --n 64 --k 128 --seed 4" "--groups 7 --m 5000 --split random --n 200 --k 1000 --seed 5" "--groups 3 --m 900 --split imbalanced --n 7168 --k 2048"; do
  echo "new $a: $(stage/bin/mggemm-run --check --dtype e4m3_block --tile 128x192x128s4c2 $a 2>&1 | tail -1)"; done
for a in "--groups 7 --m 5000 --split random --n 200 --k 1000 --seed 5" "--groups 7 --m 5000 --split random --n 200 --k 1024 --seed 5" "--groups 7 --m 5000 --split random --n 256 --k 1000 --seed 5" "--groups 1 --m 256 --n 200 --k 128"; do
 for d in base new; do R=stage/$d/bin/mggemm-run; [ $d = new ] && R=stage/bin/mggemm-run
  echo "$d $a:"; $R --check --dtype e4m3_block --tile 128x192x128s4c2 $a 2>&1 | tail -4; done
 echo "new 128x128 kernel $a: $(stage/bin/mggemm-run --check --dtype e4m3_block --tile 128x128x128s6 $a 2>&1 | tail -1)"
done
log sustained
nvidia-smi --query-gpu=timestamp,power.draw,clocks.sm --format=csv,noheader,nounits -lms 100 > $L/smi.csv &
SMI=$!
: > $L/windows.txt
for rep in 1 2; do
 for sh in "8 16384 3072 7168" "8 16384 4096 7168" "16 32768 2048 7168" "32 65536 4096 7168" "64 65536 2048 7168" "8 32768 14336 4096" "8 32768 4096 14336"; do
  read -r G M N K <<<"$sh"
  for sp in balanced imbalanced; do
   [ $N = 3072 ] && [ $sp = imbalanced ] && continue
   a="--dtype e4m3_block --groups $G --m $M --n $N --k $K --split $sp"
   for d in base new; do
    R=stage/$d/bin/mggemm-run; [ $d = new ] && R=stage/bin/mggemm-run
    it=800; [ $M = 65536 ] && it=300; [ $M = 32768 ] && [ $G = 8 ] && it=300
    t0=$(date +%s.%N); r=$($R --bench --iters $it --warmup 20 --tile 128x192x128s4c2 $a 2>&1 | grep -E 'bench:|error' | sed 's/over .*set(s)//; s/(min[^)]*)//'); t1=$(date +%s.%N)
    echo "$t0|$t1|$d $G $M $N $K $sp|$r" >> $L/windows.txt; sleep 0.3
   done
  done
 done
done
kill $SMI
python3 stage/scratch/sustain.py $L/smi.csv $L/windows.txt
log done
tar czf $OUT/r3.tgz -C $OUT log
