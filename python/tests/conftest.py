"""Test setup: import the package from this checkout, and skip the tests that
need hardware this machine lacks, with a reason that says what is missing.

Markers (see pyproject.toml):
  cuda  needs torch with a CUDA device (e.g. the per-expert loop backend);
  gpu   also needs an sm_90 device and libmggemm_runtime.so.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import List, Optional

import pytest

PYTHON_DIR = Path(__file__).resolve().parents[1]
if str(PYTHON_DIR) not in sys.path:
    sys.path.insert(0, str(PYTHON_DIR))


@functools.lru_cache(maxsize=None)
def cuda_skip_reason() -> Optional[str]:
    try:
        import torch
    except ImportError:
        return "torch is not installed"
    if not torch.cuda.is_available():
        return "CUDA is not available (no GPU or no driver on this machine)"
    return None


@functools.lru_cache(maxsize=None)
def gpu_skip_reason() -> Optional[str]:
    reason = cuda_skip_reason()
    if reason:
        return reason
    import torch

    major, minor = torch.cuda.get_device_capability()
    if major != 9:
        return f"the kernels need an sm_90 (Hopper) GPU, this is sm_{major}{minor}"
    from mggemm import _library

    try:
        _library.runtime()
    except _library.LibraryNotFoundError as err:
        where = ", ".join(str(p) for p in err.tried) or "nowhere"
        return (f"{_library.LIBRARY_NAME} not found or not loadable (tried {where}); "
                f"build it or set {_library.ENV_VAR}")
    return None


def pytest_configure(config: pytest.Config) -> None:
    # Also declared in pyproject.toml; repeated here so a staged copy of the
    # tests run without that file knows them too.
    config.addinivalue_line("markers", "cuda: needs torch with a CUDA device")
    config.addinivalue_line("markers", "gpu: needs an sm_90 GPU and libmggemm_runtime.so")


def pytest_collection_modifyitems(config: pytest.Config, items: List[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("gpu"):
            reason = gpu_skip_reason()
        elif item.get_closest_marker("cuda"):
            reason = cuda_skip_reason()
        else:
            continue
        if reason:
            item.add_marker(pytest.mark.skip(reason=reason))
