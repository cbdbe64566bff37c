"""Doc: one article's raw text, its normalised copy with the offset map, and what the steps found."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .budget import WorkBudget
from .options import ExtractOptions
from .rulebook import Rulebook
from .text.normalize import normalize_checked
from .text.offsets import OffsetMap


@dataclass(slots=True)
class Span:
    """A match in the normalised text: [start, end) of `Doc.norm`, the rule that made it, its value."""

    family: str
    start: int
    end: int
    rule: str
    value: dict[str, Any] = field(default_factory=dict)


@dataclass
class Doc:
    raw: str
    norm: str
    offsets: OffsetMap
    rules: Rulebook
    options: ExtractOptions
    #: set by the layout step
    layout: Any = None
    #: `norm` with everything that is not article body blanked to spaces (same length), so
    #: extractors can run one regex over it and still get offsets into `norm`.
    body: str = ""
    #: like `body`, plus the headline: for entity families a headline may name.
    content: str = ""
    #: article-level context other steps read (home place, reference year, ...)
    context: dict[str, Any] = field(default_factory=dict)
    spans: dict[str, list[Span]] = field(default_factory=dict)
    #: lower-cased `norm` (same length) and the lexicon's hits in it, set by the lexicon step
    lower: str = ""
    hits: Any = None
    #: work units left for this extraction (budget.py); set by `from_text`
    budget: WorkBudget | None = None
    #: True when `nfc(raw) == raw` is known (normalising found it so), set by `from_text`
    raw_is_nfc: bool = False

    def in_body(self, hit) -> bool:
        """True when a hit lies in the article body (not chrome, headline or byline)."""
        return self.body[hit.start:hit.end] == self.norm[hit.start:hit.end] and not self.body[hit.start].isspace()

    def in_content(self, hit) -> bool:
        return self.content[hit.start:hit.end] == self.norm[hit.start:hit.end] and not self.content[hit.start].isspace()

    @classmethod
    def from_text(cls, raw: str, rules: Rulebook, options: ExtractOptions) -> "Doc":
        norm, offsets, raw_is_nfc = normalize_checked(raw)
        budget = WorkBudget(len(norm), per_char=options.work_per_char, base=options.work_base,
                            cpu_seconds=options.max_cpu_seconds)
        return cls(raw=raw, norm=norm, offsets=offsets, rules=rules, options=options, budget=budget,
                   raw_is_nfc=raw_is_nfc)

    def raw_span(self, start: int, end: int) -> tuple[int, int, str]:
        """Map a span of `norm` to the caller's text; returns (start, end, raw slice)."""
        s, e = self.offsets.span_to_raw(start, end)
        return s, e, self.raw[s:e]
