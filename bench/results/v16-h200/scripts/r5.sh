#!/bin/bash
# Session 5 run 5: grid of 128 CTAs (64 clusters) vs the full 132 on shapes whose tile counts are multiples of 64: sustained A/B, ncu DRAM.
set -u
cd "$(dirname "$0")/../.."
L=$OUT/log; mkdir -p $L; exec > >(tee $L/main.txt) 2>&1
B=stage/grid/bin/mggemm-run
echo "check: $(MGGEMM_EXP_GRID=128 $B --check --groups 16 --m 32768 --n 2048 --k 7168 --split imbalanced 2>&1 | tail -1)"
echo "check: $(MGGEMM_EXP_GRID=128 $B --check --variant grad_weight --groups 8 --m 16384 --n 4096 --k 7168 2>&1 | tail -1)"
nvidia-smi --query-gpu=timestamp,power.draw,clocks.sm --format=csv,noheader,nounits -lms 100 > $L/smi.csv &
SMI=$!
: > $L/windows.txt
for rep in 1 2; do
 for a in "--groups 8 --m 16384 --n 4096 --k 7168" "--groups 16 --m 32768 --n 2048 --k 7168" "--groups 64 --m 65536 --n 2048 --k 7168" "--groups 8 --m 32768 --n 4096 --k 14336" "--variant grad_input --groups 8 --m 16384 --n 4096 --k 7168" "--variant grad_weight --groups 8 --m 16384 --n 4096 --k 7168" "--groups 32 --m 65536 --n 4096 --k 7168"; do
  for grid in 132 128; do
   it=2000; [[ $a == *"--k 14336"* || $a == *"65536 --n 4096"* || $a == *"65536 --n 2048"* ]] && it=600
   t0=$(date +%s.%N); r=$(MGGEMM_EXP_GRID=$grid $B --bench --iters $it --warmup 20 $a 2>&1 | grep -E 'bench:|error' | sed 's/over .*set(s)//'); t1=$(date +%s.%N)
   echo "$t0|$t1|grid$grid $a|$r" >> $L/windows.txt; sleep 0.5
  done
 done
done
kill $SMI
python3 stage/scratch/sustain.py $L/smi.csv $L/windows.txt
for grid in 132 128; do for a in "--groups 16 --m 32768 --n 2048 --k 7168" "--groups 8 --m 32768 --n 4096 --k 14336"; do
  MGGEMM_EXP_GRID=$grid timeout 60 ncu --clock-control none -k regex:mggemm_ --launch-skip 2 --launch-count 1 --metrics gpu__time_duration.sum,dram__bytes_read.sum,sm__cycles_active.avg,sm__cycles_elapsed.max --csv --page raw $B --bench --iters 2 --warmup 2 $a 2>/dev/null | grep '^"' > $L/ncu.csv
  python3 -c "
import csv
rows=list(csv.reader(open('$L/ncu.csv'))); h=rows[0]; r=rows[-1]
d={k: float(r[h.index(k)].replace(',','')) for k in h if '__' in k}
print('grid $grid $a', 'time %.1f us DRAM read %.2f GB active/elapsed %.3f' % (d['gpu__time_duration.sum']/1e3, d['dram__bytes_read.sum']/1e9, d['sm__cycles_active.avg']/d['sm__cycles_elapsed.max']))"
done; done
