#!/bin/bash
# Session 6 run 7: ncu sections of the block-scaled 128x192 kernel vs the row-scaled 128x256 and bf16 kernels.
cd "$(dirname "$0")/../.."
ncu --query-metrics --chip gh100 2>/dev/null | grep -iE "gmma|tensor|shared|pipe_" > $OUT/metrics.txt
for d in e4m3_block e4m3 bf16; do
  ncu --clock-control none -k regex:mggemm_ --launch-skip 2 --launch-count 1 --section SpeedOfLight --section ComputeWorkloadAnalysis --section MemoryWorkloadAnalysis --section WarpStateStats --section InstructionStats --csv --page details \
    stage/bin/mggemm-run --bench --iters 3 --warmup 0 --dtype $d --groups 8 --m 16384 --n 4096 --k 7168 > $OUT/ncu-$d.csv 2>&1
  echo "$d rc=$?"
done
tar czf $OUT/r7.tgz -C $OUT metrics.txt ncu-e4m3_block.csv ncu-e4m3.csv ncu-bf16.csv
