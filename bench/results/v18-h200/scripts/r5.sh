#!/bin/bash
# Session 7 run 5: row-scaled fp8 now adds each K block's sums in f32 (128x192 turns c2, 128x128 s6 c1).
# Checks (nonnegative operands too), fp8 test group, sustained A/B old (base, 128x256 tensor-core sums) vs new,
# accum.py, benchmark, Python tests.
set -u
cd "$(dirname "$0")/../.."
L=$OUT/log; mkdir -p $L; exec > >(tee $L/main.txt) 2>&1
log() { echo "== $(date +%T) $*"; }
export PYTHONPATH=$PWD/stage/python MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
log check
for t in 128x192x128s4c2 128x128x128s6c1; do
 for a in "--groups 8 --m 16384 --n 4096 --k 7168" "--sizes 0,1,0,127,0,129,0 --n 264 --k 144" "--groups 16 --m 20000 --split imbalanced --n 2056 --k 7168" "--groups 37 --m 9000 --split random --n 1160 --k 640 --seed 3" "--groups 7 --m 5000 --split random --n 200 --k 1024 --seed 5" "--groups 3 --m 900 --split imbalanced --n 7168 --k 2048" "--groups 8 --m 4096 --n 4096 --k 14336 --split imbalanced --nonnegative"; do
  echo "e4m3 $t $a: $(stage/bin/mggemm-run --check --dtype e4m3 --tile $t $a 2>&1 | grep -E 'rel|RESULT' | tr '\n' ' ')"; done
done
for d in "base e4m3 128x256x128s4c2" "new e4m3_block 128x192x128s4c2" "new bf16 128x256x64s4c2"; do
 read -r v dt t <<<"$d"; R=stage/bin/mggemm-run; [ $v = base ] && R=stage/base/bin/mggemm-run
 echo "$v $dt $t nonnegative: $($R --check --dtype $dt --tile $t --groups 8 --m 4096 --n 4096 --k 14336 --split imbalanced --nonnegative 2>&1 | grep -E 'rel|RESULT' | tr '\n' ' ')"
done
log fp8 tests
stage/run-gpu-tests.sh fp8 --budget 200 2>&1 | tail -8
log sustained
nvidia-smi --query-gpu=timestamp,power.draw,clocks.sm --format=csv,noheader,nounits -lms 100 > $L/smi.csv &
SMI=$!
: > $L/windows.txt
for sh in "8 16384 4096 7168" "16 32768 2048 7168" "32 65536 4096 7168" "64 65536 2048 7168" "8 32768 14336 4096" "8 32768 4096 14336"; do
  read -r G M N K <<<"$sh"
  a="--groups $G --m $M --n $N --k $K --split balanced"
  for v in "base e4m3 128x256x128s4c2" "new e4m3 128x192x128s4c2" "new e4m3_block 128x192x128s4c2"; do
   read -r d dt t <<<"$v"; R=stage/bin/mggemm-run; [ $d = base ] && R=stage/base/bin/mggemm-run
   it=800; [ $M = 65536 ] && it=300; [ $M = 32768 ] && [ $G = 8 ] && it=300
   t0=$(date +%s.%N); r=$($R --bench --iters $it --warmup 20 --dtype $dt --tile $t $a 2>&1 | grep -E 'bench:|error' | sed 's/over .*set(s)//; s/(min[^)]*)//'); t1=$(date +%s.%N)
   echo "$t0|$t1|$d $dt $G $M $N $K|$r" >> $L/windows.txt; sleep 0.3
  done
done
kill $SMI
python3 stage/scratch/sustain.py $L/smi.csv $L/windows.txt
log accum
python3 stage/scratch/accum.py 2>&1
log bench
python3 -m mggemm.bench --out $OUT/bench --variants forward,fp8_forward,fp8_grad_input,fp8_block_forward --rounds 2 --rep-ms 100 --no-progress --no-plots > $OUT/bench.txt 2>&1; echo "bench rc=$?"
log pytest
python3 -m pytest -q stage/python/tests 2>&1 | tail -4
log done
tar czf $OUT/r5.tgz -C $OUT log
