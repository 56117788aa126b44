"""The ops on the GPU against torch._grouped_mm and the fp32 reference:
numerics, autograd, torch.compile, CUDA graphs, streams, checked mode.

Skipped, with the reason, where there is no CUDA device, no sm_90, or no
libmggemm_runtime.so (see conftest.py). Point MGGEMM_RUNTIME_LIB at a
build to test it.
"""

from __future__ import annotations

from typing import List

import pytest

torch = pytest.importorskip("torch")

from helpers import REL_TOL, make_problem, poison_allocator, sizes_with_edge_cases  # noqa: E402

import mggemm  # noqa: E402
from mggemm._library import MggemmError, Status  # noqa: E402
from mggemm.reference import (  # noqa: E402
    check_close,
    compare,
    reference_forward,
    reference_grad_input,
    reference_grad_weight,
)

pytestmark = pytest.mark.gpu

# The seed's DeepSeek-V3 expert shapes (G, rows per group, N, K).
DEEPSEEK = [(4, 2048, 4096, 7168), (4, 2048, 7168, 2048), (8, 512, 2048, 7168),
            (8, 512, 7168, 2048)]


def torch_grouped(p):  # type: ignore[no-untyped-def]
    """torch._grouped_mm for the three products (the peer the project is
    measured against)."""
    y = torch._grouped_mm(p.x, p.w.transpose(-2, -1), offs=p.offs)
    dx = torch._grouped_mm(p.dy, p.w, offs=p.offs)
    dw = torch._grouped_mm(p.dy.t(), p.x, offs=p.offs)
    return y, dx, dw


def check_all(p, what: str, against_torch: bool = True) -> None:  # type: ignore[no-untyped-def]
    nbytes = max(p.x.numel(), p.dy.numel(), p.w.numel()) * 2
    poison_allocator(nbytes)
    y = mggemm.grouped_mm(p.x, p.w, p.sizes)
    poison_allocator(nbytes)
    dx = mggemm.grouped_mm_grad_input(p.dy, p.w, p.sizes)
    poison_allocator(nbytes)
    dw = mggemm.grouped_mm_grad_weight(p.dy, p.x, p.sizes)
    assert y.dtype == dx.dtype == dw.dtype == p.x.dtype
    check_close(y, reference_forward(p.x, p.w, p.sizes), REL_TOL, f"{what} forward")
    check_close(dx, reference_grad_input(p.dy, p.w, p.sizes), REL_TOL, f"{what} grad_input")
    ref_dw = reference_grad_weight(p.dy, p.x, p.sizes)
    check_close(dw, ref_dw, REL_TOL, f"{what} grad_weight")
    for g, n in enumerate(p.sizes.tolist()):
        if n == 0:
            assert torch.count_nonzero(dw[g]) == 0, f"{what}: dW[{g}] of an empty group is not zero"
    if against_torch and p.x.dtype == torch.bfloat16:
        ty, tdx, tdw = torch_grouped(p)
        check_close(y, ty.float(), REL_TOL, f"{what} forward vs torch._grouped_mm")
        check_close(dx, tdx.float(), REL_TOL, f"{what} grad_input vs torch._grouped_mm")
        # torch._grouped_mm's dW of an empty group is not zero in every
        # version; compare the groups that have rows.
        live = [g for g, n in enumerate(p.sizes.tolist()) if n > 0]
        check_close(dw[live], tdw[live].float(), REL_TOL, f"{what} grad_weight vs torch._grouped_mm")


@pytest.mark.parametrize("shape", DEEPSEEK, ids=lambda s: "G%dxM%dxN%dxK%d" % s)
def test_deepseek_shapes(shape) -> None:  # type: ignore[no-untyped-def]
    g, m, n, k = shape
    check_all(make_problem([m] * g, n, k), f"deepseek {shape}")


@pytest.mark.parametrize("shape", DEEPSEEK[2:], ids=lambda s: "G%dxM%dxN%dxK%d" % s)
def test_deepseek_shapes_imbalanced(shape) -> None:  # type: ignore[no-untyped-def]
    g, m, n, k = shape
    check_all(make_problem(sizes_with_edge_cases(g * m, g, seed=1), n, k), f"imbalanced {shape}")


@pytest.mark.parametrize("seed", range(8))
def test_random_shapes_with_empty_and_one_row_groups(seed: int) -> None:
    gen = torch.Generator().manual_seed(seed)

    def pick(choices: List[int]) -> int:
        return choices[int(torch.randint(len(choices), (1,), generator=gen))]

    groups = pick([1, 2, 3, 7, 16, 64, 130])
    m = pick([1, 63, 129, 1000, 4097])
    m = max(m, 1)
    n, k = 8 * pick([1, 3, 16, 17, 64]), 8 * pick([1, 5, 16, 33, 96])
    sizes = sizes_with_edge_cases(m, groups, seed)
    check_all(make_problem(sizes, n, k, seed=seed), f"random G={groups} M={m} N={n} K={k}")


def test_float16() -> None:
    check_all(make_problem([300, 0, 1, 211], 128, 256, dtype=torch.float16), "f16")


def test_all_rows_in_one_group_and_zero_rows() -> None:
    check_all(make_problem([0, 0, 777, 0], 64, 64), "one live group")
    p = make_problem([0, 0, 0], 16, 32)
    assert mggemm.grouped_mm(p.x, p.w, p.sizes).shape == (0, 16)
    assert mggemm.grouped_mm_grad_input(p.dy, p.w, p.sizes).shape == (0, 32)
    dw = mggemm.grouped_mm_grad_weight(p.dy, p.x, p.sizes)
    assert dw.shape == (3, 16, 32) and torch.count_nonzero(dw) == 0


def test_seed_compatible_api() -> None:
    g, m, n, k = 4, 256, 128, 256
    p = make_problem([m] * g, n, k)
    w2 = p.w.reshape(g * n, k)  # the seed's stacked layout
    y = mggemm.grouped_gemm_forward(p.x, w2, p.sizes)
    assert y.shape == (g * m, n)
    check_close(y, reference_forward(p.x, p.w, p.sizes), REL_TOL, "seed forward")
    gx, gw = mggemm.grouped_gemm_backward(p.dy, p.x, w2, p.sizes)
    assert gx.shape == (g * m, k) and gw.shape == (g * n, k)
    check_close(gw.view(g, n, k), reference_grad_weight(p.dy, p.x, p.sizes), REL_TOL, "seed dw")


def test_autograd_matches_torch_grouped_mm() -> None:
    p = make_problem(sizes_with_edge_cases(2000, 8, seed=3), 256, 512)
    x1, w1 = p.x.clone().requires_grad_(), p.w.clone().requires_grad_()
    x2, w2 = p.x.clone().requires_grad_(), p.w.clone().requires_grad_()
    y1 = mggemm.grouped_mm(x1, w1, p.sizes)
    y2 = torch._grouped_mm(x2, w2.transpose(-2, -1), offs=p.offs)
    check_close(y1, y2.float(), REL_TOL, "forward")
    # A non-contiguous upstream gradient exercises the .contiguous() in
    # backward. (torch._grouped_mm gets the contiguous one: with a
    # column-major gradient its dW needs every group size to be a multiple
    # of 8, and trips a device-side assert otherwise.)
    y1.backward(p.dy.t().contiguous().t())
    y2.backward(p.dy)
    check_close(x1.grad, x2.grad.float(), REL_TOL, "dx")
    live = [g for g, n in enumerate(p.sizes.tolist()) if n > 0]
    check_close(w1.grad[live], w2.grad[live].float(), REL_TOL, "dw")
    check_close(w1.grad, reference_grad_weight(p.dy, p.x, p.sizes), REL_TOL, "dw vs reference")


def test_opcheck() -> None:
    """torch.library's own consistency checks (schema, fake impl, autograd
    registration, AOT dispatch) on all three ops."""
    p = make_problem([5, 0, 40, 19], 32, 64)
    x, w = p.x.clone().requires_grad_(), p.w.clone().requires_grad_()
    torch.library.opcheck(torch.ops.mggemm.grouped_mm.default, (x, w, p.sizes))
    torch.library.opcheck(torch.ops.mggemm.grouped_mm_grad_input.default, (p.dy, p.w, p.sizes))
    torch.library.opcheck(torch.ops.mggemm.grouped_mm_grad_weight.default, (p.dy, p.x, p.sizes))


def test_plain_eager_calls_run_the_implementation(monkeypatch: pytest.MonkeyPatch) -> None:
    """Plain eager calls skip the custom op's dispatch (host time); autograd
    to record and dispatch modes take the op."""
    from torch.utils._python_dispatch import TorchDispatchMode

    class PassThrough(TorchDispatchMode):
        def __torch_dispatch__(self, func, types, args=(), kwargs=None):  # type: ignore[no-untyped-def]
            return func(*args, **(kwargs or {}))

    def refuse(*args):  # type: ignore[no-untyped-def]
        raise AssertionError("went through the custom op")

    p = make_problem([30, 0, 50], 64, 32, seed=3)
    want = mggemm.grouped_mm(p.x, p.w, p.sizes)
    monkeypatch.setattr(mggemm.ops._grouped_mm, "op", refuse)
    assert torch.equal(mggemm.grouped_mm(p.x, p.w, p.sizes), want)
    with torch.no_grad():
        mggemm.grouped_mm(p.x.clone().requires_grad_(), p.w, p.sizes)
    with pytest.raises(AssertionError, match="custom op"):
        mggemm.grouped_mm(p.x.clone().requires_grad_(), p.w, p.sizes)
    with pytest.raises(AssertionError, match="custom op"), PassThrough():
        mggemm.grouped_mm(p.x, p.w, p.sizes)


class Experts(torch.nn.Module):
    """Two grouped GEMMs with an activation between: an expert MLP."""

    def __init__(self, groups: int, d: int, f: int) -> None:
        super().__init__()
        gen = torch.Generator().manual_seed(0)
        self.up = torch.nn.Parameter((torch.randn(groups, f, d, generator=gen) / d**0.5)
                                     .to("cuda", torch.bfloat16))
        self.down = torch.nn.Parameter((torch.randn(groups, d, f, generator=gen) / f**0.5)
                                       .to("cuda", torch.bfloat16))

    def forward(self, x: torch.Tensor, sizes: torch.Tensor) -> torch.Tensor:
        h = torch.nn.functional.silu(mggemm.grouped_mm(x, self.up, sizes))
        return mggemm.grouped_mm(h, self.down, sizes)


@pytest.mark.parametrize("dynamic", [False, True])
def test_torch_compile_fullgraph(dynamic: bool) -> None:
    torch._dynamo.reset()
    model = Experts(4, 128, 256)
    compiled = torch.compile(model, fullgraph=True, dynamic=dynamic)
    for m in (300, 517):
        p = make_problem(sizes_with_edge_cases(m, 4, seed=m), 128, 128)
        x1 = p.x.clone().requires_grad_()
        x2 = p.x.clone().requires_grad_()
        y_eager = model(x1, p.sizes)
        y_eager.float().square().sum().backward()
        g_eager = [t.grad.clone() for t in (x1, model.up, model.down)]
        model.zero_grad()
        y_comp = compiled(x2, p.sizes)
        y_comp.float().square().sum().backward()
        check_close(y_comp, y_eager.float(), REL_TOL, "compiled forward")
        for got, want in zip((x2.grad, model.up.grad, model.down.grad), g_eager):
            check_close(got, want.float(), REL_TOL, "compiled gradient")
        model.zero_grad()


def test_cuda_graph_capture_and_replay_reads_sizes_on_device() -> None:
    sizes_a = [100, 0, 1, 411]
    sizes_b = [0, 300, 200, 12]  # same M, different split
    p = make_problem(sizes_a, 64, 128)
    x, w, dy, sizes = p.x.clone(), p.w.clone(), p.dy.clone(), p.sizes.clone()

    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):
        for _ in range(2):  # warm up outside capture (allocator, lazy loads)
            mggemm.grouped_mm(x, w, sizes)
            mggemm.grouped_mm_backward(dy, x, w, sizes)
    torch.cuda.current_stream().wait_stream(side)

    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        y = mggemm.grouped_mm(x, w, sizes)
        dx, dw = mggemm.grouped_mm_backward(dy, x, w, sizes)

    for split in (sizes_a, sizes_b):
        sizes.copy_(torch.tensor(split, dtype=torch.int32))
        graph.replay()
        torch.cuda.synchronize()
        check_close(y, reference_forward(x, w, sizes), REL_TOL, f"graph forward {split}")
        check_close(dx, reference_grad_input(dy, w, sizes), REL_TOL, f"graph dx {split}")
        check_close(dw, reference_grad_weight(dy, x, sizes), REL_TOL, f"graph dw {split}")
        # Bit-identical to eager on the same inputs.
        assert torch.equal(y, mggemm.grouped_mm(x, w, sizes))


def test_runs_on_the_current_stream() -> None:
    p = make_problem([1000, 24, 0, 1000], 256, 256)
    ref = reference_forward(p.x, p.w, p.sizes)
    side = torch.cuda.Stream()
    side.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(side):
        for _ in range(3):
            y = mggemm.grouped_mm(p.x, p.w, p.sizes)
    torch.cuda.current_stream().wait_stream(side)
    check_close(y, ref, REL_TOL, "side-stream forward")


def test_checked_mode_rejects_bad_sizes() -> None:
    p = make_problem([10, 20, 30], 32, 32)
    bad_sum = torch.tensor([10, 20, 29], dtype=torch.int32, device="cuda")
    negative = torch.tensor([10, 60, -10], dtype=torch.int32, device="cuda")
    mggemm.set_checked_mode(True)
    try:
        for bad in (bad_sum, negative):
            with pytest.raises(MggemmError) as info:
                mggemm.grouped_mm(p.x, p.w, bad)
            assert info.value.status is Status.BAD_SIZES
            assert info.value.runtime_message
            with pytest.raises(MggemmError):
                mggemm.grouped_mm_grad_weight(p.dy, p.x, bad)
        check_close(mggemm.grouped_mm(p.x, p.w, p.sizes),
                    reference_forward(p.x, p.w, p.sizes), REL_TOL, "checked mode, good sizes")
    finally:
        mggemm.set_checked_mode(False)
    # Unchecked, bad sizes must not crash or write out of bounds (the
    # kernels clamp); the result is unspecified.
    mggemm.grouped_mm(p.x, p.w, bad_sum)
    torch.cuda.synchronize()


def test_python_side_errors_on_gpu_tensors() -> None:
    p = make_problem([4, 4], 16, 16)
    with pytest.raises(TypeError, match=r"sizes.to\(torch.int32\)"):
        mggemm.grouped_mm(p.x, p.w, p.sizes.long())
    with pytest.raises(ValueError, match=r"sizes is on cpu.*sizes.to\(x.device\)"):
        mggemm.grouped_mm(p.x, p.w, p.sizes.cpu())
    with pytest.raises(ValueError, match=r"w.contiguous\(\)"):
        mggemm.grouped_mm(p.x, p.w.transpose(1, 2).contiguous().transpose(1, 2), p.sizes)
    with pytest.raises(ValueError, match=r"x.clone\(\)"):
        # Starts 2 bytes past a 16-byte boundary: TMA cannot read it.
        flat = torch.zeros(8 * 16 + 1, dtype=torch.bfloat16, device="cuda")
        mggemm.grouped_mm(flat[1:].view(8, 16), p.w, p.sizes)


def test_compare_on_gpu_report_mentions_worst_element() -> None:
    p = make_problem([64, 64], 64, 64)
    y = mggemm.grouped_mm(p.x, p.w, p.sizes)
    y[3, 5] = float("nan")
    rep = compare(y, reference_forward(p.x, p.w, p.sizes))
    assert rep.nan_count == 1 and rep.worst_index == (3, 5) and not rep.ok(REL_TOL)
