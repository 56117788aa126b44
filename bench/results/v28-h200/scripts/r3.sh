#!/usr/bin/env bash
# v28 run 3, main: ncu of the block-scaled forward on one expert's product,
# ours against cuBLASLt's block kernel (scripts/blockpair.py), two shapes:
# kernel names, cycles, tensor-pipe use, instructions, warp stalls.
set -u
cd "$(dirname "$0")/../.."
t0=$SECONDS
export MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
for s in "16384 4096 7168" "32768 7168 2048"; do
  tag=$(echo $s | tr ' ' x)
  PYTHONPATH=$PWD/stage/python timeout 240 ncu --clock-control none \
    -k regex:"mggemm|nvjet|sm90|cutlass|gemm" --launch-skip 2 --launch-count 2 \
    --section SpeedOfLight --section ComputeWorkloadAnalysis --section WarpStateStats --section SchedulerStats --section LaunchStats --section InstructionStats \
    --metrics sm__pipe_tensor_op_gmma_cycles_active.avg.pct_of_peak_sustained_active,sm__inst_executed.sum,smsp__inst_executed_op_shared_ld.sum,l1tex__data_pipe_lsu_wavefronts_mem_shared.sum,sm__cycles_elapsed.avg \
    python3 stage/scratch/blockpair.py $s > $OUT/ncu-block-$tag.txt 2>&1; echo "ncu $tag rc=$? at $((SECONDS-t0)) s"
  grep -E "^  [a-zA-Z_]+.*\(|nvjet|mggemm_|Duration|Elapsed Cycles|SM Frequency|Registers Per|Block Size|Grid Size|Cluster|Shared Memory Config|Dynamic Shared|gmma_cycles|inst_executed.sum|shared_ld|wavefronts_mem_shared|Issued Warp|No Eligible|Executed Ipc|max \|" $OUT/ncu-block-$tag.txt | head -60
done
echo "all done at $((SECONDS-t0)) s"
