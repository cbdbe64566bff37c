"""Page chrome: lines that belong to the web page, not to the article (rules/chrome.yaml).

Banners, menus, counters, widgets and credits are chrome wherever they stand; a tail marker
(related articles, a comment form) makes itself and everything after it chrome.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import regex

from ..patterns import compile_ci
from ..rulebook import Rulebook
from .lines import Line

# a line with neither a letter nor a digit ("." , "|", "* * *") carries nothing
_NO_WORD = regex.compile(r"^[^\p{L}\p{N}]*$")


class _ChromeLine:
    """Chrome rules as two regexes: those anchored at the line start are tried with one
    `match`, the others only on the line's end, so long paragraphs cost almost nothing."""

    def __init__(self, rules: list[str]):
        starts = [r for r in rules if r.startswith("^")]
        ends = [r for r in rules if not r.startswith("^")]
        self._start = compile_ci("|".join(f"(?:{r})" for r in starts))
        self._end = compile_ci("|".join(f"(?:{r})" for r in ends)) if ends else None

    def search(self, line: str) -> bool:
        if len(line) <= 24 and _NO_WORD.match(line):
            return True
        return bool(self._start.match(line) or (self._end and self._end.search(line[-60:])))


@dataclass(frozen=True)
class _Compiled:
    line: _ChromeLine
    tail: regex.Pattern


@lru_cache(maxsize=8)
def _compiled(rules: Rulebook) -> _Compiled:
    c = rules.chrome
    return _Compiled(line=_ChromeLine([r.regex for r in c.lines]),
                     tail=compile_ci("|".join(f"(?:{r.regex})" for r in c.tail_markers)))


def is_chrome(text: str, rules: Rulebook) -> bool:
    """True for a line that is chrome wherever it stands."""
    return _compiled(rules).line.search(text)


def is_tail_marker(text: str, rules: Rulebook) -> bool:
    """True for a line after which nothing belongs to the article."""
    return bool(_compiled(rules).tail.match(text))


def find_chrome(lines: list[Line], rules: Rulebook) -> set[int]:
    """Indices of chrome lines, and of repeated lines (a banner or paragraph shown twice)."""
    chrome: set[int] = set()
    seen: set[str] = set()
    line_is_chrome = _compiled(rules).line.search  # looked up once, not once per line
    # casefolding keeps every space (no character folds to one or from one), so lines with
    # different word counts never fold alike: a line alone with its count needs no key
    counts = Counter(ln.words for ln in lines)
    for ln in lines:
        if line_is_chrome(ln.text):
            chrome.add(ln.index)
        if counts[ln.words] > 1:
            key = ln.text.casefold()
            if key in seen and ln.words >= 2:
                chrome.add(ln.index)
            seen.add(key)
    return chrome
