"""Page chrome: lines that belong to the web page, not to the article (rules/chrome.yaml).

Banners, menus, counters, widgets and credits are chrome wherever they stand; a tail marker
(related articles, a comment form) makes itself and everything after it chrome.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex

from ..patterns import compile_ci
from ..rulebook import Rulebook
from .lines import Line

# a line with neither a letter nor a digit ("." , "|", "* * *") carries nothing
_NO_WORD = regex.compile(r"^[^\p{L}\p{N}]*$")


def _could_be_menu(line: str) -> bool:
    """False where chrome.menu (rules/chrome.yaml) cannot match: it needs two separators
    ("|", "•", "»"; none has another case) or a gap of two blanks, which is two spaces or holds
    a blank other than a space, every one of them unprintable (str.isprintable). Most lines
    are paragraphs with neither, and these C calls cost less than the rule's regex."""
    return line.count("|") + line.count("•") + line.count("»") >= 2 or "  " in line or not line.isprintable()


# rules tried only where a cheap test says they may match: rule id -> the test
_GUARDS = {"chrome.menu": _could_be_menu}


class _ChromeLine:
    """Chrome rules as two regexes: those anchored at the line start are tried with one
    `match`, the others only on the line's end, so long paragraphs cost almost nothing.
    Rules with a guard (`_GUARDS`) are tried on their own, only where the guard lets them."""

    def __init__(self, rules: list):
        starts = [r.regex for r in rules if r.regex.startswith("^") and r.id not in _GUARDS]
        ends = [r.regex for r in rules if not r.regex.startswith("^") and r.id not in _GUARDS]
        self._start = compile_ci("|".join(f"(?:{r})" for r in starts))
        self._end = compile_ci("|".join(f"(?:{r})" for r in ends)) if ends else None
        self._guarded = [(_GUARDS[r.id], compile_ci(r.regex), r.regex.startswith("^")) for r in rules if r.id in _GUARDS]

    def search(self, line: str) -> bool:
        if len(line) <= 24 and _NO_WORD.match(line):
            return True
        if self._start.match(line) or (self._end and self._end.search(line[-60:])):
            return True
        return any(guard(line) and (rx.match(line) if at_start else rx.search(line[-60:]))
                   for guard, rx, at_start in self._guarded)


@dataclass(frozen=True)
class _Compiled:
    line: _ChromeLine
    tail: regex.Pattern


@lru_cache(maxsize=8)
def _compiled(rules: Rulebook) -> _Compiled:
    c = rules.chrome
    return _Compiled(line=_ChromeLine(c.lines),
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
    for ln in lines:
        if line_is_chrome(ln.text):
            chrome.add(ln.index)
        key = ln.text.casefold()
        if key in seen and ln.words >= 2:
            chrome.add(ln.index)
        seen.add(key)
    return chrome
