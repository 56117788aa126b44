"""The grouped GEMMs as PyTorch custom ops on the C runtime.

Five ops, ``mggemm::grouped_mm``, ``mggemm::grouped_mm_grad_input``,
``mggemm::grouped_mm_grad_weight`` and the fp8 ``mggemm::scaled_grouped_mm``
and ``mggemm::scaled_grouped_mm_grad_weight``, registered with
``torch.library.custom_op`` (as are the Triton kernels of the fp8
quantizers, ``mggemm::quantize_fp8_rowwise``,
``mggemm::quantize_fp8_blockwise``, ``mggemm::quantize_fp8_grouped_columns``
and ``mggemm::transpose_fp8``) so that torch.compile treats each
as one opaque node (no graph break) and shape propagation runs the fake
implementations below instead of the kernels. Each launch goes on
``torch.cuda.current_stream()``, so the ops order correctly with the rest
of PyTorch's work and are recorded by CUDA graph capture. Nothing here
reads ``sizes`` on the host: no ``.item()``, no ``.tolist()``, no
synchronization (the runtime's checked mode is the one exception, and it
is off unless asked for).

Outputs are allocated with ``torch.empty``: the kernels write every element,
zeros included for the dW of an empty group.

In plain eager calls (not traced by torch.compile, no dispatch mode such
as FakeTensorMode active, plain tensors, no autograd to record) each op
runs its implementation directly: the custom op's dispatch costs 20-30 µs
of host time a call, as much as the implementation itself (notes v24). An
op checks each layout of its real tensors once (``_check_real``).

(No ``from __future__ import annotations`` here: custom_op infers the op
schema from real annotation objects.)
"""

import contextlib
import importlib.util
from typing import Any, Callable, ContextManager, Dict, Optional, Tuple

import torch

try:
    from torch.utils._python_dispatch import _get_current_dispatch_mode
except ImportError:  # a torch without it (a private name): every call takes the op

    def _get_current_dispatch_mode() -> object:
        return True

from ._checks import (
    POINTER_ALIGNMENT,
    SCALE_BLOCK,
    Problem,
    TensorSpec,
    check_forward,
    check_grad_input,
    check_grad_weight,
    check_scaled_forward,
    check_scaled_grad_weight,
)
from ._library import DTYPE_CODES, Dtype, runtime

__all__ = [
    "grouped_mm",
    "grouped_mm_grad_input",
    "grouped_mm_grad_weight",
    "grouped_mm_backward",
    "grouped_mm_fp8",
    "grouped_mm_grad_weight_fp8",
    "quantize_fp8_blockwise",
    "quantize_fp8_grouped_columns",
    "quantize_fp8_rowwise",
    "scaled_grouped_mm_grad_weight",
]

#: Whether Triton is installed: the fp8 weight gradient's operands are then
#: quantized by kernels of our own on CUDA tensors (mggemm._quantize_kernels).
_HAS_TRITON = importlib.util.find_spec("triton") is not None


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


def _check_fake(check: Callable[..., Problem], **tensors: torch.Tensor) -> Problem:
    """``check`` on fake (or meta) ``tensors``, named by their keywords."""
    return check(*(_spec(name, t, False) for name, t in tensors.items()))


#: The Problems of ``_check_real``, by everything the checks read of the
#: tensors: shape, stride, dtype, device and the address modulo
#: POINTER_ALIGNMENT (the checks ask for 16- and 4-byte alignment). Calls on
#: tensors laid out as an earlier call's skip the checks, which cost about
#: 40 us of host time a call (bench/results/notes.md, v30).
_checked_problems: Dict[Tuple[Any, ...], Problem] = {}

#: Distinct layouts kept in _checked_problems before it starts over.
_CHECKED_PROBLEMS_LIMIT = 1024


def _check_real(check: Callable[..., Problem], **tensors: torch.Tensor) -> Problem:
    """``check`` on real ``tensors``, named by their keywords; a failing
    check raises on every call (it is not remembered)."""
    key = (check, *((t.shape, t.stride(), t.dtype, t.device,
                     t.data_ptr() % POINTER_ALIGNMENT) for t in tensors.values()))
    problem = _checked_problems.get(key)
    if problem is None:
        problem = check(*(_spec(name, t, True) for name, t in tensors.items()))
        if len(_checked_problems) >= _CHECKED_PROBLEMS_LIMIT:
            _checked_problems.clear()
        _checked_problems[key] = problem
    return problem


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


#: Tensor types an op's implementation may take directly.
_PLAIN_TENSORS = (torch.Tensor, torch.nn.Parameter)


def _plain_eager_call(args: Tuple[Any, ...]) -> bool:
    """Whether calling an op's implementation on ``args`` does what calling
    the op would: no torch.compile tracing, no dispatch mode, CUDA tensors
    of no subclass (FakeTensor, DTensor, ...; meta tensors take the fake
    implementation), and no autograd to record."""
    if torch.compiler.is_compiling() or _get_current_dispatch_mode() is not None:
        return False
    grad = torch.is_grad_enabled()
    return all(type(a) in _PLAIN_TENSORS and a.is_cuda and not (grad and a.requires_grad)
               for a in args if isinstance(a, torch.Tensor))


class _Op:
    """The custom op ``mggemm::<name>`` on ``impl``, which a call runs
    directly where ``_plain_eager_call`` allows. ``register_fake`` and
    ``register_autograd`` are the op's."""

    def __init__(self, name: str, impl: Callable[..., Any]) -> None:
        self.impl = impl
        self.op = torch.library.custom_op(f"mggemm::{name}", impl, mutates_args=())
        self.register_fake = self.op.register_fake
        self.register_autograd = self.op.register_autograd

    def __call__(self, *args: Any) -> Any:
        return self.impl(*args) if _plain_eager_call(args) else self.op(*args)


def _custom_op(name: str) -> Callable[[Callable[..., Any]], _Op]:
    return lambda impl: _Op(name, impl)


# --------------------------------------------------------------- forward


@_custom_op("grouped_mm")
def _grouped_mm(x: torch.Tensor, w: torch.Tensor, sizes: torch.Tensor) -> torch.Tensor:
    p = _check_real(check_forward, x=x, w=w, sizes=sizes)
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
    p = _check_fake(check_forward, x=x, w=w, sizes=sizes)
    return x.new_empty((p.M, p.N))


# ------------------------------------------------------------ grad input


@_custom_op("grouped_mm_grad_input")
def _grouped_mm_grad_input(dy: torch.Tensor, w: torch.Tensor, sizes: torch.Tensor) -> torch.Tensor:
    p = _check_real(check_grad_input, dy=dy, w=w, sizes=sizes)
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
    p = _check_fake(check_grad_input, dy=dy, w=w, sizes=sizes)
    return dy.new_empty((p.M, p.K))


# ----------------------------------------------------------- grad weight


@_custom_op("grouped_mm_grad_weight")
def _grouped_mm_grad_weight(dy: torch.Tensor, x: torch.Tensor, sizes: torch.Tensor) -> torch.Tensor:
    p = _check_real(check_grad_weight, dy=dy, x=x, sizes=sizes)
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
    p = _check_fake(check_grad_weight, dy=dy, x=x, sizes=sizes)
    return dy.new_empty((p.G, p.N, p.K))


# ----------------------------------------------------------------- fp8


#: Why fast accumulation takes row scales only.
_FAST_ACCUM_ROWS_ONLY = ("block scales change with each 128-wide block of K, so their sums "
                         "are always added up in f32")


def _scaled_kernel_dtype(scale_x: torch.Tensor, fast_accum: bool) -> Dtype:
    """The runtime dtype of a scaled product: block scales are 2-D."""
    if scale_x.dim() == 2:
        if fast_accum:
            raise ValueError(f"fast_accum=True takes row scales: {_FAST_ACCUM_ROWS_ONLY}")
        return Dtype.E4M3_BLOCK
    return Dtype.E4M3_FAST if fast_accum else Dtype.E4M3


@_custom_op("scaled_grouped_mm")
def _scaled_grouped_mm(x: torch.Tensor, w: torch.Tensor, scale_x: torch.Tensor,
                       scale_w: torch.Tensor, sizes: torch.Tensor,
                       fast_accum: bool = False) -> torch.Tensor:
    p = _check_real(check_scaled_forward, x=x, w=w, scale_x=scale_x, scale_w=scale_w,
                    sizes=sizes)
    y = torch.empty((p.M, p.N), dtype=torch.bfloat16, device=x.device)
    if p.M == 0:
        return y
    dtype = _scaled_kernel_dtype(scale_x, fast_accum)
    if dtype == Dtype.E4M3_BLOCK:
        # The kernel reads block scales of x K-block-major, [ceil(K/128), M]:
        # a view of column-major [M, ceil(K/128)] scales, a copy of others.
        scale_x = scale_x.t().contiguous()
    rt = runtime()
    with _on_device(x.device):
        rt.scaled_forward(x.data_ptr(), w.data_ptr(), scale_x.data_ptr(), scale_w.data_ptr(),
                          sizes.data_ptr(), y.data_ptr(), p.M, p.N, p.K, p.G,
                          dtype, _stream(x.device))
    return y


@_scaled_grouped_mm.register_fake
def _scaled_grouped_mm_fake(x: torch.Tensor, w: torch.Tensor, scale_x: torch.Tensor,
                            scale_w: torch.Tensor, sizes: torch.Tensor,
                            fast_accum: bool = False) -> torch.Tensor:
    p = _check_fake(check_scaled_forward, x=x, w=w, scale_x=scale_x, scale_w=scale_w,
                    sizes=sizes)
    _scaled_kernel_dtype(scale_x, fast_accum)
    return x.new_empty((p.M, p.N), dtype=torch.bfloat16)


@_custom_op("scaled_grouped_mm_grad_weight")
def _scaled_grouped_mm_grad_weight(dy_t: torch.Tensor, x_t: torch.Tensor,
                                   scale_dy: torch.Tensor, scale_x: torch.Tensor,
                                   sizes: torch.Tensor, fast_accum: bool = False) -> torch.Tensor:
    p = _check_real(check_scaled_grad_weight, dy_t=dy_t, x_t=x_t, scale_dy=scale_dy,
                    scale_x=scale_x, sizes=sizes)
    if p.M == 0:
        # No tokens: every group is empty (M is a shape: no host sync).
        return torch.zeros((p.G, p.N, p.K), dtype=torch.bfloat16, device=dy_t.device)
    dw = torch.empty((p.G, p.N, p.K), dtype=torch.bfloat16, device=dy_t.device)
    rt = runtime()
    with _on_device(dy_t.device):
        rt.scaled_grad_weight(dy_t.data_ptr(), x_t.data_ptr(), scale_dy.data_ptr(),
                              scale_x.data_ptr(), sizes.data_ptr(), dw.data_ptr(),
                              p.M, p.N, p.K, p.G, Dtype.E4M3_FAST if fast_accum else Dtype.E4M3,
                              _stream(dy_t.device))
    return dw


@_scaled_grouped_mm_grad_weight.register_fake
def _scaled_grouped_mm_grad_weight_fake(dy_t: torch.Tensor, x_t: torch.Tensor,
                                        scale_dy: torch.Tensor, scale_x: torch.Tensor,
                                        sizes: torch.Tensor,
                                        fast_accum: bool = False) -> torch.Tensor:
    p = _check_fake(check_scaled_grad_weight, dy_t=dy_t, x_t=x_t, scale_dy=scale_dy,
                    scale_x=scale_x, sizes=sizes)
    return dy_t.new_empty((p.G, p.N, p.K), dtype=torch.bfloat16)


#: The largest finite float8_e4m3fn value.
FP8_E4M3_MAX = 448.0


def quantize_fp8_rowwise(t: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    """(q, scale) with q float8_e4m3fn and ``q * scale[..., None] ≈ t``: one
    f32 scale per row (the last dimension), amax / 448, so each row uses
    e4m3's whole range. For X [M, K] the scale is [M]; for W [G, N, K] it is
    [G, N] (per output channel): what ``grouped_mm`` takes with fp8 inputs.
    Computed in fp32; an all-zero row gets a tiny scale (amax clamped to
    1e-12) and zeros.

    The fp8 input gradient is the same scaled forward product on the
    transposed weight, ``grouped_mm(quantize(dy), quantize(w.transpose(1,
    2).contiguous()))``, as ``grouped_mm_fp8``'s backward runs it::

        qdy, sdy = quantize_fp8_rowwise(dy)                              # [M, N], [M]
        qwt, swt = quantize_fp8_rowwise(w.transpose(1, 2).contiguous())  # [G, K, N], [G, K]
        dx = grouped_mm(qdy, qwt, sizes, scale_x=sdy, scale_w=swt)       # [M, K] bf16

    (``grouped_mm_fp8``'s backward reuses the forward's fp8 W instead:
    ``_grad_input_fp8_on_row_scaled_w``.) On CUDA tensors, where Triton is
    installed, one tiled kernel does it (``mggemm._quantize_kernels``),
    with the same bits as the torch ops used elsewhere.
    """
    return _quantize_rowwise(t)


def _quantize_rowwise(t: torch.Tensor, sizes: Optional[torch.Tensor] = None,
                      column_scale: Optional[torch.Tensor] = None
                      ) -> Tuple[torch.Tensor, torch.Tensor]:
    """quantize_fp8_rowwise, with ``sizes`` and ``column_scale`` as
    ``_quantize_rowwise_torch`` takes them: the kernel on CUDA where Triton
    is installed, the torch ops elsewhere and for rows of no columns (which
    they reject)."""
    if t.is_cuda and _HAS_TRITON and t.dim() > 0 and t.shape[-1] > 0:
        return _quantize_rowwise_kernel(t, sizes, column_scale)
    return _quantize_rowwise_torch(t, sizes, column_scale)


def _e4m3_scale(amax: torch.Tensor) -> torch.Tensor:
    """The fp8 scale of an f32 amax, max(amax, 1e-12) / 448 (an all-zero
    row or block gets a tiny scale), as every torch quantizer here computes
    it; ``_quantize_kernels._e4m3_scale_of`` gives the same bits."""
    return amax.clamp(min=1e-12) / FP8_E4M3_MAX


def _quantize_rowwise_torch(t: torch.Tensor, sizes: Optional[torch.Tensor] = None,
                            column_scale: Optional[torch.Tensor] = None
                            ) -> Tuple[torch.Tensor, torch.Tensor]:
    """quantize_fp8_rowwise as torch ops; with ``sizes`` [G] and
    ``column_scale`` [G, C], of ``t`` [M, C] (rows sorted by group, the
    sizes summing to M) times each row's group's column scales."""
    t32 = t.float()
    if column_scale is not None:
        group = torch.repeat_interleave(torch.arange(sizes.shape[0], device=t.device), sizes,
                                        output_size=t.shape[0])
        t32 = t32 * column_scale[group]
    scale = _e4m3_scale(t32.abs().amax(dim=-1))
    q = (t32 / scale.unsqueeze(-1)).clamp(-FP8_E4M3_MAX, FP8_E4M3_MAX)
    return q.to(torch.float8_e4m3fn).contiguous(), scale.contiguous()


def quantize_fp8_blockwise(t: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    """(q, scale) with q float8_e4m3fn and block-wise f32 scales (the
    DeepGEMM convention), amax / 448 per block:

    - X [M, K]: a scale per 1 x 128 block, [M, ceil(K/128)], returned
      column-major (stride (1, M)), the layout ``grouped_mm`` reads without
      a copy and ``torch.nn.functional.scaled_mm`` takes for BlockWise1x128;
    - W [G, N, K]: a scale per 128 x 128 block, [G, ceil(N/128), ceil(K/128)].

    A partial last block takes the amax of the elements it has. An all-zero
    block gets a tiny scale (amax clamped to 1e-12) and zeros. On CUDA
    tensors, where Triton is installed, one kernel does it in a pass over
    ``t`` (``mggemm._quantize_kernels``), with the bits of the torch ops
    used elsewhere.
    """
    if t.dim() not in (2, 3):
        raise ValueError(f"quantize_fp8_blockwise takes X [M, K] or W [G, N, K], "
                         f"got {t.dim()}-D shape {tuple(t.shape)}")
    if t.is_cuda and _HAS_TRITON and t.numel() > 0:
        q, scale = _quantize_blockwise_kernel(t)
        return (q, scale.t()) if t.dim() == 2 else (q, scale)  # X's: [M, KB] column-major
    return _quantize_blockwise_torch(t)


def _quantize_blockwise_torch(t: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    """quantize_fp8_blockwise as torch ops."""
    b = SCALE_BLOCK
    rows = 1 if t.dim() == 2 else b
    *lead, n, k = t.shape
    nb, kb = -(-n // rows), -(-k // b)
    t32 = torch.nn.functional.pad(t.float(), (0, kb * b - k, 0, nb * rows - n))
    blocks = t32.reshape(*lead, nb, rows, kb, b)
    scale = _e4m3_scale(blocks.abs().amax(dim=(-3, -1)))  # [..., nb, kb]
    q = (blocks / scale[..., :, None, :, None]).clamp(-FP8_E4M3_MAX, FP8_E4M3_MAX)
    q = q.reshape(*lead, nb * rows, kb * b)[..., :n, :k]
    q = q.to(torch.float8_e4m3fn).contiguous()
    if t.dim() == 2:
        return q, scale.t().contiguous().t()  # [M, KB], column-major
    return q, scale.contiguous()


#: Rows of the pieces _grouped_column_amax reduces densely.
_AMAX_PIECE_ROWS = 128


def _grouped_column_amax(t: torch.Tensor, sizes: torch.Tensor) -> torch.Tensor:
    """f32 [G, C]: the largest |t| of each column within each group's rows
    (``t`` [M, C] with rows sorted by group; an empty group's are 0).

    The rows are cut at every multiple of _AMAX_PIECE_ROWS and at every
    group boundary into at most ceil(M / 128) + G pieces, each inside one
    group; ``segment_reduce`` takes each piece's column maxima (one pass
    over ``t``, many short segments), and a scatter of those few rows
    gives each group's. One scatter of all M x C elements, atomic maxima
    onto G x C places, took 1.6-1.8 ms for 16,384 rows, 8x the fp8 GEMM
    (bench/results/notes.md, v22). All on the device, no host read."""
    m, c = t.shape
    g = sizes.shape[0]
    amax = torch.zeros((g, c), dtype=torch.float32, device=t.device)
    if m == 0:
        return amax
    chunk_starts = torch.arange(0, m, _AMAX_PIECE_ROWS, device=t.device)
    group_ends = torch.cumsum(sizes.to(torch.int64).clamp(min=0), 0).clamp(max=m)
    cuts = torch.sort(torch.cat([chunk_starts, group_ends])).values  # cuts[0] = 0
    lengths = torch.diff(cuts, append=cuts.new_full((1,), m))
    # A piece's group: the first whose end lies past its first row (sizes
    # adding up to less than M leave the last rows to the last group).
    piece_group = torch.searchsorted(group_ends, cuts, right=True).clamp(max=g - 1)
    piece_max = torch.segment_reduce(t.abs(), "max", lengths=lengths, axis=0, unsafe=True,
                                     initial=0)
    return amax.scatter_reduce_(0, piece_group.unsqueeze(1).expand(-1, c), piece_max.float(),
                                "amax")


def quantize_fp8_grouped_columns(
    t: torch.Tensor, sizes: torch.Tensor
) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(q_t, scale, sizes_padded): the operands of the fp8 weight gradient.
    ``t`` is [M, C] (dy [M, N] or x [M, K], bf16/f16/f32) with rows sorted
    by group, ``sizes`` int32 [G] on its device, summing to M (not checked:
    that would read them on the host).

    - q_t: float8_e4m3fn [C, Mp], ``t`` transposed (contiguous, as fp8 wgmma
      reads it K-major, here along M), each group padded with zero columns
      to a multiple of 128 (FP8_GROUP_ALIGNMENT): group g's rows are columns
      ``P_g .. P_g + sizes[g] - 1``, P_g the sum of the padded sizes before
      it. Mp = M + 127 min(G, M), rounded up to 128, covers any sizes; the
      columns past the last group are zeros too;
    - scale: f32 [G, C], amax / 448 of each column within each group, so
      ``q_t[c, P_g + i] * scale[g, c] ≈ t[r, c]`` for the i-th row r of
      group g;
    - sizes_padded: int32 [G], each size (negative ones as 0) rounded up to
      a multiple of 128: the sizes of q_t's groups.

    With every group starting on a multiple of 128 columns, the weight
    gradient kernel has no columns of other groups to mask, and no k-block
    starts before its group: on imbalanced splits it ran 8-12% faster than
    on the packed layout, where each group started right after the last
    (bench/results/notes.md, v27). The price is Mp - M columns more.

    Computed in fp32 on the device, without reading ``sizes`` on the host or
    synchronizing; like ``quantize_fp8_rowwise``, an all-zero column of a
    group (an empty group's, say) gets a tiny scale (amax clamped to 1e-12)
    and zeros. On CUDA tensors, where Triton is installed, two tiled kernels
    do the work (``mggemm._quantize_kernels``: the amax, then the scaled cast
    written transposed); elsewhere torch ops, with the same bits. Feed both
    results to ``scaled_grouped_mm_grad_weight``::

        qdy_t, sdy, padded = quantize_fp8_grouped_columns(dy, sizes)  # [N, Mp], [G, N]
        qx_t, sx, _ = quantize_fp8_grouped_columns(x, sizes)          # [K, Mp], [G, K]
        dw = scaled_grouped_mm_grad_weight(qdy_t, qx_t, sdy, sx, padded)
    """
    if t.dim() != 2:
        raise ValueError(f"quantize_fp8_grouped_columns takes t [M, C] (rows sorted by group), "
                         f"got {t.dim()}-D shape {tuple(t.shape)}: flatten leading dimensions "
                         f"with t.reshape(-1, t.shape[-1])")
    if sizes.dim() != 1:
        raise ValueError(f"sizes must be 1-D [G] with one row count per group, got shape "
                         f"{tuple(sizes.shape)}: use sizes.reshape(-1)")
    if sizes.device != t.device:
        raise ValueError(f"sizes is on {sizes.device} but must be on {t.device} with t: use "
                         f"sizes.to(t.device)")
    m, g = t.shape[0], sizes.shape[0]
    if g == 0 and m != 0:
        raise ValueError(f"there are no groups (G=0) but t has M={m} rows: every row must "
                         f"belong to a group")
    return _quantize_grouped_columns(t, sizes)[:3]


#: Where the fp8 weight gradient's operands start each group (columns of
#: dYᵀ and Xᵀ): its k-block, so that no k-block holds two groups.
FP8_GROUP_ALIGNMENT = 128


def _grouped_columns_width(m: int, g: int) -> int:
    """Mp of quantize_fp8_grouped_columns: room for G groups of sizes
    summing to M, each padded to FP8_GROUP_ALIGNMENT (at most
    FP8_GROUP_ALIGNMENT - 1 more columns for each non-empty one), rounded up
    to a multiple of it, so that in every row a k-block starts on a 128-byte
    line (TMA boxes off them ran slower, bench/results/notes.md, v21)."""
    width = m + (FP8_GROUP_ALIGNMENT - 1) * min(g, m)
    return -(-width // FP8_GROUP_ALIGNMENT) * FP8_GROUP_ALIGNMENT


def _padded_layout(sizes: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    """On sizes' device: int32 [4, G], rows each group's size (negative
    ones as 0), start and end in ``t`` and end in the padded layout of
    quantize_fp8_grouped_columns; and int32 [G], its size there. Sums
    saturate at 2^31 - 1. As torch ops (``_quantize_kernels.padded_layout``
    is one Triton kernel)."""
    limit = 2**31 - 1
    size = sizes.to(torch.int64).clamp(min=0, max=limit)
    ends = torch.cumsum(size, 0)
    padded = -(-size // FP8_GROUP_ALIGNMENT) * FP8_GROUP_ALIGNMENT
    rows = torch.stack([size, ends - size, ends, torch.cumsum(padded, 0)])
    return rows.clamp(max=limit).to(torch.int32), padded.clamp(max=limit).to(torch.int32)


def _padded_sources_torch(layout: Tuple[torch.Tensor, torch.Tensor], m: int,
                          mp: int) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """For each of the mp columns of the padded layout (``_padded_layout``'s
    result): the row of ``t`` it holds (0 where none), whether it holds one,
    and its group."""
    (size, starts, _, padded_ends), padded = layout
    column = torch.arange(mp, device=padded.device, dtype=torch.int32)
    group = torch.searchsorted(padded_ends, column, right=True).clamp(max=padded.shape[0] - 1)
    offset = column - (padded_ends - padded)[group]
    row = starts[group] + offset
    holds = (offset < size[group]) & (row < m)
    return torch.where(holds, row, 0).long(), holds, group


def _quantize_grouped_columns(
    t: torch.Tensor, sizes: torch.Tensor, row_scale: Optional[torch.Tensor] = None,
    also: Optional[torch.Tensor] = None
) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """quantize_fp8_grouped_columns (unchecked) of ``t * row_scale[:, None]``
    where ``row_scale`` [M] f32 is given, and a fourth result: fp8 ``also``
    [M, C'] (rows grouped as t's) transposed into the same padded layout,
    [C', Mp], where given, else [0, Mp]. With Triton's kernels on CUDA
    tensors where Triton is installed (the group layout computed once for
    both), with torch ops elsewhere."""
    mp = _grouped_columns_width(t.shape[0], sizes.shape[0])
    if t.is_cuda and _HAS_TRITON:
        return _quantize_grouped_columns_kernels(t, sizes, mp, row_scale, also)
    return _quantize_grouped_columns_torch(t, sizes, mp, row_scale, also)


def _quantize_grouped_columns_torch(
    t: torch.Tensor, sizes: torch.Tensor, mp: int, row_scale: Optional[torch.Tensor] = None,
    also: Optional[torch.Tensor] = None
) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """_quantize_grouped_columns as torch ops: the CPU path, and CUDA's
    where Triton is missing."""
    t32 = t.float() if row_scale is None else t.float() * row_scale[:, None]
    scale = _e4m3_scale(_grouped_column_amax(t32, sizes))
    layout = _padded_layout(sizes)
    row, holds, group = _padded_sources_torch(layout, t.shape[0], mp)
    sizes_padded = layout[1]
    if also is None:
        also_t = torch.empty((0, mp), dtype=torch.float8_e4m3fn, device=t.device)
    elif t.shape[0] == 0:
        also_t = also.new_zeros((also.shape[1], mp))
    else:  # each padded column's row of also, zeros where it holds none
        also_t = torch.where(holds[:, None], also.view(torch.uint8)[row], 0)
        also_t = also_t.t().contiguous().view(also.dtype)
    if t.shape[0] == 0:
        q_t = torch.zeros((t.shape[1], mp), dtype=torch.float8_e4m3fn, device=t.device)
        return q_t, scale, sizes_padded, also_t
    q = (t32[row] / scale[group]).clamp(-FP8_E4M3_MAX, FP8_E4M3_MAX)
    q = torch.where(holds[:, None], q, 0.0)
    return q.t().contiguous().to(torch.float8_e4m3fn), scale, sizes_padded, also_t


def _transpose_fp8(q: torch.Tensor) -> torch.Tensor:
    """fp8 ``q`` [G, N, K] transposed to [G, K, N], contiguous: a Triton
    kernel on CUDA where Triton is installed, a torch copy elsewhere."""
    if q.is_cuda and _HAS_TRITON:
        return _transpose_fp8_kernel(q)
    return q.transpose(-2, -1).contiguous()


@_custom_op("quantize_fp8_grouped_columns")
def _quantize_grouped_columns_kernels(
    t: torch.Tensor, sizes: torch.Tensor, mp: int, row_scale: Optional[torch.Tensor],
    also: Optional[torch.Tensor]
) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    from ._quantize_kernels import quantize_grouped_columns

    return quantize_grouped_columns(t, sizes, mp, row_scale, also)


@_quantize_grouped_columns_kernels.register_fake
def _quantize_grouped_columns_kernels_fake(
    t: torch.Tensor, sizes: torch.Tensor, mp: int, row_scale: Optional[torch.Tensor],
    also: Optional[torch.Tensor]
) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    return (t.new_empty((t.shape[1], mp), dtype=torch.float8_e4m3fn),
            t.new_empty((sizes.shape[0], t.shape[1]), dtype=torch.float32),
            sizes.new_empty((sizes.shape[0],), dtype=torch.int32),
            t.new_empty((0 if also is None else also.shape[1], mp), dtype=torch.float8_e4m3fn))


@_custom_op("transpose_fp8")
def _transpose_fp8_kernel(q: torch.Tensor) -> torch.Tensor:
    from ._quantize_kernels import transpose

    return transpose(q)


@_transpose_fp8_kernel.register_fake
def _transpose_fp8_kernel_fake(q: torch.Tensor) -> torch.Tensor:
    return q.new_empty((*q.shape[:-2], q.shape[-1], q.shape[-2]))


@_custom_op("quantize_fp8_blockwise")
def _quantize_blockwise_kernel(t: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    from ._quantize_kernels import quantize_blockwise

    return quantize_blockwise(t, SCALE_BLOCK)


@_quantize_blockwise_kernel.register_fake
def _quantize_blockwise_kernel_fake(t: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    *lead, n, k = t.shape
    kb = -(-k // SCALE_BLOCK)
    blocks = (kb, n) if t.dim() == 2 else (*lead, -(-n // SCALE_BLOCK), kb)
    return (t.new_empty(t.shape, dtype=torch.float8_e4m3fn),
            t.new_empty(blocks, dtype=torch.float32))


@_custom_op("quantize_fp8_rowwise")
def _quantize_rowwise_kernel(t: torch.Tensor, sizes: Optional[torch.Tensor],
                             column_scale: Optional[torch.Tensor]
                             ) -> Tuple[torch.Tensor, torch.Tensor]:
    from ._quantize_kernels import quantize_rowwise

    return quantize_rowwise(t, sizes, column_scale)


@_quantize_rowwise_kernel.register_fake
def _quantize_rowwise_kernel_fake(t: torch.Tensor, sizes: Optional[torch.Tensor],
                                  column_scale: Optional[torch.Tensor]
                                  ) -> Tuple[torch.Tensor, torch.Tensor]:
    return (t.new_empty(t.shape, dtype=torch.float8_e4m3fn),
            t.new_empty(t.shape[:-1], dtype=torch.float32))


_QUANTIZERS: Dict[str, Callable[..., Tuple[torch.Tensor, ...]]] = {
    "row": _quantize_rowwise_torch,
    "block": _quantize_blockwise_torch,
}
_fused_quantizers: Dict[str, Callable[..., Tuple[torch.Tensor, ...]]] = {}


def _quantize_fused(t: torch.Tensor, scaling: str) -> Tuple[torch.Tensor, ...]:
    """quantize_fp8_rowwise or quantize_fp8_blockwise (``scaling`` "row" or
    "block"): on CUDA where Triton is installed our kernels; otherwise
    generated kernels (amax, scale, cast, fused by torch.compile), compiled
    on first use for dynamic shapes. Eager ops cost more than the fp8 GEMM
    saves at small expert shapes."""
    if t.is_cuda and _HAS_TRITON:
        return quantize_fp8_rowwise(t) if scaling == "row" else quantize_fp8_blockwise(t)
    if scaling not in _fused_quantizers:
        _fused_quantizers[scaling] = torch.compile(_QUANTIZERS[scaling], dynamic=True)
    return _fused_quantizers[scaling](t)


class _Fp8GroupedMm(torch.autograd.Function):
    """Y = X W[g]ᵀ through fp8: X and W quantized on the way in, per row or
    per block. The input gradient is the same fp8 product on dY and Wᵀ
    [G, K, N] (fp8 wgmma reads both operands K-major), on the forward's fp8
    weight, kept for it: with row scales transposed with dY times W's
    scales (``_grad_input_fp8_on_row_scaled_w``); 128 x 128 blocks are the
    same blocks transposed, with their scales. The weight gradient runs in
    bf16, or with ``fp8_grad_weight`` in fp8: with row scales on the
    forward's fp8 X, transposed, and dY times X's row scales quantized per
    group and column
    (``_grad_weight_fp8_on_row_scaled_x``); with block scales as
    ``grouped_mm_grad_weight_fp8`` (dY and X quantized per group and
    column). ``fast_accum`` (row scales) applies to every fp8 product."""

    @staticmethod
    def forward(ctx, x: torch.Tensor, w: torch.Tensor,  # type: ignore[override]
                sizes: torch.Tensor, scaling: str, fast_accum: bool,
                fp8_grad_weight: bool) -> torch.Tensor:
        qx, sx = _quantize_fused(x, scaling)
        qw, sw = _quantize_fused(w, scaling)
        ctx.scaling = scaling
        ctx.fast_accum = fast_accum
        ctx.fp8_grad_weight = fp8_grad_weight
        ctx.x_dtype, ctx.w_dtype = x.dtype, w.dtype
        # The row-scaled fp8 dW reads the forward's fp8 X: keep it (half of
        # x's bytes) instead of x.
        reuse_qx = fp8_grad_weight and scaling == "row"
        ctx.save_for_backward(qx if reuse_qx else x, sx if reuse_qx else None, qw, sw, sizes)
        return _scaled_grouped_mm(qx, qw, sx, sw, sizes, fast_accum)

    @staticmethod
    def backward(ctx, dy: torch.Tensor):  # type: ignore[override]
        x, sx, qw, sw, sizes = ctx.saved_tensors  # x is the fp8 X where sx is kept
        dy = dy.contiguous()
        dx = dw = None
        if ctx.needs_input_grad[0]:
            if ctx.scaling == "row":
                dx = _grad_input_fp8_on_row_scaled_w(dy, qw, sw, sizes, ctx.fast_accum)
            else:
                qdy, sdy = _quantize_fused(dy, "block")
                dx = _scaled_grouped_mm(qdy, _transpose_fp8(qw), sdy,
                                        sw.transpose(1, 2).contiguous(), sizes, ctx.fast_accum)
            dx = dx.to(ctx.x_dtype)
        if ctx.needs_input_grad[1]:
            if sx is not None:
                dw = _grad_weight_fp8_on_row_scaled_x(dy, x, sx, sizes, ctx.fast_accum)
            elif ctx.fp8_grad_weight:
                dw = grouped_mm_grad_weight_fp8(dy, x, sizes, fast_accum=ctx.fast_accum)
            else:
                dw = _grouped_mm_grad_weight(dy.to(x.dtype), x, sizes)
            dw = dw.to(ctx.w_dtype)
        return dx, dw, None, None, None, None


_FP8_TRAINING_X_DTYPES = (torch.bfloat16, torch.float16)
_FP8_TRAINING_W_DTYPES = (torch.bfloat16, torch.float16, torch.float32)


def grouped_mm_fp8(x: torch.Tensor, w: torch.Tensor, sizes: torch.Tensor,
                   scaling: str = "row", *, fast_accum: bool = False,
                   fp8_grad_weight: bool = False) -> torch.Tensor:
    """``grouped_mm`` for x [M, K] (bf16 or f16) and w [G, N, K] computed in
    fp8 (differentiable; w bf16, f16 or f32: f32 master weights are
    quantized as they are, without a bf16 copy; each gradient comes back in
    its input's dtype): forward and input gradient quantize their operands to
    float8_e4m3fn and run the scaled fp8 kernels; the weight gradient stays
    bf16 unless ``fp8_grad_weight=True``, which computes it in fp8 too (with
    row scaling on the forward's fp8 X, with block scaling as
    ``grouped_mm_grad_weight_fp8``). ``scaling`` "row" scales each row
    (``quantize_fp8_rowwise``), "block" each 1 x 128 block of x and dY and
    each 128 x 128 block of w (``quantize_fp8_blockwise``; DeepSeek-V3's
    recipe). ``fast_accum=True`` (row scaling only) runs every fp8 product
    summing in the tensor cores over the whole reduction, as
    ``grouped_mm(..., fast_accum=True)``: faster, less precise. Returns bf16
    Y [M, N]."""
    if scaling not in ("row", "block"):
        raise ValueError(f"scaling must be 'row' or 'block', got {scaling!r}")
    if fast_accum and scaling != "row":
        raise ValueError(f"fast_accum=True takes scaling='row': {_FAST_ACCUM_ROWS_ONLY}")
    if x.dtype not in _FP8_TRAINING_X_DTYPES or w.dtype not in _FP8_TRAINING_W_DTYPES:
        raise TypeError(f"grouped_mm_fp8 takes x in bfloat16 or float16 and w in bfloat16, "
                        f"float16 or float32, got x {x.dtype} and w {w.dtype}")
    return _Fp8GroupedMm.apply(x, w, sizes, scaling, fast_accum, fp8_grad_weight)


def scaled_grouped_mm_grad_weight(dy_t: torch.Tensor, x_t: torch.Tensor,
                                  scale_dy: torch.Tensor, scale_x: torch.Tensor,
                                  sizes: torch.Tensor, *,
                                  fast_accum: bool = False) -> torch.Tensor:
    """The fp8 weight gradient, bf16 dW [G, N, K] with
    ``dW[g, n, k] = scale_dy[g, n] scale_x[g, k] Σ_r dy_t[n, r] x_t[k, r]``
    over group g's columns r, zeros for an empty group. The operands come
    transposed, as ``quantize_fp8_grouped_columns`` returns them: float8_e4m3fn
    dy_t [N, M] and x_t [K, M], f32 scales [G, N] and [G, K] (one per group and
    column of dY and X), int32 ``sizes`` [G] summing to M, a multiple of 16
    (the padded sizes); K a multiple of 8. Each 128 columns' sums are
    added in f32; ``fast_accum=True`` sums in the tensor cores over the whole
    group instead (faster, less precise). Not differentiable."""
    return _scaled_grouped_mm_grad_weight(dy_t, x_t, scale_dy, scale_x, sizes, fast_accum)


def grouped_mm_grad_weight_fp8(dy: torch.Tensor, x: torch.Tensor, sizes: torch.Tensor, *,
                               fast_accum: bool = False) -> torch.Tensor:
    """``grouped_mm_grad_weight`` computed in fp8: dy [M, N] and x [M, K]
    quantized per group and column (``quantize_fp8_grouped_columns``), then
    ``scaled_grouped_mm_grad_weight``. Returns dW [G, N, K] in dy's dtype, zeros
    for an empty group."""
    qdy_t, sdy, padded = quantize_fp8_grouped_columns(dy, sizes)
    qx_t, sx, _ = quantize_fp8_grouped_columns(x, sizes)
    dw = _scaled_grouped_mm_grad_weight(qdy_t, qx_t, sdy, sx, padded, fast_accum)
    return dw.to(dy.dtype)


def _grad_weight_fp8_on_row_scaled_x(dy: torch.Tensor, qx: torch.Tensor, sx: torch.Tensor,
                                     sizes: torch.Tensor, fast_accum: bool) -> torch.Tensor:
    """The fp8 weight gradient on X as the row-scaled forward quantized it
    (``qx`` [M, K] e4m3, ``sx`` [M]): ``X[r] ≈ sx[r] qx[r]``, so
    ``dW[g] = Σ_r (sx[r] dY[r])ᵀ qx[r]``. ``sx`` moves into dY before dY is
    quantized per group and column, and X's side is ``qx`` transposed with
    unit scales: a byte transpose instead of a second quantization of X
    (bench/results/notes.md, v23), in the same op as dY's, on one group
    layout (v30)."""
    qdy_t, sdy, padded, qx_t = _quantize_grouped_columns(dy, sizes, row_scale=sx, also=qx)
    unit = torch.ones((sizes.shape[0], qx.shape[1]), dtype=torch.float32, device=qx.device)
    return _scaled_grouped_mm_grad_weight(qdy_t, qx_t, sdy, unit, padded, fast_accum)


def _grad_input_fp8_on_row_scaled_w(dy: torch.Tensor, qw: torch.Tensor, sw: torch.Tensor,
                                    sizes: torch.Tensor, fast_accum: bool) -> torch.Tensor:
    """The fp8 input gradient on W as the row-scaled forward quantized it
    (``qw`` [G, N, K] e4m3, ``sw`` [G, N]): ``W[g, n] ≈ sw[g, n] qw[g, n]``,
    so ``dX_g = (dY_g sw[g]) qw[g]``. ``sw`` moves into dY's columns before
    dY is quantized per row, and W's side is ``qw`` transposed to [G, K, N]
    with unit scales: a byte transpose instead of a second quantization of
    W (bench/results/notes.md, v25)."""
    qdy, sdy = _quantize_rowwise(dy, sizes, sw)
    qwt = _transpose_fp8(qw)
    unit = torch.ones((qw.shape[0], qw.shape[2]), dtype=torch.float32, device=qw.device)
    return _scaled_grouped_mm(qdy, qwt, sdy, unit, sizes, fast_accum)


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


def grouped_mm(x: torch.Tensor, w: torch.Tensor, sizes: torch.Tensor, *,
               scale_x: Optional[torch.Tensor] = None,
               scale_w: Optional[torch.Tensor] = None,
               fast_accum: bool = False) -> torch.Tensor:
    """Y[M, N] with Y_g = X_g · W[g]ᵀ for each group g (differentiable).

    x: [M, K] rows sorted by group; w: [G, N, K] (stacked nn.Linear
    weights); sizes: int32 [G] on the same CUDA device, summing to M.
    Same result as ``torch._grouped_mm(x, w.transpose(-2, -1),
    offs=torch.cumsum(sizes, 0, dtype=torch.int32))``.

    fp8: with float8_e4m3fn x and w, pass their row scales ``scale_x`` [M]
    and ``scale_w`` [G, N] (f32, e.g. from ``quantize_fp8_rowwise``); the
    result is bf16 ``Y[r, n] = scale_x[r] scale_w[g, n] Σ_k x[r, k] w[g, n, k]``,
    as ``torch._scaled_grouped_mm(x, w.transpose(-2, -1), scale_x, scale_w,
    offs=..., out_dtype=torch.bfloat16)``. Or block scales (DeepGEMM's
    convention, from ``quantize_fp8_blockwise``): ``scale_x`` [M,
    ceil(K/128)], one per 1 x 128 block of x (column-major is read in place,
    other layouts are copied), and ``scale_w`` [G, ceil(N/128),
    ceil(K/128)], one per 128 x 128 block of w; each 128-wide K block's
    partial sums are scaled in f32 as they are added. The tensor cores sum
    each 128-wide block of K and the kernel adds those sums in f32;
    ``fast_accum=True`` (row scales only) sums in the tensor cores over all
    of K instead, as torch's ``use_fast_accum=True``: about 10% faster, but
    their running sum keeps about 14 bits, so products that do not cancel
    lose precision as K grows (7-23% off on nonnegative operands with K of
    4096-14336, bench/results/notes.md v18). Not differentiable (see
    ``grouped_mm_fp8`` for training in fp8); the fp8 input gradient is this
    product on the quantized ``dy`` and ``w.transpose(1, 2).contiguous()``
    (``[G, K, N]``, scales ``[G, K]``), see ``quantize_fp8_rowwise``.
    Scales with bf16/f16 inputs, fp8 inputs without both scales, and
    fast_accum without scales raise.
    """
    if scale_x is None and scale_w is None:
        if fast_accum:
            raise ValueError("fast_accum applies to the scaled fp8 product: pass scale_x "
                             "and scale_w (bf16/f16 products sum in f32)")
        return _grouped_mm(x, w, sizes)
    if scale_x is None or scale_w is None:
        raise ValueError(
            "grouped_mm takes both scale_x and scale_w (fp8 inputs) or neither "
            f"(bf16/f16 inputs); got only {'scale_x' if scale_w is None else 'scale_w'}"
        )
    return _scaled_grouped_mm(x, w, scale_x, scale_w, sizes, fast_accum)


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
