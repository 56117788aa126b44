"""v25 run 2: the row quantizer of dY times W's row scales (the fp8 input
gradient on the forward's fp8 W) with one vector of column scales where a
program's rows share a group (the library's kernel now) against run 1's,
which gathered them per row (copied below): bits and ms, median of 20;
then tiles of the new kernel, the plain row quantizer, and the whole
training products."""
import torch
import triton
import triton.language as tl
import mggemm
from mggemm import ops
from mggemm import _quantize_kernels as qk
from mggemm.splits import make_split

dev = "cuda"


@triton.jit
def _gathered_kernel(t_ptr, column_scale_ptr, ends_ptr, q_ptr, scale_ptr, r, c, g,
                     LOG_G: tl.constexpr, BLOCK_R: tl.constexpr, BLOCK_C: tl.constexpr):
    rows = tl.program_id(0) * BLOCK_R + tl.arange(0, BLOCK_R)
    row_ok = rows < r
    base = rows.to(tl.int64)[:, None] * c
    column_scale_ptr += qk._row_groups(ends_ptr, rows, g, LOG_G).to(tl.int64)[:, None] * c
    amax = tl.zeros((BLOCK_R,), dtype=tl.float32)
    for c0 in range(0, c, BLOCK_C):
        cols = c0 + tl.arange(0, BLOCK_C)
        mask = row_ok[:, None] & (cols < c)[None, :]
        a = tl.load(t_ptr + base + cols[None, :], mask=mask, other=0.0).to(tl.float32)
        a = a * tl.load(column_scale_ptr + cols[None, :], mask=mask, other=0.0)
        amax = tl.maximum(amax, tl.max(tl.abs(a), axis=1))
    scale = tl.maximum(amax, 1e-12) * qk._E4M3_MAX_RECIPROCAL
    tl.store(scale_ptr + rows, scale, mask=row_ok)
    for c0 in range(0, c, BLOCK_C):
        cols = c0 + tl.arange(0, BLOCK_C)
        mask = row_ok[:, None] & (cols < c)[None, :]
        a = tl.load(t_ptr + base + cols[None, :], mask=mask, other=0.0).to(tl.float32)
        a = a * tl.load(column_scale_ptr + cols[None, :], mask=mask, other=0.0)
        q = qk._scaled_to_e4m3_range(a, scale[:, None])
        tl.store(q_ptr + base + cols[None, :], q.to(q_ptr.dtype.element_ty), mask=mask)


def run(kernel, t, sizes, sw, block_r=4, block_c=1024, warps=8, **flags):
    (r, c), g = t.shape, sizes.shape[0]
    q = torch.empty(t.shape, dtype=torch.float8_e4m3fn, device=dev)
    scale = torch.empty(r, dtype=torch.float32, device=dev)
    ends = torch.cumsum(sizes, 0, dtype=torch.int32)
    kernel[(triton.cdiv(r, block_r),)](t, sw, ends, q, scale, r, c, g, **flags,
                                       LOG_G=(g - 1).bit_length(), BLOCK_R=block_r,
                                       BLOCK_C=block_c, num_warps=warps)
    return q, scale


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


for M, G, N, K in ((16384, 8, 4096, 1024), (65536, 32, 4096, 7168), (65536, 64, 2048, 7168)):
    for split in ("balanced", "imbalanced"):
        sizes = torch.tensor(make_split(split, M, G, seed=0), dtype=torch.int32, device=dev)
        dy = torch.randn(M, N, device=dev, dtype=torch.bfloat16)
        sw = torch.rand(G, N, device=dev) * 0.01
        old = run(_gathered_kernel, dy, sizes, sw)
        new = ops._quantize_rowwise_kernel(dy, sizes, sw)
        same = torch.equal(old[0].view(torch.uint8), new[0].view(torch.uint8)) and torch.equal(old[1], new[1])
        t = {"gathered (run 1)": timeit(lambda: run(_gathered_kernel, dy, sizes, sw)),
             "shared vector": timeit(lambda: ops._quantize_rowwise_kernel(dy, sizes, sw))}
        for br, bc, wp in ((8, 1024, 8), (2, 1024, 8), (4, 2048, 8), (4, 1024, 4)):
            t[f"shared {br}x{bc} w{wp}"] = timeit(
                lambda: run(qk._rowwise_kernel, dy, sizes, sw, br, bc, wp, HAS_COLUMN_SCALE=True))
        t["plain dY"] = timeit(lambda: ops._quantize_rowwise_kernel(dy, None, None))
        print(f"M={M} G={G} N={N} {split}: bit-equal {same}; ms " +
              ", ".join(f"{k} {v:.3f}" for k, v in t.items()), flush=True)
    x = torch.randn(M, K, device=dev, dtype=torch.bfloat16)
    w = torch.randn(G, N, K, device=dev, dtype=torch.bfloat16) * 0.02
    xr, wr = x.clone().requires_grad_(), w.clone().requires_grad_()

    def step(fn):
        xr.grad = wr.grad = None
        fn(xr, wr, sizes).backward(dy)

    t_bf = timeit(lambda: step(lambda a, b, s: mggemm.grouped_mm(a, b, s)), iters=10)
    t_f8 = timeit(lambda: step(lambda a, b, s: mggemm.grouped_mm_fp8(a, b, s)), iters=10)
    t_f8dw = timeit(lambda: step(lambda a, b, s: mggemm.grouped_mm_fp8(a, b, s, fp8_grad_weight=True)),
                    iters=10)
    print(f"   forward+backward ({split}): bf16 {t_bf:.3f} ms, fp8 (bf16 dW) {t_f8:.3f} ms, "
          f"fp8 with fp8 dW {t_f8dw:.3f} ms", flush=True)
    with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CUDA]) as prof:
        for _ in range(5):
            step(lambda a, b, s: mggemm.grouped_mm_fp8(a, b, s, fp8_grad_weight=True))
        torch.cuda.synchronize()
    print(f"   fp8 with fp8 dW, GPU time per product by kernel (5 products, {split}):")
    for e in sorted(prof.key_averages(), key=lambda e: -e.device_time_total)[:14]:
        print(f"     {e.device_time_total / 5e3:7.3f} ms  x{e.count // 5:<2d} {e.key[:90]}")
    del x, dy, w, xr, wr
