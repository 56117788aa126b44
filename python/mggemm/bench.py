"""Benchmark mggemm against its peers on the project's anchor shapes.

    python -m mggemm.bench --out bench/results/h100            # full run
    python -m mggemm.bench --out /tmp/b --quick                # a smoke run
    python -m mggemm.bench --out /tmp/b --shapes 8x16384x4096x7168 --variants forward

Peers: ``torch._grouped_mm`` (forward ``(X, Wᵀ)``, grad_input ``(dY, W)``,
grad_weight ``(dYᵀ, X)``, all with ``offs=cumsum(sizes)``) and a per-expert
``torch.mm`` loop. The opt-in variants ``fp8_forward`` and
``fp8_grad_input`` time the scaled fp8 forward product and the fp8 input
gradient (the same product on dY and Wᵀ [G, K, N]; inputs quantized per row
to float8_e4m3fn before timing) against ``torch._scaled_grouped_mm`` (in the
``torch_grouped_mm`` column) and a per-expert loop of ``torch._scaled_mm``
(cuBLASLt) with the same row scales. All add the tensor cores' sums up in
f32 as they go (torch's default ``use_fast_accum=False``); fp8 sums kept in
the tensor cores over all of K lose precision; ``fp8_fast_forward`` times
that way on all sides (mggemm's ``fast_accum=True``, torch's
``use_fast_accum=True``).
``fp8_block_forward`` times the forward product with block scales (1 x 128
for X, 128 x 128 for W) against a per-expert loop of
``torch.nn.functional.scaled_mm`` (BlockWise1x128 x BlockWise128x128; torch
has no grouped form of it on sm_90). ``fp8_grad_weight`` times the fp8
weight gradient (dY and X quantized per group and column and transposed,
each group padded to 128 columns, before timing; all sides read that
layout) against ``torch._scaled_grouped_mm`` in its 2d x 2d form (groups
split the reduction: ``(dYᵀ, X)`` with ``offs`` on M, scales ``[G*N]`` and
``[G*K]``) and a per-expert ``torch._scaled_mm`` loop. The opt-in
``train`` times one product's forward and backward (Y, then dX and dW from
dY) through autograd: mggemm's ``grouped_mm`` against ``torch._grouped_mm``
and a per-expert matmul loop; ``fp8_train``, ``fp8_train_dw`` and
``fp8_block_train`` time mggemm's ``grouped_mm_fp8`` (quantization
included; row scales, the second with ``fp8_grad_weight=True``, the third
block scales) against the same bf16 peers, torch
having no differentiable fp8 grouped product. Their FLOPs are the three
products'. Per shape and
split (balanced, and a seeded Dirichlet split with empty groups) and
variant, every implementation's output is checked once against the fp32
reference; one that fails is not timed, and the JSON says why. The
implementations are then timed interleaved, in rounds, with CUDA events, L2
flushed and inputs rotated between runs, the SM clock and board power
sampled during each measurement; the median is reported, with the energy
per FLOP (median power over throughput) where the power was sampled for a
second or more. The run
also measures a dense 8192³ bf16 matmul (the ceiling, before and after) and
the device-to-device copy bandwidth (the floor for memory-bound cases).

Writes ``results.json`` (every raw time, clock and power sample) and PNG plots to
``--out``. Without libmggemm_runtime.so it benchmarks the peers only.
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import json
import math
import platform
import sys
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from .splits import make_split, offsets

Shape = Tuple[int, int, int, int]  # G, M, N, K

#: The project's anchor shapes (G, M, N, K): DeepSeek-V3 / Mixtral-like
#: expert GEMMs, and one weight-bound case (many experts, few tokens each).
ANCHOR_SHAPES: Tuple[Shape, ...] = (
    (8, 16384, 4096, 7168),
    (16, 32768, 2048, 7168),
    (32, 65536, 4096, 7168),
    (64, 65536, 2048, 7168),
    (8, 32768, 14336, 4096),
    (8, 32768, 4096, 14336),
    (128, 8192, 2048, 7168),
)
FP8_VARIANTS = ("fp8_forward", "fp8_grad_input", "fp8_block_forward", "fp8_fast_forward",
                "fp8_grad_weight")
#: One product's forward and backward through autograd (bf16 in and out).
TRAIN_VARIANTS = ("train", "fp8_train", "fp8_train_dw", "fp8_block_train")
VARIANTS = ("forward", "grad_input", "grad_weight", *FP8_VARIANTS, *TRAIN_VARIANTS)
#: What runs without --variants: the bf16/f16 products.
DEFAULT_VARIANTS = ("forward", "grad_input", "grad_weight")
SPLITS = ("balanced", "imbalanced")
IMPLS = ("mggemm", "torch_grouped_mm", "loop")
#: Implementations that have no form of a variant (left out of its cases).
NO_FORM = {"fp8_block_forward": ("torch_grouped_mm",)}
DTYPES = {"bf16": "bfloat16", "f16": "float16"}

#: bf16/f16 outputs against the fp32 reference (relative Frobenius error).
REL_TOL = 1e-2
#: fp8 training's outputs against the fp32 reference of its bf16 inputs:
#: the quantization's error, about 0.037 on normal data (notes v25).
FP8_TRAIN_TOL = 8e-2

#: The board power sensor lags and smooths: energy per FLOP is reported only
#: for an implementation sampled this long in a case (``--rep-ms 2000`` and
#: up); over the default 150 ms the readings mostly reflect its neighbours.
ENERGY_MIN_SECONDS = 1.0


# ------------------------------------------------- torch-free helpers (tested in CI)


def pj_per_flop(power_w: Optional[float], tflops: Optional[float],
                sampled_s: float) -> Optional[float]:
    """Energy per FLOP (W / (TFLOP/s) = pJ/FLOP), or None when the power was
    not sampled for ENERGY_MIN_SECONDS. The L2 flushes between runs are in
    the power samples too."""
    if not power_w or not tflops or sampled_s < ENERGY_MIN_SECONDS:
        return None
    return power_w / tflops


def parse_shapes(text: str) -> List[Shape]:
    """``"anchor"`` or a comma list of ``GxMxNxK``."""
    if text.strip() == "anchor":
        return list(ANCHOR_SHAPES)
    shapes = []
    for item in text.split(","):
        parts = item.strip().lower().split("x")
        if len(parts) != 4 or not all(p.isdigit() for p in parts):
            raise argparse.ArgumentTypeError(
                f"shape {item.strip()!r} is not GxMxNxK (e.g. 8x16384x4096x7168)")
        g, m, n, k = (int(p) for p in parts)
        if g < 1 or m < 0 or n % 8 or k % 8 or n < 8 or k < 8:
            raise argparse.ArgumentTypeError(
                f"shape {item.strip()!r}: need G >= 1 and N, K positive multiples of 8")
        shapes.append((g, m, n, k))
    return shapes


def parse_choices(text: str, allowed: Sequence[str], what: str) -> List[str]:
    """A comma list drawn from ``allowed`` (``"all"`` for every one)."""
    if text.strip() == "all":
        return list(allowed)
    chosen = [t.strip() for t in text.split(",") if t.strip()]
    bad = [c for c in chosen if c not in allowed]
    if bad or not chosen:
        raise argparse.ArgumentTypeError(
            f"unknown {what} {', '.join(bad) or '(none)'}: choose from {', '.join(allowed)}")
    return chosen


def flops(shape: Shape, variant: str = "forward") -> int:
    """2·M·N·K for every product (a split moves work, it does not add any),
    three of them for the training variants."""
    _, m, n, k = shape
    return 2 * m * n * k * (3 if variant in TRAIN_VARIANTS else 1)


def min_bytes(variant: str, shape: Shape, element_bytes: int = 2) -> int:
    """Bytes an ideal kernel moves: each input read once, the output written
    once (fp8: one-byte inputs, a bf16 output; scales are negligible)."""
    g, m, n, k = shape
    x, w, y = m * k, g * n * k, m * n
    if variant == "fp8_grad_input":  # dY, Wᵀ in fp8, dX [M, K] in bf16
        return y + w + 2 * x
    if variant == "fp8_grad_weight":  # dYᵀ, Xᵀ in fp8, dW [G, N, K] in bf16
        return y + x + 2 * w
    if variant in FP8_VARIANTS:  # the forward products
        return x + w + 2 * y
    if variant in TRAIN_VARIANTS:  # the three products' bf16 operands and outputs
        return 3 * (x + w + y) * element_bytes
    return (x + w + y) * element_bytes  # forward, grad_input, grad_weight


def variant_impls(variant: str, impls: Sequence[str]) -> List[str]:
    """The implementations of ``impls`` that run ``variant``."""
    return [i for i in impls if i not in NO_FORM.get(variant, ())]


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m mggemm.bench",
                                 description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, required=True, help="folder for results.json and plots")
    ap.add_argument("--shapes", type=parse_shapes, default=None,
                    help="'anchor' or GxMxNxK,... (default: anchor; --quick: the first two)")
    ap.add_argument("--variants", type=lambda s: parse_choices(s, VARIANTS, "variant"),
                    default=list(DEFAULT_VARIANTS),
                    help=f"comma list of {', '.join(VARIANTS)} (default: all but the fp8 ones)")
    ap.add_argument("--splits", type=lambda s: parse_choices(s, SPLITS, "split"),
                    default=list(SPLITS), help=f"comma list of {', '.join(SPLITS)}")
    ap.add_argument("--impls", type=lambda s: parse_choices(s, IMPLS, "implementation"),
                    default=list(IMPLS), help=f"comma list of {', '.join(IMPLS)}")
    ap.add_argument("--dtype", choices=sorted(DTYPES), default="bf16")
    ap.add_argument("--rounds", type=int, default=None,
                    help="interleaved rounds per case (default 3; --quick: 1)")
    ap.add_argument("--rep-ms", type=float, default=None,
                    help="GPU time per implementation and case, split over the rounds "
                         "(default 150; --quick: 40); energy per FLOP is reported from 2000 up")
    ap.add_argument("--seed", type=int, default=0, help="seed of data and imbalanced splits")
    ap.add_argument("--time-failing", action="store_true",
                    help="time implementations even when their check fails")
    ap.add_argument("--quick", action="store_true", help="fewer shapes and shorter timing")
    ap.add_argument("--no-plots", action="store_true")
    ap.add_argument("--no-progress", action="store_true")
    return ap


def resolve_defaults(args: argparse.Namespace) -> argparse.Namespace:
    if args.shapes is None:
        args.shapes = list(ANCHOR_SHAPES[:2] if args.quick else ANCHOR_SHAPES)
    if args.rounds is None:
        args.rounds = 1 if args.quick else 3
    if args.rep_ms is None:
        args.rep_ms = 40.0 if args.quick else 150.0
    return args


# ---------------------------------------------------------------- the run (torch)


def _impl_fn(impl: str, variant: str, copies: List[Tuple[Any, ...]], sizes: Any, offs: Any,
             bounds: List[int], out_shape: Tuple[int, ...]) -> Callable[[int], Any]:
    """``fn(i)``: run ``impl`` of ``variant`` on input copy ``i``, return the output."""
    import torch

    from . import ops

    if variant == "fp8_grad_weight":
        return _fp8_grad_weight_fn(impl, copies, sizes, offs, bounds, out_shape)
    if variant in TRAIN_VARIANTS:
        return _train_fn(impl, variant, copies, sizes, offs, bounds)
    if variant in FP8_VARIANTS:  # copies: (a, b, scale_a, scale_b)
        fast = variant == "fp8_fast_forward"
        if impl == "loop":
            return _scaled_mm_loop(copies, bounds, blockwise=variant == "fp8_block_forward",
                                   fast_accum=fast)
        if impl == "mggemm":
            return lambda i: ops.grouped_mm(copies[i][0], copies[i][1], sizes,
                                            scale_x=copies[i][2], scale_w=copies[i][3],
                                            fast_accum=fast)
        if impl == "torch_grouped_mm":
            return lambda i: torch._scaled_grouped_mm(
                copies[i][0], copies[i][1].transpose(-2, -1), scale_a=copies[i][2],
                scale_b=copies[i][3], offs=offs, out_dtype=torch.bfloat16,
                use_fast_accum=fast)
        raise ValueError(f"{impl} has no fp8 form (see NO_FORM)")
    if impl == "mggemm":
        by_variant: Dict[str, Callable[..., Any]] = {
            "forward": ops.grouped_mm, "grad_input": ops.grouped_mm_grad_input,
            "grad_weight": ops.grouped_mm_grad_weight}
        op = by_variant[variant]
        return lambda i: op(copies[i][0], copies[i][1], sizes)
    if impl == "torch_grouped_mm":
        if variant == "forward":
            return lambda i: torch._grouped_mm(copies[i][0], copies[i][1].transpose(-2, -1), offs=offs)
        if variant == "grad_input":
            return lambda i: torch._grouped_mm(copies[i][0], copies[i][1], offs=offs)
        return lambda i: torch._grouped_mm(copies[i][0].t(), copies[i][1], offs=offs)

    a0 = copies[0][0]
    out = torch.empty(out_shape, dtype=a0.dtype, device=a0.device)
    groups = list(zip(bounds[:-1], bounds[1:]))

    def loop(i: int) -> Any:
        a, b = copies[i]
        for g, (lo, hi) in enumerate(groups):
            if variant == "grad_weight":
                if hi > lo:
                    torch.mm(a[lo:hi].t(), b[lo:hi], out=out[g])
                else:
                    out[g].zero_()
            elif hi > lo:
                rhs = b[g].t() if variant == "forward" else b[g]
                torch.mm(a[lo:hi], rhs, out=out[lo:hi])
        return out

    return loop


def _fp8_grad_weight_fn(impl: str, copies: List[Tuple[Any, ...]], sizes: Any, offs: Any,
                        bounds: List[int], out_shape: Tuple[int, ...]) -> Callable[[int], Any]:
    """``fn(i)`` of the fp8 weight gradient. ``copies`` hold (dyᵀ [N, Mp],
    xᵀ [K, Mp], scale_dy [G, N], scale_x [G, K]) from
    ``quantize_fp8_grouped_columns``; ``sizes``, ``offs`` and ``bounds`` are
    the padded ones (each group padded to 128 columns)."""
    import torch

    from . import ops

    if impl == "mggemm":
        return lambda i: ops.scaled_grouped_mm_grad_weight(*copies[i], sizes)
    if impl == "torch_grouped_mm":
        # Its 2d x 2d form fails a device-side assert, which ends the process,
        # unless every group starts at a multiple of 16 columns: refuse here,
        # where the case records the error.
        if any(b % 16 for b in bounds):
            raise ValueError(f"torch._scaled_grouped_mm (2d x 2d) takes groups that start at "
                             f"multiples of 16 columns; offsets {bounds[1:-1]}")
        # A row-major [N, Mp] times a column-major [Mp, K], the groups
        # splitting Mp at offs; one scale per group and output row (scale_a
        # [G*N]) and column (scale_b [G*K]); out [G, N, K].
        return lambda i: torch._scaled_grouped_mm(
            copies[i][0], copies[i][1].t(), scale_a=copies[i][2].view(-1),
            scale_b=copies[i][3].view(-1), offs=offs, out_dtype=torch.bfloat16)
    a0 = copies[0][0]
    out = torch.empty(out_shape, dtype=torch.bfloat16, device=a0.device)
    groups = list(enumerate(zip(bounds[:-1], bounds[1:])))

    def loop(i: int) -> Any:
        a, b, sa, sb = copies[i]
        for g, (lo, hi) in groups:
            if hi > lo:
                torch._scaled_mm(a[:, lo:hi], b[:, lo:hi].t(), scale_a=sa[g].view(-1, 1),
                                 scale_b=sb[g].view(1, -1), out_dtype=torch.bfloat16, out=out[g])
            else:
                out[g].zero_()
        return out

    return loop


def _train_fn(impl: str, variant: str, copies: List[Tuple[Any, ...]], sizes: Any, offs: Any,
              bounds: List[int]) -> Callable[[int], Any]:
    """``fn(i)`` of a training variant: on copy ``i`` (x, w, dy), Y through
    autograd, then ``Y.backward(dy)``; returns (Y, dX, dW)."""
    import torch

    from . import ops

    leaves = [(x.detach().requires_grad_(), w.detach().requires_grad_(), dy)
              for x, w, dy in copies]
    counts = [hi - lo for lo, hi in zip(bounds[:-1], bounds[1:])]

    def product(x: Any, w: Any) -> Any:
        if impl == "mggemm" and variant == "train":
            return ops.grouped_mm(x, w, sizes)
        if impl == "mggemm":
            return ops.grouped_mm_fp8(x, w, sizes,
                                      scaling="block" if variant == "fp8_block_train" else "row",
                                      fp8_grad_weight=variant == "fp8_train_dw")
        if impl == "torch_grouped_mm":
            return torch._grouped_mm(x, w.transpose(-2, -1), offs=offs)
        return torch.cat([xg @ wg.t() for xg, wg, n in zip(x.split(counts), w.unbind(0), counts)
                          if n])

    def step(i: int) -> Any:
        x, w, dy = leaves[i]
        x.grad = w.grad = None
        y = product(x, w)
        y.backward(dy)
        return y, x.grad, w.grad

    return step


def _scaled_mm_loop(copies: List[Tuple[Any, ...]], bounds: List[int], *, blockwise: bool,
                    fast_accum: bool) -> Callable[[int], Any]:
    """Per expert, the scaled fp8 product ``a[lo:hi] · b[g]ᵀ`` in bf16:
    ``torch._scaled_mm`` with row scales (``[rows, 1]`` and ``[1, N]``), or
    ``torch.nn.functional.scaled_mm`` with block scales. Each expert's x
    scales are copied into a tensor of their own before timing (column-major
    for block scales; cuBLASLt refuses row scales that start off a 16-byte
    boundary, as slices of uneven groups do). Returns the experts' outputs
    as a list (there is no ``out=`` to write them into one tensor)."""
    import torch

    experts = [(lo, hi, g) for g, (lo, hi) in enumerate(zip(bounds[:-1], bounds[1:])) if hi > lo]
    if blockwise:
        from torch.nn.functional import ScalingType, scaled_mm

        block_args = [[(qa[lo:hi], qb[g].t(), sa[lo:hi].t().contiguous().t(), sb[g].t())
                       for lo, hi, g in experts] for qa, qb, sa, sb in copies]

        def block_loop(i: int) -> Any:
            return [scaled_mm(a, b, sa, ScalingType.BlockWise1x128, sb,
                              ScalingType.BlockWise128x128, output_dtype=torch.bfloat16)
                    for a, b, sa, sb in block_args[i]]

        return block_loop

    row_args = [[(qa[lo:hi], qb[g].t(), sa[lo:hi].clone().view(-1, 1), sb[g].view(1, -1))
                 for lo, hi, g in experts] for qa, qb, sa, sb in copies]

    def row_loop(i: int) -> Any:
        return [torch._scaled_mm(a, b, scale_a=sa, scale_b=sb, out_dtype=torch.bfloat16,
                                 use_fast_accum=fast_accum) for a, b, sa, sb in row_args[i]]

    return row_loop


def _check(out: Any, ref: Any, variant: str, sizes: List[int]) -> Tuple[bool, Dict[str, Any]]:
    """Whether ``out`` passes against ``ref``, and the details; a training
    variant's Y, dX and dW each."""
    if variant not in TRAIN_VARIANTS:
        return _check_one(out, ref, REL_TOL, variant in ("grad_weight", "fp8_grad_weight"), sizes)
    tol = REL_TOL if variant == "train" else FP8_TRAIN_TOL
    parts = {name: _check_one(o, r, tol, name == "dW", sizes)
             for name, o, r in zip(("Y", "dX", "dW"), out, ref)}
    info: Dict[str, Any] = {name: part for name, (_, part) in parts.items()}
    info["rel_fro_error"] = max(part["rel_fro_error"] for _, part in parts.values())
    info["report"] = "; ".join(f"{name}: {part['report']}" for name, (_, part) in parts.items())
    return all(ok for ok, _ in parts.values()), info


def _check_one(out: Any, ref: Any, tol: float, weight_grad: bool,
               sizes: List[int]) -> Tuple[bool, Dict[str, Any]]:
    from .reference import compare

    rep = compare(out, ref)
    info: Dict[str, Any] = {
        "rel_fro_error": rep.rel_fro_error, "max_abs_error": rep.max_abs_error,
        "worst_index": list(rep.worst_index), "worst_value": rep.worst_value,
        "worst_reference": rep.worst_reference, "nan_count": rep.nan_count,
        "inf_count": rep.inf_count, "report": str(rep),
    }
    ok = rep.ok(tol)
    if weight_grad:
        empty = [g for g, n in enumerate(sizes) if n == 0]
        dirty = [g for g in empty if bool(out[g].count_nonzero())]
        info["empty_groups_not_zero"] = dirty
        ok = ok and not dirty
    return ok, info


def _json_float(value: float) -> Optional[float]:
    return value if math.isfinite(value) else None


class Bench:
    """One benchmark run: device facts, ceilings, and the cases."""

    def __init__(self, args: argparse.Namespace) -> None:
        import torch

        from . import _library
        from ._timing import ClockReader, Timer

        self.torch = torch
        self.args = args
        self.dtype = getattr(torch, DTYPES[args.dtype])
        props = torch.cuda.get_device_properties(0)
        self.l2_bytes = int(getattr(props, "L2_cache_size", 50 * 2**20))
        self.clocks = ClockReader(0)
        self.timer = Timer(self.clocks, self.l2_bytes, rep_ms=args.rep_ms)
        self.impls = list(args.impls)
        self.mggemm_note: Optional[str] = None
        if "mggemm" in self.impls:
            try:
                _library.runtime()
            except _library.MggemmError as err:
                self.mggemm_note = str(err)
                self.impls.remove("mggemm")
        try:
            import triton
            triton_version = triton.__version__
        except Exception:
            triton_version = None
        self.result: Dict[str, Any] = {
            "meta": {
                "device": torch.cuda.get_device_name(0),
                "sm_count": props.multi_processor_count,
                "l2_bytes": self.l2_bytes,
                "torch": torch.__version__,
                "cuda": torch.version.cuda,
                "triton": triton_version,
                "python": platform.python_version(),
                "mggemm_library": str(_library.library_path()) if not self.mggemm_note else None,
                "mggemm_missing": self.mggemm_note,
                "clocks": self.clocks.info(),
                "dtype": DTYPES[args.dtype],
                "impls": self.impls,
                "variants": list(args.variants),
                "splits": list(args.splits),
                "shapes": [list(s) for s in args.shapes],
                "rounds": args.rounds,
                "rep_ms": args.rep_ms,
                "rel_tol": REL_TOL,
                "seed": args.seed,
                "argv": sys.argv,
                "started": datetime.datetime.now(datetime.timezone.utc).isoformat(),
            },
            "dense": {},
            "copy": {},
            "cases": [],
        }

    # ---- ceilings

    def dense(self, label: str) -> Dict[str, Any]:
        torch = self.torch
        n = 8192
        a = torch.randn(n, n, device="cuda", dtype=torch.bfloat16)
        b = torch.randn(n, n, device="cuda", dtype=torch.bfloat16)
        timing = self.timer.measure(lambda i: torch.matmul(a, b))
        entry = timing.summary()
        entry["tflops"] = 2 * n**3 / (timing.median_ms * 1e-3) / 1e12
        self.result["dense"][label] = entry
        self.result["dense"]["tflops"] = max(
            self.result["dense"].get("tflops") or 0.0, entry["tflops"])
        return entry

    def copy_bandwidth(self) -> Dict[str, Any]:
        torch = self.torch
        nbytes = 1 << 30
        src = torch.empty(nbytes, dtype=torch.uint8, device="cuda").random_(0, 255)
        dst = torch.empty_like(src)
        timing = self.timer.measure(lambda i: dst.copy_(src))
        entry = timing.summary()
        entry["bytes"] = nbytes
        # Read + write: the same accounting as min_bytes (inputs read once,
        # output written once).
        entry["gb_per_s"] = 2 * nbytes / (timing.median_ms * 1e-3) / 1e9
        self.result["copy"] = entry
        return entry

    # ---- cases

    def _copies(self, tensors: Tuple[Any, ...]) -> List[Tuple[Any, ...]]:
        """Enough copies that the rotation cycles through more than 2x L2."""
        nbytes = sum(t.numel() * t.element_size() for t in tensors)
        count = 1 if nbytes >= 2 * self.l2_bytes else min(8, math.ceil(2 * self.l2_bytes / max(nbytes, 1)))
        return [tensors] + [tuple(t.clone() for t in tensors) for _ in range(count - 1)]

    def run_shape(self, shape: Shape, split: str, progress: Any) -> None:
        torch = self.torch
        from . import reference

        g, m, n, k = shape
        sizes_list = make_split(split, m, g, seed=self.args.seed)
        bounds = offsets(sizes_list)
        gen = torch.Generator(device="cuda").manual_seed(self.args.seed)
        x = torch.randn(m, k, device="cuda", dtype=self.dtype, generator=gen)
        w = torch.randn(g, n, k, device="cuda", dtype=self.dtype, generator=gen) / math.sqrt(k)
        dy = torch.randn(m, n, device="cuda", dtype=self.dtype, generator=gen)
        sizes = torch.tensor(sizes_list, dtype=torch.int32, device="cuda")
        offs = torch.cumsum(sizes, 0, dtype=torch.int32)
        operands: Dict[str, Tuple[Any, ...]] = {
            "forward": (x, w), "grad_input": (dy, w), "grad_weight": (dy, x),
            **{variant: (x, w, dy) for variant in TRAIN_VARIANTS}}
        out_shapes = {"forward": (m, n), "grad_input": (m, k), "grad_weight": (g, n, k),
                      **{variant: (m, n) for variant in TRAIN_VARIANTS},
                      "fp8_forward": (m, n), "fp8_grad_input": (m, k),
                      "fp8_block_forward": (m, n), "fp8_fast_forward": (m, n),
                      "fp8_grad_weight": (g, n, k)}
        refs = {"forward": lambda: reference.reference_forward(x, w, sizes),
                "grad_input": lambda: reference.reference_grad_input(dy, w, sizes),
                "grad_weight": lambda: reference.reference_grad_weight(dy, x, sizes)}
        for variant in TRAIN_VARIANTS:
            refs[variant] = lambda: tuple(refs[v]() for v in ("forward", "grad_input",
                                                                 "grad_weight"))
        from .ops import quantize_fp8_blockwise, quantize_fp8_grouped_columns, quantize_fp8_rowwise

        # What each fp8 variant quantizes, and how; variants that read the same
        # quantized operands (the two row-scaled forwards) share one copy.
        fp8_sources = {"fp8_forward": (quantize_fp8_rowwise, "x w"),
                       "fp8_fast_forward": (quantize_fp8_rowwise, "x w"),
                       "fp8_grad_input": (quantize_fp8_rowwise, "dy wT"),
                       "fp8_block_forward": (quantize_fp8_blockwise, "x w")}
        pairs = {"x w": (x, w), "dy wT": (dy, w.transpose(1, 2))}
        quantized: Dict[Tuple[Any, str], Tuple[Any, ...]] = {}
        for variant in self.args.variants:
            if variant not in fp8_sources:
                continue
            key = fp8_sources[variant]
            if key not in quantized:
                quantize, pair = key
                (qa, sa), (qb, sb) = (quantize(t) for t in pairs[pair])
                quantized[key] = (qa, qb, sa, sb)
            operands[variant] = quantized[key]
            refs[variant] = (lambda q=operands[variant]:
                             reference.reference_scaled_forward(*q, sizes))
        # (sizes, offs, bounds) per variant: the fp8 weight gradient reads dYᵀ
        # and Xᵀ with each group padded to 128 columns, so it has its own.
        # Every implementation gets the columns up to the last group's end
        # (a multiple of 128), so that torch's offsets end at its operands'.
        group_args: Dict[str, Tuple[Any, Any, List[int]]] = {}
        if "fp8_grad_weight" in self.args.variants:
            qdy_t, sdy, sizes_p = quantize_fp8_grouped_columns(dy, sizes)
            qx_t, sx, _ = quantize_fp8_grouped_columns(x, sizes)
            padded_bounds = [0] + list(itertools.accumulate(sizes_p.tolist()))
            used = padded_bounds[-1]
            operands["fp8_grad_weight"] = (qdy_t[:, :used].contiguous(),
                                           qx_t[:, :used].contiguous(), sdy, sx)
            group_args["fp8_grad_weight"] = (sizes_p, torch.cumsum(sizes_p, 0, dtype=torch.int32),
                                             padded_bounds)
            refs["fp8_grad_weight"] = (lambda q=operands["fp8_grad_weight"], s=sizes_p:
                                       reference.reference_scaled_grad_weight(*q, s))
        copy_bw = self.result["copy"].get("gb_per_s")
        for variant in self.args.variants:
            case: Dict[str, Any] = {
                "G": g, "M": m, "N": n, "K": k, "split": split, "variant": variant,
                "sizes": sizes_list, "flops": flops(shape, variant),
                "min_bytes": min_bytes(variant, shape),
                "impls": {},
            }
            if copy_bw:
                case["memory_bound_ms"] = case["min_bytes"] / (copy_bw * 1e9) * 1e3
                # W is read in fp8 by the fp8 forwards, written in bf16 by dW.
                w_bytes = (1 if variant in FP8_VARIANTS and variant != "fp8_grad_weight"
                           else x.element_size())
                case["weight_read_ms"] = g * n * k * w_bytes / (copy_bw * 1e9) * 1e3
            copies = self._copies(operands[variant])
            case["input_copies"] = len(copies)
            ref = refs[variant]()
            fns: Dict[str, Callable[[int], Any]] = {}
            for impl in variant_impls(variant, self.impls):
                entry: Dict[str, Any] = {}
                case["impls"][impl] = entry
                try:
                    fn = _impl_fn(impl, variant, copies,
                                  *group_args.get(variant, (sizes, offs, bounds)),
                                  out_shapes[variant])
                    out = fn(0)
                    if isinstance(out, list):  # a loop's per-expert outputs
                        out = torch.cat(out) if out else torch.empty(0, n, device="cuda")
                    torch.cuda.synchronize()
                    ok, entry["check"] = _check(out, ref, variant, sizes_list)
                    del out
                except Exception as err:  # a peer that cannot run this case
                    entry.update(status="error", reason=f"{type(err).__name__}: {err}"[:800])
                    torch.cuda.empty_cache()
                    continue
                if ok or self.args.time_failing:
                    fns[impl] = fn
                    entry["status"] = "ok" if ok else "failed_check_timed"
                else:
                    entry.update(status="failed_check",
                                 reason=f"not timed: {entry['check']['report']}")
            del ref
            self._time_case(case, fns)
            self.result["cases"].append(case)
            if progress is not None:
                progress.update(1)
        del x, w, dy, operands, pairs, quantized, group_args
        torch.cuda.empty_cache()

    def _time_case(self, case: Dict[str, Any], fns: Dict[str, Callable[[int], Any]]) -> None:
        from ._timing import Timing

        timings = {impl: Timing() for impl in fns}
        order = list(fns)
        copies = case["input_copies"]
        for r in range(self.args.rounds):
            # Rotate the order each round so no implementation always runs
            # right after the same neighbour (clock and cache effects).
            turn = r % len(order) if order else 0
            for impl in order[turn:] + order[:turn]:
                try:
                    timings[impl].merge(self.timer.measure(fns[impl], copies,
                                                           self.args.rep_ms / self.args.rounds))
                except Exception as err:
                    case["impls"][impl].update(status="error", reason=f"timing: {err}"[:800])
                    order.remove(impl)
        for impl, timing in timings.items():
            entry = case["impls"][impl]
            if entry["status"] == "error":
                continue
            entry.update(timing.summary())
            entry["tflops"] = _json_float(case["flops"] / (timing.median_ms * 1e-3) / 1e12)
            energy = pj_per_flop(entry["power_w_median"], entry["tflops"], timing.sampled_s)
            if energy is not None:
                entry["pj_per_flop"] = energy
            if "memory_bound_ms" in case:
                entry["fraction_of_memory_bound"] = case["memory_bound_ms"] / timing.median_ms

    # ---- driver

    def run(self) -> Dict[str, Any]:
        total = len(self.args.shapes) * len(self.args.splits) * len(self.args.variants)
        progress = None
        if not self.args.no_progress:
            try:
                from tqdm import tqdm
                progress = tqdm(total=total, desc="bench", unit="case", dynamic_ncols=True)
            except ImportError:
                progress = None
        self.dense("before")
        self.copy_bandwidth()
        for shape in self.args.shapes:
            for split in self.args.splits:
                if progress is not None:
                    progress.set_postfix_str(f"G{shape[0]} M{shape[1]} N{shape[2]} K{shape[3]} {split}")
                try:
                    self.run_shape(shape, split, progress)
                except self.torch.cuda.OutOfMemoryError as err:
                    self.result["cases"].append({"G": shape[0], "M": shape[1], "N": shape[2],
                                                 "K": shape[3], "split": split, "variant": "all",
                                                 "impls": {}, "error": f"out of memory: {err}"[:800]})
                    self.torch.cuda.empty_cache()
        self.dense("after")
        if progress is not None:
            progress.close()
        self.result["meta"]["finished"] = datetime.datetime.now(datetime.timezone.utc).isoformat()
        return self.result


def summary_table(result: Dict[str, Any]) -> str:
    """Plain-text table: TFLOP/s per implementation and mggemm's ratio to the
    best peer."""
    impls = result["meta"]["impls"]
    dense = result.get("dense", {})
    copy = result.get("copy", {}).get("gb_per_s")
    # The ceiling is the better of two measurements, which differed by up to
    # 16% in one run as the GPU heated up (notes v20): show both, with clocks.
    measured = {label: dense.get(label) or {} for label in ("before", "after")}
    runs = [f"{label} {e['tflops']:.0f} at {e['sm_clock_mhz_median']:.0f} MHz"
            for label, e in measured.items() if e.get("tflops") and e.get("sm_clock_mhz_median")]
    lines = [f"{result['meta']['device']}  torch {result['meta']['torch']}  "
             f"dense 8192^3: {dense.get('tflops') or float('nan'):.0f} TFLOP/s"
             + (f" ({'; '.join(runs)})" if runs else "")
             + f"  copy: {copy or float('nan'):.0f} GB/s"]
    if result["meta"].get("mggemm_missing"):
        lines.append("mggemm not benchmarked: " + result["meta"]["mggemm_missing"].splitlines()[0])
    width = max(map(len, VARIANTS))
    header = f"{'variant':{width}s} {'split':10s} {'G':>4s} {'M':>6s} {'N':>6s} {'K':>6s} " + \
        " ".join(f"{i:>16s}" for i in impls) + f" {'vs best peer':>12s}"
    lines.append(header)
    for case in result["cases"]:
        if "variant" not in case or case.get("error"):
            lines.append(f"{case.get('split', '')}: {case.get('error', '')}")
            continue
        cells = []
        for impl in impls:
            e = case["impls"].get(impl, {})
            cells.append(f"{e['tflops']:16.1f}" if e.get("status") in ("ok", "failed_check_timed")
                         and e.get("tflops") else f"{e.get('status', '-'):>16s}")
        mine = case["impls"].get("mggemm", {}).get("tflops")
        peers = [e.get("tflops") for name, e in case["impls"].items()
                 if name != "mggemm" and e.get("status") == "ok" and e.get("tflops")]
        ratio = f"{mine / max(peers):12.2f}" if mine and peers else f"{'-':>12s}"
        lines.append(f"{case['variant']:{width}s} {case['split']:10s} {case['G']:4d} {case['M']:6d} "
                     f"{case['N']:6d} {case['K']:6d} " + " ".join(cells) + " " + ratio)
    # Memory-bound cases: the time to read W once at the copy bandwidth over
    # mggemm's median (issue 6 asks >= 95% on the weight-bound layer).
    for case in result["cases"]:
        mine = case.get("impls", {}).get("mggemm", {})
        if mine.get("status") == "ok" and case.get("weight_read_ms") and mine.get("median_ms"):
            fraction = case["weight_read_ms"] / mine["median_ms"]
            if fraction >= 0.5:
                lines.append(f"W read: {case['variant']} {case['split']} G{case['G']} "
                             f"M{case['M']} N{case['N']} K{case['K']}: {100 * fraction:.1f}% "
                             "of mggemm's median at the copy bandwidth")
    # Energy: at the power cap, the implementation with fewer pJ per FLOP
    # gets the higher clock.
    for case in result["cases"]:
        cells = [f"{impl} {e['power_w_median']:.0f} W {e['pj_per_flop']:.3f} pJ/FLOP"
                 for impl, e in case.get("impls", {}).items() if e.get("pj_per_flop")]
        if cells:
            lines.append(f"energy: {case['variant']} {case['split']} G{case['G']} M{case['M']} "
                         f"N{case['N']} K{case['K']}: " + ", ".join(cells))
    for case in result["cases"]:
        for impl, e in case.get("impls", {}).items():
            if e.get("status") in ("error", "failed_check"):
                lines.append(f"note: {impl} {case['variant']} {case['split']} G{case['G']} "
                             f"M{case['M']} N{case['N']} K{case['K']}: {e.get('reason', '')}")
    return "\n".join(lines)


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = resolve_defaults(build_parser().parse_args(argv))
    import torch

    if not torch.cuda.is_available():
        print("mggemm.bench needs a CUDA GPU", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    bench = Bench(args)
    if bench.mggemm_note:
        print("mggemm runtime not available; benchmarking the peers only:\n  "
              + bench.mggemm_note.replace("\n", "\n  "), file=sys.stderr)
    result = bench.run()
    path = args.out / "results.json"
    path.write_text(json.dumps(result, indent=1, default=str))
    print(summary_table(result))
    print(f"wrote {path}")
    if not args.no_plots:
        try:
            from ._plots import plot_all

            for written in plot_all(result, args.out, args.variants):
                print(f"wrote {written}")
        except ImportError as err:
            print(f"no plots ({err})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
