"""How M rows are split into G groups, in pure Python.

Benchmarks and tests need reproducible group sizes: the even split that
MoE routing aims for, and a skewed one with empty groups that real routers
produce (and that exercises the kernels' edge cases). Plain ``random`` keeps
this importable without torch or numpy, and the same seed gives the same
sizes on every machine.
"""

from __future__ import annotations

import random
from typing import List, Sequence


def balanced_split(m: int, groups: int) -> List[int]:
    """``m`` rows as evenly as possible: sizes differ by at most one, the
    larger ones first."""
    _check(m, groups)
    if groups == 0:
        return []
    base, extra = divmod(m, groups)
    return [base + 1 if g < extra else base for g in range(groups)]


def dirichlet_split(
    m: int,
    groups: int,
    seed: int = 0,
    alpha: float = 1.0,
    empty: int | None = None,
) -> List[int]:
    """A seeded imbalanced split: ``empty`` groups get no rows (default
    ``max(1, groups // 8)`` when there are at least two groups), the rest
    share ``m`` in Dirichlet(``alpha``) proportions, rounded so that the
    sizes add up to ``m`` exactly (largest remainders get the leftovers).
    Smaller ``alpha`` is more skewed."""
    _check(m, groups)
    if alpha <= 0:
        raise ValueError(f"alpha must be positive, got {alpha}")
    if groups == 0:
        return []
    if empty is None:
        empty = max(1, groups // 8) if groups >= 2 else 0
    if not 0 <= empty < groups:
        raise ValueError(
            f"empty must leave at least one of the {groups} groups non-empty, "
            f"got empty={empty}"
        )
    rng = random.Random(f"mggemm-split:{seed}:{m}:{groups}:{alpha}:{empty}")
    empty_groups = set(rng.sample(range(groups), empty))
    live = [g for g in range(groups) if g not in empty_groups]
    weights = [rng.gammavariate(alpha, 1.0) for _ in live]
    total = sum(weights) or 1.0
    shares = [m * wgt / total for wgt in weights]
    sizes = [0] * groups
    floors = [int(s) for s in shares]
    leftover = m - sum(floors)
    order = sorted(range(len(live)), key=lambda i: shares[i] - floors[i], reverse=True)
    for rank, i in enumerate(order):
        sizes[live[i]] = floors[i] + (1 if rank < leftover else 0)
    return sizes


def offsets(sizes: Sequence[int]) -> List[int]:
    """Exclusive prefix sums: the first row of each group (and M at the end)."""
    out = [0]
    for s in sizes:
        out.append(out[-1] + s)
    return out


def make_split(kind: str, m: int, groups: int, seed: int = 0) -> List[int]:
    """``"balanced"`` or ``"imbalanced"`` (a seeded Dirichlet split)."""
    if kind == "balanced":
        return balanced_split(m, groups)
    if kind == "imbalanced":
        return dirichlet_split(m, groups, seed=seed, alpha=1.0)
    raise ValueError(f"unknown split {kind!r}: expected 'balanced' or 'imbalanced'")


def _check(m: int, groups: int) -> None:
    if m < 0 or groups < 0:
        raise ValueError(f"m and groups must be non-negative, got m={m}, groups={groups}")
    if groups == 0 and m != 0:
        raise ValueError(f"cannot split m={m} rows into zero groups")
