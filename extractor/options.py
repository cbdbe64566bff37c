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


DEFAULT_OPTIONS = ExtractOptions()
