"""v24 run 2: tile sweep of the row quantizers' kernels on the bench shapes'
operands (one pass with rows in registers against two passes; the
transposed kernel's tiles and warps); bits checked against the torch ops.
Ran on a version of _rowwise_kernel with a ONE_PASS branch and the
_ROWWISE_ONE_PASS_* knobs, dropped after this sweep (one pass lost)."""
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


row_configs = [  # (one-pass columns, one-pass elements, two-pass rows, two-pass columns, warps)
    (0, 0, 4, 1024, 4), (0, 0, 4, 1024, 8), (0, 0, 8, 1024, 8), (0, 0, 2, 2048, 8),
    (16384, 8192, 0, 0, 4), (16384, 8192, 0, 0, 8), (16384, 8192, 0, 0, 16),
    (16384, 16384, 0, 0, 8), (16384, 16384, 0, 0, 16), (16384, 32768, 0, 0, 16)]
for name, shape in (("X 65536x7168", (65536, 7168)), ("dY 65536x4096", (65536, 4096)),
                    ("dY 65536x2048", (65536, 2048)), ("W 32x4096x7168", (32 * 4096, 7168)),
                    ("X 16384x1024", (16384, 1024))):
    t = torch.randn(*shape, device=dev, dtype=torch.bfloat16)
    want = ops._quantize_rowwise_torch(t)
    t_torch = timeit(lambda: ops._quantize_rowwise_torch(t))
    print(f"{name}: torch ops {t_torch:.3f} ms", flush=True)
    for cols1, elems1, r2, c2, warps in row_configs:
        qk._ROWWISE_ONE_PASS_COLUMNS, qk._ROWWISE_ONE_PASS_ELEMENTS = cols1, elems1
        if r2:
            qk._ROWWISE_ROWS, qk._ROWWISE_COLUMNS = r2, c2
        qk._ROWWISE_WARPS = warps
        eq = same(qk.quantize_rowwise(t), want)
        ms = timeit(lambda: qk.quantize_rowwise(t))
        kind = f"one pass, tile {elems1} elements" if cols1 else f"two passes, {r2}x{c2}"
        print(f"   {kind}, {warps} warps: {ms:.3f} ms ({t.numel() * 3 / ms / 1e6:.0f} GB/s), "
              f"equal {eq}", flush=True)
    del t, want

for shape in ((32, 4096, 7168), (64, 2048, 7168), (8, 4096, 1024)):
    w = torch.randn(*shape, device=dev, dtype=torch.bfloat16) * 0.02
    want = ops._quantize_rowwise_torch(w.transpose(1, 2))
    print(f"Wt {shape}", flush=True)
    for bn, bk, warps in ((64, 64, 4), (128, 64, 4), (64, 128, 4), (128, 128, 8), (256, 64, 8),
                          (32, 128, 4), (128, 32, 4), (64, 64, 8)):
        qk._COLUMNWISE_ROWS, qk._COLUMNWISE_COLUMNS, qk._COLUMNWISE_WARPS = bn, bk, warps
        eq = same(qk.quantize_rowwise_transposed(w), want)
        ms = timeit(lambda: qk.quantize_rowwise_transposed(w))
        print(f"   {bn}x{bk}, {warps} warps: {ms:.3f} ms ({w.numel() * 3 / ms / 1e6:.0f} GB/s "
              f"as read+write once), equal {eq}", flush=True)
    del w, want
