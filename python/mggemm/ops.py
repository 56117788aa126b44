"""The grouped GEMMs as PyTorch custom ops on the C runtime.

Three ops, ``mggemm::grouped_mm``, ``mggemm::grouped_mm_grad_input`` and
``mggemm::grouped_mm_grad_weight``, registered with ``torch.library.custom_op``
so that torch.compile treats each as one opaque node (no graph break) and
shape propagation runs the fake implementations below instead of the
kernels. Each launch goes on ``torch.cuda.current_stream()``, so the ops
order correctly with the rest of PyTorch's work and are recorded by CUDA
graph capture. Nothing here reads ``sizes`` on the host: no ``.item()``, no
``.tolist()``, no synchronization (the runtime's checked mode is the one
exception, and it is off unless asked for).

Outputs are allocated with ``torch.empty``: the kernels write every element,
zeros included for the dW of an empty group.

(No ``from __future__ import annotations`` here: custom_op infers the op
schema from real annotation objects.)
"""

import contextlib
from typing import ContextManager, Tuple

import torch

from ._checks import (
    Problem,
    TensorSpec,
    check_forward,
    check_grad_input,
    check_grad_weight,
)
from ._library import DTYPE_CODES, runtime

__all__ = [
    "grouped_mm",
    "grouped_mm_grad_input",
    "grouped_mm_grad_weight",
    "grouped_mm_backward",
]


def _spec(name: str, t: torch.Tensor, real: bool) -> TensorSpec:
    """Describe ``t`` for the torch-free checks. Fake tensors have no
    storage, so only ``real`` ones report their address."""
    return TensorSpec(
        name=name,
        shape=tuple(t.shape),
        stride=tuple(t.stride()),
        dtype=str(t.dtype),
        device=str(t.device),
        data_ptr=t.data_ptr() if real and t.device.type == "cuda" else None,
    )


def _stream(device: torch.device) -> int:
    """The raw ``cudaStream_t`` of PyTorch's current stream on ``device``
    (the capture stream while a CUDA graph is recorded). The private getter
    is what Triton's launcher uses; it costs a fraction of building a
    ``torch.cuda.Stream`` object on every call."""
    raw = getattr(torch._C, "_cuda_getCurrentRawStream", None)
    if raw is not None:
        return int(raw(device.index))
    return int(torch.cuda.current_stream(device).cuda_stream)


def _on_device(device: torch.device) -> ContextManager[object]:
    """Make ``device`` current for the runtime (it launches on the current
    context), skipping the guard in the common case where it already is."""
    if device.index is None or device.index == torch.cuda.current_device():
        return contextlib.nullcontext()
    return torch.cuda.device(device)


# --------------------------------------------------------------- forward


@torch.library.custom_op("mggemm::grouped_mm", mutates_args=())
def _grouped_mm(x: torch.Tensor, w: torch.Tensor, sizes: torch.Tensor) -> torch.Tensor:
    p = check_forward(_spec("x", x, True), _spec("w", w, True), _spec("sizes", sizes, True))
    y = torch.empty((p.M, p.N), dtype=x.dtype, device=x.device)
    if p.M == 0:
        return y
    rt = runtime()
    with _on_device(x.device):
        rt.forward(x.data_ptr(), w.data_ptr(), sizes.data_ptr(), y.data_ptr(),
                   p.M, p.N, p.K, p.G, DTYPE_CODES[p.dtype], _stream(x.device))
    return y


@_grouped_mm.register_fake
def _grouped_mm_fake(x: torch.Tensor, w: torch.Tensor, sizes: torch.Tensor) -> torch.Tensor:
    p = check_forward(_spec("x", x, False), _spec("w", w, False), _spec("sizes", sizes, False))
    return x.new_empty((p.M, p.N))


# ------------------------------------------------------------ grad input


@torch.library.custom_op("mggemm::grouped_mm_grad_input", mutates_args=())
def _grouped_mm_grad_input(dy: torch.Tensor, w: torch.Tensor, sizes: torch.Tensor) -> torch.Tensor:
    p = check_grad_input(_spec("dy", dy, True), _spec("w", w, True), _spec("sizes", sizes, True))
    dx = torch.empty((p.M, p.K), dtype=dy.dtype, device=dy.device)
    if p.M == 0:
        return dx
    rt = runtime()
    with _on_device(dy.device):
        rt.grad_input(dy.data_ptr(), w.data_ptr(), sizes.data_ptr(), dx.data_ptr(),
                      p.M, p.N, p.K, p.G, DTYPE_CODES[p.dtype], _stream(dy.device))
    return dx


@_grouped_mm_grad_input.register_fake
def _grouped_mm_grad_input_fake(dy: torch.Tensor, w: torch.Tensor, sizes: torch.Tensor) -> torch.Tensor:
    p = check_grad_input(_spec("dy", dy, False), _spec("w", w, False), _spec("sizes", sizes, False))
    return dy.new_empty((p.M, p.K))


# ----------------------------------------------------------- grad weight


@torch.library.custom_op("mggemm::grouped_mm_grad_weight", mutates_args=())
def _grouped_mm_grad_weight(dy: torch.Tensor, x: torch.Tensor, sizes: torch.Tensor) -> torch.Tensor:
    p = check_grad_weight(_spec("dy", dy, True), _spec("x", x, True), _spec("sizes", sizes, True))
    if p.M == 0:
        # No rows at all: every group is empty and the kernel is not worth
        # a launch. (M is a shape, not data, so this is no host sync.)
        return torch.zeros((p.G, p.N, p.K), dtype=dy.dtype, device=dy.device)
    dw = torch.empty((p.G, p.N, p.K), dtype=dy.dtype, device=dy.device)
    rt = runtime()
    with _on_device(dy.device):
        rt.grad_weight(dy.data_ptr(), x.data_ptr(), sizes.data_ptr(), dw.data_ptr(),
                       p.M, p.N, p.K, p.G, DTYPE_CODES[p.dtype], _stream(dy.device))
    return dw


@_grouped_mm_grad_weight.register_fake
def _grouped_mm_grad_weight_fake(dy: torch.Tensor, x: torch.Tensor, sizes: torch.Tensor) -> torch.Tensor:
    p = check_grad_weight(_spec("dy", dy, False), _spec("x", x, False), _spec("sizes", sizes, False))
    return dy.new_empty((p.G, p.N, p.K))


# -------------------------------------------------------------- autograd


def _setup_context(ctx: torch.autograd.function.FunctionCtx, inputs: Tuple[torch.Tensor, ...],
                   output: torch.Tensor) -> None:
    x, w, sizes = inputs
    ctx.save_for_backward(x, w, sizes)


def _backward(ctx: torch.autograd.function.FunctionCtx, grad_out: torch.Tensor):  # type: ignore[no-untyped-def]
    x, w, sizes = ctx.saved_tensors  # type: ignore[attr-defined]
    # Upstream ops may hand back an expanded or transposed gradient; the
    # kernels read dense rows through TMA.
    grad_out = grad_out.contiguous()
    needs = ctx.needs_input_grad  # type: ignore[attr-defined]
    dx = _grouped_mm_grad_input(grad_out, w, sizes) if needs[0] else None
    dw = _grouped_mm_grad_weight(grad_out, x, sizes) if needs[1] else None
    return dx, dw, None  # sizes are integers: no gradient


_grouped_mm.register_autograd(_backward, setup_context=_setup_context)


# ------------------------------------------------------------ public API


def grouped_mm(x: torch.Tensor, w: torch.Tensor, sizes: torch.Tensor) -> torch.Tensor:
    """Y[M, N] with Y_g = X_g · W[g]ᵀ for each group g (differentiable).

    x: [M, K] rows sorted by group; w: [G, N, K] (stacked nn.Linear
    weights); sizes: int32 [G] on the same CUDA device, summing to M.
    Same result as ``torch._grouped_mm(x, w.transpose(-2, -1),
    offs=torch.cumsum(sizes, 0, dtype=torch.int32))``.
    """
    return _grouped_mm(x, w, sizes)


def grouped_mm_grad_input(dy: torch.Tensor, w: torch.Tensor, sizes: torch.Tensor) -> torch.Tensor:
    """dX[M, K] with dX_g = dY_g · W[g] (dy: [M, N], w: [G, N, K])."""
    return _grouped_mm_grad_input(dy, w, sizes)


def grouped_mm_grad_weight(dy: torch.Tensor, x: torch.Tensor, sizes: torch.Tensor) -> torch.Tensor:
    """dW[G, N, K] with dW[g] = dY_gᵀ · X_g, zeros for an empty group."""
    return _grouped_mm_grad_weight(dy, x, sizes)


def grouped_mm_backward(
    grad_out: torch.Tensor, x: torch.Tensor, w: torch.Tensor, sizes: torch.Tensor
) -> Tuple[torch.Tensor, torch.Tensor]:
    """(dX, dW) of ``grouped_mm(x, w, sizes)`` for the output gradient
    ``grad_out`` [M, N]."""
    return (_grouped_mm_grad_input(grad_out, w, sizes),
            _grouped_mm_grad_weight(grad_out, x, sizes))
