"""v28: one block-scaled forward of one expert (M, N, K from argv, default
16384 x 4096 x 7168), ours and cuBLASLt's (F.scaled_mm, BlockWise1x128 x
BlockWise128x128), each run twice, for ncu to profile side by side."""
import sys

import torch
from torch.nn.functional import ScalingType, scaled_mm

import mggemm

M, N, K = (int(a) for a in sys.argv[1:4]) if len(sys.argv) > 3 else (16384, 4096, 7168)
x = torch.randn(M, K, device="cuda", dtype=torch.bfloat16)
w = torch.randn(N, K, device="cuda", dtype=torch.bfloat16)
qx, sx = mggemm.quantize_fp8_blockwise(x)
qw, sw = mggemm.quantize_fp8_blockwise(w[None])
sizes = torch.tensor([M], device="cuda", dtype=torch.int32)
for _ in range(2):
    ours = mggemm.grouped_mm(qx, qw, sizes, scale_x=sx, scale_w=sw)
    theirs = scaled_mm(qx, qw[0].t(), sx, ScalingType.BlockWise1x128, sw[0].t(),
                       ScalingType.BlockWise128x128, output_dtype=torch.bfloat16)
torch.cuda.synchronize()
print("max |ours - cublas| / max |cublas|:",
      ((ours.float() - theirs.float()).abs().max() / theirs.float().abs().max()).item())
