"""v23: quantize_fp8_grouped_columns's Triton kernels on small odd shapes,
for compute-sanitizer (memcheck, racecheck): padding, strided input,
empty and one-row groups, sizes short of M, C off the tile."""
import torch
import mggemm
from mggemm import ops

dev = "cuda"
cases = [([100, 0, 1000, 37], 264), ([1, 1, 0, 33, 0], 40), ([5000], 136), ([0, 0], 72), ([77, 300], 8)]
for sizes, c in cases:
    m = sum(sizes)
    t = torch.randn(m, c + 8, device=dev, dtype=torch.bfloat16)[:, :c]  # strided rows
    s = torch.tensor(sizes, dtype=torch.int32, device=dev)
    q, scale, padded = mggemm.quantize_fp8_grouped_columns(t, s)
    want = ops._quantize_grouped_columns_torch(t, s, q.shape[1])
    print(sizes, c, torch.equal(q.view(torch.uint8), want[0].view(torch.uint8)) and torch.equal(scale, want[1]))
short = torch.tensor([100, 50], dtype=torch.int32, device=dev)  # sums to 150 < M = 377
q, scale, padded = mggemm.quantize_fp8_grouped_columns(torch.randn(377, 64, device=dev), short)
torch.cuda.synchronize()
print("short sizes", tuple(q.shape), padded.tolist())
# The row-scaled training path's operands: dY times X's row scales, X's fp8 transposed.
for sizes, n, k in [([100, 0, 1000, 37], 264, 136), ([1, 1, 0, 33, 0], 40, 24), ([77, 300], 8, 16)]:
    m = sum(sizes)
    s = torch.tensor(sizes, dtype=torch.int32, device=dev)
    dy = torch.randn(m, n, device=dev, dtype=torch.bfloat16)
    qx, sx = mggemm.quantize_fp8_rowwise(torch.randn(m, k, device=dev, dtype=torch.bfloat16))
    qdy_t, sdy, padded = ops._quantize_grouped_columns(dy, s, row_scale=sx)
    qx_t = ops._transpose_padded(qx, qdy_t.shape[1])
    want = ops._quantize_grouped_columns_torch(dy, s, qdy_t.shape[1], sx)
    print("row-scaled", sizes, torch.equal(qdy_t.view(torch.uint8), want[0].view(torch.uint8)),
          torch.equal(qx_t[:, :m].view(torch.uint8), qx.t().view(torch.uint8)))
torch.cuda.synchronize()
