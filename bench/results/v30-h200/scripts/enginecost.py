"""v30 run 5: where the fp8 product's backward spends its host time when the
autograd engine runs it (on its device thread) against the same body called
from the main thread."""
import cProfile, io, pstats, sys, time
import torch, mggemm
from mggemm import ops

dev = torch.device("cuda", 0)
G, M, N, K = 8, 1024, 256, 512
sizes = torch.full((G,), M // G, dtype=torch.int32, device=dev)
x = torch.randn(M, K, device=dev, dtype=torch.bfloat16, requires_grad=True)
w = torch.randn(G, N, K, device=dev, dtype=torch.bfloat16, requires_grad=True)
dy = torch.randn(M, N, device=dev, dtype=torch.bfloat16)

body = {"t": 0.0, "n": 0, "prof": None}
inner = ops._Fp8GroupedMm.backward
def timed(ctx, g):
    if body["prof"] is not None:
        body["prof"].enable()
    t = time.perf_counter()
    out = inner(ctx, g)
    body["t"] += time.perf_counter() - t
    body["n"] += 1
    if body["prof"] is not None:
        body["prof"].disable()
    return out
ops._Fp8GroupedMm.backward = staticmethod(timed)

def measure(label, scaling, fp8dw, n=300):
    y = mggemm.grouped_mm_fp8(x, w, sizes, scaling, fp8_grad_weight=fp8dw)
    for _ in range(50): y.backward(dy, retain_graph=True)
    torch.cuda.synchronize()
    res = []
    for _ in range(5):
        body["t"], body["n"] = 0.0, 0
        t = time.perf_counter()
        for _ in range(n): y.backward(dy, retain_graph=True)
        total = (time.perf_counter() - t) / n * 1e6
        torch.cuda.synchronize()
        res.append((total, body["t"] / body["n"] * 1e6))
    res.sort()
    tot, b = res[2]
    print(f"{label:48s} engine {tot:7.1f} us/call, backward body {b:7.1f} us", flush=True)

for mt in (True, False, True, False):
    torch.autograd.set_multithreading_enabled(mt)
    for scaling, fp8dw in (("row", True), ("row", False), ("block", False)):
        measure(f"multithreading={mt} {scaling} fp8_dW={fp8dw}", scaling, fp8dw)
torch.autograd.set_multithreading_enabled(True)
body["prof"] = cProfile.Profile()
measure("profiled (device thread) row fp8_dW", "row", True, n=200)
s = io.StringIO(); pstats.Stats(body["prof"], stream=s).sort_stats("tottime").print_stats(30)
print(s.getvalue())
