"""Every knob of extraction, with its default in one place."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class ExtractOptions(BaseModel):
    """Options for `extract()`. The defaults suit news articles; limits guard the service."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    #: Largest input accepted, in characters after decoding (a long article is ~50k).
    max_chars: int = 2_000_000
    #: Largest raw input accepted, in bytes, before decoding.
    max_bytes: int = 8_000_000
    #: Put the text that offsets point into in the record's `text` field.
    include_text: bool = True
    #: Publication date to assume when the article has no dateline (ISO date), e.g. from a feed.
    published_at: str | None = None
    #: Work units extraction may spend per character of text, plus a fixed allowance
    #: (budget.py): a unit per candidate match and per character a step re-reads. Linear
    #: steps spend at most about 4 per character on the adversarial shapes; past the budget
    #: extraction stops with WorkLimitExceeded instead of running for minutes.
    work_per_char: int = 20
    work_base: int = 100_000
    #: CPU seconds one extraction may use (TimeLimitExceeded past it); None: no limit.
    max_cpu_seconds: float | None = None
    #: HTML nested deeper than this, or with more elements, is refused before parsing
    #: (HtmlTooComplex). Browsers cap the tree depth at 512; long news pages hold a few thousand elements.
    max_html_depth: int = 512
    max_html_elements: int = 50_000
    #: attributes of one element (parsers compare each with the others)
    max_html_attributes: int = 200


DEFAULT_OPTIONS = ExtractOptions()
