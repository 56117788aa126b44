"""v22 step 12: quantize_fp8_grouped_columns with the piecewise amax
(segment_reduce over <= 128-row pieces inside groups, then a small scatter)
against the scatter of every element it replaces, at the MoE example's
shapes (16384 rows, 8 groups) and a bench shape (65536 rows, 32 groups):
equality and time."""
import torch
import mggemm
from mggemm import ops

torch.manual_seed(0)
dev = "cuda"


def timeit(fn, iters=30):
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


def scatter_amax(t, sizes):
    m, c = t.shape
    g = sizes.shape[0]
    group = torch.repeat_interleave(torch.arange(g, device=t.device), sizes, output_size=m)
    return torch.zeros((g, c), dtype=torch.float32, device=t.device).scatter_reduce_(
        0, group.unsqueeze(1).expand(m, c), t.float().abs(), "amax")


for M, G, shapes in ((16384, 8, {"gate_up": (4096, 1024), "down": (1024, 2048)}),
                     (65536, 32, {"bench": (4096, 7168)})):
    from mggemm.splits import make_split
    sizes = torch.tensor(make_split("imbalanced", M, G, seed=0), dtype=torch.int32, device=dev)
    for name, (n, k) in shapes.items():
        dy = torch.randn(M, n, device=dev, dtype=torch.bfloat16)
        x = torch.randn(M, k, device=dev, dtype=torch.bfloat16)
        same = torch.equal(ops._grouped_column_amax(dy, sizes), scatter_amax(dy, sizes))
        t_new = timeit(lambda: ops._grouped_column_amax(dy, sizes))
        t_old = timeit(lambda: scatter_amax(dy, sizes))
        q = lambda t: ops._quantize_fused(t, "grouped_columns", sizes)
        t_qdy = timeit(lambda: q(dy)); t_qx = timeit(lambda: q(x))
        qdy, sdy, pad = q(dy); qx, sx, _ = q(x)
        t_gemm = timeit(lambda: mggemm.scaled_grouped_mm_grad_weight(qdy, qx, sdy, sx, pad))
        t_fp8 = timeit(lambda: mggemm.grouped_mm_grad_weight_fp8(dy, x, sizes))
        t_bf16 = timeit(lambda: mggemm.grouped_mm_grad_weight(dy, x, sizes))
        print(f"M={M} G={G} {name} (N={n}, K={k}): amax of dY piecewise {t_new:.3f} ms vs scatter "
              f"{t_old:.3f} ms, equal {same}; compiled quantize dY {t_qdy:.3f} ms, X {t_qx:.3f} ms; "
              f"fp8 GEMM {t_gemm:.3f} ms; grouped_mm_grad_weight_fp8 {t_fp8:.3f} ms; bf16 dW {t_bf16:.3f} ms")
