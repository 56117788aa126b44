"""bench/tune_tiles.py's reading of `mggemm-run --list` (torch-free): each
dtype's kernels, and only that dtype's."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parents[2] / "bench" / "tune_tiles.py"
if not _PATH.exists():  # a bundle staged without bench/
    pytest.skip(f"{_PATH} not found", allow_module_level=True)
_SPEC = importlib.util.spec_from_file_location("tune_tiles", _PATH)
assert _SPEC is not None and _SPEC.loader is not None
tune_tiles = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(tune_tiles)

LISTING = """kernels of TileConfigs.h:
  mggemm_forward_bf16_m128n256k64s4c2          present   384 threads
  mggemm_grad_weight_bf16_m128n256k64s4        present   384 threads
  mggemm_forward_e4m3_m128n192k128s4c2         present   384 threads
  mggemm_forward_e4m3_block_m128n128k128s6     present   384 threads
  mggemm_forward_e4m3_fast_m128n256k128s4c2    present   384 threads
  mggemm_grad_weight_e4m3_m128n192k128s4c2     present   384 threads
  mggemm_grad_weight_e4m3_m128n192k128s4       present   384 threads
"""


def tiles(dtype: str) -> list[tuple[str, str]]:
    return [(m[0], tune_tiles.tile_of(m))
            for m in tune_tiles.kernel_pattern(dtype).findall(LISTING)]


def test_each_dtype_reads_its_own_kernels() -> None:
    assert tiles("bf16") == [("forward", "128x256x64s4c2"), ("grad_weight", "128x256x64s4c1")]
    assert tiles("e4m3") == [("forward", "128x192x128s4c2"), ("grad_weight", "128x192x128s4c2"),
                             ("grad_weight", "128x192x128s4c1")]
    assert tiles("e4m3_block") == [("forward", "128x128x128s6c1")]
    assert tiles("e4m3_fast") == [("forward", "128x256x128s4c2")]
