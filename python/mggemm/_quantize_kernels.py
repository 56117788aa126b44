"""Triton kernels of the fp8 quantizers on CUDA tensors: for the fp8
weight gradient's operands, ``quantize_fp8_grouped_columns``'s per-group
column amax and scaled cast stored transposed (each one tiled pass over
``t``, optionally times a scale per row, each group padded to 128 columns),
optionally with a byte transpose of another fp8 [M, C'] into that layout
on the same group layout; a byte transpose of an fp8 [G, N, K] to [G, K, N];
``quantize_fp8_rowwise``'s
row kernel, optionally times per-group column scales; and
``quantize_fp8_blockwise``'s block kernel.

The fp8 weight gradient reads both operands K-major, which for dW is along
M: ``t`` [M, C] must come out as fp8 [C, Mp]. As torch ops, even compiled,
the amax, the per-row scale gather and the transpose ran at about a third
of these kernels' speed (bench/results/notes.md, v23). Here each program
loads a tile of rows x columns along C, scales and casts it in registers,
and stores it along M, so both sides are coalesced; each row's group
comes from a binary search of the group ends inside the kernels.

Imported only where a CUDA tensor is quantized and Triton is installed
(by the custom ops ``ops._quantize_grouped_columns_kernels``,
``ops._transpose_fp8_kernel``,
``ops._quantize_rowwise_kernel`` and
``ops._quantize_blockwise_kernel``); elsewhere the torch ops run.
"""

from typing import Optional

import torch
import triton
import triton.language as tl

from .ops import FP8_E4M3_MAX, FP8_GROUP_ALIGNMENT, _e4m3_scale, _on_device

#: FP8_E4M3_MAX as the kernels see it, and its reciprocal: torch on CUDA
#: divides a tensor by a Python scalar as a product with the scalar's
#: reciprocal, so the row kernels compute amax / 448 that way for the same
#: scale bits.
_E4M3_MAX = tl.constexpr(FP8_E4M3_MAX)
_E4M3_MAX_RECIPROCAL = tl.constexpr(1.0 / FP8_E4M3_MAX)

# Tile sizes (rows, columns): bench/results/notes.md, v23.
_AMAX_ROWS, _AMAX_COLUMNS = 256, 64
_CAST_ROWS, _CAST_COLUMNS = 32, 64
_TRANSPOSE_ROWS, _TRANSPOSE_COLUMNS = 64, 256
# Most rows a program, columns a slice, warps (notes v24); fewer rows where
# they are long (_rowwise_rows).
_ROWWISE_ROWS, _ROWWISE_COLUMNS, _ROWWISE_WARPS = 4, 1024, 8
_ROWWISE_PROGRAM_BYTES = 32768
# Block kernel: rows a program of X (1 x 128 blocks), warps for X and W.
_BLOCKWISE_X_ROWS, _BLOCKWISE_X_WARPS, _BLOCKWISE_W_WARPS = 32, 4, 8


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
def _padded_layout_kernel(sizes_ptr, rows_ptr, padded_ptr, g, ALIGNMENT: tl.constexpr,
                          BLOCK: tl.constexpr):
    """``ops._padded_layout`` in one program of BLOCK >= G lanes."""
    i = tl.arange(0, BLOCK)
    ok = i < g
    size = tl.maximum(tl.load(sizes_ptr + i, mask=ok, other=0), 0).to(tl.int64)
    ends = tl.cumsum(size, 0)
    padded = (size + ALIGNMENT - 1) // ALIGNMENT * ALIGNMENT
    padded_ends = tl.cumsum(padded, 0)
    limit = 2**31 - 1
    tl.store(rows_ptr + i, size.to(tl.int32), mask=ok)
    tl.store(rows_ptr + g + i, tl.minimum(ends - size, limit).to(tl.int32), mask=ok)
    tl.store(rows_ptr + 2 * g + i, tl.minimum(ends, limit).to(tl.int32), mask=ok)
    tl.store(rows_ptr + 3 * g + i, tl.minimum(padded_ends, limit).to(tl.int32), mask=ok)
    tl.store(padded_ptr + i, tl.minimum(padded, limit).to(tl.int32), mask=ok)


def padded_layout(sizes: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """``ops._padded_layout`` as one Triton kernel."""
    g = sizes.shape[0]
    rows = torch.empty((4, g), dtype=torch.int32, device=sizes.device)
    padded = torch.empty((g,), dtype=torch.int32, device=sizes.device)
    if g > 0:
        with _on_device(sizes.device):
            _padded_layout_kernel[(1,)](sizes, rows, padded, g, ALIGNMENT=FP8_GROUP_ALIGNMENT,
                                        BLOCK=triton.next_power_of_2(g))
    return rows, padded


@triton.jit
def _padded_sources(columns, sizes_ptr, starts_ptr, padded_ends_ptr, m, g,
                    LOG_G: tl.constexpr, ALIGNMENT: tl.constexpr):
    """For columns of the padded layout (rows 0, 1 and 3 of
    ``padded_layout``): the row of ``t`` each holds, whether it holds one,
    and its group (past the last group: the last one, holding none)."""
    group = _row_groups(padded_ends_ptr, columns, g, LOG_G)
    size = tl.load(sizes_ptr + group)
    padded_size = (size + ALIGNMENT - 1) // ALIGNMENT * ALIGNMENT
    offset = columns - (tl.load(padded_ends_ptr + group) - padded_size)
    row = tl.load(starts_ptr + group) + offset
    return row, (offset < size) & (row < m), group


def _log_groups(g: int) -> int:
    """``_row_groups``'s LOG_G for ``g`` groups: 2^LOG_G >= G."""
    return (g - 1).bit_length()


def _group_ends(sizes: torch.Tensor) -> tuple[torch.Tensor, int]:
    """What ``_row_groups`` takes: the groups' int32 ends (negative sizes
    count as empty) and LOG_G."""
    return (torch.cumsum(sizes.clamp(min=0), 0, dtype=torch.int32),
            _log_groups(sizes.shape[0]))


@triton.jit
def _load_scaled(t_ptr, row_scale_ptr, offsets, rows, row_ok, col_ok,
                 HAS_ROW_SCALE: tl.constexpr):
    """A tile of ``t`` in f32 (zeros outside), each row times its
    row_scale if HAS_ROW_SCALE (one f32 product, as the torch ops')."""
    a = tl.load(t_ptr + offsets, mask=row_ok[:, None] & col_ok[None, :], other=0.0)
    a = a.to(tl.float32)
    if HAS_ROW_SCALE:
        a = a * tl.load(row_scale_ptr + rows, mask=row_ok, other=0.0)[:, None]
    return a


@triton.jit
def _e4m3_scale_of(amax):
    """max(amax, 1e-12) / 448 as ``ops._e4m3_scale`` computes it on CUDA
    (times the reciprocal: same bits)."""
    return tl.maximum(amax, 1e-12) * _E4M3_MAX_RECIPROCAL


@triton.jit
def _scaled_to_e4m3_range(a, scale):
    """clamp(a / scale) to e4m3's range, in f32, for the cast: the division
    rounds to nearest, as torch's does, and a NaN stays NaN (torch's clamp
    keeps it; by default tl.clamp would not)."""
    return tl.clamp(tl.div_rn(a, scale), -_E4M3_MAX, _E4M3_MAX,
                    propagate_nan=tl.PropagateNan.ALL)


@triton.jit
def _transpose_kernel(q_ptr, out_ptr, m, c, BLOCK_R: tl.constexpr, BLOCK_C: tl.constexpr):
    """out[b, col, row] = q[b, row, col] (bytes, ``q`` contiguous [B, M, C],
    ``b`` the grid's third axis)."""
    batch = tl.program_id(2).to(tl.int64)
    q_ptr += batch * m * c
    out_ptr += batch * c * m
    rows = tl.program_id(0) * BLOCK_R + tl.arange(0, BLOCK_R)
    cols = tl.program_id(1) * BLOCK_C + tl.arange(0, BLOCK_C)
    ok = (rows < m)[:, None] & (cols < c)[None, :]
    a = tl.load(q_ptr + rows.to(tl.int64)[:, None] * c + cols[None, :], mask=ok, other=0)
    tl.store(out_ptr + cols.to(tl.int64)[None, :] * m + rows[:, None], a, mask=ok)


@triton.jit
def _grouped_column_amax_kernel(t_ptr, row_scale_ptr, ends_ptr, amax_ptr, m, c, g, stride_t,
                                HAS_ROW_SCALE: tl.constexpr, LOG_G: tl.constexpr,
                                BLOCK_R: tl.constexpr, BLOCK_C: tl.constexpr):
    """amax[g, col] = max |t[row, col]| (times row_scale[row] if given) over
    the rows of group g in this tile, merged into ``amax`` (zeros on entry)
    with atomic maxima: one per column and group present (rows are sorted
    by group)."""
    rows = tl.program_id(0) * BLOCK_R + tl.arange(0, BLOCK_R)
    cols = tl.program_id(1) * BLOCK_C + tl.arange(0, BLOCK_C)
    row_ok = rows < m
    col_ok = cols < c
    offsets = rows.to(tl.int64)[:, None] * stride_t + cols[None, :]
    a = _load_scaled(t_ptr, row_scale_ptr, offsets, rows, row_ok, col_ok, HAS_ROW_SCALE)
    a = tl.abs(a)
    group = _row_groups(ends_ptr, rows, g, LOG_G)
    first = tl.min(tl.where(row_ok, group, g))
    last = tl.max(tl.where(row_ok, group, -1))
    for k in range(first, last + 1):
        col_max = tl.max(tl.where((group == k)[:, None], a, 0.0), axis=0)
        tl.atomic_max(amax_ptr + k * c + cols, col_max, mask=col_ok)


@triton.jit
def _scaled_cast_transpose_kernel(t_ptr, row_scale_ptr, sizes_ptr, starts_ptr,
                                  padded_ends_ptr, scale_ptr, q_ptr, m, c, g, mp, stride_t,
                                  HAS_ROW_SCALE: tl.constexpr, LOG_G: tl.constexpr,
                                  ALIGNMENT: tl.constexpr, BLOCK_R: tl.constexpr,
                                  BLOCK_C: tl.constexpr):
    """q[col, p] = fp8(clamp(t[row, col] (times row_scale[row] if given)
    / scale[group, col])) for the columns p < Mp of the padded layout, row
    the one p holds (zeros where it holds none); with BLOCK_R dividing
    ALIGNMENT a tile lies in one group, but its scales are gathered per row
    all the same. (``_scaled_to_e4m3_range``; a NaN in ``t`` stays NaN, but
    unlike torch's amax the tile maxima skip it, so it does not turn its
    whole column NaN.)"""
    padded = tl.program_id(0) * BLOCK_R + tl.arange(0, BLOCK_R)
    cols = tl.program_id(1) * BLOCK_C + tl.arange(0, BLOCK_C)
    col_ok = cols < c
    rows, holds, group = _padded_sources(padded, sizes_ptr, starts_ptr, padded_ends_ptr, m, g,
                                         LOG_G, ALIGNMENT)
    offsets = rows.to(tl.int64)[:, None] * stride_t + cols[None, :]
    a = _load_scaled(t_ptr, row_scale_ptr, offsets, rows, holds, col_ok, HAS_ROW_SCALE)
    scale = tl.load(scale_ptr + group[:, None] * c + cols[None, :], mask=col_ok[None, :],
                    other=1.0)
    q_offsets = cols.to(tl.int64)[None, :] * mp + padded[:, None]
    q = _scaled_to_e4m3_range(a, scale)
    tl.store(q_ptr + q_offsets, q.to(q_ptr.dtype.element_ty),
             mask=(padded < mp)[:, None] & col_ok[None, :])


@triton.jit
def _grouped_transpose_kernel(q_ptr, out_ptr, sizes_ptr, starts_ptr, padded_ends_ptr, m, c, g,
                              mp, LOG_G: tl.constexpr, ALIGNMENT: tl.constexpr,
                              BLOCK_R: tl.constexpr, BLOCK_C: tl.constexpr):
    """out[col, p] = q[row, col] (bytes, ``q`` contiguous [M, C]) for the
    columns p < Mp of the padded layout, row the one p holds (zeros where
    it holds none)."""
    padded = tl.program_id(0) * BLOCK_R + tl.arange(0, BLOCK_R)
    cols = tl.program_id(1) * BLOCK_C + tl.arange(0, BLOCK_C)
    col_ok = cols < c
    rows, holds, _ = _padded_sources(padded, sizes_ptr, starts_ptr, padded_ends_ptr, m, g,
                                     LOG_G, ALIGNMENT)
    a = tl.load(q_ptr + rows.to(tl.int64)[:, None] * c + cols[None, :],
                mask=holds[:, None] & col_ok[None, :], other=0)
    tl.store(out_ptr + cols.to(tl.int64)[None, :] * mp + padded[:, None], a,
             mask=(padded < mp)[:, None] & col_ok[None, :])


def quantize_grouped_columns(t: torch.Tensor, sizes: torch.Tensor, mp: int,
                             row_scale: Optional[torch.Tensor], also: Optional[torch.Tensor]
                             ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """(q_t [C, mp], scale [G, C], padded sizes [G], also_t) of
    ``ops._quantize_grouped_columns`` (``quantize_fp8_grouped_columns``
    checks the arguments), of ``t * row_scale[:, None]`` where ``row_scale``
    is given, with the kernels above: bit-equal to the torch ops
    (``ops._quantize_grouped_columns_torch``, tests/test_gpu_fp8.py). With
    fp8 ``also`` [M, C'] also_t is it transposed into the same layout, [C',
    mp], on the group layout computed once; without, [0, mp]."""
    (m, c), g = t.shape, sizes.shape[0]
    amax = torch.zeros((g, c), dtype=torch.float32, device=t.device)
    q_t = torch.empty((c, mp), dtype=torch.float8_e4m3fn, device=t.device)
    rows, padded = padded_layout(sizes)
    size, starts, ends, padded_ends = rows
    also_t = _transpose_grouped(also, rows, mp) if also is not None else q_t.new_empty((0, mp))
    if m == 0:
        return q_t, _e4m3_scale(amax), padded, also_t
    t = t if t.stride(1) == 1 else t.contiguous()
    log_g = _log_groups(g)
    has_row_scale = row_scale is not None
    row_scale = row_scale if has_row_scale else amax  # not read without HAS_ROW_SCALE
    with _on_device(t.device):
        grid = (triton.cdiv(m, _AMAX_ROWS), triton.cdiv(c, _AMAX_COLUMNS))
        _grouped_column_amax_kernel[grid](t, row_scale, ends, amax, m, c, g, t.stride(0),
                                          HAS_ROW_SCALE=has_row_scale, LOG_G=log_g,
                                          BLOCK_R=_AMAX_ROWS, BLOCK_C=_AMAX_COLUMNS)
        scale = _e4m3_scale(amax)  # as the torch ops compute it
        grid = (triton.cdiv(mp, _CAST_ROWS), triton.cdiv(c, _CAST_COLUMNS))
        _scaled_cast_transpose_kernel[grid](t, row_scale, size, starts, padded_ends, scale, q_t,
                                            m, c, g, mp,
                                            t.stride(0), HAS_ROW_SCALE=has_row_scale,
                                            LOG_G=log_g, ALIGNMENT=FP8_GROUP_ALIGNMENT,
                                            BLOCK_R=_CAST_ROWS, BLOCK_C=_CAST_COLUMNS)
    return q_t, scale, padded, also_t


def _transpose_grouped(q: torch.Tensor, rows: torch.Tensor, mp: int) -> torch.Tensor:
    """fp8 ``q`` [M, C] transposed to [C, mp] in the padded layout whose
    [4, G] rows ``padded_layout`` computed."""
    m, c = q.shape
    out = torch.empty((c, mp), dtype=q.dtype, device=q.device)
    if c * mp == 0:
        return out
    q = q.contiguous()
    size, starts, _, padded_ends = rows
    with _on_device(q.device):
        grid = (triton.cdiv(mp, _TRANSPOSE_ROWS), triton.cdiv(c, _TRANSPOSE_COLUMNS))
        _grouped_transpose_kernel[grid](q.view(torch.uint8), out.view(torch.uint8),
                                        size, starts, padded_ends, m, c, rows.shape[1], mp,
                                        LOG_G=_log_groups(rows.shape[1]),
                                        ALIGNMENT=FP8_GROUP_ALIGNMENT,
                                        BLOCK_R=_TRANSPOSE_ROWS, BLOCK_C=_TRANSPOSE_COLUMNS)
    return out


def transpose(q: torch.Tensor) -> torch.Tensor:
    """``q`` [B, M, C] (1-byte elements) transposed to [B, C, M]."""
    *batch, m, c = q.shape
    out = torch.empty((*batch, c, m), dtype=q.dtype, device=q.device)
    b = out.numel() // (c * m) if c * m else 0
    if b > 0:
        q = q.contiguous()
        with _on_device(q.device):
            grid = (triton.cdiv(m, _TRANSPOSE_ROWS), triton.cdiv(c, _TRANSPOSE_COLUMNS), b)
            _transpose_kernel[grid](q.view(torch.uint8), out.view(torch.uint8), m, c,
                                    BLOCK_R=_TRANSPOSE_ROWS, BLOCK_C=_TRANSPOSE_COLUMNS)
    return out


@triton.jit
def _rowwise_kernel(t_ptr, column_scale_ptr, ends_ptr, q_ptr, scale_ptr, r, c, g,
                    HAS_COLUMN_SCALE: tl.constexpr, LOG_G: tl.constexpr,
                    BLOCK_R: tl.constexpr, BLOCK_C: tl.constexpr):
    """Per row of a contiguous [R, C] ``t`` (times column_scale[group(row)]
    [C] if HAS_COLUMN_SCALE, one f32 product as the torch ops'): scale =
    max(amax |row|, 1e-12) / 448 and q[row] = fp8(clamp(row / scale)), as
    ``quantize_fp8_rowwise``'s torch ops compute them on CUDA. Two passes
    over the program's rows (faster than one pass that keeps them in
    registers: notes v24). A NaN stays NaN; the amax skips it (torch's
    would make the whole row NaN)."""
    rows = tl.program_id(0) * BLOCK_R + tl.arange(0, BLOCK_R)
    row_ok = rows < r
    base = rows.to(tl.int64)[:, None] * c
    if HAS_COLUMN_SCALE:
        column_scale_ptr += _row_groups(ends_ptr, rows, g, LOG_G).to(tl.int64)[:, None] * c
    amax = tl.zeros((BLOCK_R,), dtype=tl.float32)
    for c0 in range(0, c, BLOCK_C):
        cols = c0 + tl.arange(0, BLOCK_C)
        a = _load_row_slice(t_ptr, column_scale_ptr, base, cols, row_ok, c, HAS_COLUMN_SCALE)
        amax = tl.maximum(amax, tl.max(tl.abs(a), axis=1))
    scale = _e4m3_scale_of(amax)
    tl.store(scale_ptr + rows, scale, mask=row_ok)
    for c0 in range(0, c, BLOCK_C):
        cols = c0 + tl.arange(0, BLOCK_C)
        a = _load_row_slice(t_ptr, column_scale_ptr, base, cols, row_ok, c, HAS_COLUMN_SCALE)
        q = _scaled_to_e4m3_range(a, scale[:, None])
        tl.store(q_ptr + base + cols[None, :], q.to(q_ptr.dtype.element_ty),
                 mask=row_ok[:, None] & (cols < c)[None, :])


@triton.jit
def _load_row_slice(t_ptr, column_scale_ptr, base, cols, row_ok, c,
                    HAS_COLUMN_SCALE: tl.constexpr):
    """Columns ``cols`` of the program's rows in f32 (zeros outside), times
    their group's column scales if HAS_COLUMN_SCALE (``column_scale_ptr``
    offset to each row's group)."""
    mask = row_ok[:, None] & (cols < c)[None, :]
    a = tl.load(t_ptr + base + cols[None, :], mask=mask, other=0.0).to(tl.float32)
    if HAS_COLUMN_SCALE:
        a = a * tl.load(column_scale_ptr + cols[None, :], mask=mask, other=0.0)
    return a


def quantize_rowwise(t: torch.Tensor, sizes: Optional[torch.Tensor] = None,
                     column_scale: Optional[torch.Tensor] = None
                     ) -> tuple[torch.Tensor, torch.Tensor]:
    """``quantize_fp8_rowwise(t)`` for a CUDA ``t`` [..., C] with the kernel
    above: q like ``t`` (contiguous), scale [...]. With ``sizes`` [G] and
    ``column_scale`` [G, C] (``t`` [M, C], rows sorted by group), of ``t``
    times each row's group's column scales."""
    t = t.contiguous()
    c = t.shape[-1]
    r = t.numel() // c if c else 0
    q = torch.empty(t.shape, dtype=torch.float8_e4m3fn, device=t.device)
    scale = torch.empty(t.shape[:-1], dtype=torch.float32, device=t.device)
    if r == 0 or c == 0:
        return q, scale
    has_column_scale = column_scale is not None
    if has_column_scale:
        g = sizes.shape[0]
        ends, log_g = _group_ends(sizes)
        column_scale = column_scale.contiguous()
    else:
        g, ends, log_g, column_scale = 1, scale, 0, scale  # not read without HAS_COLUMN_SCALE
    with _on_device(t.device):
        rows = _rowwise_rows(c * t.element_size())
        _rowwise_kernel[(triton.cdiv(r, rows),)](
            t, column_scale, ends, q, scale, r, c, g, HAS_COLUMN_SCALE=has_column_scale,
            LOG_G=log_g, BLOCK_R=rows, BLOCK_C=_ROWWISE_COLUMNS, num_warps=_ROWWISE_WARPS)
    return q, scale


def _rowwise_rows(row_bytes: int) -> int:
    """Rows a program of ``_rowwise_kernel`` takes: up to _ROWWISE_ROWS, a
    power of two, halved while they exceed _ROWWISE_PROGRAM_BYTES. The
    second pass re-reads them from L2 only while the resident programs'
    rows fit in it: on the H200 4 rows of 7168 bf16 ran 6-20% slower than
    2 (notes v25)."""
    rows = _ROWWISE_ROWS
    while rows > 1 and rows * row_bytes > _ROWWISE_PROGRAM_BYTES:
        rows //= 2
    return rows


@triton.jit
def _blockwise_kernel(t_ptr, q_ptr, scale_ptr, n, k, stride_scale_b, stride_scale_r,
                      stride_scale_k, WHOLE_TILE: tl.constexpr, BLOCK_R: tl.constexpr,
                      BLOCK_K: tl.constexpr):
    """One BLOCK_R x BLOCK_K tile of a contiguous [B, N, K] ``t`` (``b`` the
    grid's third axis) quantized in one pass: a scale per row of the tile
    (X's 1 x 128 blocks) or, if WHOLE_TILE, one for the tile (W's 128 x
    128), max(amax, 1e-12) / 448 as ``quantize_fp8_blockwise``'s torch ops
    compute it on CUDA; a partial tile's amax is that of the elements it
    has. Scale (b, tile row or row, k block) is stored at those strides.
    NaN as in ``_rowwise_kernel``."""
    batch = tl.program_id(2).to(tl.int64)
    kb = tl.program_id(1)
    rows = tl.program_id(0) * BLOCK_R + tl.arange(0, BLOCK_R)
    cols = kb * BLOCK_K + tl.arange(0, BLOCK_K)
    mask = (rows < n)[:, None] & (cols < k)[None, :]
    offsets = batch * n * k + rows.to(tl.int64)[:, None] * k + cols[None, :]
    a = tl.load(t_ptr + offsets, mask=mask, other=0.0).to(tl.float32)
    amax = tl.max(tl.abs(a), axis=1)
    scale_ptr += batch * stride_scale_b + kb * stride_scale_k
    if WHOLE_TILE:
        scale = _e4m3_scale_of(tl.max(amax, axis=0))
        tl.store(scale_ptr + tl.program_id(0) * stride_scale_r, scale)
        q = _scaled_to_e4m3_range(a, scale)
    else:
        scale = _e4m3_scale_of(amax)
        tl.store(scale_ptr + rows * stride_scale_r, scale, mask=rows < n)
        q = _scaled_to_e4m3_range(a, scale[:, None])
    tl.store(q_ptr + offsets, q.to(q_ptr.dtype.element_ty), mask=mask)


def quantize_blockwise(t: torch.Tensor, block: int) -> tuple[torch.Tensor, torch.Tensor]:
    """``quantize_fp8_blockwise(t)`` for a CUDA ``t`` with the kernel above
    (``block`` = 128): q like ``t`` (contiguous); for X [M, K] the scales
    [ceil(K/128), M] (``quantize_fp8_blockwise`` returns their transpose,
    column-major), for W [G, N, K] [G, ceil(N/128), ceil(K/128)]."""
    t = t.contiguous()
    *lead, n, k = t.shape
    kb = triton.cdiv(k, block)
    q = torch.empty(t.shape, dtype=torch.float8_e4m3fn, device=t.device)
    if t.dim() == 2:
        scale = torch.empty((kb, n), dtype=torch.float32, device=t.device)
        batch, rows, warps, strides = 1, _BLOCKWISE_X_ROWS, _BLOCKWISE_X_WARPS, (0, 1, n)
    else:
        nb = triton.cdiv(n, block)
        scale = torch.empty((*lead, nb, kb), dtype=torch.float32, device=t.device)
        batch, rows, warps, strides = lead[0], block, _BLOCKWISE_W_WARPS, (nb * kb, kb, 1)
    if q.numel() > 0:
        with _on_device(t.device):
            _blockwise_kernel[(triton.cdiv(n, rows), kb, batch)](
                t, q, scale, n, k, *strides, WHOLE_TILE=t.dim() == 3, BLOCK_R=rows,
                BLOCK_K=block, num_warps=warps)
    return q, scale
