"""v24 run 3: the row quantizers' kernels around run 2's best tiles (two
passes 4 x 1024, 8 warps; transposed 256 x 64, 8 warps); bits checked
against the torch ops."""
import torch
from mggemm import ops, _quantize_kernels as qk

dev = "cuda"


def timeit(fn, iters=20):
    for _ in range(3):
        fn()
    torch.cuda.synchronize()
    ts = []
    for _ in range(iters):
        a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        a.record(); fn(); b.record(); b.synchronize()
        ts.append(a.elapsed_time(b))
    ts.sort()
    return ts[len(ts) // 2]


def same(a, b):
    return torch.equal(a[0].view(torch.uint8), b[0].view(torch.uint8)) and torch.equal(a[1], b[1])


for name, shape in (("X 65536x7168", (65536, 7168)), ("dY 65536x4096", (65536, 4096)),
                    ("W 32x4096x7168", (32 * 4096, 7168)), ("X 16384x1024", (16384, 1024))):
    t = torch.randn(*shape, device=dev, dtype=torch.bfloat16)
    want = ops._quantize_rowwise_torch(t)
    print(name, flush=True)
    for rows, cols, warps in ((4, 1024, 8), (4, 1024, 16), (4, 2048, 8), (4, 2048, 16),
                              (2, 1024, 8), (8, 512, 8), (4, 512, 4)):
        qk._ROWWISE_ROWS, qk._ROWWISE_COLUMNS, qk._ROWWISE_WARPS = rows, cols, warps
        eq = same(qk.quantize_rowwise(t), want)
        ms = timeit(lambda: qk.quantize_rowwise(t))
        print(f"   {rows}x{cols}, {warps} warps: {ms:.3f} ms ({t.numel() * 3 / ms / 1e6:.0f} GB/s), "
              f"equal {eq}", flush=True)
    del t, want
qk._ROWWISE_ROWS, qk._ROWWISE_COLUMNS, qk._ROWWISE_WARPS = 4, 1024, 8

for shape in ((32, 4096, 7168), (64, 2048, 7168), (8, 4096, 1024)):
    w = torch.randn(*shape, device=dev, dtype=torch.bfloat16) * 0.02
    want = ops._quantize_rowwise_torch(w.transpose(1, 2))
    print(f"Wt {shape}", flush=True)
    for bn, bk, warps in ((256, 64, 8), (256, 64, 4), (512, 64, 8), (512, 64, 16), (256, 128, 8),
                          (256, 32, 4), (512, 32, 8), (1024, 32, 8)):
        qk._COLUMNWISE_ROWS, qk._COLUMNWISE_COLUMNS, qk._COLUMNWISE_WARPS = bn, bk, warps
        eq = same(qk.quantize_rowwise_transposed(w), want)
        ms = timeit(lambda: qk.quantize_rowwise_transposed(w))
        print(f"   {bn}x{bk}, {warps} warps: {ms:.3f} ms ({w.numel() * 3 / ms / 1e6:.0f} GB/s "
              f"as read+write once), equal {eq}", flush=True)
    del w, want
