"""fp32 references for the grouped GEMMs and a comparison report.

The references loop over groups and multiply in fp32 on whatever device the
tensors are on (CPU included), independent of both the kernels and
``torch._grouped_mm``, so they can judge either. They read ``sizes`` on the
host, so they synchronize: use them for checking, never in a hot path.
TF32 is switched off for the duration so "fp32" means fp32.
"""

import contextlib
import math
from dataclasses import dataclass
from typing import Iterator, List, Optional, Tuple

import torch

__all__ = [
    "reference_forward",
    "reference_grad_input",
    "reference_grad_weight",
    "reference_backward",
    "reference_scaled_forward",
    "reference_scaled_grad_weight",
    "Comparison",
    "compare",
]


@contextlib.contextmanager
def _full_fp32() -> Iterator[None]:
    saved = torch.backends.cuda.matmul.allow_tf32
    torch.backends.cuda.matmul.allow_tf32 = False
    try:
        yield
    finally:
        torch.backends.cuda.matmul.allow_tf32 = saved


def _bounds(sizes: torch.Tensor, rows: int, padded: bool = False) -> List[Tuple[int, int]]:
    """Each group's rows [lo, hi); the sizes must add up to ``rows``, or,
    where the rows may end in ``padded`` ones, to at most that."""
    counts = [int(s) for s in sizes.detach().cpu().tolist()]
    total = sum(counts)
    if any(c < 0 for c in counts) or total > rows or (total < rows and not padded):
        raise ValueError(
            f"sizes {counts} must be non-negative and add up to "
            f"{'at most ' if padded else ''}M={rows}"
        )
    bounds, start = [], 0
    for c in counts:
        bounds.append((start, start + c))
        start += c
    return bounds


def reference_forward(x: torch.Tensor, w: torch.Tensor, sizes: torch.Tensor) -> torch.Tensor:
    """fp32 Y [M, N]: Y_g = X_g · W[g]ᵀ (x [M, K], w [G, N, K])."""
    y = torch.zeros((x.shape[0], w.shape[1]), dtype=torch.float32, device=x.device)
    with torch.no_grad(), _full_fp32():
        for g, (lo, hi) in enumerate(_bounds(sizes, x.shape[0])):
            if hi > lo:
                y[lo:hi] = x[lo:hi].float() @ w[g].float().t()
    return y


def reference_grad_input(dy: torch.Tensor, w: torch.Tensor, sizes: torch.Tensor) -> torch.Tensor:
    """fp32 dX [M, K]: dX_g = dY_g · W[g] (dy [M, N], w [G, N, K])."""
    dx = torch.zeros((dy.shape[0], w.shape[2]), dtype=torch.float32, device=dy.device)
    with torch.no_grad(), _full_fp32():
        for g, (lo, hi) in enumerate(_bounds(sizes, dy.shape[0])):
            if hi > lo:
                dx[lo:hi] = dy[lo:hi].float() @ w[g].float()
    return dx


def reference_grad_weight(dy: torch.Tensor, x: torch.Tensor, sizes: torch.Tensor) -> torch.Tensor:
    """fp32 dW [G, N, K]: dW[g] = dY_gᵀ · X_g, zeros for an empty group."""
    groups = sizes.shape[0]
    dw = torch.zeros((groups, dy.shape[1], x.shape[1]), dtype=torch.float32, device=dy.device)
    with torch.no_grad(), _full_fp32():
        for g, (lo, hi) in enumerate(_bounds(sizes, dy.shape[0])):
            if hi > lo:
                dw[g] = dy[lo:hi].float().t() @ x[lo:hi].float()
    return dw


def reference_scaled_forward(x: torch.Tensor, w: torch.Tensor, scale_x: torch.Tensor,
                             scale_w: torch.Tensor, sizes: torch.Tensor) -> torch.Tensor:
    """The fp8 forward product in fp32 on the dequantized operands:
    (scale_x[:, None] x) · (scale_w[..., None] w)[g]ᵀ per group for row-wise
    scales; for block-wise ones (scale_x [M, ceil(K/128)], scale_w [G,
    ceil(N/128), ceil(K/128)]) each element times its block's scale."""
    if scale_x.dim() == 2:
        k, n = x.shape[1], w.shape[1]
        sx = scale_x.float().repeat_interleave(128, dim=1)[:, :k]
        sw = scale_w.float().repeat_interleave(128, dim=1).repeat_interleave(128, dim=2)
        return reference_forward(x.float() * sx, w.float() * sw[:, :n, :k], sizes)
    return reference_forward(x.float() * scale_x.float().unsqueeze(-1),
                             w.float() * scale_w.float().unsqueeze(-1), sizes)


def reference_scaled_grad_weight(dy_t: torch.Tensor, x_t: torch.Tensor, scale_dy: torch.Tensor,
                                 scale_x: torch.Tensor, sizes: torch.Tensor) -> torch.Tensor:
    """The fp8 weight gradient in fp32 on the dequantized operands, given
    transposed (dy_t [N, M], x_t [K, M], group g's rows being their columns;
    scale_dy [G, N], scale_x [G, K] per group and column): dW[g] =
    (scale_dy[g][:, None] dy_t_g) · (scale_x[g][:, None] x_t_g)ᵀ, zeros for an
    empty group. Columns past the last group (padding) are not read."""
    bounds = _bounds(sizes, dy_t.shape[1], padded=True)
    total = bounds[-1][1] if bounds else 0
    counts = sizes.detach().to(device=scale_dy.device, dtype=torch.int64)
    # Each row of the forward times its group's scales, [M, N] and [M, K].
    sdy = scale_dy.float().repeat_interleave(counts, dim=0)
    sx = scale_x.float().repeat_interleave(counts, dim=0)
    return reference_grad_weight(dy_t[:, :total].float().t() * sdy,
                                 x_t[:, :total].float().t() * sx, sizes)


def reference_backward(
    dy: torch.Tensor, x: torch.Tensor, w: torch.Tensor, sizes: torch.Tensor
) -> Tuple[torch.Tensor, torch.Tensor]:
    """fp32 (dX, dW)."""
    return reference_grad_input(dy, w, sizes), reference_grad_weight(dy, x, sizes)


@dataclass(frozen=True)
class Comparison:
    """How far ``out`` is from ``ref``.

    ``rel_fro_error`` = ‖out − ref‖_F / ‖ref‖_F (NaN if ``out`` has NaN or
    Inf, so a tolerance check fails); the worst element is the one with the
    largest absolute error, NaNs counting as worst.
    """

    shape: Tuple[int, ...]
    max_abs_error: float
    rel_fro_error: float
    worst_index: Tuple[int, ...]
    worst_value: float
    worst_reference: float
    nan_count: int
    inf_count: int

    def ok(self, rel_tol: float) -> bool:
        """No NaN/Inf and relative Frobenius error within ``rel_tol``."""
        return (self.nan_count == 0 and self.inf_count == 0
                and math.isfinite(self.rel_fro_error) and self.rel_fro_error <= rel_tol)

    def __str__(self) -> str:
        index = ", ".join(str(i) for i in self.worst_index)
        text = (
            f"rel_fro={self.rel_fro_error:.3e} max_abs={self.max_abs_error:.3e} "
            f"worst[{index}]={self.worst_value:.6g} (ref {self.worst_reference:.6g})"
        )
        if self.nan_count or self.inf_count:
            text += f" nan={self.nan_count} inf={self.inf_count}"
        return text + f" shape={tuple(self.shape)}"


def compare(out: torch.Tensor, ref: torch.Tensor) -> Comparison:
    """Compare ``out`` (any float dtype) with ``ref`` (typically fp32), in fp32
    on ``ref``'s device."""
    if tuple(out.shape) != tuple(ref.shape):
        raise ValueError(f"shape mismatch: out {tuple(out.shape)} vs ref {tuple(ref.shape)}")
    with torch.no_grad():
        o = out.detach().to(device=ref.device, dtype=torch.float32)
        r = ref.detach().to(torch.float32)
        nan_count = int(torch.isnan(o).sum())
        inf_count = int(torch.isinf(o).sum())
        if o.numel() == 0:
            return Comparison(tuple(out.shape), 0.0, 0.0, (), 0.0, 0.0, 0, 0)
        diff = (o - r).abs()
        ranked = torch.where(torch.isnan(diff), torch.full_like(diff, math.inf), diff)
        flat = int(torch.argmax(ranked))
        index = tuple(int(i) for i in torch.unravel_index(torch.tensor(flat), o.shape))
        ref_norm = float(torch.linalg.vector_norm(r))
        err_norm = float(torch.linalg.vector_norm(o - r))
        if ref_norm > 0:
            rel = err_norm / ref_norm
        else:
            rel = 0.0 if err_norm == 0 else math.inf
        if nan_count or inf_count:
            rel = math.nan
        return Comparison(
            shape=tuple(out.shape),
            max_abs_error=float(ranked.max()),
            rel_fro_error=rel,
            worst_index=index,
            worst_value=float(o.reshape(-1)[flat]),
            worst_reference=float(r.reshape(-1)[flat]),
            nan_count=nan_count,
            inf_count=inf_count,
        )


def check_close(out: torch.Tensor, ref: torch.Tensor, rel_tol: float = 1e-2,
                what: Optional[str] = None) -> Comparison:
    """``compare`` and raise AssertionError with the report when not ok."""
    report = compare(out, ref)
    if not report.ok(rel_tol):
        raise AssertionError(f"{what or 'output'} differs from reference (tol {rel_tol:g}): {report}")
    return report
