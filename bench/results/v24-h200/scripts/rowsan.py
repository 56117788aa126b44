"""v24: the row quantizers' Triton kernels on small odd shapes, for
compute-sanitizer (memcheck): rows and columns off the tiles, one row, one
column, rows read in one pass and in two (C > 8192), strided input, 3-d
input, zero rows; bits against the torch ops; NaN kept."""
import torch
from mggemm import ops

dev = "cuda"


def same(a, b):
    return torch.equal(a[0].view(torch.uint8), b[0].view(torch.uint8)) and torch.equal(a[1], b[1])


for shape in [(1, 1), (3, 5), (5, 1025), (37, 2049), (4, 1024), (2, 3, 7), (3, 8200), (5, 9000)]:
    t = torch.randn(*shape, device=dev, dtype=torch.bfloat16)
    if shape[0] > 2:
        t[1] = 0
    print("row", shape, same(ops._quantize_rowwise_kernel(t), ops._quantize_rowwise_torch(t)))
    t.view(-1)[0] = float("nan")
    print("row NaN kept", shape, bool(torch.isnan(ops._quantize_rowwise_kernel(t)[0].view(-1)[0].float())))
t = torch.randn(33, 80, device=dev, dtype=torch.bfloat16)[:, :70]
print("row strided", same(ops._quantize_rowwise_kernel(t), ops._quantize_rowwise_torch(t)))
for g, n, k in [(1, 1, 1), (2, 65, 63), (3, 7, 130), (1, 200, 64)]:
    w = torch.randn(g, n, k, device=dev, dtype=torch.bfloat16)
    print("Wt", (g, n, k), same(ops._quantize_rowwise_transposed_kernel(w),
                                ops._quantize_rowwise_torch(w.transpose(1, 2))))
torch.cuda.synchronize()
