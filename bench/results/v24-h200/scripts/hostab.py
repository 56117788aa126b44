"""v24 run 7: host time per training step (forward + backward), A/B/C in
one process, interleaved over 7 rounds, on a problem small enough that the
GPU waits for the host (M=512, N=K=256, G=8): every call through the custom
op (A), plain eager calls direct but autograd through the op (B, kept),
and grouped_mm's autograd as an autograd.Function (C, with
eager-autograd.patch applied; not kept: no gain over B)."""
import statistics, time
import torch
import mggemm
from mggemm import ops

dev = "cuda"
M, N, K, G = 512, 256, 256, 8
sizes = torch.full((G,), M // G, dtype=torch.int32, device=dev)
x = torch.randn(M, K, device=dev, dtype=torch.bfloat16, requires_grad=True)
w = torch.randn(G, N, K, device=dev, dtype=torch.bfloat16, requires_grad=True)
dy = torch.randn(M, N, device=dev, dtype=torch.bfloat16)
shipped_check, shipped_autograd = ops._plain_eager_call, ops._grouped_mm.eager_autograd


def mode(name):
    ops._plain_eager_call = (lambda args: False) if name == "A op" else shipped_check
    ops._grouped_mm.eager_autograd = None if name == "B direct" else shipped_autograd


steps = {
    "bf16": lambda: mggemm.grouped_mm(x, w, sizes).backward(dy),
    "fp8": lambda: mggemm.grouped_mm_fp8(x, w, sizes).backward(dy),
    "fp8 dW": lambda: mggemm.grouped_mm_fp8(x, w, sizes, fp8_grad_weight=True).backward(dy),
    "torch._grouped_mm": lambda: torch._grouped_mm(
        x, w.transpose(1, 2), offs=torch.cumsum(sizes, 0, dtype=torch.int32)).backward(dy),
}


def per_step(fn, n=300):
    for _ in range(20):
        fn()
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    for _ in range(n):
        x.grad = w.grad = None
        fn()
    t1 = time.perf_counter()
    torch.cuda.synchronize()
    return (t1 - t0) / n * 1e6


results = {}
for r in range(7):
    for m in ("A op", "B direct", "C eager autograd"):
        mode(m)
        for name, fn in steps.items():
            results.setdefault((name, m), []).append(per_step(fn))
mode("C eager autograd")
for name in steps:
    row = "  ".join(f"{m}: {statistics.median(results[(name, m)]):7.1f}" for m in
                    ("A op", "B direct", "C eager autograd"))
    spread = "  ".join(f"{min(results[(name, m)]):.0f}-{max(results[(name, m)]):.0f}" for m in
                       ("A op", "B direct", "C eager autograd"))
    print(f"{name:18s} us/step, median of 7: {row}   (ranges {spread})", flush=True)
