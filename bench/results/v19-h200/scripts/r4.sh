#!/bin/bash
# Session 8 run 4: candidate = column scales prefetched per 64-column box (stage/), base = HEAD ad4ee2d (stage/base).
# Checks, fp8 test group, sustained A/B on row fp8 (both tiles) and fast, then the sanitizer.
set -u
cd "$(dirname "$0")/../.."
L=$OUT/log; mkdir -p $L; exec > >(tee $L/main.txt) 2>&1
log() { echo "== $(date +%T) $*"; }
log check
for dt in "e4m3 128x192x128s4c2" "e4m3 128x128x128s6c1" "e4m3_fast 128x256x128s4c2" "e4m3_fast 128x256x128s4c1"; do
  read -r d t <<<"$dt"
  for a in "--groups 8 --m 16384 --n 4096 --k 7168" "--sizes 0,1,0,127,0,129,0 --n 264 --k 144" "--groups 16 --m 20000 --split imbalanced --n 2056 --k 7168" "--groups 37 --m 9000 --split random --n 1160 --k 640 --seed 3" "--groups 7 --m 5000 --split random --n 200 --k 1024 --seed 5" "--groups 5 --m 3000 --split random --n 67 --k 256 --seed 9" "--groups 3 --m 700 --split random --n 1 --k 128 --seed 2" "--groups 8 --m 4096 --n 4096 --k 4096 --split imbalanced --nonnegative"; do
   echo "$d $t $a: $(stage/bin/mggemm-run --check --dtype $d --tile $t $a 2>&1 | tr '\n' ' ' | grep -oE 'rel_error [0-9.e+-]+|RESULT: [A-Z]+|[Ee]rror:[^.]*' | tr '\n' ' ')"; done
done
log fp8 tests
stage/run-gpu-tests.sh fp8 --budget 200 2>&1 | tail -6
log sustained
nvidia-smi --query-gpu=timestamp,power.draw,clocks.sm --format=csv,noheader,nounits -lms 100 > $L/smi.csv &
SMI=$!
: > $L/windows.txt
for rep in 1 2; do
for sh in "16 32768 7168 2048" "64 65536 7168 2048" "16 32768 2048 7168" "8 32768 14336 4096" "8 32768 4096 14336" "128 8192 2048 7168"; do
  read -r G M N K <<<"$sh"
  a="--groups $G --m $M --n $N --k $K --split balanced"
  for v in "base e4m3" "new e4m3" "base e4m3_fast" "new e4m3_fast"; do
   read -r d dt <<<"$v"; R=stage/bin/mggemm-run; [ $d = base ] && R=stage/base/bin/mggemm-run
   it=600; [ $M = 65536 ] && it=250; [ $G = 8 ] && it=250
   t0=$(date +%s.%N); r=$($R --bench --iters $it --warmup 20 --dtype $dt $a 2>&1 | grep -E 'bench:|error' | sed 's/over .*set(s)//; s/(min[^)]*)//'); t1=$(date +%s.%N)
   echo "$t0|$t1|$d $dt $G $M $N $K|$r" >> $L/windows.txt; sleep 0.3
  done
done
done
kill $SMI
python3 stage/scratch/sustain.py $L/smi.csv $L/windows.txt
log sanitizer
OUT=$OUT/san stage/sanitize-gpu.sh > $L/sanitizer.txt 2>&1; echo "sanitizer rc=$?"; tail -5 $L/sanitizer.txt
log done
