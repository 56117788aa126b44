#!/bin/bash
# Session 5 run 2: DRAM bytes per group vs number of groups (rounds) at a fixed group shape.
set -u
cd "$(dirname "$0")/../.."
L=$OUT/log; mkdir -p $L; exec > >(tee $L/main.txt) 2>&1
for fam in "4096 4096 14336" "2048 4096 7168" "4096 14336 4096" "2048 2048 7168"; do
 set -- $fam
 for G in 1 2 4 8 16; do
  [ $G = 16 ] && [ $1 = 4096 ] && continue
  a="--groups $G --m $(( $1 * G )) --n $2 --k $3"
  timeout 60 ncu --clock-control none -k regex:mggemm_ --launch-skip 2 --launch-count 1 --metrics gpu__time_duration.sum,dram__bytes_read.sum,lts__t_sectors_srcunit_tex_op_read.sum,sm__cycles_elapsed.max --csv --page raw stage/bin/mggemm-run --bench --iters 2 --warmup 2 $a 2>/dev/null | grep '^"' > $L/ncu.csv
  python3 -c "
import csv
rows=list(csv.reader(open('$L/ncu.csv'))); h=rows[0]; r=rows[-1]
d={k.split('.')[0]: float(r[h.index(k)].replace(',','')) for k in h if k.endswith('.sum') or k.endswith('.max')}
G=$G
print('%-45s time %8.1f us  DRAM %6.2f GB (%5.3f GB/group)  L2->SM %6.2f GB  us/group %7.1f' % ('$a', d['gpu__time_duration']/1e3, d['dram__bytes_read']/1e9, d['dram__bytes_read']/1e9/G, d['lts__t_sectors_srcunit_tex_op_read']*32/1e9, d['gpu__time_duration']/1e3/G))"
 done
done
