#!/bin/bash
# Session 5 run 4: how unevenly do the SMs finish? sm__cycles_active min/avg/max per launch (ours; the loop's per-expert kernels).
set -u
cd "$(dirname "$0")/../.."
L=$OUT/log; mkdir -p $L; exec > >(tee $L/main.txt) 2>&1
export PYTHONPATH=$PWD/stage/python MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
M=gpu__time_duration.sum,sm__cycles_active.min,sm__cycles_active.avg,sm__cycles_active.max,sm__cycles_elapsed.max,dram__bytes_read.sum
for s in "forward 8 16384 4096 7168" "forward 16 32768 2048 7168" "forward 8 32768 4096 14336" "forward 8 32768 14336 4096" "grad_input 8 32768 4096 14336" "grad_weight 8 32768 4096 14336"; do
  timeout 120 ncu --clock-control none --profile-from-start off --metrics $M --csv --page raw python3 stage/scratch/measure-ncu.py $s 2>/dev/null | grep '^"' > $L/ncu.csv
  python3 - "$L/ncu.csv" "$s" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1])))
h = rows[0]
print("##", sys.argv[2])
f = lambda d, k: float(d[k].replace(",", ""))
for r in rows[2:]:
    d = dict(zip(h, r))
    name = d.get("Kernel Name", "?")
    if "prepare" in name: continue
    el = f(d, "sm__cycles_elapsed.max")
    print("%-40s time %8.1f us  elapsed %7.0f kcyc  active min %5.1f%% avg %5.1f%% max %5.1f%%  DRAM %.2f GB" % (name[:40], f(d, "gpu__time_duration.sum")/1e3, el/1e3,
          100*f(d, "sm__cycles_active.min")/el, 100*f(d, "sm__cycles_active.avg")/el, 100*f(d, "sm__cycles_active.max")/el, f(d, "dram__bytes_read.sum")/1e9))
PY
done
