"""v26 run 1 (v25 run 9's script): where a block-scaled fp8 training product's GPU time goes
(32 experts, 65,536 x 4096 x 7168, imbalanced; CUDA profiler, 3 products
after 3 warm ones), kernels by total time."""
import torch
import mggemm
from mggemm.splits import make_split

dev = "cuda"
M, G, N, K = 65536, 32, 4096, 7168
sizes = torch.tensor(make_split("imbalanced", M, G, seed=0), dtype=torch.int32, device=dev)
xr = torch.randn(M, K, device=dev, dtype=torch.bfloat16).requires_grad_()
wr = (torch.randn(G, N, K, device=dev, dtype=torch.bfloat16) * 0.02).requires_grad_()
dy = torch.randn(M, N, device=dev, dtype=torch.bfloat16)


def step():
    xr.grad = wr.grad = None
    mggemm.grouped_mm_fp8(xr, wr, sizes, scaling="block").backward(dy)


for _ in range(3):
    step()
torch.cuda.synchronize()
with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CUDA]) as prof:
    for _ in range(3):
        step()
    torch.cuda.synchronize()
for e in sorted(prof.key_averages(), key=lambda e: -e.device_time_total)[:16]:
    print(f"{e.device_time_total / 3e3:8.3f} ms  x{e.count // 3:<2d} {e.key[:110]}")
