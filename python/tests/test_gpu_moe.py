"""The MoE example for a few steps: both backends from the same seed must
follow the same loss curve (they differ only in how the expert GEMMs run)."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from helpers import load_example  # noqa: E402


def small_config(moe, steps: int):  # type: ignore[no-untyped-def]
    return moe.Config(vocab=512, d_model=256, ffn=512, experts=8, top_k=2, layers=2, heads=4,
                      seq_len=128, batch=8, steps=steps, eval_batches=1, lr=3e-3, warmup=1)


@pytest.mark.cuda
def test_loop_backend_learns() -> None:
    moe = load_example("moe")
    histories, entropy = moe.train(small_config(moe, 25), ["loop"], progress=False)
    h = histories["loop"]
    assert all(torch.isfinite(torch.tensor(h.loss)))
    assert h.loss[-1] < h.loss[0] - 1.0, h.loss
    assert entropy < h.loss[-1]
    assert moe.report(small_config(moe, 25), histories, entropy)


@pytest.mark.gpu
def test_mggemm_and_loop_backends_match() -> None:
    moe = load_example("moe")
    cfg = small_config(moe, 4)
    histories, entropy = moe.train(cfg, ["mggemm", "loop"], progress=False)
    a, b = histories["mggemm"].loss, histories["loop"].loss
    assert a[0] == pytest.approx(b[0], rel=1e-2), (a, b)
    for x, y in zip(a, b):
        assert x == pytest.approx(y, rel=2e-2), (a, b)
    assert histories["mggemm"].eval_loss == pytest.approx(histories["loop"].eval_loss, rel=2e-2)
    print(moe.report(cfg, histories, entropy))


@pytest.mark.gpu
def test_moe_layer_compiles_without_graph_breaks() -> None:
    moe = load_example("moe")
    cfg = small_config(moe, 1)
    torch.manual_seed(0)
    layer = moe.MoE(cfg, "mggemm").cuda()
    x = torch.randn(300, cfg.d_model, device="cuda", requires_grad=True)
    eager_out, eager_aux = layer(x)
    compiled = torch.compile(layer, fullgraph=True)
    out, aux = compiled(x)
    torch.testing.assert_close(out, eager_out, rtol=2e-2, atol=2e-2)
    (out.float().square().sum() + aux).backward()
    assert x.grad is not None and layer.w_gate_up.grad is not None


@pytest.mark.gpu
@pytest.mark.parametrize("backend", ["mggemm_fp8", "mggemm_fp8_block", "mggemm_fp8_dw"])
def test_fp8_backend_learns_like_bf16(backend: str) -> None:
    """fp8 expert GEMMs (forward and input gradient, and with mggemm_fp8_dw
    the weight gradient) quantize each row, block or expert's column to
    e4m3, so the loss curve may drift from bf16 a little but must fall the
    same way."""
    moe = load_example("moe")
    cfg = small_config(moe, 12)
    histories, entropy = moe.train(cfg, [backend, "mggemm"], progress=False)
    a, b = histories[backend].loss, histories["mggemm"].loss
    assert all(torch.isfinite(torch.tensor(a)))
    assert a[-1] < a[0] - 0.5, a
    for x, y in zip(a, b):
        assert x == pytest.approx(y, rel=5e-2), (a, b)
    print(moe.report(cfg, histories, entropy))
