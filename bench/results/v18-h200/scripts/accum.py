"""Session 7: torch._scaled_grouped_mm with and without fast accumulation vs mggemm's
row-scaled fp8 forward, same run: accuracy (relative Frobenius error against the fp32
reference of the dequantized inputs) on normal and on all-positive data, and time
(CUDA events, 5 interleaved rounds of 20 launches, median; no L2 flush)."""
import statistics, sys
import torch
from mggemm import ops
from mggemm.splits import make_split
from mggemm.reference import reference_scaled_forward, compare

def impls(qx, qw, sx, sw, sizes, offs):
    t = lambda fast: (lambda: torch._scaled_grouped_mm(qx, qw.transpose(-2, -1), scale_a=sx, scale_b=sw,
                                                       offs=offs, out_dtype=torch.bfloat16, use_fast_accum=fast))
    return {"mggemm": lambda: ops.grouped_mm(qx, qw, sizes, scale_x=sx, scale_w=sw),
            "torch_fast": t(True), "torch_precise": t(False)}

def time_ms(fns, rounds=5, runs=20):
    out = {k: [] for k in fns}
    for _ in range(rounds):
        for k, f in fns.items():
            f(); torch.cuda.synchronize()
            for _ in range(runs):
                a = torch.cuda.Event(enable_timing=True); b = torch.cuda.Event(enable_timing=True)
                a.record(); f(); b.record(); b.synchronize(); out[k].append(a.elapsed_time(b))
    return {k: statistics.median(v) for k, v in out.items()}

for G, M, N, K in [(8, 16384, 4096, 7168), (32, 65536, 4096, 7168), (8, 32768, 14336, 4096), (8, 32768, 4096, 14336)]:
    for split in ("balanced", "imbalanced"):
        sizes_l = make_split(split, M, G)
        sizes = torch.tensor(sizes_l, dtype=torch.int32, device="cuda")
        offs = torch.cumsum(sizes, 0, dtype=torch.int32)
        gen = torch.Generator(device="cuda").manual_seed(0)
        for data in ("normal", "positive"):
            x = torch.randn(M, K, device="cuda", dtype=torch.bfloat16, generator=gen)
            w = torch.randn(G, N, K, device="cuda", dtype=torch.bfloat16, generator=gen)
            if data == "positive":
                x, w = x.abs(), w.abs()
            (qx, sx), (qw, sw) = ops.quantize_fp8_rowwise(x), ops.quantize_fp8_rowwise(w)
            ref = reference_scaled_forward(qx, qw, sx, sw, sizes)
            fns = impls(qx, qw, sx, sw, sizes, offs)
            errs = {k: compare(f(), ref).rel_fro_error for k, f in fns.items()}
            del ref
            line = f"({G},{M},{N},{K}) {split:10s} {data:8s} rel.err " + " ".join(f"{k}={v:.2e}" for k, v in errs.items())
            if data == "normal":
                ms = time_ms(fns)
                tf = {k: 2 * M * N * K / v / 1e9 for k, v in ms.items()}
                line += " | TFLOP/s " + " ".join(f"{k}={v:.0f}" for k, v in tf.items())
                line += f" | mggemm/fast {tf['mggemm']/tf['torch_fast']:.3f} mggemm/precise {tf['mggemm']/tf['torch_precise']:.3f}"
            print(line, flush=True)
            del x, w, qx, qw, sx, sw
            torch.cuda.empty_cache()
