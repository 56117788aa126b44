"""The custom ops without a GPU: registration, shape propagation through the
fake implementations (meta tensors), the autograd formula's shapes, the
seed-compatible layout handling and the errors for CPU tensors."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

import mggemm  # noqa: E402

G, M, N, K = 4, 40, 24, 32


def meta(*shape: int, dtype=torch.bfloat16, grad: bool = False):  # type: ignore[no-untyped-def]
    return torch.empty(*shape, dtype=dtype, device="meta", requires_grad=grad)


def sizes_meta():  # type: ignore[no-untyped-def]
    return torch.empty(G, dtype=torch.int32, device="meta")


def test_ops_are_registered() -> None:
    for name in ("grouped_mm", "grouped_mm_grad_input", "grouped_mm_grad_weight"):
        assert hasattr(torch.ops.mggemm, name)
    schema = str(torch.ops.mggemm.grouped_mm.default._schema)
    assert schema.startswith("mggemm::grouped_mm(Tensor x, Tensor w, Tensor sizes) -> Tensor")


def test_shapes_propagate_on_meta() -> None:
    x, w, dy = meta(M, K), meta(G, N, K), meta(M, N)
    assert mggemm.grouped_mm(x, w, sizes_meta()).shape == (M, N)
    dx, dw = mggemm.grouped_mm_backward(dy, x, w, sizes_meta())
    assert dx.shape == (M, K) and dw.shape == (G, N, K)
    assert mggemm.grouped_mm(x.half(), w.half(), sizes_meta()).dtype == torch.float16


def test_autograd_shapes_on_meta() -> None:
    x, w = meta(M, K, grad=True), meta(G, N, K, grad=True)
    y = mggemm.grouped_mm(x, w, sizes_meta())
    # A transposed (non-contiguous) upstream gradient must be handled.
    y.backward(meta(N, M).t())
    assert x.grad.shape == (M, K) and w.grad.shape == (G, N, K)


def test_only_needed_gradients() -> None:
    x, w = meta(M, K, grad=True), meta(G, N, K)
    mggemm.grouped_mm(x, w, sizes_meta()).sum().backward()
    assert x.grad is not None and w.grad is None


def test_fake_checks_catch_errors_at_trace_time() -> None:
    with pytest.raises(ValueError, match="pad K to a multiple of 8"):
        mggemm.grouped_mm(meta(M, 20), meta(G, N, 20), sizes_meta())
    with pytest.raises(TypeError, match=r"sizes.to\(torch.int32\)"):
        mggemm.grouped_mm(meta(M, K), meta(G, N, K), sizes_meta().long())


def test_cpu_and_strided_tensors_are_rejected_with_a_fix() -> None:
    x = torch.zeros(M, K, dtype=torch.bfloat16)
    w = torch.zeros(G, N, K, dtype=torch.bfloat16)
    with pytest.raises(ValueError, match=r"x is on cpu.*x.cuda\(\)"):
        mggemm.grouped_mm(x, w, torch.zeros(G, dtype=torch.int32))
    with pytest.raises(ValueError, match=r"call x.contiguous\(\)"):
        mggemm.grouped_mm(meta(K, M).t(), meta(G, N, K), sizes_meta())


def test_seed_compat_layouts_on_meta() -> None:
    x, w2, dy = meta(M, K), meta(G * N, K), meta(M, N)
    y = mggemm.grouped_gemm_forward(x, w2, sizes_meta())
    assert y.shape == (M, N) and y.grad_fn is None
    gx, gw = mggemm.grouped_gemm_backward(dy, x, w2, sizes_meta())
    assert gx.shape == (M, K) and gw.shape == (G * N, K)
    gx3, gw3 = mggemm.grouped_gemm_backward(dy, x, meta(G, N, K), sizes_meta())
    assert gw3.shape == (G, N, K)
    with pytest.raises(ValueError, match="shared by all groups"):
        mggemm.grouped_gemm_backward(dy, x, meta(N, K), sizes_meta())
    with pytest.raises(NotImplementedError, match="fp8"):
        mggemm.grouped_gemm_forward(x, w2, sizes_meta(), using_fp8=True)
    w2g = meta(G * N, K, grad=True)
    mggemm.mg_grouped_gemm(meta(M, K), w2g, sizes_meta()).sum().backward()
    assert w2g.grad.shape == (G * N, K)


def test_meta_and_cpu_tensors_take_the_custom_op() -> None:
    # Only plain CUDA tensors run an op's implementation directly.
    from mggemm.ops import _plain_eager_call

    assert not _plain_eager_call((meta(M, K), meta(G, N, K), sizes_meta()))
    assert not _plain_eager_call((torch.zeros(2), 3))


def test_real_checks_are_remembered_by_layout_and_errors_are_not() -> None:
    # _check_real checks each layout (shape, stride, dtype, device, address
    # alignment) once; any difference checks again, and a failing check
    # raises on every call.
    from mggemm.ops import _check_real, _checked_problems

    calls = []

    def check(t):  # type: ignore[no-untyped-def]
        calls.append(t)
        if t.stride[-1] != 1:
            raise ValueError(f"{t.name} is strided")
        return t.shape

    _checked_problems.clear()
    buf = torch.zeros(4 * 64 + 8, dtype=torch.bfloat16)
    a = buf[:256].view(4, 64)
    assert _check_real(check, a=a) == (4, 64)
    assert _check_real(check, a=buf[:256].view(4, 64)) == (4, 64)
    assert len(calls) == 1 and calls[0].name == "a"
    _check_real(check, a=buf[:256].view(8, 32))         # shape
    _check_real(check, a=buf[:256].view(4, 64).float())  # dtype
    _check_real(check, a=buf[1:257].view(4, 64))        # address mod 16
    assert len(calls) == 4
    for _ in range(2):
        with pytest.raises(ValueError, match="b is strided"):
            _check_real(check, b=buf[:256].view(64, 4).t())
    assert len(calls) == 6
