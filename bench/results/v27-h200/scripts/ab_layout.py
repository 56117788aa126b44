"""v27: main's packed layout (mggemm_old: main's Python, its custom ops
renamed) against the padded one (mggemm) in one process, on one runtime
(this build: the packed layout takes the masking kernel path, the padded
one the aligned path). Per shape and split, interleaved rounds with CUDA
events, median ms of: the fp8 training product with the fp8 weight gradient
(forward + backward through autograd), dY's grouped-column quantization,
and the fp8 weight gradient GEMM on each one's operands."""
import statistics
import sys

import torch

import mggemm
import mggemm_old
from mggemm.splits import make_split


def timed(fn, reps):
    start = [torch.cuda.Event(enable_timing=True) for _ in range(reps)]
    end = [torch.cuda.Event(enable_timing=True) for _ in range(reps)]
    for i in range(reps):
        start[i].record()
        fn()
        end[i].record()
    torch.cuda.synchronize()
    return [s.elapsed_time(e) for s, e in zip(start, end)]


def main():
    shapes = [(8, 16384, 4096, 7168), (32, 65536, 4096, 7168), (64, 65536, 2048, 7168),
              (128, 8192, 2048, 7168)]
    torch.manual_seed(0)
    for g, m, n, k in shapes:
        for split in ("balanced", "imbalanced"):
            sizes_list = make_split(split, m, g, seed=0)
            sizes = torch.tensor(sizes_list, dtype=torch.int32, device="cuda")
            x = (torch.randn(m, k, device="cuda") * 0.5).to(torch.bfloat16).requires_grad_()
            w = (torch.randn(g, n, k, device="cuda") * 0.02).to(torch.bfloat16).requires_grad_()
            dy = torch.randn(m, n, device="cuda").to(torch.bfloat16)
            fns = {}
            for name, pkg in (("packed", mggemm_old), ("padded", mggemm)):
                def train(pkg=pkg):
                    y = pkg.grouped_mm_fp8(x, w, sizes, fp8_grad_weight=True)
                    y.backward(dy)
                qdy = pkg.quantize_fp8_grouped_columns(dy, sizes)
                qx = pkg.quantize_fp8_grouped_columns(x.detach(), sizes)
                fns[name] = {
                    "train": train,
                    "quantize dY": lambda pkg=pkg: pkg.quantize_fp8_grouped_columns(dy, sizes),
                    "dW GEMM": lambda pkg=pkg, a=qdy, b=qx: pkg.scaled_grouped_mm_grad_weight(
                        a[0], b[0], a[1], b[1], a[2]),
                }
            times = {(nm, part): [] for nm in fns for part in fns[nm]}
            for nm in fns:  # warm-up
                for part, fn in fns[nm].items():
                    timed(fn, 3)
            for _ in range(5):
                for part in fns["packed"]:
                    for nm in fns:
                        times[(nm, part)] += timed(fns[nm][part], 10)
            for part in fns["packed"]:
                a = statistics.median(times[("packed", part)])
                b = statistics.median(times[("padded", part)])
                print(f"G{g} M{m} N{n} K{k} {split:10s} {part:12s} packed {a:8.4f} ms  "
                      f"padded {b:8.4f} ms  padded/packed {b / a:.3f}", flush=True)
            del x, w, dy, fns
            torch.cuda.empty_cache()


if __name__ == "__main__":
    sys.exit(main())
