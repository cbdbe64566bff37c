"""OffsetMap: the one place where indices into the normalised copy become indices into the raw text.

Normalisation only changes lengths where a run of raw characters composes or is deleted
(NFD clusters, zero-width characters). Everything else is replaced one character for one.
The map therefore stores only the edited runs and shifts every index between them.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Edit:
    """A run of raw text `raw[raw_start:raw_end]` that became `norm[norm_start:norm_end]`."""

    norm_start: int
    norm_end: int
    raw_start: int
    raw_end: int


@dataclass
class OffsetMap:
    """Maps half-open spans of the normalised text back to the raw text."""

    edits: list[Edit] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._starts = [e.norm_start for e in self.edits]

    @property
    def identity(self) -> bool:
        return not self.edits

    def _shift_before(self, k: int) -> int:
        """Raw minus norm index for positions after edit k-1 (k edits precede)."""
        if k == 0:
            return 0
        e = self.edits[k - 1]
        return e.raw_end - e.norm_end

    def to_raw_start(self, i: int) -> int:
        if not self.edits:
            return i
        k = bisect_right(self._starts, i)
        if k and i < self.edits[k - 1].norm_end:
            # inside an edited run: the span starts where the run starts
            return self.edits[k - 1].raw_start
        return i + self._shift_before(k)

    def to_raw_end(self, i: int) -> int:
        if not self.edits:
            return i
        k = bisect_right(self._starts, i - 1) if i else 0
        if k and i <= self.edits[k - 1].norm_end and i > self.edits[k - 1].norm_start:
            # ends inside or at the end of an edited run: the span takes the whole run
            return self.edits[k - 1].raw_end
        return i + self._shift_before(k)

    def span_to_raw(self, start: int, end: int) -> tuple[int, int]:
        if not self.edits:  # most articles: no length changed, indices are the caller's
            return start, end
        return self.to_raw_start(start), self.to_raw_end(end)
