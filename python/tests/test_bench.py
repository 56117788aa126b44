"""The benchmark's command line and bookkeeping (torch-free), and a tiny
end-to-end run on a GPU."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from mggemm.bench import (
    ANCHOR_SHAPES,
    TRAIN_VARIANTS,
    build_parser,
    flops,
    min_bytes,
    parse_choices,
    parse_shapes,
    pj_per_flop,
    resolve_defaults,
    summary_table,
    variant_impls,
)


def test_parse_shapes() -> None:
    assert parse_shapes("anchor") == list(ANCHOR_SHAPES)
    assert parse_shapes("8x16384x4096x7168, 2X64X8X16") == [(8, 16384, 4096, 7168), (2, 64, 8, 16)]
    for bad in ("8x16x4096", "8x16x4095x7168", "0x16x8x8", "ax1x8x8"):
        with pytest.raises(argparse.ArgumentTypeError):
            parse_shapes(bad)


def test_parse_choices() -> None:
    assert parse_choices("all", ("a", "b"), "x") == ["a", "b"]
    assert parse_choices("b, a", ("a", "b"), "x") == ["b", "a"]
    with pytest.raises(argparse.ArgumentTypeError, match="unknown variant c: choose from a, b"):
        parse_choices("a,c", ("a", "b"), "variant")


def test_defaults_and_quick() -> None:
    full = resolve_defaults(build_parser().parse_args(["--out", "o"]))
    assert full.shapes == list(ANCHOR_SHAPES) and full.rounds == 3
    assert full.variants == ["forward", "grad_input", "grad_weight"]
    quick = resolve_defaults(build_parser().parse_args(
        ["--out", "o", "--quick", "--variants", "grad_weight", "--impls", "loop,mggemm"]))
    assert quick.shapes == list(ANCHOR_SHAPES[:2]) and quick.rounds == 1
    assert quick.variants == ["grad_weight"] and quick.impls == ["loop", "mggemm"]
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--out", "o", "--splits", "skewed"])


def test_fp8_variants_are_opt_in_and_lack_only_forms_torch_lacks() -> None:
    args = build_parser().parse_args(["--out", "o", "--variants", "forward,fp8_forward"])
    assert args.variants == ["forward", "fp8_forward"]
    assert "fp8_forward" in build_parser().parse_args(["--out", "o", "--variants", "all"]).variants
    impls = ["mggemm", "torch_grouped_mm", "loop"]
    # Row scales: torch._scaled_grouped_mm and a per-expert torch._scaled_mm loop.
    # The weight gradient: torch._scaled_grouped_mm's 2d x 2d form and a loop.
    for variant in ("fp8_forward", "fp8_grad_input", "fp8_fast_forward", "fp8_grad_weight"):
        assert variant_impls(variant, impls) == impls
    assert "fp8_grad_weight" in build_parser().parse_args(["--out", "o", "--variants",
                                                           "all"]).variants
    # torch has no grouped block-scaled product on sm_90: its peer is the loop.
    assert variant_impls("fp8_block_forward", impls) == ["mggemm", "loop"]
    assert variant_impls("forward", impls) == impls


def test_flops_and_traffic() -> None:
    shape = (128, 8192, 2048, 7168)
    assert flops(shape) == 2 * 8192 * 2048 * 7168
    weights = 128 * 2048 * 7168 * 2
    assert min_bytes("forward", shape) == weights + (8192 * 7168 + 8192 * 2048) * 2
    assert min_bytes("grad_weight", shape) == min_bytes("forward", shape)
    # fp8: one-byte operands, a bf16 output.
    assert min_bytes("fp8_forward", shape) == 128 * 2048 * 7168 + 8192 * 7168 + 8192 * 2048 * 2
    assert min_bytes("fp8_grad_input", shape) == 128 * 2048 * 7168 + 8192 * 2048 + 8192 * 7168 * 2
    assert min_bytes("fp8_block_forward", shape) == min_bytes("fp8_forward", shape)
    assert min_bytes("fp8_fast_forward", shape) == min_bytes("fp8_forward", shape)
    # dYᵀ and Xᵀ in fp8, dW [G, N, K] in bf16; the FLOPs of grad_weight.
    assert min_bytes("fp8_grad_weight", shape) == 8192 * 2048 + 8192 * 7168 + weights
    # Training: the three products' FLOPs and bf16 traffic, fp8 inside or not.
    for variant in TRAIN_VARIANTS:
        assert flops(shape, variant) == 3 * flops(shape)
        assert min_bytes(variant, shape) == 3 * min_bytes("forward", shape)


def test_training_variants_are_opt_in_with_every_peer() -> None:
    args = build_parser().parse_args(["--out", "o", "--variants", "all"])
    assert set(TRAIN_VARIANTS) <= set(args.variants)
    assert not set(TRAIN_VARIANTS) & set(
        resolve_defaults(build_parser().parse_args(["--out", "o"])).variants)
    impls = ["mggemm", "torch_grouped_mm", "loop"]
    for variant in TRAIN_VARIANTS:
        assert variant_impls(variant, impls) == impls


def test_training_loop_peer_gives_the_reference() -> None:
    # The per-expert loop through autograd, on the CPU: Y, dX, and dW with
    # zeros for the empty group.
    torch = pytest.importorskip("torch")
    from mggemm import reference
    from mggemm.bench import _check, _train_fn

    gen = torch.Generator().manual_seed(1)
    x, w, dy = (torch.randn(*s, generator=gen) for s in ((8, 6), (3, 4, 6), (8, 4)))
    sizes = torch.tensor([3, 0, 5], dtype=torch.int32)
    step = _train_fn("loop", "train", [(x, w, dy)], sizes, None, [0, 3, 3, 8])
    ref = (reference.reference_forward(x, w, sizes), reference.reference_grad_input(dy, w, sizes),
           reference.reference_grad_weight(dy, x, sizes))
    for _ in range(2):  # gradients do not accumulate across runs
        ok, info = _check(step(0), ref, "train", [3, 0, 5])
        assert ok and info["rel_fro_error"] < 1e-6, info["report"]


def test_training_check_takes_each_output() -> None:
    torch = pytest.importorskip("torch")
    from mggemm.bench import _check

    gen = torch.Generator().manual_seed(0)
    ref = (torch.randn(8, 4, generator=gen), torch.randn(8, 6, generator=gen),
           torch.randn(2, 4, 6, generator=gen))
    ref[2][1].zero_()  # group 1 is empty
    sizes = [8, 0]
    ok, info = _check(tuple(r.clone() for r in ref), ref, "train", sizes)
    assert ok and info["rel_fro_error"] == 0 and set(info) >= {"Y", "dX", "dW", "report"}
    off = (ref[0], ref[1] * 1.05, ref[2])  # dX 5% off
    ok, info = _check(off, ref, "train", sizes)
    assert not ok and "dX:" in info["report"] and info["rel_fro_error"] > 0.04
    ok, _ = _check(off, ref, "fp8_train", sizes)  # within fp8 training's tolerance
    assert ok
    dirty = (ref[0], ref[1], ref[2].clone())
    dirty[2][1, 0, 0] = 1e-6  # tiny, but an empty group's dW must be zero
    ok, info = _check(dirty, ref, "fp8_train_dw", sizes)
    assert not ok and info["dW"]["empty_groups_not_zero"] == [1]


def test_summary_table_from_synthetic_result() -> None:
    ok = {"status": "ok", "tflops": 500.0}
    result = {
        "meta": {"device": "H100", "torch": "2.11", "impls": ["mggemm", "torch_grouped_mm", "loop"],
                 "mggemm_missing": None},
        "dense": {"tflops": 690.0}, "copy": {"gb_per_s": 2900.0},
        "cases": [{"G": 8, "M": 16384, "N": 4096, "K": 7168, "split": "balanced",
                   "variant": "forward",
                   "impls": {"mggemm": {"status": "ok", "tflops": 600.0}, "torch_grouped_mm": ok,
                             "loop": {"status": "failed_check", "reason": "not timed: rel_fro=nan"}}}],
    }
    text = summary_table(result)
    assert "dense 8192^3: 690 TFLOP/s  copy" in text and "1.20" in text
    # With both ceiling measurements and their clocks, the header shows them.
    result["dense"].update(before={"tflops": 690.0, "sm_clock_mhz_median": 1980.0},
                           after={"tflops": 650.0, "sm_clock_mhz_median": 1500.0})
    assert ("dense 8192^3: 690 TFLOP/s (before 690 at 1980 MHz; after 650 at 1500 MHz)"
            in summary_table(result))
    del result["dense"]["before"], result["dense"]["after"]
    assert "failed_check" in text and "note: loop forward balanced" in text
    assert "W read" not in text  # no weight_read_ms: nothing to report

    # A weight-bound case: W takes 0.9 ms to read, mggemm 0.95 ms.
    case = result["cases"][0]
    case.update(weight_read_ms=0.9)
    case["impls"]["mggemm"].update(median_ms=0.95)
    assert "W read: forward balanced G8 M16384 N4096 K7168: 94.7%" in summary_table(result)
    case["impls"]["mggemm"].update(median_ms=2.0)  # compute-bound: not listed
    assert "W read" not in summary_table(result)


def test_energy_needs_a_second_of_power_samples() -> None:
    assert pj_per_flop(700.0, 680.0, 1.5) == pytest.approx(1.0294, abs=1e-4)
    assert pj_per_flop(700.0, 680.0, 0.4) is None  # the sensor lags short measurements
    assert pj_per_flop(None, 680.0, 3.0) is None
    assert pj_per_flop(700.0, None, 3.0) is None


def test_summary_table_lists_energy_per_flop() -> None:
    def timed(tflops: float, watts: float) -> dict:
        return {"status": "ok", "tflops": tflops, "power_w_median": watts,
                "pj_per_flop": watts / tflops}

    result = {
        "meta": {"device": "H100", "torch": "2.11", "impls": ["mggemm", "loop"]},
        "cases": [{"G": 8, "M": 16384, "N": 4096, "K": 7168, "split": "balanced",
                   "variant": "forward",
                   "impls": {"mggemm": timed(700.0, 690.0), "loop": {"status": "ok", "tflops": 680.0}}}],
    }
    assert ("energy: forward balanced G8 M16384 N4096 K7168: mggemm 690 W 0.986 pJ/FLOP"
            in summary_table(result).splitlines())
    result["cases"][0]["impls"]["loop"] = timed(680.0, 680.0)
    assert summary_table(result).endswith("mggemm 690 W 0.986 pJ/FLOP, loop 680 W 1.000 pJ/FLOP")


class _FakeNvml:
    """The part of pynvml the clock reader uses, with a power field that can
    fail."""

    def __init__(self, instant: bool) -> None:
        self.instant = instant

    def nvmlInit(self) -> None:
        pass

    def nvmlDeviceGetHandleByUUID(self, uuid: str) -> str:
        raise RuntimeError("no such UUID")

    def nvmlDeviceGetHandleByIndex(self, index: int) -> str:
        return "handle"

    def nvmlDeviceGetFieldValues(self, handle: str, fields: list) -> list:
        value = argparse.Namespace(uiVal=650250)
        return [argparse.Namespace(nvmlReturn=0 if self.instant else 3, valueType=1, value=value)]

    def nvmlDeviceGetPowerUsage(self, handle: str) -> int:
        return 640000


@pytest.mark.parametrize("instant, watts, source", [(True, 650.25, "nvml instant"),
                                                    (False, 640.0, "nvml average")])
def test_power_reading_prefers_the_instantaneous_field(monkeypatch: pytest.MonkeyPatch,
                                                       instant: bool, watts: float,
                                                       source: str) -> None:
    pytest.importorskip("torch")
    import sys

    from mggemm._timing import ClockReader

    monkeypatch.setitem(sys.modules, "pynvml", _FakeNvml(instant))
    reader = ClockReader(0)
    assert reader.power_w() == watts
    assert reader.info()["power_source"] == source


def test_fp8_plot_shows_bars_past_the_bf16_ceiling(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt

    from mggemm._plots import plot_variant

    cases = [{"G": 8, "M": 16384, "N": 4096, "K": 7168, "split": split, "variant": "fp8_forward",
              "impls": {"mggemm": {"status": "ok", "tflops": 1300.0},
                        "torch_grouped_mm": {"status": "ok", "tflops": 1000.0}}}
             for split in ("balanced", "imbalanced")]
    result = {"meta": {"device": "H100", "torch": "2.11", "dtype": "bfloat16",
                       "impls": ["mggemm", "torch_grouped_mm", "loop"]},
              "dense": {"tflops": 700.0}, "cases": cases}
    assert summary_table(result).splitlines()[-1].split()[-4:] == ["1300.0", "1000.0", "-", "1.30"]
    closed: list = []
    monkeypatch.setattr(plt, "close", closed.append)  # keep the figure to inspect it
    path = plot_variant(result, "fp8_forward", tmp_path)
    assert path is not None and path.exists()
    fig = closed[0]
    assert fig.axes[0].get_ylim()[1] >= 1300
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "torch._scaled_grouped_mm" in labels and "loop" not in labels
    assert "float8_e4m3fn in" in fig._suptitle.get_text()


@pytest.mark.cuda
def test_tiny_end_to_end_run(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    from mggemm.bench import main

    rc = main(["--out", str(tmp_path), "--shapes", "4x1000x64x128,3x64x16x32", "--quick",
               "--rep-ms", "5", "--no-progress"])
    assert rc == 0
    result = json.loads((tmp_path / "results.json").read_text())
    assert result["dense"]["tflops"] > 0 and result["copy"]["gb_per_s"] > 0
    assert len(result["cases"]) == 2 * 2 * 3
    for case in result["cases"]:
        assert sum(case["sizes"]) == case["M"]
        for impl, entry in case["impls"].items():
            assert entry["status"] in ("ok", "failed_check", "error"), (impl, entry)
            if entry["status"] == "ok":
                assert entry["times_ms"] and entry["median_ms"] > 0
                assert entry["check"]["rel_fro_error"] <= 1e-2
    assert (tmp_path / "tflops_forward.png").exists()


@pytest.mark.gpu
def test_tiny_fp8_run(tmp_path: Path) -> None:
    from mggemm.bench import main

    rc = main(["--out", str(tmp_path), "--shapes", "4x1000x64x128", "--variants",
               "fp8_forward,fp8_grad_input", "--quick", "--rep-ms", "5", "--no-progress",
               "--no-plots"])
    assert rc == 0
    cases = json.loads((tmp_path / "results.json").read_text())["cases"]
    assert sorted(c["variant"] for c in cases) == sorted(["fp8_forward", "fp8_grad_input"] * 2)
    for case in cases:
        mine = case["impls"]["mggemm"]
        assert mine["status"] == "ok" and mine["tflops"] > 0, mine
        # torch._scaled_grouped_mm may be missing from this torch build.
        assert case["impls"]["torch_grouped_mm"]["status"] in ("ok", "error")
        # The per-expert torch._scaled_mm loop runs groups of 250 rows (its
        # scales copied per expert) and is checked like every peer.
        loop = case["impls"]["loop"]
        assert loop["status"] == "ok" and loop["check"]["rel_fro_error"] < 1e-2, loop


@pytest.mark.gpu
def test_tiny_fp8_grad_weight_run(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    from mggemm.bench import main

    rc = main(["--out", str(tmp_path), "--shapes", "4x1024x256x512", "--variants",
               "fp8_grad_weight", "--quick", "--rep-ms", "5", "--no-progress"])
    assert rc == 0
    cases = json.loads((tmp_path / "results.json").read_text())["cases"]
    assert sorted(c["split"] for c in cases) == ["balanced", "imbalanced"]
    for case in cases:
        assert case["flops"] == 2 * 1024 * 256 * 512
        mine = case["impls"]["mggemm"]
        assert mine["status"] == "ok" and mine["tflops"] > 0, mine
        assert mine["check"]["empty_groups_not_zero"] == []
        # torch._scaled_grouped_mm may be missing from this torch build.
        assert case["impls"]["torch_grouped_mm"]["status"] in ("ok", "error")
        # torch._scaled_mm takes experts of 256 rows (balanced) and refuses
        # row counts that are not multiples of 16 (most imbalanced ones).
        loop = case["impls"]["loop"]
        assert loop["status"] == "ok" if case["split"] == "balanced" else loop["status"] in (
            "ok", "error"), loop
    assert (tmp_path / "tflops_fp8_grad_weight.png").exists()


@pytest.mark.gpu
def test_tiny_training_run(tmp_path: Path) -> None:
    from mggemm.bench import main

    rc = main(["--out", str(tmp_path), "--shapes", "4x1000x64x128", "--variants",
               ",".join(TRAIN_VARIANTS), "--quick", "--rep-ms", "5", "--no-progress",
               "--no-plots"])
    assert rc == 0
    cases = json.loads((tmp_path / "results.json").read_text())["cases"]
    assert len(cases) == 2 * len(TRAIN_VARIANTS)
    for case in cases:
        assert case["flops"] == 3 * 2 * 1000 * 64 * 128
        tol = 1e-2 if case["variant"] == "train" else 8e-2
        for impl, entry in case["impls"].items():
            assert entry["status"] == "ok" and entry["tflops"] > 0, (impl, entry)
            assert entry["check"]["rel_fro_error"] <= tol
            assert entry["check"]["dW"]["empty_groups_not_zero"] == []


@pytest.mark.gpu
def test_tiny_fp8_block_run(tmp_path: Path) -> None:
    from mggemm.bench import main

    rc = main(["--out", str(tmp_path), "--shapes", "4x1024x256x512", "--variants",
               "fp8_block_forward", "--quick", "--rep-ms", "5", "--no-progress"])
    assert rc == 0
    cases = json.loads((tmp_path / "results.json").read_text())["cases"]
    assert sorted(c["split"] for c in cases) == ["balanced", "imbalanced"]
    for case in cases:
        assert set(case["impls"]) == {"mggemm", "loop"}
        mine = case["impls"]["mggemm"]
        assert mine["status"] == "ok" and mine["tflops"] > 0, mine
        # cuBLASLt's block-scaled GEMM ran for groups of 256 rows, and
        # refused (CUBLAS_STATUS_NOT_SUPPORTED) the uneven groups seen so far.
        loop = case["impls"]["loop"]
        assert loop["status"] == "ok" if case["split"] == "balanced" else loop["status"] in (
            "ok", "error"), loop
    assert (tmp_path / "tflops_fp8_block_forward.png").exists()
