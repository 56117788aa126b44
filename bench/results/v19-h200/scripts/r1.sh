#!/bin/bash
# Session 8 run 1: where the fp8 kernel's short-K time goes. ncu (source-level SASS stalls) on the
# row fp8 128x192 kernel for short K (N 7168 K 2048, = input grad of (16,32768,2048,7168)) and long K;
# sustained A/B base vs v1 (epilogue skipped: upper bound of what epilogue overlap can win).
set -u
cd "$(dirname "$0")/../.."
L=$OUT/log; mkdir -p $L; exec > >(tee $L/main.txt) 2>&1
log() { echo "== $(date +%T) $*"; }
T=128x192x128s4c2
log ncu
for sh in "short 16 32768 7168 2048" "long 16 32768 2048 7168"; do
  read -r nm G M N K <<<"$sh"
  timeout 240 ncu --clock-control none -k regex:mggemm --launch-skip 2 --launch-count 1 --set full --import-source no -o $OUT/$nm stage/bin/mggemm-run --bench --iters 3 --warmup 2 --dtype e4m3 --tile $T --groups $G --m $M --n $N --k $K > $L/ncu-$nm.log 2>&1; echo "ncu $nm rc=$?"
  ncu -i $OUT/$nm.ncu-rep --page source --csv --print-source sass > $OUT/$nm-sass.csv 2>$L/src-$nm.err; echo "src rc=$?"
  ncu -i $OUT/$nm.ncu-rep --page details > $OUT/$nm-details.txt 2>&1
done
log sustained
nvidia-smi --query-gpu=timestamp,power.draw,clocks.sm --format=csv,noheader,nounits -lms 100 > $L/smi.csv &
SMI=$!
: > $L/windows.txt
for rep in 1 2; do
for sh in "16 32768 7168 2048" "64 65536 7168 2048" "16 32768 2048 7168" "8 32768 4096 14336"; do
  read -r G M N K <<<"$sh"
  a="--groups $G --m $M --n $N --k $K --split balanced"
  for v in "base e4m3" "v1 e4m3" "base e4m3_block" "v1 e4m3_block"; do
   read -r d dt <<<"$v"; R=stage/bin/mggemm-run; [ $d = v1 ] && R=stage/v1/bin/mggemm-run
   export LD_LIBRARY_PATH=$(dirname $(dirname $R))/lib
   it=600; [ $M = 65536 ] && it=250; [ $K = 14336 ] && it=250
   t0=$(date +%s.%N); r=$($R --bench --iters $it --warmup 20 --dtype $dt --tile $T $a 2>&1 | grep -E 'bench:|error' | sed 's/over .*set(s)//; s/(min[^)]*)//'); t1=$(date +%s.%N)
   echo "$t0|$t1|$d $dt $G $M $N $K|$r" >> $L/windows.txt; sleep 0.3
  done
done
done
kill $SMI
python3 stage/scratch/sustain.py $L/smi.csv $L/windows.txt
log done
