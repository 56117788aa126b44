"""v23 step 1: quantize_fp8_grouped_columns with the Triton kernels against
the compiled torch ops (v22's), bit equality, a tile sweep, and the fp8
weight gradient end to end against bf16 dW, at the MoE example's shapes
(16384 rows, 8 groups) and two bench shapes (65536 rows, 32 and 64 groups)."""
import itertools
import torch
import mggemm
from mggemm import ops, _quantize_kernels as qk
from mggemm.splits import make_split

torch.manual_seed(0)
SWEEP = False  # v23 run 4 swept the tiles
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


_old = torch.compile(ops._quantize_grouped_columns_torch, dynamic=True)
mp_of = lambda t: -(-t.shape[0] // 16) * 16
old = lambda t, s: _old(t, s, mp_of(t))
new = lambda t, s: ops._quantize_grouped_columns_kernels(t, s, mp_of(t))


def same(a, b):
    return torch.equal(a[0].view(torch.uint8), b[0].view(torch.uint8)) and torch.equal(a[1], b[1])


def sweep(t, sizes):
    best = None
    out = []
    for (ar, ac), (cr, cc) in itertools.product([(128, 64), (256, 64), (512, 64), (256, 128)],
                                                [(128, 64), (64, 128), (128, 128), (256, 64), (64, 64)]):
        qk._AMAX_ROWS, qk._AMAX_COLUMNS, qk._CAST_ROWS, qk._CAST_COLUMNS = ar, ac, cr, cc
        ms = timeit(lambda: new(t, sizes), iters=15)
        out.append(((ar, ac, cr, cc), ms))
    qk._AMAX_ROWS, qk._AMAX_COLUMNS, qk._CAST_ROWS, qk._CAST_COLUMNS = 256, 64, 128, 64
    out.sort(key=lambda r: r[1])
    return out


for M, G, shapes in ((16384, 8, {"gate_up": (4096, 1024), "down": (1024, 2048)}),
                     (65536, 32, {"bench": (4096, 7168)}), (65536, 64, {"bench64": (2048, 7168)})):
    sizes = torch.tensor(make_split("imbalanced", M, G, seed=0), dtype=torch.int32, device=dev)
    for name, (n, k) in shapes.items():
        dy = torch.randn(M, n, device=dev, dtype=torch.bfloat16)
        x = torch.randn(M, k, device=dev, dtype=torch.bfloat16)
        eq = same(new(dy, sizes), old(dy, sizes)) and same(new(x, sizes), old(x, sizes))
        t_old_dy, t_old_x = timeit(lambda: old(dy, sizes)), timeit(lambda: old(x, sizes))
        t_new_dy, t_new_x = timeit(lambda: new(dy, sizes)), timeit(lambda: new(x, sizes))
        t_pub = timeit(lambda: mggemm.quantize_fp8_grouped_columns(dy, sizes))
        qdy, sdy, pad = mggemm.quantize_fp8_grouped_columns(dy, sizes); qx, sx, _ = mggemm.quantize_fp8_grouped_columns(x, sizes)
        t_gemm = timeit(lambda: mggemm.scaled_grouped_mm_grad_weight(qdy, qx, sdy, sx, pad))
        t_fp8 = timeit(lambda: mggemm.grouped_mm_grad_weight_fp8(dy, x, sizes))
        t_bf16 = timeit(lambda: mggemm.grouped_mm_grad_weight(dy, x, sizes))
        gbs = lambda t, ms: (t.numel() * 2 * 2 + t.numel()) / ms / 1e6  # read twice, write fp8
        print(f"M={M} G={G} {name} (N={n}, K={k}): bit-equal {eq}; quantize dY compiled torch "
              f"{t_old_dy:.3f} ms -> triton {t_new_dy:.3f} ms ({gbs(dy, t_new_dy):.0f} GB/s), "
              f"X {t_old_x:.3f} -> {t_new_x:.3f} ms ({gbs(x, t_new_x):.0f} GB/s); "
              f"quantize_fp8_grouped_columns(dY) {t_pub:.3f} ms; fp8 GEMM {t_gemm:.3f} ms; "
              f"grouped_mm_grad_weight_fp8 {t_fp8:.3f} ms; bf16 dW {t_bf16:.3f} ms", flush=True)
        if name in ("gate_up", "bench"):
            for cfg, ms in (sweep(x if name == "bench" else dy, sizes)[:6] if SWEEP else []):
                print(f"   tiles amax {cfg[:2]} cast {cfg[2:]}: {ms:.3f} ms", flush=True)
