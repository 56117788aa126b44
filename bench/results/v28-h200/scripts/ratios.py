"""v28: v26's blockvsbf16.py on the one-group products of every shape where
an fp8 form misses 1.6x our bf16 (issue 8), plus the row-scaled forward
(cuBLAS: torch._scaled_mm with row scales, precise accumulation; ours
row-scaled), which is also the input gradient's GEMM: same-run fp8 / bf16
ratios of cuBLAS and of mggemm. The weight gradient's M is the tokens of
one expert (1024 for G = 64, 2048 for G = 8 and 16 of the anchor shapes)."""
import json
import statistics
import sys

import torch
from torch.nn.functional import ScalingType, scaled_mm

import mggemm
from mggemm._timing import ClockReader, Timer

out = sys.argv[1]
props = torch.cuda.get_device_properties(0)
timer = Timer(ClockReader(0), int(getattr(props, "L2_cache_size", 50 << 20)), rep_ms=100)
dev = "cuda"


def forward_fns(M, N, K):
    copies = []
    for _ in range(2):
        x = torch.randn(M, K, device=dev, dtype=torch.bfloat16)
        w = torch.randn(N, K, device=dev, dtype=torch.bfloat16)
        qx, sx = mggemm.quantize_fp8_blockwise(x)  # sx [M, KB] column-major
        qw, sw = mggemm.quantize_fp8_blockwise(w[None])  # sw [1, NB, KB]
        copies.append((x, w, qx, sx, qw, sw))
    sizes = torch.tensor([M], device=dev, dtype=torch.int32)
    return {
        "cublas_bf16": lambda i: copies[i][0] @ copies[i][1].t(),
        "cublas_fp8": lambda i: scaled_mm(copies[i][2], copies[i][4][0].t(), copies[i][3],
                                          ScalingType.BlockWise1x128, copies[i][5][0].t(),
                                          ScalingType.BlockWise128x128,
                                          output_dtype=torch.bfloat16),
        "ours_bf16": lambda i: mggemm.grouped_mm(copies[i][0], copies[i][1][None], sizes),
        "ours_fp8": lambda i: mggemm.grouped_mm(copies[i][2], copies[i][4], sizes,
                                                scale_x=copies[i][3], scale_w=copies[i][5]),
    }


def row_forward_fns(M, N, K):
    copies = []
    for _ in range(2):
        x = torch.randn(M, K, device=dev, dtype=torch.bfloat16)
        w = torch.randn(N, K, device=dev, dtype=torch.bfloat16)
        qx, sx = mggemm.quantize_fp8_rowwise(x)  # [M, K], [M]
        qw, sw = mggemm.quantize_fp8_rowwise(w[None])  # [1, N, K], [1, N]
        copies.append((x, w, qx, sx, qw, sw))
    sizes = torch.tensor([M], device=dev, dtype=torch.int32)
    return {
        "cublas_bf16": lambda i: copies[i][0] @ copies[i][1].t(),
        "cublas_fp8": lambda i: torch._scaled_mm(copies[i][2], copies[i][4][0].t(),
                                                 scale_a=copies[i][3].view(-1, 1),
                                                 scale_b=copies[i][5].view(1, -1),
                                                 out_dtype=torch.bfloat16),
        "ours_bf16": lambda i: mggemm.grouped_mm(copies[i][0], copies[i][1][None], sizes),
        "ours_fp8": lambda i: mggemm.grouped_mm(copies[i][2], copies[i][4], sizes,
                                                scale_x=copies[i][3], scale_w=copies[i][5]),
    }


def grad_weight_fns(M, N, K):
    copies = []
    sizes = torch.tensor([M], device=dev, dtype=torch.int32)
    for _ in range(2):
        dy = torch.randn(M, N, device=dev, dtype=torch.bfloat16)
        x = torch.randn(M, K, device=dev, dtype=torch.bfloat16)
        qdy_t, sdy, padded = mggemm.quantize_fp8_grouped_columns(dy, sizes)  # [N, M], [1, N]
        qx_t, sx, _ = mggemm.quantize_fp8_grouped_columns(x, sizes)  # [K, M], [1, K]
        copies.append((dy, x, qdy_t, sdy, qx_t, sx, padded))
    return {
        "cublas_bf16": lambda i: copies[i][0].t() @ copies[i][1],
        "cublas_fp8": lambda i: torch._scaled_mm(copies[i][2], copies[i][4].t(),
                                                 scale_a=copies[i][3].view(-1, 1),
                                                 scale_b=copies[i][5].view(1, -1),
                                                 out_dtype=torch.bfloat16),
        "ours_bf16": lambda i: mggemm.grouped_mm_grad_weight(copies[i][0], copies[i][1], sizes),
        "ours_fp8": lambda i: mggemm.scaled_grouped_mm_grad_weight(
            copies[i][2], copies[i][4], copies[i][3], copies[i][5], copies[i][6]),
    }


cases = [("row_forward", s) for s in [(32768, 7168, 2048), (32768, 2048, 7168)]]
cases += [("forward", s) for s in [(32768, 7168, 2048), (32768, 2048, 7168), (16384, 4096, 7168),
                                   (32768, 14336, 4096), (32768, 4096, 14336)]]
cases += [("grad_weight", s) for s in [(1024, 2048, 7168), (2048, 2048, 7168), (2048, 4096, 7168),
                                       (4096, 4096, 7168)]]
FNS = {"row_forward": row_forward_fns, "forward": forward_fns, "grad_weight": grad_weight_fns}
res = []
for kind, (M, N, K) in cases:
    fns = FNS[kind](M, N, K)
    ref = fns["cublas_fp8"](0).float()
    diffs = {k: ((fns[k](0).float() - ref).norm() / ref.norm()).item() for k in fns}
    acc = {k: [] for k in fns}
    clk = {k: [] for k in fns}
    for _ in range(3):
        for k, f in fns.items():
            t = timer.measure(f, copies=2)
            acc[k] += t.times_ms
            clk[k] += t.sm_clock_mhz
    row = {"kind": kind, "shape": [M, N, K]}
    for k in fns:
        ms = statistics.median(acc[k])
        row[k] = {"median_ms": ms, "tflops": 2 * M * N * K / ms / 1e9, "rel_diff_vs_cublas_fp8": diffs[k],
                  "clock_mhz": statistics.median(clk[k]) if clk[k] else None}
    res.append(row)
    tf = {k: row[k]["tflops"] for k in fns}
    print(f"{kind:11s} {M}x{N}x{K}: " + " ".join(f"{k}={tf[k]:.0f}" for k in fns)
          + f" | fp8/bf16 cublas {tf['cublas_fp8'] / tf['cublas_bf16']:.3f}"
          f" ours {tf['ours_fp8'] / tf['ours_bf16']:.3f}"
          f" | ours/cublas bf16 {tf['ours_bf16'] / tf['cublas_bf16']:.3f}"
          f" fp8 {tf['ours_fp8'] / tf['cublas_fp8']:.3f}"
          f" | diff ours_fp8 {diffs['ours_fp8']:.1e} cublas_bf16 {diffs['cublas_bf16']:.1e}")
    del fns
    torch.cuda.empty_cache()
json.dump(res, open(out, "w"), indent=1)
