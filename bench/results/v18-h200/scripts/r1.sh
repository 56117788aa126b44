#!/bin/bash
# Session 7 run 1: what limits the block-scaled 128x192 kernel.
# blk: library block kernel; np: same with only 12 of 96 registers promoted (wrong answers; timing only);
# r256/r192/r128: row-scaled fp8 on 128 x {256,192,128} cluster tiles (no promotion).
set -u
cd "$(dirname "$0")/../.."
L=$OUT/log; mkdir -p $L; exec > >(tee $L/main.txt) 2>&1
log() { echo "== $(date +%T) $*"; }
nvidia-smi --query-gpu=name,clocks.max.sm,power.limit --format=csv
log check
for t in 128x192x128s4c2 128x128x128s4c2; do
 for a in "--groups 8 --m 16384 --n 4096 --k 7168" "--sizes 0,1,0,127,0,129,0 --n 264 --k 144" "--groups 16 --m 20000 --split imbalanced --n 2056 --k 7168" "--groups 37 --m 9000 --split random --n 1160 --k 640 --seed 3"; do
  echo "row $t $a: $(stage/bin/mggemm-run --check --dtype e4m3 --tile $t $a 2>&1 | tail -1)"; done
done
echo "np (expected to fail): $(stage/np/bin/mggemm-run --check --dtype e4m3_block --tile 128x192x128s4c2 --groups 8 --m 16384 --n 4096 --k 7168 2>&1 | tail -1)"
log sustained
nvidia-smi --query-gpu=timestamp,power.draw,clocks.sm --format=csv,noheader,nounits -lms 100 > $L/smi.csv &
SMI=$!
: > $L/windows.txt
for rep in 1 2; do
 for sh in "8 16384 3072 7168" "8 16384 4096 7168" "16 32768 2048 7168" "8 32768 14336 4096" "8 32768 4096 14336"; do
  read -r G M N K <<<"$sh"
  a="--groups $G --m $M --n $N --k $K --split balanced"
  for v in blk:e4m3_block:128x192x128s4c2 np:e4m3_block:128x192x128s4c2 r256:e4m3:128x256x128s4c2 r192:e4m3:128x192x128s4c2 r128:e4m3:128x128x128s4c2; do
   IFS=: read -r d dt t <<<"$v"
   R=stage/bin/mggemm-run; [ $d = np ] && R=stage/np/bin/mggemm-run
   it=800; [ $M = 32768 ] && it=300
   t0=$(date +%s.%N); r=$($R --bench --iters $it --warmup 20 --dtype $dt --tile $t $a 2>&1 | grep -E 'bench:|error' | sed 's/over .*set(s)//; s/(min[^)]*)//'); t1=$(date +%s.%N)
   echo "$t0|$t1|$d $G $M $N $K|$r" >> $L/windows.txt; sleep 0.3
  done
 done
done
kill $SMI
python3 stage/scratch/sustain.py $L/smi.csv $L/windows.txt
log done
tar czf $OUT/r1.tgz -C $OUT log
