"""v25 (wip/reuse-fp8-weight): the row-scaled fp8 input gradient on the
forward's fp8 W (dY times W's row scales quantized per row, qw byte-
transposed; _grad_input_fp8_on_row_scaled_w) against v24's path (dY
quantized per row, Wᵀ quantized from bf16 W by the kernel below, copied
from v24's _quantize_kernels.py): parts and totals, ms, and the relative
error against fp32; then whole training products."""
import torch
import triton
import triton.language as tl
import mggemm
from mggemm import ops
from mggemm._quantize_kernels import _E4M3_MAX, _E4M3_MAX_RECIPROCAL
from mggemm.reference import compare, reference_grad_input
from mggemm.splits import make_split

dev = "cuda"


@triton.jit
def _columnwise_transposed_kernel(w_ptr, q_ptr, scale_ptr, n, k, BLOCK_N: tl.constexpr,
                                  BLOCK_K: tl.constexpr):
    """For w [G, N, K] contiguous: quantize_fp8_rowwise of Wᵀ [G, K, N]
    without forming it. Program (g, k block): scale[g, k] = max(amax over n
    of |w[g, n, k]|, 1e-12) / 448, then q[g, k, n] = fp8(clamp(w[g, n, k] /
    scale[g, k])), tiles read along K and stored along N. Two passes over
    the program's columns; NaN as in ``_rowwise_kernel``."""
    g = tl.program_id(1)
    cols = tl.program_id(0) * BLOCK_K + tl.arange(0, BLOCK_K)
    col_ok = cols < k
    w_base = w_ptr + g.to(tl.int64) * n * k
    q_base = q_ptr + g.to(tl.int64) * k * n
    amax = tl.zeros((BLOCK_K,), dtype=tl.float32)
    for n0 in range(0, n, BLOCK_N):
        rows = n0 + tl.arange(0, BLOCK_N)
        mask = (rows < n)[:, None] & col_ok[None, :]
        a = tl.load(w_base + rows.to(tl.int64)[:, None] * k + cols[None, :], mask=mask, other=0.0)
        amax = tl.maximum(amax, tl.max(tl.abs(a.to(tl.float32)), axis=0))
    scale = tl.maximum(amax, 1e-12) * _E4M3_MAX_RECIPROCAL
    tl.store(scale_ptr + g.to(tl.int64) * k + cols, scale, mask=col_ok)
    for n0 in range(0, n, BLOCK_N):
        rows = n0 + tl.arange(0, BLOCK_N)
        mask = (rows < n)[:, None] & col_ok[None, :]
        a = tl.load(w_base + rows.to(tl.int64)[:, None] * k + cols[None, :], mask=mask,
                    other=0.0).to(tl.float32)
        q = tl.clamp(tl.div_rn(a, scale[None, :]), -_E4M3_MAX, _E4M3_MAX,
                     propagate_nan=tl.PropagateNan.ALL)
        tl.store(q_base + cols.to(tl.int64)[None, :] * n + rows[:, None],
                 q.to(q_ptr.dtype.element_ty), mask=mask)


def v24_wt(w):
    g, n, k = w.shape
    q = torch.empty((g, k, n), dtype=torch.float8_e4m3fn, device=w.device)
    scale = torch.empty((g, k), dtype=torch.float32, device=w.device)
    _columnwise_transposed_kernel[(triton.cdiv(k, 64), g)](w, q, scale, n, k, BLOCK_N=256,
                                                          BLOCK_K=64, num_warps=8)
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
    sizes = torch.tensor(make_split("imbalanced", M, G, seed=0), dtype=torch.int32, device=dev)
    x = torch.randn(M, K, device=dev, dtype=torch.bfloat16)
    dy = torch.randn(M, N, device=dev, dtype=torch.bfloat16)
    w = torch.randn(G, N, K, device=dev, dtype=torch.bfloat16) * 0.02
    qw, sw = mggemm.quantize_fp8_rowwise(w)  # the forward's

    def old():
        qdy, sdy = mggemm.quantize_fp8_rowwise(dy)
        qwt, swt = v24_wt(w)
        return mggemm.grouped_mm(qdy, qwt, sizes, scale_x=sdy, scale_w=swt)

    def new():
        return ops._grad_input_fp8_on_row_scaled_w(dy, qw, sw, sizes, False)

    ref = reference_grad_input(dy, w, sizes)
    e_old, e_new = compare(old(), ref).rel_fro_error, compare(new(), ref).rel_fro_error
    parts = {
        "quantize dY": lambda: mggemm.quantize_fp8_rowwise(dy),
        "quantize dY times sw": lambda: ops._quantize_rowwise_kernel(dy, sizes, sw),
        "v24 Wt kernel": lambda: v24_wt(w),
        "transpose qw": lambda: ops._transpose_padded(qw, N),
    }
    times = {name: timeit(fn) for name, fn in parts.items()}
    t_old, t_new = timeit(old), timeit(new)
    print(f"M={M} G={G} N={N} K={K}: dX v24 {t_old:.3f} ms, on fp8 W {t_new:.3f} ms; rel error "
          f"{e_old:.4f} / {e_new:.4f}; parts " +
          ", ".join(f"{k} {v:.3f}" for k, v in times.items()), flush=True)
    xr, wr = x.clone().requires_grad_(), w.clone().requires_grad_()

    def step(fn):
        xr.grad = wr.grad = None
        fn(xr, wr, sizes).backward(dy)

    t_bf = timeit(lambda: step(lambda a, b, s: mggemm.grouped_mm(a, b, s)), iters=10)
    t_f8 = timeit(lambda: step(lambda a, b, s: mggemm.grouped_mm_fp8(a, b, s)), iters=10)
    t_f8dw = timeit(lambda: step(lambda a, b, s: mggemm.grouped_mm_fp8(a, b, s, fp8_grad_weight=True)),
                    iters=10)
    print(f"   forward+backward: bf16 {t_bf:.3f} ms, fp8 (bf16 dW) {t_f8:.3f} ms, fp8 with fp8 dW "
          f"{t_f8dw:.3f} ms", flush=True)
    del x, dy, w, qw, sw, xr, wr
