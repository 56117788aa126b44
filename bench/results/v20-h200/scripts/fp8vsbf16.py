"""Same-run fp8 / bf16 ratios of cuBLAS (torch.matmul, torch._scaled_mm rowwise) and of mggemm on
one-group shapes: what fp8 gains over bf16 at a given K, on this power-capped GPU."""
import json, statistics, sys
import torch
import mggemm
from mggemm._timing import ClockReader, Timer
from mggemm.ops import quantize_fp8_rowwise

out = sys.argv[1]
shapes = [(32768, 7168, 2048), (32768, 2048, 7168), (16384, 4096, 7168), (8192, 8192, 8192)]
props = torch.cuda.get_device_properties(0)
timer = Timer(ClockReader(0), int(getattr(props, "L2_cache_size", 50 << 20)), rep_ms=100)
res = []
for M, N, K in shapes:
    copies = []
    for c in range(2):
        x = torch.randn(M, K, device="cuda", dtype=torch.bfloat16)
        w = torch.randn(N, K, device="cuda", dtype=torch.bfloat16)
        xq, sx = quantize_fp8_rowwise(x)
        wq, sw = quantize_fp8_rowwise(w)
        copies.append((x, w, xq, sx, wq, sw))
    sizes = torch.tensor([M], device="cuda", dtype=torch.int32)
    fns = {
        "cublas_bf16": lambda i: copies[i][0] @ copies[i][1].t(),
        "cublas_fp8_row": lambda i: torch._scaled_mm(copies[i][2], copies[i][4].t(), scale_a=copies[i][3].view(-1, 1),
                                                     scale_b=copies[i][5].view(1, -1), out_dtype=torch.bfloat16, use_fast_accum=False),
        "cublas_fp8_fast": lambda i: torch._scaled_mm(copies[i][2], copies[i][4].t(), scale_a=copies[i][3].view(-1, 1),
                                                      scale_b=copies[i][5].view(1, -1), out_dtype=torch.bfloat16, use_fast_accum=True),
        "ours_bf16": lambda i: mggemm.grouped_mm(copies[i][0], copies[i][1][None], sizes),
        "ours_fp8_row": lambda i: mggemm.grouped_mm(copies[i][2], copies[i][4][None], sizes, scale_x=copies[i][3], scale_w=copies[i][5][None]),
        "ours_fp8_fast": lambda i: mggemm.grouped_mm(copies[i][2], copies[i][4][None], sizes, scale_x=copies[i][3], scale_w=copies[i][5][None], fast_accum=True),
    }
    ref = fns["cublas_fp8_row"](0).float()
    for k in ("ours_fp8_row", "ours_fp8_fast", "cublas_fp8_fast"):
        err = ((fns[k](0).float() - ref).norm() / ref.norm()).item()
        print(f"{M}x{N}x{K} {k} rel diff vs cublas_fp8_row {err:.2e}")
    acc = {k: [] for k in fns}
    clk = {k: [] for k in fns}
    pw = {k: [] for k in fns}
    for r in range(3):
        for k, f in fns.items():
            t = timer.measure(f, copies=2)
            acc[k] += t.times_ms; clk[k] += t.sm_clock_mhz; pw[k] += t.power_w
    row = {"shape": [M, N, K]}
    for k in fns:
        ms = statistics.median(acc[k])
        row[k] = {"median_ms": ms, "tflops": 2 * M * N * K / ms / 1e9,
                  "clock_mhz": statistics.median(clk[k]) if clk[k] else None,
                  "power_w": statistics.median(pw[k]) if pw[k] else None}
    res.append(row)
    line = " ".join(f"{k}={row[k]['tflops']:.0f}@{row[k]['clock_mhz']}MHz/{row[k]['power_w']:.0f}W" for k in fns)
    print(f"{M}x{N}x{K}: {line}")
    print(f"   fp8/bf16 cublas row {row['cublas_fp8_row']['tflops']/row['cublas_bf16']['tflops']:.3f} fast {row['cublas_fp8_fast']['tflops']/row['cublas_bf16']['tflops']:.3f}"
          f" | ours row {row['ours_fp8_row']['tflops']/row['ours_bf16']['tflops']:.3f} fast {row['ours_fp8_fast']['tflops']/row['ours_bf16']['tflops']:.3f}"
          f" | ours/cublas bf16 {row['ours_bf16']['tflops']/row['cublas_bf16']['tflops']:.3f} row {row['ours_fp8_row']['tflops']/row['cublas_fp8_row']['tflops']:.3f} fast {row['ours_fp8_fast']['tflops']/row['cublas_fp8_fast']['tflops']:.3f}")
    del copies
    torch.cuda.empty_cache()
json.dump(res, open(out, "w"), indent=1)
