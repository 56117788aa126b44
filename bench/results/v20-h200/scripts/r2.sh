#!/bin/bash
# Session 9 run 2: fp8 vs bf16, cuBLAS and ours, same run, one-group shapes; ncu tensor-pipe of the
# fp8 kernels at K = 2048.
set -u
cd "$(dirname "$0")/../.."
L=$OUT/log; mkdir -p $L; exec > >(tee $L/main.txt) 2>&1
log() { echo "== $(date +%T) $*"; }
export PYTHONPATH=$PWD/stage/python MGGEMM_RUNTIME_LIB=$PWD/stage/lib/libmggemm_runtime.so
log ratios
python3 stage/scratch/fp8vsbf16.py $OUT/fp8vsbf16.json 2>&1; echo "rc=$?"
log ncu
cat > /tmp/smm.py <<'PY'
import torch
M, N, K = 32768, 7168, 2048
a = torch.randn(M, K, device="cuda").to(torch.float8_e4m3fn)
b = torch.randn(N, K, device="cuda").to(torch.float8_e4m3fn)
sa = torch.rand(M, 1, device="cuda"); sb = torch.rand(1, N, device="cuda")
for _ in range(5):
    c = torch._scaled_mm(a, b.t(), scale_a=sa, scale_b=sb, out_dtype=torch.bfloat16, use_fast_accum=False)
torch.cuda.synchronize()
PY
S="--section SpeedOfLight --section ComputeWorkloadAnalysis --section LaunchStats --section WarpStateStats"
timeout 150 ncu --clock-control none -k regex:mggemm --launch-skip 2 --launch-count 1 $S stage/bin/mggemm-run --bench --iters 3 --warmup 2 --dtype e4m3 --groups 1 --m 32768 --n 7168 --k 2048 > $OUT/ncu-ours-fp8.txt 2>&1; echo "rc=$?"
timeout 150 ncu --clock-control none -k regex:'nvjet|gemm|xmma|cutlass' --launch-skip 2 --launch-count 1 $S python3 /tmp/smm.py > $OUT/ncu-cublas-fp8.txt 2>&1; echo "rc=$?"
timeout 150 ncu --clock-control none -k regex:mggemm --launch-skip 2 --launch-count 1 $S stage/bin/mggemm-run --bench --iters 3 --warmup 2 --dtype bf16 --groups 1 --m 32768 --n 7168 --k 2048 > $OUT/ncu-ours-bf16.txt 2>&1; echo "rc=$?"
for f in ours-fp8 cublas-fp8 ours-bf16; do echo "--- $f"; grep -E "^  [a-zA-Z_0-9]+.*\(|Duration|SM Frequency|highest-utilized|Registers Per|Grid Size|Warp Cycles Per Issued" $OUT/ncu-$f.txt | head -12; done
log done
