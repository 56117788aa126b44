"""The fp32 references and the comparison report, on the CPU (torch needed,
no GPU)."""

from __future__ import annotations

import math

import pytest

torch = pytest.importorskip("torch")

from helpers import make_problem  # noqa: E402

from mggemm.reference import (  # noqa: E402
    compare,
    reference_backward,
    reference_forward,
    reference_grad_input,
    reference_grad_weight,
)


def autograd_loop(x, w, sizes, dy):  # type: ignore[no-untyped-def]
    """float64 per-group loop with autograd: an independent oracle."""
    x = x.double().requires_grad_()
    w = w.double().requires_grad_()
    outs, start = [], 0
    for g, n in enumerate(sizes.tolist()):
        outs.append(x[start:start + n] @ w[g].t())
        start += n
    y = torch.cat(outs)
    y.backward(dy.double())
    return y, x.grad, w.grad


@pytest.mark.parametrize("sizes", [[5, 0, 3, 1], [0, 0, 9], [4], [0, 2, 0]])
def test_reference_matches_float64_autograd(sizes: list) -> None:
    p = make_problem(sizes, 16, 24, dtype=torch.bfloat16, device="cpu")
    y, dx, dw = autograd_loop(p.x, p.w, p.sizes, p.dy)
    assert compare(reference_forward(p.x, p.w, p.sizes), y).rel_fro_error < 1e-6
    assert compare(reference_grad_input(p.dy, p.w, p.sizes), dx).rel_fro_error < 1e-6
    assert compare(reference_grad_weight(p.dy, p.x, p.sizes), dw).rel_fro_error < 1e-6
    rdx, rdw = reference_backward(p.dy, p.x, p.w, p.sizes)
    assert rdx.dtype == rdw.dtype == torch.float32
    for g, n in enumerate(sizes):
        if n == 0:
            assert torch.count_nonzero(rdw[g]) == 0


def test_reference_rejects_bad_sizes() -> None:
    p = make_problem([3, 3], 8, 8, device="cpu")
    with pytest.raises(ValueError, match="add up to M=6"):
        reference_forward(p.x, p.w, torch.tensor([3, 4], dtype=torch.int32))
    with pytest.raises(ValueError, match="non-negative"):
        reference_forward(p.x, p.w, torch.tensor([7, -1], dtype=torch.int32))


def test_compare_report() -> None:
    ref = torch.arange(12, dtype=torch.float32).reshape(3, 4)
    out = ref.clone().to(torch.bfloat16)
    out[2, 1] += 0.5
    rep = compare(out, ref)
    assert rep.worst_index == (2, 1)
    assert rep.max_abs_error == pytest.approx(0.5)
    assert rep.worst_value == pytest.approx(9.5) and rep.worst_reference == 9.0
    assert rep.nan_count == 0 and rep.ok(1e-1) and not rep.ok(1e-3)
    assert rep.rel_fro_error == pytest.approx(0.5 / float(ref.norm()))
    text = str(rep)
    assert "worst[2, 1]=9.5 (ref 9)" in text and "rel_fro=" in text


def test_compare_counts_nans_as_worst() -> None:
    ref = torch.ones(2, 3)
    out = ref.clone()
    out[1, 2] = math.nan
    out[0, 0] = 5.0
    rep = compare(out, ref)
    assert rep.nan_count == 1 and rep.worst_index == (1, 2)
    assert math.isnan(rep.rel_fro_error) and not rep.ok(1.0)
    assert "nan=1" in str(rep)


def test_compare_shape_mismatch_and_empty() -> None:
    with pytest.raises(ValueError, match="shape mismatch"):
        compare(torch.zeros(2, 3), torch.zeros(3, 2))
    assert compare(torch.zeros(0, 3), torch.zeros(0, 3)).ok(0.0)
