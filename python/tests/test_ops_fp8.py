"""The fp8 op without a GPU: registration, shape propagation through its fake
implementation (meta tensors), the errors of grouped_mm's fp8 dispatch,
quantize_fp8_rowwise, quantize_fp8_blockwise and the scaled reference on the
CPU."""

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
