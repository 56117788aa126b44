"""v24 (wip/row-quantizers): quantize_fp8_rowwise's Triton kernel and the
transposed one against the compiled torch ops, on the bench shapes'
operands, and a whole fp8 training product (forward and backward) against
bf16's: time, bandwidth, bit equality with the eager torch ops (inductor's
division is not correctly rounded: notes v23)."""
import torch
import mggemm
from mggemm import ops
from mggemm.splits import make_split

dev = "cuda"
compiled_row = torch.compile(ops._quantize_rowwise_torch, dynamic=True)


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


for M, G, N, K in ((16384, 8, 4096, 1024), (65536, 32, 4096, 7168), (65536, 64, 2048, 7168)):
    sizes = torch.tensor(make_split("imbalanced", M, G, seed=0), dtype=torch.int32, device=dev)
    x = torch.randn(M, K, device=dev, dtype=torch.bfloat16)
    dy = torch.randn(M, N, device=dev, dtype=torch.bfloat16)
    w = torch.randn(G, N, K, device=dev, dtype=torch.bfloat16) * 0.02
    for name, t in (("X", x), ("dY", dy), ("W", w)):
        eq = same(ops._quantize_rowwise_kernel(t), ops._quantize_rowwise_torch(t))
        t_old, t_new = timeit(lambda: compiled_row(t)), timeit(lambda: ops._quantize_rowwise_kernel(t))
        print(f"M={M} G={G} N={N} K={K} {name}: rowwise compiled {t_old:.3f} ms -> kernel "
              f"{t_new:.3f} ms ({t.numel() * 3 / t_new / 1e6:.0f} GB/s), equal {eq}", flush=True)
    eq = same(ops._quantize_rowwise_transposed_kernel(w), ops._quantize_rowwise_torch(w.transpose(1, 2)))
    t_old = timeit(lambda: compiled_row(w.transpose(1, 2)))
    t_new = timeit(lambda: ops._quantize_rowwise_transposed_kernel(w))
    print(f"   Wt: compiled {t_old:.3f} ms -> kernel {t_new:.3f} ms, equal {eq}", flush=True)
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
