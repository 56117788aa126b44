"""The fp8 (e4m3) forward product on the GPU, with row-wise and with block
scales, against the fp32 reference of the dequantized inputs and against
torch (torch._scaled_grouped_mm; per-expert torch.nn.functional.scaled_mm
for block scales); the fp8 weight gradient (operands quantized per group and
column, transposed, each group padded to 128 columns) against its fp32 reference
and the bf16 one; and fp8 training through grouped_mm_fp8.

Error budget: the kernels let the tensor cores sum each 128-wide K block of
fp8 products, add those sums up in f32 and round once to bf16, so against the
reference of the *same* quantized inputs the relative Frobenius error is
bf16 rounding, REL_TOL (1e-2) with margin (measured ~2e-3), also where the
operands do not cancel (the tensor cores' own sums over all of K would not
be: bench/results/notes.md, v18). Against the unquantized bf16 product, quantization itself adds
about 3-4% (e4m3 has a 3-bit mantissa); FP8_VS_BF16_TOL bounds that. The
fp8 weight gradient has the same budgets: REL_TOL against the reference of
its quantized operands (its kernel adds each 128 columns' sums in f32, and
with fast_accum sums each group in the tensor cores), FP8_VS_BF16_TOL
against the bf16 dW (one scale per group and column quantizes as finely as
one per row).
"""

from __future__ import annotations

import itertools

import pytest

torch = pytest.importorskip("torch")

from helpers import REL_TOL, make_problem, poison_allocator, sizes_with_edge_cases  # noqa: E402

import mggemm  # noqa: E402
from mggemm.reference import (  # noqa: E402
    check_close,
    reference_forward,
    reference_grad_input,
    reference_grad_weight,
    reference_scaled_forward,
    reference_scaled_grad_weight,
)

pytestmark = pytest.mark.gpu

#: Relative error of an fp8-quantized product against the bf16 one.
FP8_VS_BF16_TOL = 8e-2


def quantized(sizes, n, k, seed=0, blocks=False, nonnegative=False):  # type: ignore[no-untyped-def]
    p = make_problem(sizes, n, k, seed=seed)
    quantize = mggemm.quantize_fp8_blockwise if blocks else mggemm.quantize_fp8_rowwise
    x, w = (p.x.abs(), p.w.abs()) if nonnegative else (p.x, p.w)
    qx, sx = quantize(x)
    qw, sw = quantize(w)
    return p, qx, qw, sx, sw


@pytest.mark.parametrize("sizes,n,k", [
    ([512, 0, 1000, 37], 4096, 7168),
    (sizes_with_edge_cases(3000, 8, seed=1), 264, 144),  # empty, one-row groups; k = 144
    ([3000], 2048, 512),                   # G = 1
    ([100, 0, 0, 900, 1, 255], 136, 48),   # n and k not multiples of the tile
])
def test_scaled_forward_matches_reference(sizes, n, k) -> None:  # type: ignore[no-untyped-def]
    p, qx, qw, sx, sw = quantized(sizes, n, k)
    y = mggemm.grouped_mm(qx, qw, p.sizes, scale_x=sx, scale_w=sw)
    assert y.dtype == torch.bfloat16 and y.shape == (sum(sizes), n)
    check_close(y, reference_scaled_forward(qx, qw, sx, sw, p.sizes), REL_TOL, "scaled forward")
    # Quantization error against the bf16 product stays within its budget.
    check_close(y, reference_forward(p.x, p.w, p.sizes), FP8_VS_BF16_TOL, "fp8 vs bf16")


@pytest.mark.parametrize("sizes,n,k", [
    ([512, 0, 1000, 37], 4096, 7168),
    (sizes_with_edge_cases(3000, 8, seed=1), 264, 144),  # partial N and K blocks
    ([3000], 2048, 512),                   # G = 1, an even number of K blocks
    ([100, 0, 0, 900, 1, 255], 136, 48),   # one partial K block
    ([700, 300], 384, 640),                # an odd number of K blocks
])
def test_block_scaled_forward_matches_reference(sizes, n, k) -> None:  # type: ignore[no-untyped-def]
    p, qx, qw, sx, sw = quantized(sizes, n, k, blocks=True)
    y = mggemm.grouped_mm(qx, qw, p.sizes, scale_x=sx, scale_w=sw)
    assert y.dtype == torch.bfloat16 and y.shape == (sum(sizes), n)
    check_close(y, reference_scaled_forward(qx, qw, sx, sw, p.sizes), REL_TOL, "block scaled")
    check_close(y, reference_forward(p.x, p.w, p.sizes), FP8_VS_BF16_TOL, "fp8 vs bf16")
    # Row-major scales of x are copied to the kernel's layout: same result.
    y2 = mggemm.grouped_mm(qx, qw, p.sizes, scale_x=sx.contiguous(), scale_w=sw)
    assert torch.equal(y, y2)


@pytest.mark.parametrize("blocks", [False, True])
def test_nonnegative_operands_keep_precision(blocks: bool) -> None:
    # No cancellation: every product adds to a sum that grows with K.
    p, qx, qw, sx, sw = quantized([1000, 0, 2500], 512, 14336, seed=6, blocks=blocks,
                                  nonnegative=True)
    y = mggemm.grouped_mm(qx, qw, p.sizes, scale_x=sx, scale_w=sw)
    check_close(y, reference_scaled_forward(qx, qw, sx, sw, p.sizes), REL_TOL, "nonnegative")


def test_fast_accum_matches_torch_fast_accum() -> None:
    # Sums kept in the tensor cores over all of K, as torch's use_fast_accum:
    # within bf16 rounding of the reference on operands that cancel.
    p, qx, qw, sx, sw = quantized([777, 1024, 0, 2300], 2048, 4096, seed=7)
    y = mggemm.grouped_mm(qx, qw, p.sizes, scale_x=sx, scale_w=sw, fast_accum=True)
    check_close(y, reference_scaled_forward(qx, qw, sx, sw, p.sizes), REL_TOL, "fast_accum")
    try:
        ref = torch._scaled_grouped_mm(qx, qw.transpose(-2, -1), scale_a=sx, scale_b=sw,
                                       offs=p.offs, out_dtype=torch.bfloat16,
                                       use_fast_accum=True)
    except (RuntimeError, AttributeError, TypeError) as err:
        pytest.skip(f"torch._scaled_grouped_mm(use_fast_accum=True) unavailable here: {err}")
    check_close(y, ref.float(), REL_TOL, "vs torch._scaled_grouped_mm, fast accumulation")


def test_block_scaled_matches_torch_scaled_mm() -> None:
    try:
        from torch.nn.functional import ScalingType, scaled_mm
    except ImportError as err:
        pytest.skip(f"torch.nn.functional.scaled_mm unavailable here: {err}")
    sizes = [256, 640, 0, 1024]
    p, qx, qw, sx, sw = quantized(sizes, 768, 1024, seed=4, blocks=True)
    y = mggemm.grouped_mm(qx, qw, p.sizes, scale_x=sx, scale_w=sw)
    start = 0
    for g, rows in enumerate(sizes):
        if rows:
            ref = scaled_mm(qx[start:start + rows], qw[g].t(),
                            sx[start:start + rows].t().contiguous().t(), ScalingType.BlockWise1x128,
                            sw[g].t(), ScalingType.BlockWise128x128, output_dtype=torch.bfloat16)
            check_close(y[start:start + rows], ref.float(), REL_TOL, f"vs scaled_mm, group {g}")
        start += rows


def test_matches_torch_scaled_grouped_mm() -> None:
    p, qx, qw, sx, sw = quantized([777, 1024, 0, 2300], 2048, 1024, seed=3)
    try:
        ref = torch._scaled_grouped_mm(qx, qw.transpose(-2, -1), scale_a=sx, scale_b=sw,
                                       offs=p.offs, out_dtype=torch.bfloat16)
    except (RuntimeError, AttributeError) as err:
        pytest.skip(f"torch._scaled_grouped_mm unavailable here: {err}")
    y = mggemm.grouped_mm(qx, qw, p.sizes, scale_x=sx, scale_w=sw)
    check_close(y, ref.float(), REL_TOL, "vs torch._scaled_grouped_mm")


def test_empty_batch_and_missing_scale() -> None:
    _, qx, qw, sx, sw = quantized([0, 0], 64, 64)
    y = mggemm.grouped_mm(qx, qw, torch.zeros(2, dtype=torch.int32, device="cuda"),
                          scale_x=sx, scale_w=sw)
    assert y.shape == (0, 64) and y.dtype == torch.bfloat16
    with pytest.raises(ValueError, match="both scale_x and scale_w"):
        mggemm.grouped_mm(qx, qw, torch.zeros(2, dtype=torch.int32, device="cuda"), scale_x=sx)


@pytest.mark.parametrize("sizes,c,dtype", [
    ([100, 0, 1000, 37], 264, torch.bfloat16),     # padded; a tile straddles three groups
    (sizes_with_edge_cases(3000, 64, seed=4), 136, torch.bfloat16),  # many tiny groups
    ([130, 0, 300, 1, 97, 128], 72, torch.float16),  # C not a multiple of the tile
    ([4096, 0], 7168, torch.bfloat16),              # no padding; an empty last group
    ([0, 0, 0], 64, torch.bfloat16),                # no rows
    ([5, 11], 40, torch.float32),
])
@pytest.mark.parametrize("row_scaled", [False, True])
def test_quantize_grouped_columns_kernels_match_torch_ops(sizes, c, dtype,  # type: ignore[no-untyped-def]
                                                          row_scaled: bool) -> None:
    # The Triton kernels against the torch ops they replace: the same bits,
    # also with row scales multiplied in (the fp8 dW on the forward's fp8 X).
    pytest.importorskip("triton")
    gen = torch.Generator(device="cpu").manual_seed(7)
    m = sum(sizes)
    t = (torch.randn(m, c, generator=gen) * torch.rand(1, c, generator=gen) * 30).to(dtype)
    t[:, 3] = 0  # an all-zero column: the tiny scale
    row_scale = (torch.rand(m, generator=gen) * 1e-2).cuda() if row_scaled else None
    t, s = t.cuda(), torch.tensor(sizes, dtype=torch.int32, device="cuda")
    mp = mggemm.ops._grouped_columns_width(m, len(sizes))
    got = mggemm.ops._quantize_grouped_columns_kernels(t, s, mp, row_scale, None)
    want = mggemm.ops._quantize_grouped_columns_torch(t, s, mp, row_scale)
    assert torch.equal(got[0].view(torch.uint8), want[0].view(torch.uint8))
    assert torch.equal(got[1], want[1]) and torch.equal(got[2], want[2])
    assert got[3].shape == want[3].shape == (0, mp)


@pytest.mark.parametrize("shape", [(1137, 264), (4096, 7168), (5, 16), (0, 32), (300, 40),
                                   (8, 512, 2048), (3, 40, 72), (2, 0, 16)])
def test_transpose_fp8_kernel_matches_torch(shape) -> None:  # type: ignore[no-untyped-def]
    # [G, N, K] to [G, K, N] (the fp8 dX's W), and 2-D.
    pytest.importorskip("triton")
    q = (torch.randn(*shape, device="cuda") * 100).to(torch.float8_e4m3fn)
    got = mggemm.ops._transpose_fp8_kernel(q)
    want = q.transpose(-2, -1).contiguous()
    assert got.shape == want.shape and torch.equal(got.view(torch.uint8), want.view(torch.uint8))


@pytest.mark.parametrize("sizes,c", [([100, 0, 1000, 37], 264), ([4096, 0], 7168), ([0, 0], 16),
                                     ([300, 150], 40)])  # sizes short of M = 500
def test_grouped_columns_transpose_kernel_matches_torch(sizes, c) -> None:  # type: ignore[no-untyped-def]
    # The forward's fp8 X into the fp8 weight gradient's padded layout, beside
    # dY's quantization (the fourth result).
    pytest.importorskip("triton")
    m = 500 if sizes == [300, 150] else sum(sizes)
    q = (torch.randn(m, c, device="cuda") * 100).to(torch.float8_e4m3fn)
    t = torch.randn(m, 24, device="cuda", dtype=torch.bfloat16)
    s = torch.tensor(sizes, dtype=torch.int32, device="cuda")
    mp = mggemm.ops._grouped_columns_width(m, len(sizes))
    got = mggemm.ops._quantize_grouped_columns_kernels(t, s, mp, None, q)[3]
    want = mggemm.ops._quantize_grouped_columns_torch(t, s, mp, None, q)[3]
    assert got.shape == (c, mp) and torch.equal(got.view(torch.uint8), want.view(torch.uint8))


@pytest.mark.parametrize("shape", [(1137, 264), (4096, 7168), (3, 16), (0, 64), (8, 512, 2048),
                                   (2, 40, 2100), (5, 20000)])  # 4, 2 and 1 rows a program
def test_quantize_rowwise_kernel_matches_torch_ops(shape) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("triton")
    gen = torch.Generator(device="cpu").manual_seed(13)
    t = (torch.randn(*shape, generator=gen) * 20).to(torch.bfloat16).cuda()
    if t.numel():
        t.view(-1, shape[-1])[0] = 0  # an all-zero row: the tiny scale
    got = mggemm.ops._quantize_rowwise_kernel(t, None, None)
    want = mggemm.ops._quantize_rowwise_torch(t)
    assert got[0].shape == want[0].shape and got[1].shape == want[1].shape
    assert torch.equal(got[0].view(torch.uint8), want[0].view(torch.uint8))
    assert torch.equal(got[1], want[1])


@pytest.mark.parametrize("sizes, n", [([300, 0, 513, 211], 512), ([1], 16), ([0, 77, 0], 2100),
                                      ([4096] * 8, 4096)])
def test_quantize_rowwise_kernel_with_group_column_scales(sizes, n) -> None:  # type: ignore[no-untyped-def]
    # The fp8 input gradient's dY times W's row scales: bits of the torch ops.
    pytest.importorskip("triton")
    p = make_problem(sizes, n, 32, seed=15)
    sw = torch.rand(len(sizes), n, device="cuda") * 0.01
    got = mggemm.ops._quantize_rowwise_kernel(p.dy, p.sizes, sw)
    want = mggemm.ops._quantize_rowwise_torch(p.dy, p.sizes, sw)
    assert torch.equal(got[0].view(torch.uint8), want[0].view(torch.uint8))
    assert torch.equal(got[1], want[1])


def test_quantize_rowwise_kernel_keeps_nan() -> None:
    # NaN comes out NaN; the other rows keep the torch ops' bits.
    pytest.importorskip("triton")
    t = make_problem([300, 200], 64, 32, seed=12).x.clone()
    t[7, 5] = float("nan")
    q, s = mggemm.ops._quantize_rowwise_kernel(t, None, None)
    want = mggemm.ops._quantize_rowwise_torch(t)
    assert torch.isnan(q[7, 5].float()) and torch.isfinite(s).all()
    rest = torch.arange(t.shape[0], device="cuda") != 7
    assert torch.equal(q[rest].view(torch.uint8), want[0][rest].view(torch.uint8))


def test_quantize_rowwise_kernel_opcheck() -> None:
    pytest.importorskip("triton")
    p = make_problem([100, 0, 60], 96, 32, seed=9)
    torch.library.opcheck(torch.ops.mggemm.quantize_fp8_rowwise.default, (p.x, None, None))
    torch.library.opcheck(torch.ops.mggemm.quantize_fp8_rowwise.default,
                          (p.dy, p.sizes, torch.rand(3, 96, device="cuda")))


@pytest.mark.parametrize("shape, dtype", [((1137, 300), torch.bfloat16), ((4096, 7168), torch.bfloat16),
                                          ((3, 16), torch.bfloat16), ((8, 136, 320), torch.bfloat16),
                                          ((2, 4096, 7168), torch.bfloat16), ((3, 1, 5), torch.bfloat16),
                                          ((65, 260), torch.float32), ((2, 130, 256), torch.float32)])
def test_quantize_blockwise_kernel_matches_torch_ops(shape, dtype) -> None:  # type: ignore[no-untyped-def]
    # 1 x 128 blocks of X, 128 x 128 of W, partial ones included: the torch
    # ops' bits, and X's scales column-major as before.
    pytest.importorskip("triton")
    gen = torch.Generator(device="cpu").manual_seed(17)
    t = (torch.randn(*shape, generator=gen) * 20).to(dtype).cuda()
    t[..., :1, :128] = 0  # an all-zero row of a block (X: a whole block)
    got = mggemm.quantize_fp8_blockwise(t)
    want = mggemm.ops._quantize_blockwise_torch(t)
    # Strides of size-1 dimensions carry no layout ((3, 16)'s scales are [3, 1]).
    assert got[1].shape == want[1].shape
    assert [st for n, st in zip(got[1].shape, got[1].stride()) if n > 1] == \
        [st for n, st in zip(want[1].shape, want[1].stride()) if n > 1]
    assert torch.equal(got[0].view(torch.uint8), want[0].view(torch.uint8))
    assert torch.equal(got[1], want[1])


def test_quantize_blockwise_kernel_keeps_nan_and_opcheck() -> None:
    pytest.importorskip("triton")
    t = make_problem([300, 200], 64, 256, seed=12).x.clone()
    # opcheck compares outputs with assert_close, for which NaN != NaN.
    torch.library.opcheck(torch.ops.mggemm.quantize_fp8_blockwise.default, (t,))
    t[7, 5] = float("nan")
    q, s = mggemm.quantize_fp8_blockwise(t)
    assert torch.isnan(q[7, 5].float()) and torch.isfinite(s).all()
    torch.library.opcheck(torch.ops.mggemm.quantize_fp8_blockwise.default,
                          (make_problem([10], 136, 320, seed=3).w,))


def test_quantize_grouped_columns_keeps_nan() -> None:
    # A NaN must not come out as a finite fp8 value (a silent wrong dW).
    t = make_problem([300, 200], 64, 32, seed=12).dy.clone()
    t[7, 5] = float("nan")
    q_t, _, _ = mggemm.quantize_fp8_grouped_columns(t, torch.tensor([300, 200], dtype=torch.int32,
                                                                    device="cuda"))
    assert torch.isnan(q_t[5, 7].float())


def test_quantize_grouped_columns_kernels_strided_and_short_sizes() -> None:
    pytest.importorskip("triton")
    t = make_problem([300, 200], 512, 64, seed=8).dy[:, :264]  # row stride 512
    s = torch.tensor([300, 150], dtype=torch.int32, device="cuda")  # sums to 450 < M = 500
    q_t, scale, padded = mggemm.quantize_fp8_grouped_columns(t, s)
    # Rows past the sizes' sum count towards the last group's scales and
    # are in no group's columns, in both paths.
    want = mggemm.ops._quantize_grouped_columns_torch(t.contiguous(), s, q_t.shape[1])
    assert torch.equal(q_t.view(torch.uint8), want[0].view(torch.uint8))
    assert torch.equal(scale, want[1]) and padded.tolist() == [384, 256]
    assert torch.count_nonzero(q_t[:, 384 + 150:].float()) == 0


def test_quantize_grouped_columns_opcheck() -> None:
    pytest.importorskip("triton")
    p = make_problem([100, 0, 60], 96, 32, seed=9)
    torch.library.opcheck(torch.ops.mggemm.quantize_fp8_grouped_columns.default,
                          (p.dy, p.sizes, 160, None, None))
    torch.library.opcheck(torch.ops.mggemm.quantize_fp8_grouped_columns.default,
                          (p.dy, p.sizes, 160, torch.rand(160, device="cuda"), None))
    # Not test_schema: its mutation check multiplies the fp8 input, which
    # torch does not implement for float8_e4m3fn.
    for q in (p.dy, p.w):
        torch.library.opcheck(torch.ops.mggemm.transpose_fp8.default,
                              (q.to(torch.float8_e4m3fn),),
                              test_utils=("test_faketensor", "test_aot_dispatch_dynamic"))
    torch.library.opcheck(torch.ops.mggemm.quantize_fp8_grouped_columns.default,
                          (p.dy, p.sizes, 512, None, p.x.to(torch.float8_e4m3fn)),
                          test_utils=("test_faketensor", "test_aot_dispatch_dynamic"))


@pytest.mark.parametrize("scaling, fast_accum", [("row", False), ("block", False),
                                                 ("row", True)])
def test_fp8_training_gradients(scaling: str, fast_accum: bool) -> None:
    p = make_problem([300, 0, 513, 211], 512, 256, seed=5)
    x = p.x.clone().requires_grad_()
    w = p.w.clone().requires_grad_()
    y = mggemm.grouped_mm_fp8(x, w, p.sizes, scaling=scaling, fast_accum=fast_accum)
    y.backward(p.dy)
    assert y.dtype == x.grad.dtype == w.grad.dtype == torch.bfloat16
    check_close(y, reference_forward(p.x, p.w, p.sizes), FP8_VS_BF16_TOL, "fp8 forward")
    check_close(x.grad, reference_grad_input(p.dy, p.w, p.sizes), FP8_VS_BF16_TOL,
                "fp8 grad_input")
    # The weight gradient runs in bf16.
    check_close(w.grad, reference_grad_weight(p.dy, p.x, p.sizes), REL_TOL, "bf16 grad_weight")


def spy_on_fast_accum(monkeypatch: pytest.MonkeyPatch, name: str) -> list[bool]:
    """Wraps ``mggemm.ops.<name>``, whose sixth argument is ``fast_accum``,
    and returns the list of that argument, one per call."""
    calls: list[bool] = []
    product = getattr(mggemm.ops, name)

    def spy(*args):  # type: ignore[no-untyped-def]
        calls.append(args[5])
        return product(*args)

    monkeypatch.setattr(mggemm.ops, name, spy)
    return calls


def test_fp8_training_fast_accum_reaches_both_products(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = spy_on_fast_accum(monkeypatch, "_scaled_grouped_mm")
    p = make_problem([300, 0, 513, 211], 512, 256, seed=5)
    x = p.x.clone().requires_grad_()
    w = p.w.clone().requires_grad_()
    mggemm.grouped_mm_fp8(x, w, p.sizes, fast_accum=True).backward(p.dy)
    assert calls == [True, True]  # forward, then the input gradient


def test_torch_compile_sees_one_op() -> None:
    p, qx, qw, sx, sw = quantized([128, 256], 256, 128)
    fn = torch.compile(lambda a, b, c, d, s: mggemm.grouped_mm(a, b, s, scale_x=c, scale_w=d),
                       fullgraph=True)
    y = fn(qx, qw, sx, sw, p.sizes)
    check_close(y, reference_scaled_forward(qx, qw, sx, sw, p.sizes), REL_TOL, "compiled")


@pytest.mark.parametrize("scaling, fp8_grad_weight", [("row", False), ("row", True),
                                                     ("block", True)])
def test_fp8_training_compiles_fullgraph(scaling: str, fp8_grad_weight: bool) -> None:
    # The ops (quantizers included) are opaque nodes under torch.compile, as
    # in eager they are called directly: both give the same training step.
    torch._dynamo.reset()
    p = make_problem([300, 0, 212], 256, 128, seed=6)

    def step(x, w, s):  # type: ignore[no-untyped-def]
        return mggemm.grouped_mm_fp8(x, w, s, scaling, fp8_grad_weight=fp8_grad_weight)

    results = []
    for fn in (step, torch.compile(step, fullgraph=True)):
        x, w = p.x.clone().requires_grad_(), p.w.clone().requires_grad_()
        y = fn(x, w, p.sizes)
        y.backward(p.dy)
        results.append((y, x.grad, w.grad))
    for got, want in zip(*reversed(results)):
        check_close(got, want.float(), REL_TOL, "compiled fp8 training")


# ---------------------------------------------------- fp8 weight gradient


def grad_weight_quantized(sizes, n, k, seed=0, nonnegative=False):  # type: ignore[no-untyped-def]
    """The problem and the fp8 weight gradient's operands (dy_t, x_t,
    scale_dy, scale_x, padded sizes)."""
    p = make_problem(sizes, n, k, seed=seed)
    dy, x = (p.dy.abs(), p.x.abs()) if nonnegative else (p.dy, p.x)
    qdy_t, sdy, padded = mggemm.quantize_fp8_grouped_columns(dy, p.sizes)
    qx_t, sx, _ = mggemm.quantize_fp8_grouped_columns(x, p.sizes)
    return p, (qdy_t, qx_t, sdy, sx, padded)


@pytest.mark.parametrize("sizes,n,k", [
    ([512, 0, 1000, 37], 2048, 1024),      # M = 1549; an empty group
    (sizes_with_edge_cases(3000, 8, seed=1), 264, 144),  # empty and one-row groups
    ([3000], 512, 768),                    # G = 1
    ([100, 0, 0, 900, 1, 255], 136, 48),   # groups of no multiple of 16 or 128
    ([128, 256, 0, 640], 384, 256),        # no padding between groups
])
@pytest.mark.parametrize("fast_accum", [False, True])
def test_scaled_grad_weight_matches_reference(sizes, n, k, fast_accum: bool) -> None:  # type: ignore[no-untyped-def]
    p, q = grad_weight_quantized(sizes, n, k)
    poison_allocator(len(sizes) * n * k * 2)  # an unwritten dW element shows as NaN
    dw = mggemm.scaled_grouped_mm_grad_weight(*q, fast_accum=fast_accum)
    assert dw.dtype == torch.bfloat16 and dw.shape == (len(sizes), n, k)
    check_close(dw, reference_scaled_grad_weight(*q), REL_TOL, "fp8 grad_weight")
    for g, rows in enumerate(sizes):
        if rows == 0:
            assert torch.count_nonzero(dw[g]) == 0, f"dW[{g}] of an empty group is not zero"
    check_close(dw, reference_grad_weight(p.dy, p.x, p.sizes), FP8_VS_BF16_TOL, "fp8 vs bf16")


@pytest.mark.parametrize("sizes", [[100, 0, 1000, 37], sizes_with_edge_cases(3000, 8, seed=1)])
def test_scaled_grad_weight_of_packed_groups(sizes) -> None:  # type: ignore[no-untyped-def]
    # Operands whose groups are not padded to 128 columns (built here from
    # the padded ones): the kernel zeroes other groups' columns in k-blocks
    # that hold two groups.
    p, (qdy_t, qx_t, sdy, sx, _) = grad_weight_quantized(sizes, 264, 144, seed=4)
    m = sum(sizes)
    held = torch.cat([torch.arange(lo, lo + n) for lo, n in
                      zip(itertools.accumulate([0] + [-(-n // 128) * 128 for n in sizes]), sizes)])
    mp = -(-m // 16) * 16
    packed = [torch.zeros((t.shape[0], mp), dtype=t.dtype, device="cuda") for t in (qdy_t, qx_t)]
    for dst, src in zip(packed, (qdy_t, qx_t)):
        dst[:, :m] = src[:, held.cuda()]
    dw = mggemm.scaled_grouped_mm_grad_weight(*packed, sdy, sx, p.sizes)
    check_close(dw, reference_scaled_grad_weight(*packed, sdy, sx, p.sizes), REL_TOL, "packed")


def test_scaled_grad_weight_nonnegative_operands_keep_precision() -> None:
    # No cancellation over groups of thousands of tokens: the sums of each
    # 128 columns are added in f32.
    _, q = grad_weight_quantized([6000, 0, 9000], 256, 384, seed=6, nonnegative=True)
    dw = mggemm.scaled_grouped_mm_grad_weight(*q)
    check_close(dw, reference_scaled_grad_weight(*q), REL_TOL, "nonnegative")


def test_scaled_grad_weight_matches_torch_scaled_grouped_mm() -> None:
    p, q = grad_weight_quantized([256, 512, 0, 768], 512, 256, seed=3)
    qdy_t, qx_t, sdy, sx, padded = q
    used = int(padded.sum())  # torch's offsets end at its operands' last column
    try:
        # 2d x 2d: the groups split the reduction at offs.
        ref = torch._scaled_grouped_mm(qdy_t[:, :used].contiguous(), qx_t[:, :used].t(),
                                       scale_a=sdy.view(-1), scale_b=sx.view(-1),
                                       offs=torch.cumsum(padded, 0, dtype=torch.int32),
                                       out_dtype=torch.bfloat16)
    except (RuntimeError, AttributeError) as err:
        pytest.skip(f"torch._scaled_grouped_mm (2d x 2d) unavailable here: {err}")
    dw = mggemm.scaled_grouped_mm_grad_weight(*q)
    check_close(dw, ref.float(), REL_TOL, "vs torch._scaled_grouped_mm")


def test_scaled_grad_weight_without_tokens() -> None:
    _, q = grad_weight_quantized([0, 0, 0], 64, 32)
    assert q[0].shape == (64, 0)
    dw = mggemm.scaled_grouped_mm_grad_weight(*q)
    assert dw.shape == (3, 64, 32) and torch.count_nonzero(dw) == 0


@pytest.mark.parametrize("fast_accum", [False, True])
def test_grad_weight_fp8_matches_bf16(fast_accum: bool) -> None:
    p = make_problem([300, 0, 517, 211], 512, 256, seed=5)  # M = 1028
    dw = mggemm.grouped_mm_grad_weight_fp8(p.dy, p.x, p.sizes, fast_accum=fast_accum)
    assert dw.dtype == p.dy.dtype and dw.shape == (4, 512, 256)
    check_close(dw, reference_grad_weight(p.dy, p.x, p.sizes), FP8_VS_BF16_TOL, "fp8 vs bf16")
    assert torch.count_nonzero(dw[1]) == 0


def test_quantize_grouped_columns_round_trip() -> None:
    sizes = [100, 0, 1000, 37]  # M = 1137; groups padded to 128, 0, 1024, 128 columns
    p = make_problem(sizes, 264, 144, seed=2)
    torch.cuda.synchronize()
    torch.cuda.set_sync_debug_mode("error")  # never reads sizes on the host
    try:
        q_t, scale, padded = mggemm.quantize_fp8_grouped_columns(p.dy, p.sizes)
    finally:
        torch.cuda.set_sync_debug_mode("default")
    mp = -(-(1137 + 127 * 4) // 128) * 128  # room for any four sizes summing to M
    assert q_t.dtype == torch.float8_e4m3fn and q_t.shape == (264, mp) and q_t.is_contiguous()
    assert padded.dtype == torch.int32 and padded.tolist() == [128, 0, 1024, 128]
    held = torch.cat([torch.arange(0, 100), torch.arange(128, 1128), torch.arange(1152, 1189)])
    zeros = torch.ones(mp, dtype=torch.bool)
    zeros[held] = False
    assert torch.count_nonzero(q_t[:, zeros.cuda()].float()) == 0
    group = torch.repeat_interleave(torch.arange(4, device="cuda"), p.sizes.long())
    s = scale[group]  # [M, N]: each row's group's column scales
    deq, dy = q_t[:, held.cuda()].float().t() * s, p.dy.float()
    assert torch.all((deq - dy).abs() <= dy.abs() / 16 + s * 2**-10)
    check_close(deq, dy, FP8_VS_BF16_TOL, "dequantized")


@pytest.mark.parametrize("scaling, fast_accum", [("row", False), ("block", False),
                                                 ("row", True)])
def test_fp8_training_fp8_grad_weight(scaling: str, fast_accum: bool,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    p = make_problem([300, 0, 517, 211], 512, 256, seed=5)
    w_bf16 = p.w.clone().requires_grad_()
    mggemm.grouped_mm_fp8(p.x, w_bf16, p.sizes, scaling=scaling,
                          fast_accum=fast_accum).backward(p.dy)
    calls = spy_on_fast_accum(monkeypatch, "_scaled_grouped_mm_grad_weight")
    x = p.x.clone().requires_grad_()
    w = p.w.clone().requires_grad_()
    y = mggemm.grouped_mm_fp8(x, w, p.sizes, scaling=scaling, fast_accum=fast_accum,
                              fp8_grad_weight=True)
    y.backward(p.dy)
    assert calls == [fast_accum]  # the fp8 weight gradient ran, fast_accum mirrored
    assert w.grad.dtype == torch.bfloat16 and w.grad.shape == p.w.shape
    check_close(w.grad, w_bf16.grad.float(), FP8_VS_BF16_TOL, "fp8 dW vs bf16 dW")
    check_close(w.grad, reference_grad_weight(p.dy, p.x, p.sizes), FP8_VS_BF16_TOL, "fp8 dW")
    assert torch.count_nonzero(w.grad[1]) == 0
    check_close(x.grad, reference_grad_input(p.dy, p.w, p.sizes), FP8_VS_BF16_TOL, "fp8 dX")


@pytest.mark.parametrize("scaling, fp8_grad_weight", [("row", False), ("row", True),
                                                      ("block", False)])
def test_fp8_training_on_f32_master_weights(scaling: str, fp8_grad_weight: bool) -> None:
    # f32 w is quantized as it is: holding bf16 values, it gives the bits of
    # its bf16 copy, and its gradient comes back f32.
    p = make_problem([300, 0, 517, 211], 512, 256, seed=6)
    runs = []
    for w0 in (p.w, p.w.float()):
        x, w = p.x.clone().requires_grad_(), w0.clone().requires_grad_()
        y = mggemm.grouped_mm_fp8(x, w, p.sizes, scaling=scaling, fp8_grad_weight=fp8_grad_weight)
        y.backward(p.dy)
        runs.append((y, x.grad, w.grad))
    (y16, dx16, dw16), (y, dx, dw) = runs
    assert y.dtype == dx.dtype == torch.bfloat16 and dw.dtype == torch.float32
    assert torch.equal(y, y16) and torch.equal(dx, dx16) and torch.equal(dw, dw16.float())
    check_close(dw, reference_grad_weight(p.dy, p.x, p.sizes),
                FP8_VS_BF16_TOL if fp8_grad_weight else REL_TOL, "dW of f32 w")


@pytest.mark.parametrize("sizes", [[300, 0, 517, 211], [1000], [5, 0, 27, 400, 1]])
@pytest.mark.parametrize("fast_accum", [False, True])
def test_grad_weight_fp8_on_row_scaled_x(sizes, fast_accum: bool) -> None:  # type: ignore[no-untyped-def]
    # The row-scaled training path's dW: X's row scales moved into dY, the
    # forward's fp8 X transposed.
    p = make_problem(sizes, 512, 256, seed=11)
    qx, sx = mggemm.quantize_fp8_rowwise(p.x)
    dw = mggemm.ops._grad_weight_fp8_on_row_scaled_x(p.dy, qx, sx, p.sizes, fast_accum)
    assert dw.dtype == torch.bfloat16 and dw.shape == (len(sizes), 512, 256)
    check_close(dw, reference_grad_weight(p.dy, p.x, p.sizes), FP8_VS_BF16_TOL, "fp8 dW")
    for g, rows in enumerate(sizes):
        if rows == 0:
            assert torch.count_nonzero(dw[g]) == 0


@pytest.mark.parametrize("sizes", [[300, 0, 517, 211], [1000], [5, 0, 27, 400, 1]])
@pytest.mark.parametrize("fast_accum", [False, True])
def test_grad_input_fp8_on_row_scaled_w(sizes, fast_accum: bool) -> None:  # type: ignore[no-untyped-def]
    # The row-scaled training path's dX: W's row scales moved into dY, the
    # forward's fp8 W transposed.
    p = make_problem(sizes, 512, 256, seed=16)
    qw, sw = mggemm.quantize_fp8_rowwise(p.w)
    dx = mggemm.ops._grad_input_fp8_on_row_scaled_w(p.dy, qw, sw, p.sizes, fast_accum)
    assert dx.dtype == torch.bfloat16 and dx.shape == (sum(sizes), 256)
    check_close(dx, reference_grad_input(p.dy, p.w, p.sizes), FP8_VS_BF16_TOL, "fp8 dX")


def test_fp8_training_row_scaled_keeps_fp8_w() -> None:
    p = make_problem([300, 0, 517, 211], 512, 256, seed=5)
    y = mggemm.grouped_mm_fp8(p.x.clone().requires_grad_(), p.w.clone().requires_grad_(),
                              p.sizes)
    saved = y.grad_fn.saved_tensors
    assert saved[2].dtype == torch.float8_e4m3fn and saved[2].shape == p.w.shape
    assert saved[3].shape == p.w.shape[:2]  # its row scales


def test_fp8_training_row_scaled_keeps_fp8_x() -> None:
    p = make_problem([300, 0, 517, 211], 512, 256, seed=5)
    x = p.x.clone().requires_grad_()
    w = p.w.clone().requires_grad_()
    y = mggemm.grouped_mm_fp8(x, w, p.sizes, fp8_grad_weight=True)
    saved = y.grad_fn.saved_tensors
    assert saved[0].dtype == torch.float8_e4m3fn  # the forward's fp8 X, not x
    y_bf16_dw = mggemm.grouped_mm_fp8(x, w, p.sizes)
    assert y_bf16_dw.grad_fn.saved_tensors[0].dtype == torch.bfloat16


def test_torch_compile_sees_one_grad_weight_op() -> None:
    _, q = grad_weight_quantized([128, 0, 200], 256, 128)
    fn = torch.compile(mggemm.scaled_grouped_mm_grad_weight, fullgraph=True)
    check_close(fn(*q), reference_scaled_grad_weight(*q), REL_TOL, "compiled")
