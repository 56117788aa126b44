"""Triton kernels for ``quantize_fp8_grouped_columns`` on CUDA tensors: the
per-group column amax, then the scaled cast written transposed, each one
tiled pass over ``t``.

The fp8 weight gradient reads both operands K-major, which for dW is along
M: ``t`` [M, C] must come out as fp8 [C, Mp]. As torch ops, even compiled,
the amax, the per-row scale gather and the transpose ran at about a third
of these kernels' speed (bench/results/notes.md, v23). Here each program loads a tile of
rows x columns along C, scales and casts it in registers, and stores it
along M, so both sides are coalesced; each row's group comes from a binary
search of the group ends inside the kernels.

Imported only where a CUDA tensor is quantized and Triton is installed
(``ops._quantize_grouped_columns_kernels``, a custom op); elsewhere the
torch ops run.
"""

import torch
import triton
import triton.language as tl

from .ops import FP8_E4M3_MAX, _on_device

#: FP8_E4M3_MAX as the kernels see it.
_E4M3_MAX = tl.constexpr(FP8_E4M3_MAX)

# Tile sizes (rows, columns): bench/results/notes.md, v23.
_AMAX_ROWS, _AMAX_COLUMNS = 256, 64
_CAST_ROWS, _CAST_COLUMNS = 32, 64


@triton.jit
def _row_groups(ends_ptr, rows, g, LOG_G: tl.constexpr):
    """Each row's group: how many group ends (sorted, ``g`` of them) lie at
    or before it, found by binary lifting over 2^LOG_G >= g places; rows
    past the last end belong to the last group."""
    found = tl.zeros_like(rows)
    for i in tl.static_range(LOG_G):
        candidate = found + (1 << (LOG_G - 1 - i))
        end = tl.load(ends_ptr + candidate - 1, mask=candidate <= g, other=2**31 - 1)
        found = tl.where(end <= rows, candidate, found)
    return tl.minimum(found, g - 1)


@triton.jit
def _grouped_column_amax_kernel(t_ptr, ends_ptr, amax_ptr, m, c, g, stride_t,
                                LOG_G: tl.constexpr, BLOCK_R: tl.constexpr,
                                BLOCK_C: tl.constexpr):
    """amax[g, col] = max |t[row, col]| over the rows of group g in this
    tile, merged into ``amax`` (zeros on entry) with atomic maxima: one per
    column and group present (rows are sorted by group)."""
    rows = tl.program_id(0) * BLOCK_R + tl.arange(0, BLOCK_R)
    cols = tl.program_id(1) * BLOCK_C + tl.arange(0, BLOCK_C)
    row_ok = rows < m
    col_ok = cols < c
    offsets = rows.to(tl.int64)[:, None] * stride_t + cols[None, :]
    a = tl.load(t_ptr + offsets, mask=row_ok[:, None] & col_ok[None, :], other=0.0)
    a = tl.abs(a.to(tl.float32))
    group = _row_groups(ends_ptr, rows, g, LOG_G)
    first = tl.min(tl.where(row_ok, group, g))
    last = tl.max(tl.where(row_ok, group, -1))
    for k in range(first, last + 1):
        col_max = tl.max(tl.where((group == k)[:, None], a, 0.0), axis=0)
        tl.atomic_max(amax_ptr + k * c + cols, col_max, mask=col_ok)


@triton.jit
def _scaled_cast_transpose_kernel(t_ptr, ends_ptr, scale_ptr, q_ptr, m, c, g, mp, stride_t,
                                  LOG_G: tl.constexpr, BLOCK_R: tl.constexpr,
                                  BLOCK_C: tl.constexpr):
    """q[col, row] = fp8(clamp(t[row, col] / scale[group(row), col])) for
    rows < Mp (rows past M are zeros); a tile can straddle groups, so each
    row's scales are gathered from its group's. The division rounds to
    nearest, as torch's does."""
    rows = tl.program_id(0) * BLOCK_R + tl.arange(0, BLOCK_R)
    cols = tl.program_id(1) * BLOCK_C + tl.arange(0, BLOCK_C)
    col_ok = cols < c
    offsets = rows.to(tl.int64)[:, None] * stride_t + cols[None, :]
    a = tl.load(t_ptr + offsets, mask=(rows < m)[:, None] & col_ok[None, :], other=0.0)
    group = _row_groups(ends_ptr, rows, g, LOG_G)
    scale = tl.load(scale_ptr + group[:, None] * c + cols[None, :], mask=col_ok[None, :],
                    other=1.0)
    q = tl.clamp(tl.div_rn(a.to(tl.float32), scale), -_E4M3_MAX, _E4M3_MAX)
    q_offsets = cols.to(tl.int64)[None, :] * mp + rows[:, None]
    tl.store(q_ptr + q_offsets, q.to(q_ptr.dtype.element_ty),
             mask=(rows < mp)[:, None] & col_ok[None, :])


def quantize_grouped_columns(t: torch.Tensor, sizes: torch.Tensor,
                             mp: int) -> tuple[torch.Tensor, torch.Tensor]:
    """(q_t [C, mp], scale [G, C]) of ``quantize_fp8_grouped_columns``
    (which checks the arguments) with the kernels above: bit-equal to its
    torch ops (tests/test_gpu_fp8.py)."""
    (m, c), g = t.shape, sizes.shape[0]
    amax = torch.zeros((g, c), dtype=torch.float32, device=t.device)
    q_t = torch.empty((c, mp), dtype=torch.float8_e4m3fn, device=t.device)
    if m == 0:
        return q_t, amax.clamp_(min=1e-12).div_(FP8_E4M3_MAX)
    t = t if t.stride(1) == 1 else t.contiguous()
    ends = torch.cumsum(sizes.clamp(min=0), 0, dtype=torch.int32)
    log_g = (g - 1).bit_length()
    with _on_device(t.device):
        grid = (triton.cdiv(m, _AMAX_ROWS), triton.cdiv(c, _AMAX_COLUMNS))
        _grouped_column_amax_kernel[grid](t, ends, amax, m, c, g, t.stride(0), LOG_G=log_g,
                                          BLOCK_R=_AMAX_ROWS, BLOCK_C=_AMAX_COLUMNS)
        scale = amax.clamp_(min=1e-12).div_(FP8_E4M3_MAX)  # as the torch ops compute it
        grid = (triton.cdiv(mp, _CAST_ROWS), triton.cdiv(c, _CAST_COLUMNS))
        _scaled_cast_transpose_kernel[grid](t, ends, scale, q_t, m, c, g, mp, t.stride(0),
                                            LOG_G=log_g, BLOCK_R=_CAST_ROWS,
                                            BLOCK_C=_CAST_COLUMNS)
    return q_t, scale
