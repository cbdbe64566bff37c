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


def windows(text: str, anchor: regex.Pattern, before: int, after: int, *, whole_words: bool = False) -> list[tuple[int, int]]:
    """Merged (start, end) windows of `before`/`after` characters around every `anchor` match.

    Families whose every match holds a cheap anchor (a digit and a slash, say) run their
    patterns only inside these windows. With `whole_words` a window is widened to the nearest
    space or line break, so no match is cut in the middle of a word.
    """
    out: list[tuple[int, int]] = []
    for m in anchor.finditer(text):
        s, e = max(0, m.start() - before), min(len(text), m.end() + after)
        if whole_words:
            s = max(text.rfind(" ", 0, s), text.rfind("\n", 0, s), 0)
            ends = [i for i in (text.find(" ", e), text.find("\n", e)) if i >= 0]
            e = min(ends) if ends else len(text)
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out
