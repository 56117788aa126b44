"""v30 run 8: host time of the fp8 weight gradient's operands, dY quantized
per group and column and the forward's fp8 X transposed into the same
layout, as one op on one group layout (this package) against the two
launches of main's path (the quantization, then padded_layout and the
transpose again), in one process, alternating."""
import time
import torch, mggemm
from mggemm import ops
from mggemm._quantize_kernels import _transpose_grouped, padded_layout

dev = torch.device("cuda", 0)
G, M, N, K = 8, 1024, 256, 512
sizes = torch.full((G,), M // G, dtype=torch.int32, device=dev)
x = torch.randn(M, K, device=dev, dtype=torch.bfloat16)
dy = torch.randn(M, N, device=dev, dtype=torch.bfloat16)
qx, sx = ops._quantize_rowwise(x)
mp = ops._grouped_columns_width(M, G)

def separate():
    qdy_t, sdy, padded, _ = ops._quantize_grouped_columns(dy, sizes, row_scale=sx)
    return _transpose_grouped(qx, padded_layout(sizes)[0], mp)

def fused():
    return ops._quantize_grouped_columns(dy, sizes, row_scale=sx, also=qx)[3]

assert torch.equal(separate().view(torch.uint8), fused().view(torch.uint8))
def host_us(fn, n=1000):
    t = time.perf_counter()
    for _ in range(n): fn()
    us = (time.perf_counter() - t) / n * 1e6
    torch.cuda.synchronize()
    return us
for fn in (separate, fused):
    host_us(fn, 200)
res = {"separate": [], "fused": []}
for _ in range(7):
    for name, fn in (("separate", separate), ("fused", fused)):
        res[name].append(host_us(fn))
for name, v in res.items():
    v.sort()
    print(f"{name:10s} median {v[3]:7.1f} us/call  (all {' '.join(f'{t:.1f}' for t in v)})")
