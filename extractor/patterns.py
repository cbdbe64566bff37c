"""Compose vocabulary tables into regex alternations (longest first, refusing empty groups)."""
from __future__ import annotations

from collections.abc import Iterable

import regex


def alt(words: Iterable[str], *, escape: bool = True) -> str:
    """'(?:a|b)' over `words`, longest first so that 'tập thể lao động' beats 'tập thể'.

    An empty group would match everywhere, so it is refused (trafilatura's `_alt` guard).
    """
    items = sorted({w for w in words if w}, key=lambda w: (-len(w), w))
    if not items:
        raise ValueError("an alternation needs at least one word")
    body = "|".join(regex.escape(w) if escape else w for w in items)
    return f"(?:{body})"


def word_alt(words: Iterable[str], *, escape: bool = True) -> str:
    """`alt` bounded so that it matches whole words only."""
    return rf"(?<![\p{{L}}\p{{N}}]){alt(words, escape=escape)}(?![\p{{L}}\p{{N}}])"


def compile_ci(pattern: str) -> regex.Pattern:
    return regex.compile(pattern, regex.IGNORECASE | regex.VERSION0)
