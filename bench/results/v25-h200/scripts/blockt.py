"""v25 run 8: the block-scaled training path's fp8 Wᵀ, as torch's
transposing copy (``qw.transpose(1, 2).contiguous()``, run 7's code) and as
the byte-transpose kernel the row-scaled path uses (``_transpose_padded``,
now): bits and ms (median of 20, alternating, two rounds); then whole
block-scaled training products on the new code."""
import torch
import mggemm
from mggemm import ops
from mggemm.splits import make_split

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


for M, G, N, K in ((16384, 8, 4096, 1024), (65536, 32, 4096, 7168), (65536, 64, 2048, 7168)):
    w = torch.randn(G, N, K, device=dev, dtype=torch.bfloat16) * 0.02
    qw, _ = mggemm.quantize_fp8_blockwise(w)
    same = torch.equal(qw.transpose(1, 2).contiguous().view(torch.uint8),
                       ops._transpose_padded(qw, N).view(torch.uint8))
    t = {"torch copy": [], "kernel": []}
    for _ in range(2):
        t["torch copy"].append(timeit(lambda: qw.transpose(1, 2).contiguous()))
        t["kernel"].append(timeit(lambda: ops._transpose_padded(qw, N)))
    sizes = torch.tensor(make_split("imbalanced", M, G, seed=0), dtype=torch.int32, device=dev)
    xr = torch.randn(M, K, device=dev, dtype=torch.bfloat16).requires_grad_()
    wr = w.clone().requires_grad_()
    dy = torch.randn(M, N, device=dev, dtype=torch.bfloat16)

    def step(**kw):
        xr.grad = wr.grad = None
        mggemm.grouped_mm_fp8(xr, wr, sizes, **kw).backward(dy)

    t_block = timeit(lambda: step(scaling="block"), 10)
    t_row = timeit(lambda: step(), 10)
    print(f"M={M} G={G} N={N} K={K}: equal {same}; ms " +
          "; ".join(f"{k} {' '.join(f'{v:.3f}' for v in vs)}" for k, vs in t.items()) +
          f"; block product {t_block:.3f}, row product {t_row:.3f}", flush=True)
    del w, qw, xr, wr, dy
