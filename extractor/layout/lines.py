"""The page as lines: each non-blank line of the normalised text with its span."""
from __future__ import annotations

from dataclasses import dataclass

import regex

_LINE = regex.compile(r"[^\n]+")


@dataclass(slots=True)
class Line:
    index: int
    start: int
    end: int
    text: str
    words: int = 0

    def __post_init__(self) -> None:
        self.words = self.text.count(" ") + 1 if self.text else 0


def split_lines(norm: str) -> list[Line]:
    """Stripped non-blank lines, numbered in order."""
    lines: list[Line] = []
    for m in _LINE.finditer(norm):
        s = m.start()
        t = m.group()
        lead = len(t) - len(t.lstrip())
        stripped = t.strip()
        if stripped:
            lines.append(Line(len(lines), s + lead, s + lead + len(stripped), stripped))
    return lines
