"""v25 run 4: the row quantizer taking fewer rows a program where rows are
long (``_rowwise_rows``: at most 32 KB of them) against 4 rows always
(run 3's rows, ``_ROWWISE_PROGRAM_BYTES`` lifted): the quantizers of X and
W, then whole training products (forward and backward), alternating, three
rounds, median of 20 (quantizers) and of 10 (products), ms."""
import torch
import mggemm
from mggemm import _quantize_kernels as qk
from mggemm.splits import make_split

dev = "cuda"
NEW = qk._ROWWISE_PROGRAM_BYTES


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
    sizes = torch.tensor(make_split("imbalanced", M, G, seed=0), dtype=torch.int32, device=dev)
    x = torch.randn(M, K, device=dev, dtype=torch.bfloat16)
    w = torch.randn(G, N, K, device=dev, dtype=torch.bfloat16) * 0.02
    dy = torch.randn(M, N, device=dev, dtype=torch.bfloat16)
    xr, wr = x.clone().requires_grad_(), w.clone().requires_grad_()

    def step(**kw):
        xr.grad = wr.grad = None
        mggemm.grouped_mm_fp8(xr, wr, sizes, **kw).backward(dy)

    cases = {"quantize X": lambda: mggemm.quantize_fp8_rowwise(x),
             "quantize W": lambda: mggemm.quantize_fp8_rowwise(w),
             "fp8 product": lambda: step(),
             "fp8-dW product": lambda: step(fp8_grad_weight=True)}
    res = {(name, v): [] for name in cases for v in ("4 rows", "new")}
    for _ in range(3):
        for name, fn in cases.items():
            for v, limit in (("4 rows", 1 << 30), ("new", NEW)):
                qk._ROWWISE_PROGRAM_BYTES = limit
                res[(name, v)].append(timeit(fn, 20 if name.startswith("quantize") else 10))
    qk._ROWWISE_PROGRAM_BYTES = NEW
    t_bf = timeit(lambda: (setattr(xr, "grad", None), setattr(wr, "grad", None),
                           mggemm.grouped_mm(xr, wr, sizes).backward(dy)), 10)
    print(f"M={M} G={G} N={N} K={K} (rows a program now {qk._rowwise_rows(K * 2)}): bf16 product "
          f"{t_bf:.3f}; " + "; ".join(f"{n} {v} " + " ".join(f"{t:.3f}" for t in ts)
                                      for (n, v), ts in res.items()), flush=True)
    del x, w, dy, xr, wr
