#!/bin/bash
# Session 8 run 7: the turn-taking fp8 kernels (128x192 c2) store a tile while the next tile's first
# k-block runs (deferred epilogue). stage/ = new, stage/base = 398e584. Checks, fp8 group, sustained
# A/B, then edge+stress, sanitizer, a benchmark of forward + the fp8 variants.
set -u
cd "$(dirname "$0")/../.."
L=$OUT/log; mkdir -p $L; exec > >(tee $L/main.txt) 2>&1
log() { echo "== $(date +%T) $*"; }
export PYTHONPATH=$PWD/stage/python MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
log check
for d in e4m3 e4m3_block; do
  for a in "--groups 8 --m 16384 --n 4096 --k 7168" "--sizes 0,1,0,127,0,129,0 --n 264 --k 144" "--groups 16 --m 20000 --split imbalanced --n 2056 --k 7168" "--groups 37 --m 9000 --split random --n 1160 --k 640 --seed 3" "--groups 7 --m 5000 --split random --n 200 --k 1024 --seed 5" "--groups 3 --m 700 --split random --n 8 --k 128 --seed 2" "--groups 1 --m 1 --n 192 --k 128" "--groups 8 --m 4096 --n 4096 --k 4096 --split imbalanced --nonnegative"; do
   echo "$d $a: $(stage/bin/mggemm-run --check --dtype $d --tile 128x192x128s4c2 $a 2>&1 | tr '\n' ' ' | grep -oE 'rel_error [0-9.e+-]+|RESULT: [A-Z]+|mggemm-run: [^:]*: [^.]*' | tr '\n' ' ')"; done
done
log fp8 tests
stage/run-gpu-tests.sh fp8 --budget 200 2>&1 | tail -3
log sustained
nvidia-smi --query-gpu=timestamp,power.draw,clocks.sm --format=csv,noheader,nounits -lms 100 > $L/smi.csv &
SMI=$!
: > $L/windows.txt
for sh in "16 32768 7168 2048" "64 65536 7168 2048" "16 32768 2048 7168" "8 32768 14336 4096" "8 32768 4096 14336"; do
  read -r G M N K <<<"$sh"
  a="--groups $G --m $M --n $N --k $K --split balanced"
  for v in "base e4m3" "new e4m3" "base e4m3_block" "new e4m3_block" "base e4m3" "new e4m3"; do
   read -r d dt <<<"$v"; R=stage/bin/mggemm-run; [ $d = base ] && R=stage/base/bin/mggemm-run
   it=600; [ $M = 65536 ] && it=250; [ $G = 8 ] && it=250
   t0=$(date +%s.%N); r=$($R --bench --iters $it --warmup 20 --dtype $dt --tile 128x192x128s4c2 $a 2>&1 | grep -E 'bench:|error' | sed 's/over .*set(s)//; s/(min[^)]*)//'); t1=$(date +%s.%N)
   echo "$t0|$t1|$d $dt $G $M $N $K|$r" >> $L/windows.txt; sleep 0.3
  done
done
kill $SMI
python3 stage/scratch/sustain.py $L/smi.csv $L/windows.txt
log edge stress
stage/run-gpu-tests.sh edge stress --budget 100 2>&1 | tail -2
log bench
python3 -m mggemm.bench --out $OUT/bench --variants forward,grad_input,fp8_forward,fp8_grad_input,fp8_block_forward --rounds 2 --rep-ms 100 --no-progress --no-plots > $OUT/bench.txt 2>&1; echo "bench rc=$?"
log sanitizer
OUT=$OUT/san stage/sanitize-gpu.sh > $L/sanitizer.txt 2>&1; echo "sanitizer rc=$?"; tail -2 $L/sanitizer.txt
log done
