#!/bin/bash
# Session 5 run 1: peers' launch configs (ncu), full test matrix on the v15 kernels, MoE example.
set -u
cd "$(dirname "$0")/../.."
L=$OUT/log; mkdir -p $L; exec > >(tee $L/main.txt) 2>&1
log() { echo "== $(date +%T) $*"; }
export PYTHONPATH=$PWD/stage/python MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
log ncu-launch
M="gpu__time_duration.sum,launch__grid_size,launch__block_size,launch__cluster_dim_x,launch__cluster_dim_y,launch__cluster_dim_z,launch__registers_per_thread,launch__shared_mem_per_block_dynamic,launch__occupancy_cluster_pct,lts__t_sectors_srcunit_tex_op_read.sum,sm__cycles_elapsed.max,dram__bytes_read.sum"
for s in "forward 8 16384 4096 7168" "forward 16 32768 2048 7168" "forward 8 32768 4096 14336" "grad_weight 16 32768 2048 7168" "grad_input 8 32768 4096 14336"; do
  timeout 120 ncu --clock-control none --profile-from-start off --metrics $M --csv --page raw python3 stage/scratch/measure-ncu.py $s 2>/dev/null | grep '^"' > $L/ncu-${s// /_}.csv
  python3 - "$L/ncu-${s// /_}.csv" "$s" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1])))
h = rows[0]
print("##", sys.argv[2])
seen = set()
for r in rows[2:]:
    d = dict(zip(h, r))
    name = d.get("Kernel Name", "?")[:70]
    key = (name, d.get("launch__grid_size"), d.get("launch__cluster_dim_x"), d.get("launch__cluster_dim_y"))
    if key in seen: continue
    seen.add(key)
    print("%-70s grid %s block %s cluster %sx%sx%s regs %s smem %s L2->SM %.2f GB time %s" % (name, d.get("launch__grid_size"), d.get("launch__block_size"),
          d.get("launch__cluster_dim_x"), d.get("launch__cluster_dim_y"), d.get("launch__cluster_dim_z"), d.get("launch__registers_per_thread"),
          d.get("launch__shared_mem_per_block_dynamic"), float(d.get("lts__t_sectors_srcunit_tex_op_read.sum", "0").replace(",", "")) * 32 / 1e9, d.get("gpu__time_duration.sum")))
PY
done
log full-matrix
stage/run-gpu-tests.sh edge fixed fp8 random --budget 230 > $L/tests.log 2>&1; echo "tests rc=$?"
tail -3 $L/tests.log; mv $OUT/summary.txt $L/tests-summary.txt 2>/dev/null; rm -f $OUT/gpu-tests.log $OUT/results.jsonl
log moe
timeout 200 python3 python/examples/moe.py --backend all --steps 50 > $L/moe.txt 2>&1; echo "moe rc=$?"; tail -4 $L/moe.txt
log done
tar czf $OUT/r1.tgz -C $OUT log && find $OUT/log -mindepth 1 ! -name main.txt -delete
