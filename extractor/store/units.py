"""The official codes of the provinces since 1 July 2025, from `vietnam-provinces` (the 34 units of
the statistics office's list, shipped inside the package: nothing is downloaded).

The package lists only the units after the merger. The units before it, their districts and
which new unit each old one joined are not in it, so those stay in rules/gazetteer.yaml and
rules/districts.yaml; tests/test_research.py checks that the gazetteer's current units are
exactly the package's 34.
"""
from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def official_provinces() -> dict[str, int]:
    """Name without "Thành phố " (as the gazetteer writes it) -> official province code."""
    from vietnam_provinces import Province

    return {p.name.removeprefix("Thành phố "): int(p.code) for p in Province.iter_all()}


def province_code(current: str | None) -> int | None:
    """The official code of a province as it is since the 2025 merger ("Hải Phòng" -> 31)."""
    return official_provinces().get(current) if current else None
