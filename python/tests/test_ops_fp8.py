"""The fp8 ops without a GPU: registration, shape propagation through their
fake implementations (meta tensors), the errors of grouped_mm's fp8 dispatch
and of the fp8 weight gradient, quantize_fp8_rowwise, quantize_fp8_blockwise,
quantize_fp8_grouped_columns and the scaled references on the CPU; and, with
a CUDA device, the weight-gradient op's arguments through the stub runtime."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

import mggemm  # noqa: E402
from mggemm.reference import compare, reference_scaled_forward  # noqa: E402

G, M, N, K = 4, 40, 24, 32
FP8 = torch.float8_e4m3fn


def meta(*shape: int, dtype=FP8):  # type: ignore[no-untyped-def]
    return torch.empty(*shape, dtype=dtype, device="meta")


def operands(m: int = M, k: int = K):  # type: ignore[no-untyped-def]
    return (meta(m, k), meta(G, N, k), meta(m, dtype=torch.float32),
            meta(G, N, dtype=torch.float32), meta(G, dtype=torch.int32))


def test_op_is_registered() -> None:
    schema = str(torch.ops.mggemm.scaled_grouped_mm.default._schema)
    assert schema.startswith("mggemm::scaled_grouped_mm(Tensor x, Tensor w, Tensor scale_x, "
                             "Tensor scale_w, Tensor sizes, bool fast_accum=False) -> Tensor")


@pytest.mark.parametrize("m", [M, 0])
def test_shapes_propagate_on_meta(m: int) -> None:
    x, w, sx, sw, sizes = operands(m)
    y = mggemm.grouped_mm(x, w, sizes, scale_x=sx, scale_w=sw)
    assert y.shape == (m, N) and y.dtype == torch.bfloat16 and y.device.type == "meta"


def test_dispatch_errors() -> None:
    x, w, sx, sw, sizes = operands()
    with pytest.raises(TypeError, match=r"x is torch.float8_e4m3fn, which only the scaled "
                                        r"forward product takes: pass both row scales"):
        mggemm.grouped_mm(x, w, sizes)
    with pytest.raises(ValueError, match=r"both scale_x and scale_w .* got only scale_x"):
        mggemm.grouped_mm(x, w, sizes, scale_x=sx)
    with pytest.raises(TypeError, match=r"x has dtype torch.bfloat16, but the scaled product "
                                        r"takes torch.float8_e4m3fn.*without scales"):
        mggemm.grouped_mm(meta(M, K, dtype=torch.bfloat16), meta(G, N, K, dtype=torch.bfloat16),
                          sizes, scale_x=sx, scale_w=sw)
    with pytest.raises(ValueError, match=r"scale_w must have shape \[G, N\] = \(4, 24\), got \(4, 32\)"):
        mggemm.grouped_mm(x, w, sizes, scale_x=sx, scale_w=meta(G, K, dtype=torch.float32))
    with pytest.raises(ValueError, match=r"K=40 \(x.shape\[1\]\) is not a multiple of 16"):
        mggemm.grouped_mm(*operands(k=40)[:2], sizes, scale_x=sx, scale_w=sw)


def test_cpu_tensors_are_rejected() -> None:
    x, sx = mggemm.quantize_fp8_rowwise(torch.randn(M, K))
    w, sw = mggemm.quantize_fp8_rowwise(torch.randn(G, N, K))
    with pytest.raises(ValueError, match=r"x is on cpu.*x.cuda\(\)"):
        mggemm.grouped_mm(x, w, torch.full((G,), M // G, dtype=torch.int32), scale_x=sx, scale_w=sw)


@pytest.mark.parametrize("shape", [(M, K), (G, N, K)])
def test_quantize_rowwise(shape) -> None:  # type: ignore[no-untyped-def]
    t = torch.randn(*shape, dtype=torch.bfloat16) * 3
    t[(0,) * (len(shape) - 1)] = 0  # an all-zero row
    q, scale = mggemm.quantize_fp8_rowwise(t)
    assert q.dtype == FP8 and q.shape == t.shape and q.is_contiguous()
    assert scale.dtype == torch.float32 and scale.shape == t.shape[:-1]
    amax = t.float().abs().amax(-1)
    nonzero = amax > 0
    torch.testing.assert_close(scale[nonzero], amax[nonzero] / 448)
    assert torch.all(q.float().abs().amax(-1)[nonzero] == 448)  # each row fills e4m3's range
    assert torch.isfinite(scale).all() and torch.all(q[~nonzero].float() == 0)
    # Round to nearest with a 3-bit mantissa: half an ulp, 2^-4 relative
    # (2^-10 of the scale in e4m3's subnormal range).
    t32, s = t.float(), scale.unsqueeze(-1)
    assert torch.all((q.float() * s - t32).abs() <= t32.abs() / 16 + s * 2**-10)


def test_quantize_transposed_weight() -> None:
    w = torch.randn(G, N, K, dtype=torch.bfloat16)
    q, s = mggemm.quantize_fp8_rowwise(w.transpose(1, 2))
    qc, sc = mggemm.quantize_fp8_rowwise(w.transpose(1, 2).contiguous())
    assert q.shape == (G, K, N) and q.is_contiguous() and s.shape == (G, K)
    assert torch.equal(q.float(), qc.float()) and torch.equal(s, sc)


def test_scaled_reference_matches_float64() -> None:
    sizes = [7, 0, 20, 13]
    qx, sx = mggemm.quantize_fp8_rowwise(torch.randn(sum(sizes), K))
    qw, sw = mggemm.quantize_fp8_rowwise(torch.randn(len(sizes), N, K))
    ref = reference_scaled_forward(qx, qw, sx, sw, torch.tensor(sizes, dtype=torch.int32))
    assert ref.dtype == torch.float32 and ref.shape == (sum(sizes), N)
    group = torch.repeat_interleave(torch.arange(len(sizes)), torch.tensor(sizes))
    # Y[r, n] = sx[r] sw[g, n] sum_k qx[r, k] qw[g, n, k], in float64.
    raw = torch.einsum("rk,rnk->rn", qx.double(), qw.double()[group])
    expected = sx.double()[:, None] * sw.double()[group] * raw
    assert compare(ref, expected).rel_fro_error < 1e-6


def test_block_scaled_shapes_propagate_on_meta() -> None:
    x, w, _, _, sizes = operands(k=320)
    sx, sw = meta(M, 3, dtype=torch.float32), meta(G, 1, 3, dtype=torch.float32)
    y = mggemm.grouped_mm(x, w, sizes, scale_x=sx, scale_w=sw)
    assert y.shape == (M, N) and y.dtype == torch.bfloat16


def test_fast_accum_takes_row_scales_only() -> None:
    x, w, sx, sw, sizes = operands(k=320)
    y = mggemm.grouped_mm(x, w, sizes, scale_x=sx, scale_w=sw, fast_accum=True)
    assert y.shape == (M, N) and y.dtype == torch.bfloat16
    bsx, bsw = meta(M, 3, dtype=torch.float32), meta(G, 1, 3, dtype=torch.float32)
    with pytest.raises(ValueError, match=r"fast_accum=True takes row scales"):
        mggemm.grouped_mm(x, w, sizes, scale_x=bsx, scale_w=bsw, fast_accum=True)
    xb, wb = meta(M, 320, dtype=torch.bfloat16), meta(G, N, 320, dtype=torch.bfloat16)
    with pytest.raises(ValueError, match=r"fast_accum applies to the scaled fp8 product"):
        mggemm.grouped_mm(xb, wb, sizes, fast_accum=True)


@pytest.mark.parametrize("shape", [(M, 320), (G, 136, 320), (G, 128, 256)])
def test_quantize_blockwise(shape) -> None:  # type: ignore[no-untyped-def]
    t = torch.randn(*shape, dtype=torch.bfloat16) * 3
    t[..., :1, :128] = 0  # an all-zero block (X: one row's first block)
    if len(shape) == 3:
        t[:, :128, :128] = 0
    q, scale = mggemm.quantize_fp8_blockwise(t)
    assert q.dtype == FP8 and q.shape == t.shape and q.is_contiguous()
    rows = 1 if len(shape) == 2 else 128
    blocks = (*shape[:-2], -(-shape[-2] // rows), -(-shape[-1] // 128))
    assert scale.dtype == torch.float32 and scale.shape == blocks
    if len(shape) == 2:
        assert scale.stride() == (1, shape[0])  # column-major, as grouped_mm reads it
    # Each element's scale is its block's amax / 448.
    s = scale.repeat_interleave(rows, -2).repeat_interleave(128, -1)[..., :shape[-2], :shape[-1]]
    t32 = t.float()
    for i in range(blocks[-1]):
        cols = slice(128 * i, 128 * (i + 1))
        assert torch.all(s[..., cols] * 448 >= t32[..., cols].abs() * (1 - 1e-6))
    assert torch.isfinite(scale).all()
    assert torch.all((q.float() * s - t32).abs() <= t32.abs() / 16 + s * 2**-10)


def test_block_scaled_reference_matches_float64() -> None:
    sizes, n, k = [7, 0, 20, 13], 136, 320
    qx, sx = mggemm.quantize_fp8_blockwise(torch.randn(sum(sizes), k))
    qw, sw = mggemm.quantize_fp8_blockwise(torch.randn(len(sizes), n, k))
    ref = reference_scaled_forward(qx, qw, sx, sw, torch.tensor(sizes, dtype=torch.int32))
    group = torch.repeat_interleave(torch.arange(len(sizes)), torch.tensor(sizes))
    # Y[r, n] = sum_b sx[r, b] sw[g, n / 128, b] sum_{k in b} qx[r, k] qw[g, n, k].
    expected = torch.zeros(sum(sizes), n, dtype=torch.float64)
    for b in range(3):
        ks = slice(128 * b, 128 * (b + 1))
        raw = torch.einsum("rk,rnk->rn", qx.double()[:, ks], qw.double()[group][:, :, ks])
        sw_b = sw.double()[group][:, :, b].repeat_interleave(128, 1)[:, :n]
        expected += sx.double()[:, b, None] * sw_b * raw
    assert compare(ref, expected).rel_fro_error < 1e-6


def test_fp8_training_scaling_is_checked() -> None:
    x, w = torch.randn(M, K), torch.randn(G, N, K)
    with pytest.raises(ValueError, match=r"scaling must be 'row' or 'block', got 'tensor'"):
        mggemm.grouped_mm_fp8(x, w, torch.full((G,), M // G, dtype=torch.int32), scaling="tensor")
    with pytest.raises(ValueError, match=r"fast_accum=True takes scaling='row'"):
        mggemm.grouped_mm_fp8(x, w, torch.full((G,), M // G, dtype=torch.int32), scaling="block",
                              fast_accum=True)


def test_fp8_training_dtypes_are_checked() -> None:
    sizes = torch.full((G,), M // G, dtype=torch.int32)
    x, w = torch.randn(M, K, dtype=torch.bfloat16), torch.randn(G, N, K)
    with pytest.raises(TypeError, match=r"x in bfloat16 or float16 .* got x torch.float32"):
        mggemm.grouped_mm_fp8(x.float(), w, sizes)
    with pytest.raises(TypeError, match=r"got x torch.bfloat16 and w torch.float64"):
        mggemm.grouped_mm_fp8(x, w.double(), sizes)


# ---------------------------------------------------- fp8 weight gradient

WM = 48  # M, a multiple of 16


def grad_weight_operands(m: int = WM, device: str = "meta"):  # type: ignore[no-untyped-def]
    def make(*shape: int, dtype=FP8):  # type: ignore[no-untyped-def]
        return torch.zeros(*shape, dtype=dtype, device=device)

    return (make(N, m), make(K, m), make(G, N, dtype=torch.float32),
            make(G, K, dtype=torch.float32), make(G, dtype=torch.int32))


def test_grad_weight_op_is_registered() -> None:
    schema = str(torch.ops.mggemm.scaled_grouped_mm_grad_weight.default._schema)
    assert schema.startswith("mggemm::scaled_grouped_mm_grad_weight(Tensor dy_t, Tensor x_t, "
                             "Tensor scale_dy, Tensor scale_x, Tensor sizes, "
                             "bool fast_accum=False) -> Tensor")


@pytest.mark.parametrize("m", [WM, 0])
@pytest.mark.parametrize("fast_accum", [False, True])
def test_grad_weight_shapes_propagate_on_meta(m: int, fast_accum: bool) -> None:
    dw = mggemm.scaled_grouped_mm_grad_weight(*grad_weight_operands(m), fast_accum=fast_accum)
    assert dw.shape == (G, N, K) and dw.dtype == torch.bfloat16 and dw.device.type == "meta"


def test_grad_weight_errors() -> None:
    dy_t, x_t, sdy, sx, sizes = grad_weight_operands()
    with pytest.raises(ValueError, match=r"M=40 \(dy_t.shape\[1\], the tokens\) is not a "
                                         r"multiple of 16.*quantize_fp8_grouped_columns"):
        mggemm.scaled_grouped_mm_grad_weight(*grad_weight_operands(40))
    with pytest.raises(TypeError, match=r"dy_t has dtype torch.bfloat16, but the fp8 weight "
                                        r"gradient takes torch.float8_e4m3fn"):
        mggemm.scaled_grouped_mm_grad_weight(dy_t.bfloat16(), x_t, sdy, sx, sizes)
    with pytest.raises(ValueError, match=r"scale_x must have shape \[G, K\] = \(4, 32\), got \(4, 24\)"):
        mggemm.scaled_grouped_mm_grad_weight(dy_t, x_t, sdy, sdy, sizes)
    with pytest.raises(ValueError, match=r"dy_t is on cpu.*dy_t.cuda\(\)"):
        mggemm.scaled_grouped_mm_grad_weight(*grad_weight_operands(device="cpu"))


def _bounds(sizes):  # type: ignore[no-untyped-def]
    starts = [sum(sizes[:g]) for g in range(len(sizes))]
    return [(lo, lo + n) for lo, n in zip(starts, sizes)]


def _padded(sizes):  # type: ignore[no-untyped-def]
    return [-(-n // 128) * 128 for n in sizes]


def _padded_bounds(sizes):  # type: ignore[no-untyped-def]
    """Each group's columns in quantize_fp8_grouped_columns' layout."""
    return [(lo, lo + n) for (lo, _), n in zip(_bounds(_padded(sizes)), sizes)]


def _held_columns(sizes, mp):  # type: ignore[no-untyped-def]
    held = torch.zeros(mp, dtype=torch.bool)
    for lo, hi in _padded_bounds(sizes):
        held[lo:hi] = True
    return held


@pytest.mark.parametrize("sizes", [[7, 0, 20, 13], [16, 32], [0, 5, 0], [3], [0, 0],
                                   [130, 0, 300, 1, 97, 128]])  # groups across 128-row pieces
def test_quantize_grouped_columns(sizes) -> None:  # type: ignore[no-untyped-def]
    m, c = sum(sizes), 24
    t = torch.randn(m, c, dtype=torch.bfloat16) * 3
    t[:, 0] = 0  # an all-zero column in every group
    s = torch.tensor(sizes, dtype=torch.int32)
    q_t, scale, padded = mggemm.quantize_fp8_grouped_columns(t, s)
    # Room for any sizes summing to M, each padded to 128 columns.
    mp = -(-(m + 127 * min(len(sizes), m)) // 128) * 128
    assert q_t.dtype == FP8 and q_t.shape == (c, mp) and q_t.is_contiguous()
    assert scale.dtype == torch.float32 and scale.shape == (len(sizes), c)
    # Every group starts on a multiple of 128; the padding columns are zeros.
    assert torch.all(q_t[:, ~_held_columns(sizes, mp)].float() == 0)
    assert padded.dtype == torch.int32 and padded.tolist() == _padded(sizes)
    assert s.tolist() == sizes  # the input sizes are left alone
    assert torch.isfinite(scale).all()
    t32 = t.float()
    for g, ((lo, hi), (plo, phi)) in enumerate(zip(_bounds(sizes), _padded_bounds(sizes))):
        amax = t32[lo:hi].abs().amax(0) if hi > lo else torch.zeros(c)
        nonzero = amax > 0
        torch.testing.assert_close(scale[g][nonzero], amax[nonzero] / 448)
        # Each group's column fills e4m3's range; all-zero ones quantize to zeros.
        q = q_t[:, plo:phi].float().t()
        if hi > lo:
            assert torch.all(q.abs().amax(0)[nonzero] == 448)
        assert torch.all(q[:, ~nonzero] == 0)
        # Round to nearest: half an ulp of 3 mantissa bits (2^-10 of the
        # scale in the subnormal range).
        assert torch.all((q * scale[g] - t32[lo:hi]).abs() <= t32[lo:hi].abs() / 16 + scale[g] * 2**-10)


@pytest.mark.parametrize("sizes", [[7, 0, 20, 13], [0, 5, 0], [130, 0, 300, 1, 97, 128]])
def test_grad_weight_operands_on_row_scaled_x(sizes) -> None:  # type: ignore[no-untyped-def]
    # The row-scaled training path's fp8 dW operands (torch ops here): X's
    # row scales moved into dY, the forward's fp8 X transposed with unit
    # scales. Their dequantized product is dY_gᵀ X_g up to fp8 rounding.
    from mggemm import ops
    from mggemm.reference import reference_grad_weight

    m, n, k = sum(sizes), 24, 40
    gen = torch.Generator().manual_seed(3)
    dy = torch.randn(m, n, generator=gen).to(torch.bfloat16)
    x = (torch.randn(m, k, generator=gen) * torch.rand(m, 1, generator=gen) * 8).to(torch.bfloat16)
    s = torch.tensor(sizes, dtype=torch.int32)
    qx, sx = mggemm.quantize_fp8_rowwise(x)
    qdy_t, sdy, padded, qx_t = ops._quantize_grouped_columns(dy, s, row_scale=sx, also=qx)
    mp = qdy_t.shape[1]
    assert qx_t.dtype == FP8 and qx_t.shape == (k, mp)
    for (lo, hi), (plo, phi) in zip(_bounds(sizes), _padded_bounds(sizes)):
        assert torch.equal(qx_t[:, plo:phi].view(torch.uint8), qx[lo:hi].t().view(torch.uint8))
    assert torch.all(qx_t[:, ~_held_columns(sizes, mp)].float() == 0)
    dw = torch.zeros(len(sizes), n, k)
    for g, (lo, hi) in enumerate(_bounds(padded.tolist())):
        dw[g] = (qdy_t[:, lo:hi].float() * sdy[g][:, None]) @ qx_t[:, lo:hi].float().t()
    want = reference_grad_weight(dy, x, s)
    assert compare(dw, want).rel_fro_error < 8e-2  # measured 2.4-3.6e-2, as fp8 vs bf16 (GPU tests)


def test_quantize_grouped_columns_errors() -> None:
    with pytest.raises(ValueError, match=r"takes t \[M, C\].*got 3-D"):
        mggemm.quantize_fp8_grouped_columns(torch.zeros(2, 3, 8), torch.zeros(2, dtype=torch.int32))
    with pytest.raises(ValueError, match=r"sizes must be 1-D \[G\]"):
        mggemm.quantize_fp8_grouped_columns(torch.zeros(4, 8), torch.zeros(2, 2, dtype=torch.int32))
    with pytest.raises(ValueError, match=r"no groups \(G=0\) but t has M=4 rows"):
        mggemm.quantize_fp8_grouped_columns(torch.zeros(4, 8), torch.zeros(0, dtype=torch.int32))
    with pytest.raises(ValueError, match=r"sizes is on cpu but must be on meta with t"):
        mggemm.quantize_fp8_grouped_columns(torch.zeros(4, 8, device="meta"),
                                            torch.zeros(1, dtype=torch.int32))


def test_quantize_grouped_columns_without_groups() -> None:
    q_t, scale, padded = mggemm.quantize_fp8_grouped_columns(torch.zeros(0, 8),
                                                            torch.zeros(0, dtype=torch.int32))
    assert q_t.shape == (8, 0) and scale.shape == (0, 8) and padded.shape == (0,)


def test_quantize_grouped_columns_on_meta() -> None:
    q_t, scale, padded = mggemm.quantize_fp8_grouped_columns(
        torch.empty(M, N, device="meta"), torch.empty(G, dtype=torch.int32, device="meta"))
    mp = -(-(M + 127 * G) // 128) * 128  # room for G groups padded to 128
    assert q_t.shape == (N, mp) and scale.shape == (G, N) and padded.shape == (G,)


def test_scaled_grad_weight_reference_matches_float64() -> None:
    sizes = [7, 0, 20, 13]
    s = torch.tensor(sizes, dtype=torch.int32)
    qdy_t, sdy, padded = mggemm.quantize_fp8_grouped_columns(torch.randn(sum(sizes), N), s)
    qx_t, sx, _ = mggemm.quantize_fp8_grouped_columns(torch.randn(sum(sizes), K), s)
    ref = mggemm.reference_scaled_grad_weight(qdy_t, qx_t, sdy, sx, padded)
    assert ref.dtype == torch.float32 and ref.shape == (G, N, K)
    # dW[g, n, k] = sdy[g, n] sx[g, k] sum_{r in g} qdy_t[n, r] qx_t[k, r], in float64.
    total = int(padded.sum())
    member = torch.nn.functional.one_hot(
        torch.repeat_interleave(torch.arange(G), padded.long()), G).double()  # [total, G]
    raw = torch.einsum("nr,kr,rg->gnk", qdy_t[:, :total].double(), qx_t[:, :total].double(),
                       member)
    expected = sdy.double()[:, :, None] * sx.double()[:, None, :] * raw
    assert compare(ref, expected).rel_fro_error < 1e-6
    assert torch.count_nonzero(ref[1]) == 0  # the empty group
    mp = qdy_t.shape[1]
    with pytest.raises(ValueError, match=rf"must be non-negative and add up to at most M={mp}"):
        mggemm.reference_scaled_grad_weight(qdy_t, qx_t, sdy, sx, padded * 4)


@pytest.mark.cuda
def test_grad_weight_op_passes_its_arguments(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """Through the stub runtime (test_library.py): pointers, dimensions,
    dtype and stream reach mggemmScaledGradWeight; M == 0 launches nothing."""
    from test_library import build_stub

    from mggemm import _library

    monkeypatch.setenv(_library.ENV_VAR, str(build_stub(tmp_path)))
    monkeypatch.delenv("STUB_FAIL_STATUS", raising=False)
    _library.runtime.cache_clear()
    try:
        last = _library.runtime()._lib.stubLastArg
        last.restype = _library.ctypes.c_int64
        last.argtypes = [_library.ctypes.c_int]
        dy_t, x_t, sdy, sx, sizes = grad_weight_operands(device="cuda")
        for fast_accum, code in ((False, 2), (True, 4)):
            dw = mggemm.scaled_grouped_mm_grad_weight(dy_t, x_t, sdy, sx, sizes,
                                                      fast_accum=fast_accum)
            assert dw.shape == (G, N, K) and dw.dtype == torch.bfloat16
            assert [last(i) for i in (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12)] == [
                dy_t.data_ptr(), x_t.data_ptr(), sizes.data_ptr(), dw.data_ptr(), WM, N, K, G,
                code, torch.cuda.current_stream().cuda_stream, sdy.data_ptr(), sx.data_ptr()]
        side = torch.cuda.Stream()
        with torch.cuda.stream(side):
            mggemm.scaled_grouped_mm_grad_weight(dy_t, x_t, sdy, sx, sizes)
        assert last(9) == side.cuda_stream  # the current stream, not the default one

        # grouped_mm_grad_weight_fp8 lays the 40 tokens out in groups padded
        # to 128 columns, M = 40 + 127 * 4 rounded up to 128 = 640 columns
        # (room for any sizes), and mirrors fast_accum.
        dy = torch.randn(40, N, device="cuda", dtype=torch.bfloat16)
        x = torch.randn(40, K, device="cuda", dtype=torch.bfloat16)
        counts = torch.tensor([7, 0, 20, 13], dtype=torch.int32, device="cuda")
        dw = mggemm.grouped_mm_grad_weight_fp8(dy, x, counts, fast_accum=True)
        assert dw.shape == (G, N, K) and dw.dtype == torch.bfloat16
        assert [last(i) for i in (3, 4, 5, 6, 7, 8)] == [dw.data_ptr(), 640, N, K, G, 4]

        monkeypatch.setenv("STUB_FAIL_STATUS", "1")
        with pytest.raises(mggemm.MggemmError, match=r"mggemmScaledGradWeight failed "
                                                     r"\(MGGEMM_ERROR_INVALID_VALUE\): "
                                                     r"mggemmScaledGradWeight: stub failure M=48"):
            mggemm.scaled_grouped_mm_grad_weight(dy_t, x_t, sdy, sx, sizes)
        # No tokens: zeros without a launch (a launch would fail now).
        dw = mggemm.scaled_grouped_mm_grad_weight(*grad_weight_operands(0, device="cuda"))
        assert dw.shape == (G, N, K) and torch.count_nonzero(dw) == 0
    finally:
        _library.runtime.cache_clear()
