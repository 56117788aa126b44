"""The torch-free argument checks: what they accept, and that each rejection
says what was expected, what was found and how to fix it."""

from __future__ import annotations

from typing import Optional, Tuple

import pytest

from mggemm._checks import (
    Problem,
    TensorSpec,
    canonical_dtype,
    check_forward,
    check_grad_input,
    check_grad_weight,
    check_seed_backward_weight,
    contiguous_strides,
    is_contiguous,
    seed_weight_groups,
)


def spec(name: str, shape: Tuple[int, ...], dtype: str = "torch.bfloat16",
         device: str = "cuda:0", stride: Optional[Tuple[int, ...]] = None,
         data_ptr: Optional[int] = 0x7F0000000000) -> TensorSpec:
    return TensorSpec(name, shape, contiguous_strides(shape) if stride is None else stride,
                      dtype, device, data_ptr)


G, M, N, K = 4, 100, 64, 128


def fwd(**over: TensorSpec) -> Problem:
    args = {"x": spec("x", (M, K)), "w": spec("w", (G, N, K)),
            "sizes": spec("sizes", (G,), "torch.int32")}
    args.update(over)
    return check_forward(args["x"], args["w"], args["sizes"])


# ------------------------------------------------------------------ accepted


def test_forward_accepts_and_reports_dims() -> None:
    assert fwd() == Problem(M=M, N=N, K=K, G=G, dtype="bfloat16", device="cuda:0")


def test_float16_accepted() -> None:
    p = fwd(x=spec("x", (M, K), "torch.float16"), w=spec("w", (G, N, K), "float16"))
    assert p.dtype == "float16"


def test_grad_input_and_weight_accept() -> None:
    dy, w, x = spec("dy", (M, N)), spec("w", (G, N, K)), spec("x", (M, K))
    sizes = spec("sizes", (G,), "int32")
    assert check_grad_input(dy, w, sizes) == Problem(M, N, K, G, "bfloat16", "cuda:0")
    assert check_grad_weight(dy, x, sizes) == Problem(M, N, K, G, "bfloat16", "cuda:0")


def test_empty_rows_and_groups() -> None:
    assert fwd(x=spec("x", (0, K))).M == 0
    p = check_forward(spec("x", (0, K)), spec("w", (0, N, K)), spec("sizes", (0,), "int32"))
    assert p.G == 0


def test_meta_device_is_accepted_for_shape_propagation() -> None:
    p = check_forward(spec("x", (M, K), device="meta", data_ptr=None),
                      spec("w", (G, N, K), device="meta", data_ptr=None),
                      spec("sizes", (G,), "int32", device="meta", data_ptr=None))
    assert p.device == "meta"


def test_size_one_dims_ignore_stride() -> None:
    # torch reports arbitrary strides for size-1 dimensions; still dense.
    fwd(x=spec("x", (1, K), stride=(1, 1)))
    assert is_contiguous((3, 1, 4), (4, 99, 1))
    assert is_contiguous((0, 5), (1, 1))
    assert not is_contiguous((3, 4), (1, 3))


# ------------------------------------------------------------------ rejected


def test_wrong_rank_of_x() -> None:
    with pytest.raises(ValueError, match=r"x must be 2-D \[M, K\].*got shape \(2, 50, 128\).*reshape"):
        fwd(x=spec("x", (2, 50, K)))


def test_seed_layout_weight_points_to_view() -> None:
    with pytest.raises(ValueError, match=r"w must be 3-D \[G, N, K\].*\(256, 128\).*view\(G, -1, K\)"):
        fwd(w=spec("w", (G * N, K)))


def test_unsupported_dtype_says_how_to_convert() -> None:
    with pytest.raises(TypeError, match=r"x has dtype torch.float32.*bfloat16.*x.to\(torch.bfloat16\)"):
        fwd(x=spec("x", (M, K), "torch.float32"))


def test_mixed_dtypes() -> None:
    with pytest.raises(TypeError, match=r"x is torch.bfloat16 but w is torch.float16.*w.to\(x.dtype\)"):
        fwd(w=spec("w", (G, N, K), "torch.float16"))


def test_sizes_must_be_int32() -> None:
    with pytest.raises(TypeError, match=r"sizes must be torch.int32.*got torch.int64.*"
                                        r"use sizes.to\(torch.int32\)"):
        fwd(sizes=spec("sizes", (G,), "torch.int64"))


def test_sizes_length_must_match_groups() -> None:
    with pytest.raises(ValueError, match=r"sizes has 3 entries but w has G=4 groups"):
        fwd(sizes=spec("sizes", (3,), "int32"))


def test_sizes_must_be_1d() -> None:
    with pytest.raises(ValueError, match=r"sizes must be 1-D \[G\].*\(2, 2\)"):
        fwd(sizes=spec("sizes", (2, 2), "int32"))


def test_k_mismatch() -> None:
    with pytest.raises(ValueError, match=r"x has K=120 columns but w .* has K=128"):
        fwd(x=spec("x", (M, 120)))


def test_k_not_multiple_of_8_says_pad() -> None:
    with pytest.raises(ValueError, match=r"K=100 .* not a multiple of 8.*pad K to a multiple of 8"):
        fwd(x=spec("x", (M, 100)), w=spec("w", (G, N, 100)))


def test_n_not_multiple_of_8() -> None:
    with pytest.raises(ValueError, match=r"N=60 .* not a multiple of 8.*pad N"):
        fwd(w=spec("w", (G, 60, K)))


def test_non_contiguous_says_call_contiguous() -> None:
    with pytest.raises(ValueError, match=r"x is not contiguous \(shape \(100, 128\), stride \(1, 100\); "
                                         r"expected stride \(128, 1\)\): call x.contiguous\(\)"):
        fwd(x=spec("x", (M, K), stride=(1, M)))


def test_sliced_weight_is_not_contiguous() -> None:
    with pytest.raises(ValueError, match=r"w is not contiguous.*w.contiguous\(\)"):
        fwd(w=spec("w", (G, N, K), stride=(2 * N * K, K, 1)))


def test_cpu_tensor() -> None:
    with pytest.raises(ValueError, match=r"x is on cpu, but mggemm's kernels run on CUDA.*x.cuda\(\)"):
        fwd(x=spec("x", (M, K), device="cpu"))


def test_sizes_on_host_explains_why() -> None:
    with pytest.raises(ValueError, match=r"sizes is on cpu but must be on cuda:0.*never waits.*"
                                         r"use sizes.to\(x.device\)"):
        fwd(sizes=spec("sizes", (G,), "int32", device="cpu"))


def test_operands_on_two_devices() -> None:
    with pytest.raises(ValueError, match=r"w is on cuda:1 but must be on cuda:0.*w.to\(x.device\)"):
        fwd(w=spec("w", (G, N, K), device="cuda:1"))


def test_misaligned_pointer_says_clone() -> None:
    with pytest.raises(ValueError, match=r"x starts at address 0x7f0000000002.*16-byte.*x.clone\(\)"):
        fwd(x=spec("x", (M, K), data_ptr=0x7F0000000002))


def test_rows_without_groups() -> None:
    with pytest.raises(ValueError, match=r"no groups \(G=0\) but x has M=100 rows"):
        check_forward(spec("x", (M, K)), spec("w", (0, N, K)), spec("sizes", (0,), "int32"))


def test_row_and_int32_limits() -> None:
    fwd(x=spec("x", (2**30 - 1, K)), sizes=spec("sizes", (G,), "int32"))
    with pytest.raises(ValueError, match=r"M=1073741824 exceeds the kernels' row limit"):
        fwd(x=spec("x", (2**30, K)))
    with pytest.raises(ValueError, match=r"N=2147483648 exceeds the kernels' int32 limit"):
        fwd(w=spec("w", (G, 2**31, K)))


def test_grad_input_n_mismatch() -> None:
    with pytest.raises(ValueError, match=r"dy has N=72 columns but w .* has N=64"):
        check_grad_input(spec("dy", (M, 72)), spec("w", (G, N, K)), spec("sizes", (G,), "int32"))


def test_grad_weight_row_mismatch() -> None:
    with pytest.raises(ValueError, match=r"dy has M=100 rows but x has M=99"):
        check_grad_weight(spec("dy", (M, N)), spec("x", (99, K)), spec("sizes", (G,), "int32"))


def test_grad_weight_sizes_dtype() -> None:
    with pytest.raises(TypeError, match=r"sizes must be torch.int32"):
        check_grad_weight(spec("dy", (M, N)), spec("x", (M, K)), spec("sizes", (G,), "int64"))


# ------------------------------------------------------------ seed layout


def test_seed_weight_groups() -> None:
    assert seed_weight_groups((G * N, K), G) == N
    with pytest.raises(ValueError, match=r"w has 250 rows, which do not split into G=4"):
        seed_weight_groups((250, K), G)
    with pytest.raises(ValueError, match=r"2-D stacked weight \[G\*N, K\]"):
        seed_weight_groups((G, N, K), G)


def test_seed_backward_shared_weight_is_explained() -> None:
    check_seed_backward_weight((G * N, K), G, N)
    with pytest.raises(ValueError, match=r"must be \[G\*N, K\].*shared by all groups"):
        check_seed_backward_weight((N, K), G, N)


@pytest.mark.parametrize("given,canonical", [
    ("torch.bfloat16", "bfloat16"), ("bf16", "bfloat16"), ("fp16", "float16"),
    ("torch.int32", "int32"), ("float32", "float32"),
])
def test_canonical_dtype(given: str, canonical: str) -> None:
    assert canonical_dtype(given) == canonical
