"""v23 step 8: the row-scaled fp8 training path's weight gradient on the
forward's fp8 X (row scales moved into dY, X transposed) against the
quantize-both path and bf16 dW; the transpose kernel's tiles; and a whole
forward + backward of grouped_mm_fp8 against bf16 grouped_mm."""
import itertools
import torch
import mggemm
from mggemm import ops, _quantize_kernels as qk
from mggemm.splits import make_split

torch.manual_seed(0)
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


for M, G, N, K in ((16384, 8, 4096, 1024), (16384, 8, 1024, 2048), (65536, 32, 4096, 7168),
                   (65536, 64, 2048, 7168)):
    sizes = torch.tensor(make_split("imbalanced", M, G, seed=0), dtype=torch.int32, device=dev)
    dy = torch.randn(M, N, device=dev, dtype=torch.bfloat16)
    x = torch.randn(M, K, device=dev, dtype=torch.bfloat16)
    qx, sx = ops._quantize_fused(x, "row")
    ref = mggemm.reference_grad_weight(dy, x, sizes)
    dw_new = ops._grad_weight_fp8_on_row_scaled_x(dy, qx, sx, sizes, False)
    dw_old = mggemm.grouped_mm_grad_weight_fp8(dy, x, sizes)
    e_new = mggemm.compare(dw_new, ref).rel_fro_error
    e_old = mggemm.compare(dw_old, ref).rel_fro_error
    t_new = timeit(lambda: ops._grad_weight_fp8_on_row_scaled_x(dy, qx, sx, sizes, False))
    t_old = timeit(lambda: mggemm.grouped_mm_grad_weight_fp8(dy, x, sizes))
    t_bf16 = timeit(lambda: mggemm.grouped_mm_grad_weight(dy, x, sizes))
    mp = -(-M // 16) * 16
    t_tr = timeit(lambda: ops._transpose_padded(qx, mp))
    t_qdy = timeit(lambda: ops._quantize_grouped_columns(dy, sizes, row_scale=sx))
    print(f"M={M} G={G} N={N} K={K}: dW on fp8 X {t_new:.3f} ms (transpose X {t_tr:.3f}, quantize "
          f"dY*sx {t_qdy:.3f}), quantize both {t_old:.3f} ms, bf16 {t_bf16:.3f} ms; rel error vs "
          f"fp32 dW: on fp8 X {e_new:.4f}, quantize both {e_old:.4f}", flush=True)
    if M == 65536 and G == 32:
        res = []
        for br, bc in itertools.product([32, 64, 128], [64, 128, 256]):
            qk._TRANSPOSE_ROWS, qk._TRANSPOSE_COLUMNS = br, bc
            res.append((timeit(lambda: qk.transpose_padded(qx, mp), iters=10), br, bc))
        qk._TRANSPOSE_ROWS, qk._TRANSPOSE_COLUMNS = 64, 128
        res.sort()
        for ms, br, bc in res[:5]:
            print(f"   transpose tiles {br}x{bc}: {ms:.3f} ms ({qx.numel() * 2 / ms / 1e6:.0f} GB/s)")
    # A whole training product: forward and backward.
    w = torch.randn(G, N, K, device=dev, dtype=torch.bfloat16) * 0.02
    xr, wr = x.clone().requires_grad_(), w.clone().requires_grad_()

    def step(fn):
        xr.grad = wr.grad = None
        fn(xr, wr, sizes).backward(dy)

    t_bf = timeit(lambda: step(lambda a, b, s: mggemm.grouped_mm(a, b, s)), iters=10)
    t_f8 = timeit(lambda: step(lambda a, b, s: mggemm.grouped_mm_fp8(a, b, s)), iters=10)
    t_f8dw = timeit(lambda: step(lambda a, b, s: mggemm.grouped_mm_fp8(a, b, s, fp8_grad_weight=True)), iters=10)
    print(f"   forward+backward: bf16 {t_bf:.3f} ms, fp8 (bf16 dW) {t_f8:.3f} ms, fp8 with fp8 dW "
          f"{t_f8dw:.3f} ms", flush=True)
