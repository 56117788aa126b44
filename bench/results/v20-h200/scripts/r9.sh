#!/bin/bash
# Session 9 run 9: v2 = wgmma descriptors from warp-uniform values (the consumer index and the stage
# broadcast from lane 0 with shfl.sync.idx, so that ptxas builds descriptors in uniform registers:
# 4 R2UR per k-block instead of 16). Checks first, then sustained A/B against the base.
set -u
cd "$(dirname "$0")/../.."
L=$OUT/log; mkdir -p $L; exec > >(tee $L/main.txt) 2>&1
log() { echo "== $(date +%T) $*"; }
V=stage/v2/bin/mggemm-run
log checks
export LD_LIBRARY_PATH=stage/v2/lib
for dt in bf16 e4m3 e4m3_block e4m3_fast; do
 vs="forward"; [ $dt = bf16 ] && vs="forward grad_input grad_weight"
 for v in $vs; do
 for a in "--groups 8 --m 4096 --n 2048 --k 7168" "--groups 5 --m 1000 --n 200 --k 304 --split imbalanced" "--groups 37 --m 5000 --n 7168 --k 2048 --split imbalanced" "--sizes 0,1,129,0,383,64 --n 392 --k 1024" "--groups 128 --m 8192 --n 2048 --k 1024 --split imbalanced"; do
  echo "$dt $v $a: $($V --check --variant $v --dtype $dt $a 2>&1 | tail -1)"
 done; done
done
unset LD_LIBRARY_PATH
log sustained
nvidia-smi --query-gpu=timestamp,power.draw,clocks.sm --format=csv,noheader,nounits -lms 100 > $L/smi.csv &
SMI=$!
: > $L/windows.txt
for rep in 1 2; do
for c in "bf16 forward 8 16384 4096 7168" "bf16 grad_input 8 16384 4096 7168" "bf16 grad_weight 8 16384 4096 7168" "bf16 forward 8 32768 4096 14336" "bf16 forward 64 65536 2048 7168" \
         "e4m3 forward 16 32768 7168 2048" "e4m3 forward 8 16384 4096 7168" "e4m3 forward 8 32768 4096 14336" "e4m3_block forward 8 16384 4096 7168" "e4m3_block forward 16 32768 7168 2048" \
         "e4m3_fast forward 8 16384 4096 7168" "e4m3 forward 128 8192 2048 7168" "bf16 forward 128 8192 2048 7168"; do
  read -r dt v G M N K <<<"$c"
  a="--variant $v --dtype $dt --groups $G --m $M --n $N --k $K --split balanced"
  for d in base v2; do
   R=stage/bin/mggemm-run; [ $d = v2 ] && R=$V
   export LD_LIBRARY_PATH=$(dirname $(dirname $R))/lib
   it=500; [ $M = 65536 ] && it=250; [ $K = 14336 ] && it=200; [ $G = 128 ] && it=1500
   t0=$(date +%s.%N); r=$($R --bench --iters $it --warmup 20 $a 2>&1 | grep -E 'bench:|error' | sed 's/over .*set(s)//; s/(min[^)]*)//'); t1=$(date +%s.%N)
   echo "$t0|$t1|$d $dt $v $G $M $N $K|$r" >> $L/windows.txt; sleep 0.3
  done
done
done
kill $SMI
python3 stage/scratch/sustain.py $L/smi.csv $L/windows.txt
log done
