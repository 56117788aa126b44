"""v22 step 11: where the MoE example's fp8 weight gradient spends its time,
at its layer shapes (16384 expert rows, 8 experts, d_model 1024, ffn 2048):
the compiled quantize_fp8_grouped_columns of dY and X against the dW GEMMs
(fp8 and bf16), and, as a candidate, the same amax through
torch.segment_reduce (not in the package)."""
import torch
import mggemm
from mggemm import ops

torch.manual_seed(0)
dev = "cuda"
M, G = 16384, 8
sizes = torch.full((G,), M // G, dtype=torch.int32, device=dev)
sizes[0] += 37
sizes[1] -= 37


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


for name, (n, k) in {"gate_up (N=4096, K=1024)": (4096, 1024), "down (N=1024, K=2048)": (1024, 2048)}.items():
    dy = torch.randn(M, n, device=dev, dtype=torch.bfloat16)
    x = torch.randn(M, k, device=dev, dtype=torch.bfloat16)
    q = lambda t: ops._quantize_fused(t, "grouped_columns", sizes)
    t_qdy = timeit(lambda: q(dy)); t_qx = timeit(lambda: q(x))
    t_fp8 = timeit(lambda: mggemm.grouped_mm_grad_weight_fp8(dy, x, sizes))
    t_bf16 = timeit(lambda: mggemm.grouped_mm_grad_weight(dy, x, sizes))
    qdy, sdy, pad = q(dy); qx, sx, _ = q(x)
    t_gemm = timeit(lambda: mggemm.scaled_grouped_mm_grad_weight(qdy, qx, sdy, sx, pad))
    print(f"{name}: quantize dY {t_qdy:.3f} ms, X {t_qx:.3f} ms; fp8 GEMM {t_gemm:.3f} ms; "
          f"grouped_mm_grad_weight_fp8 {t_fp8:.3f} ms; bf16 dW {t_bf16:.3f} ms")
    try:
        seg = lambda t: torch.segment_reduce(t.float().abs(), "max", lengths=sizes, axis=0)
        t_seg = timeit(lambda: seg(dy))
        ref = (sdy * ops.FP8_E4M3_MAX)
        got = seg(dy).clamp(min=1e-12)
        print(f"  segment_reduce amax of dY: {t_seg:.3f} ms; equal to the scatter amax: "
              f"{torch.equal(got, ref) or torch.allclose(got, ref, rtol=1e-6)}")
    except Exception as exc:  # noqa: BLE001
        print(f"  segment_reduce: {type(exc).__name__}: {exc}")
