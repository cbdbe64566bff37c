"""Counts written with digits ("1.200", "01") or Vietnamese number words ("hai", "mười lăm")."""
from __future__ import annotations

from functools import lru_cache

import regex

from .patterns import alt
from .rulebook import Rulebook


@lru_cache(maxsize=8)
def number_pattern(rules: Rulebook) -> str:
    """Regex source for one count: digits with "." thousands, or a run of number words."""
    n = rules.numbers
    word = alt([*n.units, *n.tens, *n.multipliers])
    return rf"(?:\d{{1,3}}(?:\.\d{{3}})+(?!\d)|\d+|(?<!\p{{L}}){word}(?:\s+{word})*(?!\p{{L}}))"


def parse_count(text: str, rules: Rulebook) -> int | None:
    """'1.200' -> 1200, '01' -> 1, 'hai mươi mốt' -> 21, 'mười lăm' -> 15.

    >>> from extractor.rulebook import load_rules
    >>> parse_count("mười lăm", load_rules())
    15
    """
    t = text.strip()
    if t.replace(".", "").isdigit():
        return int(t.replace(".", ""))
    n = rules.numbers
    total, current = 0, 0
    for w in t.casefold().split():
        if w in n.units:
            current += n.units[w]
        elif w == "mươi":
            current = (current or 1) * 10
        elif w in n.tens:
            current += 10
        elif w in n.multipliers:
            total += (current or 1) * n.multipliers[w]
            current = 0
        else:
            return None
    return total + current
