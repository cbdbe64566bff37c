"""The page as lines: each non-blank line of the normalised text with its span."""
from __future__ import annotations

from dataclasses import dataclass


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
    """Stripped non-blank lines, numbered in order.

    `str.split("\n")` gives the runs `[^\n]+` would find (and empty ones, skipped) in one C
    call, without a match object per line."""
    lines: list[Line] = []
    s = 0
    for t in norm.split("\n"):
        stripped = t.strip()
        if stripped:
            lead = len(t) - len(t.lstrip())
            lines.append(Line(len(lines), s + lead, s + lead + len(stripped), stripped))
        s += len(t) + 1
    return lines
