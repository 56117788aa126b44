# ncu helper: one launch each of mggemm, torch._grouped_mm and the per-expert loop
# (balanced split) for a variant, inside cudaProfilerStart/Stop, NVTX-named.
import sys, torch, mggemm
variant = sys.argv[1]
G, M, N, K = map(int, sys.argv[2:6])
x = torch.randn(M, K, device="cuda", dtype=torch.bfloat16)
w = torch.randn(G, N, K, device="cuda", dtype=torch.bfloat16) / 64
dy = torch.randn(M, N, device="cuda", dtype=torch.bfloat16)
sizes = torch.full((G,), M // G, device="cuda", dtype=torch.int32)
offs = torch.cumsum(sizes, 0, dtype=torch.int32)
r = M // G
if variant == "forward":
    impls = {"ours": lambda: mggemm.grouped_mm(x, w, sizes),
             "tgm": lambda: torch._grouped_mm(x, w.transpose(-2, -1), offs=offs),
             "loop": lambda: [torch.matmul(x[g * r:(g + 1) * r], w[g].t()) for g in range(G)]}
elif variant == "grad_input":
    impls = {"ours": lambda: mggemm.grouped_mm_grad_input(dy, w, sizes),
             "tgm": lambda: torch._grouped_mm(dy, w, offs=offs),
             "loop": lambda: [torch.matmul(dy[g * r:(g + 1) * r], w[g]) for g in range(G)]}
else:
    impls = {"ours": lambda: mggemm.grouped_mm_grad_weight(dy, x, sizes),
             "tgm": lambda: torch._grouped_mm(dy.t(), x, offs=offs),
             "loop": lambda: [torch.matmul(dy[g * r:(g + 1) * r].t(), x[g * r:(g + 1) * r]) for g in range(G)]}
for f in impls.values():
    for _ in range(20): f()
torch.cuda.synchronize()
torch.cuda.profiler.start()
for name, f in impls.items():
    torch.cuda.nvtx.range_push(name); f(); torch.cuda.synchronize(); torch.cuda.nvtx.range_pop()
torch.cuda.profiler.stop()
