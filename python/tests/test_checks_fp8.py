"""The torch-free checks of the scaled fp8 products: the forward and the
weight gradient."""

from __future__ import annotations

import pytest
from test_checks import spec

from mggemm._checks import (
    Problem,
    check_forward,
    check_grad_input,
    check_scaled_forward,
    check_scaled_grad_weight,
)

G, M, N, K = 4, 100, 64, 128
FP8 = "torch.float8_e4m3fn"


def scaled(**over):  # type: ignore[no-untyped-def]
    args = {"x": spec("x", (M, K), FP8), "w": spec("w", (G, N, K), FP8),
            "scale_x": spec("scale_x", (M,), "torch.float32"),
            "scale_w": spec("scale_w", (G, N), "torch.float32"),
            "sizes": spec("sizes", (G,), "torch.int32")}
    args.update(over)
    return check_scaled_forward(args["x"], args["w"], args["scale_x"], args["scale_w"],
                                args["sizes"])


def test_accepts_and_reports_dims() -> None:
    assert scaled() == Problem(M=M, N=N, K=K, G=G, dtype="float8_e4m3fn", device="cuda:0")


@pytest.mark.parametrize("name", ["x", "w"])
def test_operands_must_be_fp8(name: str) -> None:
    shape = (M, K) if name == "x" else (G, N, K)
    with pytest.raises(TypeError, match=rf"{name} has dtype torch.bfloat16, but the scaled "
                                        r"product takes torch.float8_e4m3fn.*quantize_fp8_rowwise"):
        scaled(**{name: spec(name, shape)})


def test_fp8_without_scales_says_pass_them() -> None:
    sizes = spec("sizes", (G,), "torch.int32")
    for call in (lambda: check_forward(spec("x", (M, K), FP8), spec("w", (G, N, K), FP8), sizes),
                 lambda: check_grad_input(spec("dy", (M, N)), spec("w", (G, N, K), FP8), sizes)):
        with pytest.raises(TypeError, match=r"is torch.float8_e4m3fn, which only the scaled "
                                            r"forward product takes: pass both row scales.*"
                                            r"scale_x=\.\.\., scale_w=\.\.\."):
            call()


def test_empty_batch_is_accepted() -> None:
    p = scaled(x=spec("x", (0, K), FP8), scale_x=spec("scale_x", (0,), "torch.float32"))
    assert (p.M, p.N, p.K, p.G) == (0, N, K, G)


def test_k_multiple_of_16() -> None:
    with pytest.raises(ValueError, match=r"K=72 \(x.shape\[1\]\) is not a multiple of 16"):
        scaled(x=spec("x", (M, 72), FP8), w=spec("w", (G, N, 72), FP8))


@pytest.mark.parametrize("name,shape", [("scale_x", (M,)), ("scale_w", (G, N))])
def test_scale_dtype(name: str, shape) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TypeError, match=rf"{name} must be torch.float32 \(one scale per row\), "
                                        rf"got torch.bfloat16: use {name}.float\(\)"):
        scaled(**{name: spec(name, shape, "torch.bfloat16")})


@pytest.mark.parametrize("name,shape,layout", [
    ("scale_x", (M + 1,), r"\[M\] = \(100\)"),
    ("scale_w", (G * N,), r"\[G, N\] = \(4, 64\)"),
    ("scale_w", (G, K), r"\[G, N\] = \(4, 64\)"),
])
def test_scale_shapes(name: str, shape, layout: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=rf"{name} must have shape {layout}, got"):
        scaled(**{name: spec(name, shape, "torch.float32")})


def test_scale_device_contiguity_alignment() -> None:
    with pytest.raises(ValueError, match=r"scale_w is on cpu but must be on cuda:0"):
        scaled(scale_w=spec("scale_w", (G, N), "torch.float32", device="cpu"))
    with pytest.raises(ValueError, match=r"scale_w is not contiguous"):
        scaled(scale_w=spec("scale_w", (G, N), "torch.float32", stride=(1, G)))
    with pytest.raises(ValueError, match=r"scale_x starts at address 0x7f0000000002.*not 4-byte"):
        scaled(scale_x=spec("scale_x", (M,), "torch.float32", data_ptr=0x7F0000000002))


def test_shape_rules_shared_with_forward() -> None:
    with pytest.raises(ValueError, match=r"x has K=128 columns but w"):
        scaled(w=spec("w", (G, N, 256), FP8))
    with pytest.raises(ValueError, match=r"N=60 \(w.shape\[1\]\) is not a multiple of 8"):
        scaled(w=spec("w", (G, 60, K), FP8), scale_w=spec("scale_w", (G, 60), "torch.float32"))


@pytest.mark.parametrize("over,error,message", [
    ({"x": spec("x", (2, M, K), FP8)}, ValueError, r"x must be 2-D \[M, K\]"),
    ({"w": spec("w", (G * N, K), FP8)}, ValueError, r"w must be 3-D \[G, N, K\]"),
    ({"sizes": spec("sizes", (G,), "torch.int64")}, TypeError, r"sizes must be torch.int32"),
    ({"sizes": spec("sizes", (G + 1,), "torch.int32")}, ValueError, r"sizes has 5 entries"),
    ({"x": spec("x", (M, K), FP8, device="cpu")}, ValueError, r"x is on cpu.*x.cuda\(\)"),
    ({"w": spec("w", (G, N, K), FP8, device="cuda:1")}, ValueError, r"w is on cuda:1 but must"),
    ({"x": spec("x", (M, K), FP8, stride=(1, M))}, ValueError, r"call x.contiguous\(\)"),
    ({"w": spec("w", (G, N, K), FP8, data_ptr=0x7F0000000008)}, ValueError,
     r"w starts at address 0x7f0000000008, which is not 16-byte aligned"),
])
def test_operand_rules_shared_with_forward(over, error, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error, match=message):
        scaled(**over)


# Block-wise scales: x per 1 x 128 block, [M, ceil(K/128)]; w per 128 x 128
# block, [G, ceil(N/128), ceil(K/128)]. K = 320 and N = 136 have partial blocks.
BK, BN = 320, 136


def blocked(**over):  # type: ignore[no-untyped-def]
    args = {"x": spec("x", (M, BK), FP8), "w": spec("w", (G, BN, BK), FP8),
            "scale_x": spec("scale_x", (M, 3), "torch.float32", stride=(1, M)),
            "scale_w": spec("scale_w", (G, 2, 3), "torch.float32")}
    args.update(over)
    return scaled(**args)


def test_block_scales_accepted_in_any_layout_for_x() -> None:
    assert blocked() == Problem(M=M, N=BN, K=BK, G=G, dtype="float8_e4m3fn", device="cuda:0")
    assert blocked(scale_x=spec("scale_x", (M, 3), "torch.float32")).K == BK  # row-major


@pytest.mark.parametrize("name,shape,layout", [
    ("scale_x", (M, 2), r"\[M, ceil\(K/128\)\] = \(100, 3\)"),
    ("scale_x", (3, M), r"\[M, ceil\(K/128\)\] = \(100, 3\)"),
    ("scale_w", (G, 1, 3), r"\[G, ceil\(N/128\), ceil\(K/128\)\] = \(4, 2, 3\)"),
    ("scale_w", (G, BN), r"\[G, ceil\(N/128\), ceil\(K/128\)\] = \(4, 2, 3\)"),
])
def test_block_scale_shapes(name: str, shape, layout: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=rf"{name} must have shape {layout}, got .*block-wise "
                                         r"scales, as mggemm.quantize_fp8_blockwise"):
        blocked(**{name: spec(name, shape, "torch.float32")})


def test_row_scale_shape_error_names_block_layout() -> None:
    with pytest.raises(ValueError, match=r"scale_w must have shape \[G, N\].*block-wise ones are "
                                         r"scale_x \[M, ceil\(K/128\)\]"):
        scaled(scale_w=spec("scale_w", (G, 1, 1), "torch.float32"))


def test_block_scale_dtype_and_contiguity() -> None:
    with pytest.raises(TypeError, match=r"scale_w must be torch.float32 \(one scale per block\)"):
        blocked(scale_w=spec("scale_w", (G, 2, 3), "torch.bfloat16"))
    with pytest.raises(ValueError, match=r"scale_w is not contiguous"):
        blocked(scale_w=spec("scale_w", (G, 2, 3), "torch.float32", stride=(6, 1, 2)))


# The fp8 weight gradient: operands transposed, dy_t [N, M] and x_t [K, M],
# scales per group and column, scale_dy [G, N] and scale_x [G, K].
WM = 112  # M, a multiple of 16


def grad_weight(**over):  # type: ignore[no-untyped-def]
    args = {"dy_t": spec("dy_t", (N, WM), FP8), "x_t": spec("x_t", (K, WM), FP8),
            "scale_dy": spec("scale_dy", (G, N), "torch.float32"),
            "scale_x": spec("scale_x", (G, K), "torch.float32"),
            "sizes": spec("sizes", (G,), "torch.int32")}
    args.update(over)
    return check_scaled_grad_weight(args["dy_t"], args["x_t"], args["scale_dy"],
                                    args["scale_x"], args["sizes"])


def test_grad_weight_accepts_and_reports_dims() -> None:
    assert grad_weight() == Problem(M=WM, N=N, K=K, G=G, dtype="float8_e4m3fn",
                                    device="cuda:0")
    p = grad_weight(dy_t=spec("dy_t", (N, 0), FP8), x_t=spec("x_t", (K, 0), FP8))
    assert (p.M, p.N, p.K, p.G) == (0, N, K, G)  # no tokens: dW is zeros
    p = grad_weight(dy_t=spec("dy_t", (N, 0), FP8), x_t=spec("x_t", (K, 0), FP8),
                    scale_dy=spec("scale_dy", (0, N), "torch.float32"),
                    scale_x=spec("scale_x", (0, K), "torch.float32"),
                    sizes=spec("sizes", (0,), "torch.int32"))
    assert p.G == 0
    meta = {"device": "meta", "data_ptr": None}
    p = check_scaled_grad_weight(spec("dy_t", (N, WM), FP8, **meta), spec("x_t", (K, WM), FP8, **meta),
                                 spec("scale_dy", (G, N), "torch.float32", **meta),
                                 spec("scale_x", (G, K), "torch.float32", **meta),
                                 spec("sizes", (G,), "torch.int32", **meta))
    assert p.device == "meta"


@pytest.mark.parametrize("name,shape,layout", [
    ("dy_t", (2, N, WM), r"dy_t must be 2-D \[N, M\] \(the output gradient, transposed\)"),
    ("x_t", (K,), r"x_t must be 2-D \[K, M\] \(the forward input, transposed\)"),
])
def test_grad_weight_ranks(name: str, shape, layout: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=layout + r".*quantize_fp8_grouped_columns"):
        grad_weight(**{name: spec(name, shape, FP8)})


@pytest.mark.parametrize("name,shape,source", [("dy_t", (N, WM), "dy"), ("x_t", (K, WM), "x")])
def test_grad_weight_operands_must_be_fp8(name: str, shape, source: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TypeError, match=rf"{name} has dtype torch.bfloat16, but the fp8 weight "
                                        r"gradient takes torch.float8_e4m3fn operands: quantize "
                                        rf"with mggemm.quantize_fp8_grouped_columns\({source}, "
                                        r"sizes\), or call grouped_mm_grad_weight"):
        grad_weight(**{name: spec(name, shape)})


def test_grad_weight_m_must_agree() -> None:
    with pytest.raises(ValueError, match=r"dy_t has M=112 columns but x_t has M=128: .*"
                                         r"dy_t.shape\[1\] must equal x_t.shape\[1\]"):
        grad_weight(x_t=spec("x_t", (K, 128), FP8))


def test_grad_weight_m_multiple_of_16_says_pad() -> None:
    with pytest.raises(ValueError, match=r"M=104 \(dy_t.shape\[1\], the tokens\) is not a "
                                         r"multiple of 16.*pad dy_t and x_t with 8 columns, "
                                         r"which are not read \(mggemm.quantize_fp8_grouped_"
                                         r"columns\(t, sizes\) returns them padded\)"):
        grad_weight(dy_t=spec("dy_t", (N, 104), FP8), x_t=spec("x_t", (K, 104), FP8))


def test_grad_weight_k_multiple_of_8_n_free() -> None:
    # dW's rows are K bf16 elements; N counts rows only (as the runtime has it).
    with pytest.raises(ValueError, match=r"K=36 \(x_t.shape\[0\]\) is not a multiple of 8"):
        grad_weight(x_t=spec("x_t", (36, WM), FP8), scale_x=spec("scale_x", (G, 36), "torch.float32"))
    p = grad_weight(dy_t=spec("dy_t", (60, WM), FP8), scale_dy=spec("scale_dy", (G, 60), "torch.float32"))
    assert p.N == 60


@pytest.mark.parametrize("name,shape", [("scale_dy", (G, N)), ("scale_x", (G, K))])
def test_grad_weight_scale_dtype(name: str, shape) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TypeError, match=rf"{name} must be torch.float32 .*got torch.bfloat16: "
                                        rf"use {name}.float\(\)"):
        grad_weight(**{name: spec(name, shape, "torch.bfloat16")})


@pytest.mark.parametrize("name,shape,layout", [
    ("scale_dy", (WM,), r"\[G, N\] = \(4, 64\)"),        # row-wise scales of the forward
    ("scale_dy", (G, K), r"\[G, N\] = \(4, 64\)"),
    ("scale_x", (G, N), r"\[G, K\] = \(4, 128\)"),
    ("scale_x", (G + 1, K), r"\[G, K\] = \(4, 128\)"),
])
def test_grad_weight_scale_shapes(name: str, shape, layout: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=rf"{name} must have shape {layout}, got .*one per group "
                                         r"and column of dy or x, a row of dy_t or x_t, as "
                                         r"mggemm.quantize_fp8_grouped_columns returns them"):
        grad_weight(**{name: spec(name, shape, "torch.float32")})


@pytest.mark.parametrize("over,error,message", [
    ({"sizes": spec("sizes", (G,), "torch.int64")}, TypeError,
     r"sizes must be torch.int32.*sizes.to\(torch.int32\)"),
    ({"sizes": spec("sizes", (2, 2), "torch.int32")}, ValueError, r"sizes must be 1-D \[G\]"),
    ({"sizes": spec("sizes", (G + 1,), "torch.int32")}, ValueError,
     r"scale_dy must have shape \[G, N\] = \(5, 64\)"),   # G comes from sizes
    ({"sizes": spec("sizes", (0,), "torch.int32")}, ValueError,
     r"no groups \(G=0\) but dy_t.shape\[1\] has M=112"),
    ({"dy_t": spec("dy_t", (N, WM), FP8, device="cpu")}, ValueError, r"dy_t is on cpu.*dy_t.cuda\(\)"),
    ({"x_t": spec("x_t", (K, WM), FP8, device="cuda:1")}, ValueError,
     r"x_t is on cuda:1 but must be on cuda:0.*x_t.to\(dy_t.device\)"),
    ({"sizes": spec("sizes", (G,), "torch.int32", device="cpu")}, ValueError,
     r"sizes is on cpu but must be on cuda:0.*read the group sizes on the GPU"),
    ({"scale_x": spec("scale_x", (G, K), "torch.float32", device="cpu")}, ValueError,
     r"scale_x is on cpu but must be on cuda:0"),
    ({"x_t": spec("x_t", (K, WM), FP8, stride=(1, K))}, ValueError,
     r"x_t is not contiguous.*call x_t.contiguous\(\)"),
    ({"scale_dy": spec("scale_dy", (G, N), "torch.float32", stride=(1, G))}, ValueError,
     r"scale_dy is not contiguous"),
    ({"dy_t": spec("dy_t", (N, WM), FP8, data_ptr=0x7F0000000008)}, ValueError,
     r"dy_t starts at address 0x7f0000000008, which is not 16-byte aligned"),
    ({"scale_x": spec("scale_x", (G, K), "torch.float32", data_ptr=0x7F0000000002)}, ValueError,
     r"scale_x starts at address 0x7f0000000002.*not 4-byte"),
])
def test_grad_weight_operand_rules(over, error, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error, match=message):
        grad_weight(**over)


def test_grad_weight_int32_limits() -> None:
    big = 2**31 + 8  # a multiple of 8 past int32
    with pytest.raises(ValueError, match=rf"K={big} exceeds the kernels' int32 limit"):
        grad_weight(x_t=spec("x_t", (big, WM), FP8),
                    scale_x=spec("scale_x", (G, big), "torch.float32"))
    rows = 2**30 + 16  # a multiple of 16 past MGGEMM_MAX_ROWS
    with pytest.raises(ValueError, match=rf"M={rows} exceeds the kernels' row limit"):
        grad_weight(dy_t=spec("dy_t", (N, rows), FP8), x_t=spec("x_t", (K, rows), FP8))
