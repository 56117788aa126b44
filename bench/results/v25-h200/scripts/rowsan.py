"""v25: the row quantizer (plain and with per-group column scales) and the
byte transpose ([M, C] padded, [G, N, K]) on small odd shapes, for
compute-sanitizer memcheck; bits against the torch ops. (Run 4 added the
rows of 9000 and 17000 columns: 2 and 1 rows a program.)"""
import torch
from mggemm import ops

dev = "cuda"


def same(a, b):
    return torch.equal(a[0].view(torch.uint8), b[0].view(torch.uint8)) and torch.equal(a[1], b[1])


for shape in [(1, 1), (3, 5), (5, 1025), (37, 2049), (2, 3, 7), (3, 8200), (3, 17000)]:
    t = torch.randn(*shape, device=dev, dtype=torch.bfloat16)
    print("row", shape, same(ops._quantize_rowwise_kernel(t, None, None), ops._quantize_rowwise_torch(t)))
t = torch.randn(33, 80, device=dev, dtype=torch.bfloat16)[:, :70]
print("row strided", same(ops._quantize_rowwise_kernel(t, None, None), ops._quantize_rowwise_torch(t)))
for sizes, c in [([1], 1), ([3, 0, 2], 5), ([0, 9, 0, 1, 0], 1030), ([40, 1], 2049), ([5, 2], 9000), ([3, 0, 4], 17000)]:
    s = torch.tensor(sizes, dtype=torch.int32, device=dev)
    t = torch.randn(sum(sizes), c, device=dev, dtype=torch.bfloat16)
    cs = torch.rand(len(sizes), c, device=dev)
    print("row with group column scales", sizes, c,
          same(ops._quantize_rowwise_kernel(t, s, cs), ops._quantize_rowwise_torch(t, s, cs)))
for shape, mp in [((5, 3), 16), ((1, 2, 1), 2), ((3, 65, 257), 65), ((2, 7, 300), 7)]:
    q = torch.randn(*shape, device=dev).to(torch.float8_e4m3fn)
    got = ops._transpose_padded_kernel(q, mp)
    want = ops._transpose_padded_torch(q, mp, q.dtype)
    print("transpose", shape, mp, torch.equal(got.view(torch.uint8), want.view(torch.uint8)))
torch.cuda.synchronize()
