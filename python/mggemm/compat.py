"""Drop-in names for torchtitan's Triton "M*G grouped GEMM" (the seed).

The seed stacks the expert weights as one 2-D ``w`` of shape ``[G*N, K]``
(``G`` nn.Linear weights ``[N, K]`` on top of each other), which is the same
memory as mggemm's ``[G, N, K]``; these functions take that layout (or the
3-D one) and hand gradients back in the layout they were given, so code
written against the seed runs unchanged. The seed's tuning knobs
(``use_tma``, ``tma_size``) are accepted and ignored; fp8 is not supported
yet.
"""

from typing import Tuple

import torch

from ._checks import check_seed_backward_weight, seed_weight_groups
from .ops import grouped_mm, grouped_mm_grad_input, grouped_mm_grad_weight

__all__ = ["grouped_gemm_forward", "grouped_gemm_backward", "mg_grouped_gemm"]


def _as_grouped(w: torch.Tensor, groups: int) -> torch.Tensor:
    """[G*N, K] seed weight as a [G, N, K] view (no copy); 3-D passes through."""
    if w.dim() == 3:
        return w
    n = seed_weight_groups(tuple(w.shape), groups)
    return w.view(groups, n, w.shape[1])


def _no_fp8(using_fp8: bool) -> None:
    if using_fp8:
        raise NotImplementedError(
            "mggemm has no fp8 grouped GEMM yet: pass bf16/fp16 tensors with "
            "using_fp8=False"
        )


def grouped_gemm_forward(
    x: torch.Tensor,
    w: torch.Tensor,
    m_sizes: torch.Tensor,
    tma_size: int = 128,
    using_fp8: bool = False,
) -> torch.Tensor:
    """Seed signature: x [M, K], w [G*N, K], m_sizes int32 [G] -> y [M, N].

    Not differentiable (like the seed's); use ``mg_grouped_gemm`` or
    ``mggemm.grouped_mm`` for autograd.
    """
    del tma_size
    _no_fp8(using_fp8)
    with torch.no_grad():
        return grouped_mm(x, _as_grouped(w, m_sizes.shape[0]), m_sizes)


def grouped_gemm_backward(
    grad_output: torch.Tensor,
    x: torch.Tensor,
    w: torch.Tensor,
    m_sizes: torch.Tensor,
    use_tma: bool = True,
    tma_size: int = 128,
) -> Tuple[torch.Tensor, torch.Tensor]:
    """Seed signature: returns ``(grad_x, grad_w)``, grad_x [M, K] and grad_w
    in w's own shape ([G*N, K] for the seed layout)."""
    del use_tma, tma_size
    groups = m_sizes.shape[0]
    if w.dim() == 2:
        check_seed_backward_weight(tuple(w.shape), groups, grad_output.shape[-1])
    w3 = _as_grouped(w, groups)
    grad_x = grouped_mm_grad_input(grad_output, w3, m_sizes)
    grad_w = grouped_mm_grad_weight(grad_output, x, m_sizes)
    return grad_x, grad_w.view(w.shape)


def mg_grouped_gemm(
    x: torch.Tensor,
    w: torch.Tensor,
    m_sizes: torch.Tensor,
    use_tma: bool = True,
    tma_size: int = 128,
    using_fp8: bool = False,
) -> torch.Tensor:
    """Seed signature of the differentiable op; gradients flow to ``w`` in
    its own layout."""
    del use_tma, tma_size
    _no_fp8(using_fp8)
    return grouped_mm(x, _as_grouped(w, m_sizes.shape[0]), m_sizes)
