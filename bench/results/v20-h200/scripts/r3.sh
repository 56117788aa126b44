#!/bin/bash
# Session 9 run 3: at K = 2048 (the fp8 input gradients of the N = 2048 shapes), our 128x128 s6 fp8
# kernel (no cluster, two alternating partial accumulators) against the 128x192 s4 c2 one (turns).
set -u
cd "$(dirname "$0")/../.."
L=$OUT/log; mkdir -p $L; exec > >(tee $L/main.txt) 2>&1
log() { echo "== $(date +%T) $*"; }
R=stage/bin/mggemm-run
log ncu
S="--section SpeedOfLight --section LaunchStats"
timeout 150 ncu --clock-control none -k regex:mggemm --launch-skip 2 --launch-count 1 $S $R --bench --iters 3 --warmup 2 --dtype e4m3 --tile 128x128x128s6 --groups 1 --m 32768 --n 7168 --k 2048 > $OUT/ncu-ours-fp8-128.txt 2>&1; echo "rc=$?"
grep -E "^  [a-zA-Z_0-9]+.*\(|Duration|SM Frequency|highest-utilized" $OUT/ncu-ours-fp8-128.txt | head
log sustained
nvidia-smi --query-gpu=timestamp,power.draw,clocks.sm --format=csv,noheader,nounits -lms 100 > $L/smi.csv &
SMI=$!
: > $L/windows.txt
for rep in 1 2; do
for sh in "16 32768 7168 2048 balanced" "16 32768 7168 2048 imbalanced" "64 65536 7168 2048 balanced" "64 65536 7168 2048 imbalanced"; do
  read -r G M N K sp <<<"$sh"
  a="--groups $G --m $M --n $N --k $K --split $sp"
  for v in "e4m3 128x192x128s4c2" "e4m3 128x128x128s6" "e4m3_block 128x192x128s4c2" "e4m3_block 128x128x128s6"; do
   read -r dt T <<<"$v"
   it=600; [ $M = 65536 ] && it=300
   t0=$(date +%s.%N); r=$($R --bench --iters $it --warmup 20 --dtype $dt --tile $T $a 2>&1 | grep -E 'bench:|error' | sed 's/over .*set(s)//; s/(min[^)]*)//'); t1=$(date +%s.%N)
   echo "$t0|$t1|$dt $T $G $M $N $K $sp|$r" >> $L/windows.txt; sleep 0.3
  done
done
done
kill $SMI
python3 stage/scratch/sustain.py $L/smi.csv $L/windows.txt
log done
