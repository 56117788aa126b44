"""v24 runs 5-6: host time of the training steps and their parts with plain
eager calls running the ops' implementations directly (ops._Op), on a
problem small enough that the GPU waits for the host (M=512, N=K=256,
G=8): each op through the wrapper, its custom op (.op) and its
implementation (.impl); cProfile of whole steps. (hostprof-r4.py ran
before the wrappers existed.)"""
import cProfile, pstats, time
import torch
import triton
import mggemm
from mggemm import ops, _quantize_kernels as qk

dev = "cuda"
M, N, K, G = 512, 256, 256, 8
sizes = torch.full((G,), M // G, dtype=torch.int32, device=dev)
x = torch.randn(M, K, device=dev, dtype=torch.bfloat16)
w = torch.randn(G, N, K, device=dev, dtype=torch.bfloat16)
dy = torch.randn(M, N, device=dev, dtype=torch.bfloat16)
qx, sx = mggemm.quantize_fp8_rowwise(x)
qw, sw = mggemm.quantize_fp8_rowwise(w)
q = torch.empty_like(qx)
s = torch.empty_like(sx)


def per_call(fn, n=1000):
    for _ in range(30):
        fn()
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    for _ in range(n):
        fn()
    t1 = time.perf_counter()
    torch.cuda.synchronize()
    return (t1 - t0) / n * 1e6


xr, wr = x.clone().requires_grad_(), w.clone().requires_grad_()


def step(fn):
    xr.grad = wr.grad = None
    fn(xr, wr, sizes).backward(dy)


cases = {
    "empty launch: torch.empty": lambda: torch.empty((M, N), dtype=torch.bfloat16, device=dev),
    "raw _rowwise_kernel launch": lambda: qk._rowwise_kernel[(triton.cdiv(M, 4),)](
        x, q, s, M, K, BLOCK_R=4, BLOCK_C=1024, num_warps=8),
    "qk.quantize_rowwise (direct)": lambda: qk.quantize_rowwise(x),
    "_quantize_rowwise_kernel (wrapper)": lambda: ops._quantize_rowwise_kernel(x),
    "_quantize_rowwise_kernel.op": lambda: ops._quantize_rowwise_kernel.op(x),
    "_quantize_rowwise_kernel.impl": lambda: ops._quantize_rowwise_kernel.impl(x),
    "_quantize_rowwise_transposed_kernel (wrapper)": lambda: ops._quantize_rowwise_transposed_kernel(w),
    "_quantize_rowwise_transposed_kernel.op": lambda: ops._quantize_rowwise_transposed_kernel.op(w),
    "_quantize_rowwise_transposed_kernel.impl": lambda: ops._quantize_rowwise_transposed_kernel.impl(w),
    "_scaled_grouped_mm (wrapper)": lambda: ops._scaled_grouped_mm(qx, qw, sx, sw, sizes),
    "_scaled_grouped_mm.op": lambda: ops._scaled_grouped_mm.op(qx, qw, sx, sw, sizes),
    "_scaled_grouped_mm.impl": lambda: ops._scaled_grouped_mm.impl(qx, qw, sx, sw, sizes),
    "_grouped_mm (wrapper)": lambda: ops._grouped_mm(x, w, sizes),
    "_grouped_mm.op": lambda: ops._grouped_mm.op(x, w, sizes),
    "_grouped_mm.impl": lambda: ops._grouped_mm.impl(x, w, sizes),
    "torch._grouped_mm": lambda: torch._grouped_mm(x, w.transpose(1, 2), offs=torch.cumsum(sizes, 0, dtype=torch.int32)),
    "quantize_fp8_grouped_columns": lambda: mggemm.quantize_fp8_grouped_columns(dy, sizes),
    "step bf16 (grouped_mm fwd+bwd)": lambda: step(mggemm.grouped_mm),
    "step fp8 (bf16 dW)": lambda: step(mggemm.grouped_mm_fp8),
    "step fp8 with fp8 dW": lambda: step(lambda a, b, c: mggemm.grouped_mm_fp8(a, b, c, fp8_grad_weight=True)),
    "step torch._grouped_mm fwd+bwd": lambda: step(lambda a, b, c: torch._grouped_mm(a, b.transpose(1, 2), offs=torch.cumsum(c, 0, dtype=torch.int32))),
}
for name, fn in cases.items():
    try:
        print(f"{name:46s} {per_call(fn):8.1f} us/call", flush=True)
    except Exception as e:  # noqa
        print(f"{name:46s} failed: {type(e).__name__}: {str(e)[:300]}", flush=True)

for name in ("step bf16 (grouped_mm fwd+bwd)", "step fp8 (bf16 dW)", "step fp8 with fp8 dW"):
    pr = cProfile.Profile()
    pr.enable()
    for _ in range(300):
        cases[name]()
    pr.disable()
    torch.cuda.synchronize()
    print(f"=== cProfile {name}, 300 steps")
    pstats.Stats(pr).sort_stats("tottime").print_stats(25)
