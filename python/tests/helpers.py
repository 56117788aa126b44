"""Problem builders shared by the torch tests (import only after
``pytest.importorskip("torch")``)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import List, NamedTuple, Sequence

import torch

#: Relative Frobenius error allowed for bf16/f16 outputs against fp32.
REL_TOL = 1e-2

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


class Problem(NamedTuple):
    x: torch.Tensor      # [M, K]
    w: torch.Tensor      # [G, N, K]
    dy: torch.Tensor     # [M, N]
    sizes: torch.Tensor  # int32 [G] on the device
    offs: torch.Tensor   # int32 cumsum(sizes), for torch._grouped_mm


def make_problem(sizes: Sequence[int], n: int, k: int, dtype: torch.dtype = torch.bfloat16,
                 device: str = "cuda", seed: int = 0) -> Problem:
    gen = torch.Generator(device="cpu").manual_seed(seed)
    m, g = sum(sizes), len(sizes)

    def randn(*shape: int) -> torch.Tensor:
        return torch.randn(*shape, generator=gen).to(device=device, dtype=dtype)

    s = torch.tensor(list(sizes), dtype=torch.int32, device=device)
    return Problem(randn(m, k), randn(g, n, k) / k**0.5, randn(m, n), s,
                   torch.cumsum(s, 0, dtype=torch.int32))


def sizes_with_edge_cases(m: int, groups: int, seed: int) -> List[int]:
    """A random split of m rows with at least one empty and one 1-row group
    (when there are enough groups)."""
    from mggemm.splits import dirichlet_split

    sizes = dirichlet_split(m, groups, seed=seed, alpha=0.7)
    if groups >= 3 and 1 not in sizes:
        big = max(range(groups), key=lambda i: sizes[i])
        tiny = next(i for i in range(groups) if i != big and sizes[i] != 0)
        sizes[big] += sizes[tiny] - 1
        sizes[tiny] = 1
    return sizes


def poison_allocator(nbytes: int, device: str = "cuda") -> None:
    """Fill a block with NaN and free it, so that the next torch.empty of a
    similar size likely reuses NaN memory: an output element a kernel
    forgets to write then shows up as NaN."""
    block = torch.full((nbytes // 2 + 1024,), float("nan"), dtype=torch.bfloat16, device=device)
    del block


def load_example(name: str) -> ModuleType:
    """Import python/examples/<name>.py as a module."""
    path = EXAMPLES / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"mggemm_example_{name}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module
