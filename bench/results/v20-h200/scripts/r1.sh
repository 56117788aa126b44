#!/bin/bash
# Session 9 run 1: is there kernel headroom? Our bf16 kernel on one-group (dense) shapes against
# cuBLAS (the loop impl, = torch.matmul) and torch._grouped_mm in the same run; then ncu --set full
# of ours and cuBLAS's kernel on the 8192^3 forward.
set -u
cd "$(dirname "$0")/../.."
L=$OUT/log; mkdir -p $L; exec > >(tee $L/main.txt) 2>&1
log() { echo "== $(date +%T) $*"; }
export PYTHONPATH=$PWD/stage/python MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
nvidia-smi --query-gpu=name,clocks.sm,power.draw,temperature.gpu --format=csv
log bench
python3 -m mggemm.bench --out $OUT/bench --shapes 1x8192x8192x8192,1x16384x4096x7168,1x32768x4096x14336,8x16384x4096x7168 \
  --variants forward,grad_input,grad_weight --splits balanced --rounds 3 --rep-ms 120 --no-progress --no-plots > $L/bench.txt 2>&1; echo "bench rc=$?"
tail -30 $L/bench.txt
log ncu
timeout 200 ncu --clock-control none -k regex:mggemm --launch-skip 2 --launch-count 1 --set full --import-source no -o $OUT/ours \
  stage/bin/mggemm-run --bench --iters 3 --warmup 2 --groups 1 --m 8192 --n 8192 --k 8192 > $L/ncu-ours.log 2>&1; echo "ncu ours rc=$?"
cat > /tmp/mm.py <<'PY'
import torch
a = torch.randn(8192, 8192, device="cuda", dtype=torch.bfloat16)
b = torch.randn(8192, 8192, device="cuda", dtype=torch.bfloat16)
for _ in range(5):
    c = a @ b.t()
torch.cuda.synchronize()
PY
timeout 200 ncu --clock-control none -k regex:'nvjet|gemm|xmma|cutlass' --launch-skip 2 --launch-count 1 --set full --import-source no -o $OUT/cublas \
  python3 /tmp/mm.py > $L/ncu-cublas.log 2>&1; echo "ncu cublas rc=$?"
for n in ours cublas; do ncu -i $OUT/$n.ncu-rep --page details > $OUT/$n-details.txt 2>&1; done
grep -E "^  [a-z_0-9]+.*\(|Duration|SM Frequency|Tensor|Shared|Registers|Block Size|Grid Size|Cluster|Issue Slots|Executed Ipc|L2 Hit|DRAM Through|Memory Throughput|Compute \(SM\)" $OUT/ours-details.txt | head -40
grep -E "^  [a-z_0-9]+.*\(|Duration|SM Frequency|Tensor|Shared|Registers|Block Size|Grid Size|Cluster|Issue Slots|Executed Ipc|L2 Hit|DRAM Through|Memory Throughput|Compute \(SM\)" $OUT/cublas-details.txt | head -40
log done
