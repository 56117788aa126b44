"""PNG plots of a benchmark result (the JSON that mggemm.bench writes).

One figure per variant: TFLOP/s per shape for each implementation, the
balanced split on the left and the imbalanced one on the right, with the
dense-matmul ceiling measured in the same run as a dashed line; and a
summary of mggemm's speedup over the best peer. Works from the JSON alone,
so old results can be re-plotted: ``python -m mggemm._plots results.json``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

from .bench import TRAIN_VARIANTS

COLORS = {"mggemm": "#d62728", "torch_grouped_mm": "#1f77b4", "loop": "#7f7f7f"}
#: What a variant's peer really is, where the column name does not say.
LABELS = {"fp8_forward": {"torch_grouped_mm": "torch._scaled_grouped_mm",
                           "loop": "torch._scaled_mm per expert"},
          "fp8_grad_input": {"torch_grouped_mm": "torch._scaled_grouped_mm",
                             "loop": "torch._scaled_mm per expert"},
          "fp8_block_forward": {"loop": "F.scaled_mm per expert"},
          "fp8_fast_forward": {"torch_grouped_mm": "torch._scaled_grouped_mm, fast accumulation",
                               "loop": "torch._scaled_mm per expert, fast accumulation"},
          "fp8_grad_weight": {"torch_grouped_mm": "torch._scaled_grouped_mm (2d x 2d)",
                              "loop": "torch._scaled_mm per expert"},
          **{v: {"torch_grouped_mm": "torch._grouped_mm (bf16)", "loop": "loop (bf16)"}
             for v in TRAIN_VARIANTS[1:]}}
#: Element types where the run's --dtype is not what a variant computes in.
DTYPE_LABELS = {"fp8_forward": "float8_e4m3fn in, bfloat16 out",
                "fp8_grad_input": "float8_e4m3fn in, bfloat16 out",
                "fp8_block_forward": "float8_e4m3fn in (1x128 / 128x128 block scales), "
                                     "bfloat16 out",
                "fp8_fast_forward": "float8_e4m3fn in, bfloat16 out, summed in the tensor "
                                    "cores over all of K",
                "fp8_grad_weight": "float8_e4m3fn in (scales per group and column), "
                                   "bfloat16 out",
                "train": "bfloat16, forward and backward",
                "fp8_train": "bf16 in and out, fp8 inside with its quantization, bf16 dW",
                "fp8_train_dw": "bf16 in and out, fp8 inside with its quantization, fp8 dW",
                "fp8_block_train": "bf16 in and out, fp8 inside with block scales and their "
                                   "quantization, bf16 dW"}


def _shape_label(case: Dict[str, Any]) -> str:
    return f"G{case['G']}\nM{case['M']}\nN{case['N']}\nK{case['K']}"


def _tflops(case: Dict[str, Any], impl: str) -> Optional[float]:
    entry = case["impls"].get(impl)
    if not entry or entry.get("status") != "ok":
        return None
    return entry.get("tflops")


def plot_variant(result: Dict[str, Any], variant: str, out: Path) -> Optional[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cases = [c for c in result["cases"] if c["variant"] == variant]
    if not cases:
        return None
    splits = [s for s in ("balanced", "imbalanced") if any(c["split"] == s for c in cases)]
    # Only the implementations that have a form of this variant.
    impls: List[str] = [i for i in result["meta"]["impls"] if any(i in c["impls"] for c in cases)]
    ceiling = (result.get("dense") or {}).get("tflops")
    # fp8 can pass the bf16 dense ceiling: keep every bar in view.
    values = [_tflops(c, i) for c in cases for i in impls]
    top = max([v for v in values if v] + [ceiling or 0])
    fig, axes = plt.subplots(1, len(splits), figsize=(7 * len(splits), 5), squeeze=False,
                             sharey=True)
    for ax, split in zip(axes[0], splits):
        rows = [c for c in cases if c["split"] == split]
        width = 0.8 / max(1, len(impls))
        for j, impl in enumerate(impls):
            xs, ys = [], []
            for i, case in enumerate(rows):
                value = _tflops(case, impl)
                if value is not None:
                    xs.append(i - 0.4 + width * (j + 0.5))
                    ys.append(value)
            ax.bar(xs, ys, width, label=LABELS.get(variant, {}).get(impl, impl),
                   color=COLORS.get(impl))
            for i, case in enumerate(rows):
                if _tflops(case, impl) is None and impl in case["impls"]:
                    ax.text(i - 0.4 + width * (j + 0.5), 5, "x", ha="center", color=COLORS.get(impl))
        if ceiling:
            ax.axhline(ceiling, ls="--", color="black", lw=1,
                       label=f"dense 8192³ bf16 matmul ({ceiling:.0f} TFLOP/s)")
        if top:
            ax.set_ylim(0, top * 1.08)
        ax.set_xticks(range(len(rows)))
        ax.set_xticklabels([_shape_label(c) for c in rows], fontsize=7)
        ax.set_title(f"{variant}, {split} split")
        ax.grid(axis="y", alpha=0.3)
    products = "6·M·N·K, three products" if variant in TRAIN_VARIANTS else "2·M·N·K"
    axes[0][0].set_ylabel(f"TFLOP/s ({products} / median time)")
    handles, names = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, names, loc="lower center", ncol=len(names), fontsize=8, frameon=False)
    device = result["meta"].get("device", "")
    dtype = DTYPE_LABELS.get(variant, result["meta"].get("dtype", ""))
    fig.suptitle(f"mggemm {variant} on {device} ({dtype}; x = failed check or could not run)")
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    path = out / f"tflops_{variant}.png"
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def plot_speedup(result: Dict[str, Any], out: Path) -> Optional[Path]:
    """mggemm's time advantage over the best peer, per case (>1: faster)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels, values = [], []
    for case in result["cases"]:
        mine = _tflops(case, "mggemm")
        peers = [t for name in case["impls"] if name != "mggemm"
                 for t in [_tflops(case, name)] if t is not None]
        if mine is None or not peers:
            continue
        labels.append(f"{case['variant']} {case['split'][:3]} "
                      f"G{case['G']} M{case['M']} N{case['N']} K{case['K']}")
        values.append(mine / max(peers))
    if not values:
        return None
    fig, ax = plt.subplots(figsize=(8, 0.28 * len(values) + 1.5))
    colors = ["#2ca02c" if v >= 1.05 else "#d62728" for v in values]
    ax.barh(range(len(values)), values, color=colors)
    ax.axvline(1.0, color="black", lw=1)
    ax.axvline(1.05, color="black", lw=1, ls="--", label="target 1.05x")
    ax.set_yticks(range(len(values)))
    ax.set_yticklabels(labels, fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel("speedup of mggemm over the best peer")
    ax.legend(fontsize=8)
    fig.tight_layout()
    path = out / "speedup.png"
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def plot_all(result: Dict[str, Any], out: Path, variants: Sequence[str]) -> List[Path]:
    paths = [plot_variant(result, v, out) for v in variants]
    paths.append(plot_speedup(result, out))
    return [p for p in paths if p is not None]


if __name__ == "__main__":
    data = json.loads(Path(sys.argv[1]).read_text())
    folder = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(sys.argv[1]).parent
    for written in plot_all(data, folder, data["meta"]["variants"]):
        print(written)
