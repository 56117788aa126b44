"""The torch-free checks of the scaled fp8 forward product."""

from __future__ import annotations

import pytest
from test_checks import spec

from mggemm._checks import Problem, check_forward, check_grad_input, check_scaled_forward

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
