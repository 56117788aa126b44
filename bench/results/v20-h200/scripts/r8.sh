#!/bin/bash
# Session 9 run 8: SASS with stall samples (ncu source page) of cuBLASLt's precise fp8 kernel and of
# our 128x128 s6 kernel on the same product (32768 x 7168 x 2048), to see where ours spends its extra
# cycles.
set -u
cd "$(dirname "$0")/../.."
L=$OUT/log; mkdir -p $L; exec > >(tee $L/main.txt) 2>&1
log() { echo "== $(date +%T) $*"; }
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
log cublas
timeout 200 ncu --clock-control none -k regex:'nvjet|gemm|xmma|cutlass' --launch-skip 2 --launch-count 1 --set full --import-source no -o $OUT/cublas python3 /tmp/smm.py > $L/ncu-cublas.log 2>&1; echo rc=$?
log ours
timeout 200 ncu --clock-control none -k regex:mggemm --launch-skip 2 --launch-count 1 --set full --import-source no -o $OUT/ours stage/bin/mggemm-run --bench --iters 3 --warmup 2 --dtype e4m3 --tile 128x128x128s6 --groups 1 --m 32768 --n 7168 --k 2048 > $L/ncu-ours.log 2>&1; echo rc=$?
for n in cublas ours; do
  ncu -i $OUT/$n.ncu-rep --page source --csv --print-source sass > $OUT/$n-sass.csv 2>$L/src-$n.err; echo "src $n rc=$?"
  ncu -i $OUT/$n.ncu-rep --page details > $OUT/$n-details.txt 2>&1
  rm -f $OUT/$n.ncu-rep
done
ls -la $OUT
log done
