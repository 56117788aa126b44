"""The pure-Python split generators behind the benchmarks and tests."""

from __future__ import annotations

import pytest

from mggemm.splits import balanced_split, dirichlet_split, make_split, offsets


@pytest.mark.parametrize("m,groups", [(16384, 8), (100, 7), (5, 8), (0, 3), (1, 1)])
def test_balanced(m: int, groups: int) -> None:
    sizes = balanced_split(m, groups)
    assert len(sizes) == groups and sum(sizes) == m
    assert max(sizes) - min(sizes) <= 1


@pytest.mark.parametrize("m,groups", [(16384, 8), (65536, 64), (8192, 128), (10, 16), (3, 2)])
def test_dirichlet_sums_and_has_empty_groups(m: int, groups: int) -> None:
    sizes = dirichlet_split(m, groups, seed=1)
    assert len(sizes) == groups and sum(sizes) == m
    assert all(s >= 0 for s in sizes)
    assert sizes.count(0) >= max(1, groups // 8)


def test_dirichlet_is_reproducible_and_seeded() -> None:
    a = dirichlet_split(32768, 16, seed=7)
    assert a == dirichlet_split(32768, 16, seed=7)
    assert a != dirichlet_split(32768, 16, seed=8)
    # Pinned: the same sizes on every machine and Python version.
    assert dirichlet_split(1000, 4, seed=0) == [158, 461, 0, 381]


def test_dirichlet_is_imbalanced() -> None:
    sizes = dirichlet_split(65536, 32, seed=0, alpha=0.5)
    assert max(sizes) > 2 * 65536 / 32


def test_dirichlet_explicit_empty() -> None:
    assert dirichlet_split(100, 4, empty=0, seed=3).count(0) <= 4
    assert dirichlet_split(100, 4, empty=3, seed=3).count(0) == 3
    assert dirichlet_split(100, 1) == [100]
    with pytest.raises(ValueError, match="at least one"):
        dirichlet_split(100, 4, empty=4)


def test_errors() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        balanced_split(-1, 2)
    with pytest.raises(ValueError, match="zero groups"):
        balanced_split(3, 0)
    with pytest.raises(ValueError, match="alpha"):
        dirichlet_split(3, 2, alpha=0)
    with pytest.raises(ValueError, match="unknown split"):
        make_split("skewed", 3, 2)


def test_offsets_and_make_split() -> None:
    assert offsets([3, 0, 2]) == [0, 3, 3, 5]
    assert make_split("balanced", 10, 4) == [3, 3, 2, 2]
    assert sum(make_split("imbalanced", 10, 4, seed=2)) == 10
