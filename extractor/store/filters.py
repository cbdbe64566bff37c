"""What a query of the stored articles can ask, and the cursor that pages through the answer.

One model serves the store, the HTTP query string (FastAPI reads it as query parameters) and
the command line, so a filter means the same thing everywhere.
"""
from __future__ import annotations

import base64
import binascii
import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..record import AwardKind


class InvalidCursor(ValueError):
    """A cursor this store did not hand out."""


class ArticleQuery(BaseModel):
    """Filters of stored articles; all given filters must hold. Names match case- and diacritic-insensitively."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    q: str | None = Field(None, description="Words of the title or text; every word must occur")
    person: str | None = Field(None, description="Part of the name of a person named in the article")
    organization: str | None = Field(None, description="Part of the name of an organisation named in the article")
    document: str | None = Field(None, description='A cited document\'s number; "9/NQ-CDVC" finds "09/NQ-CĐVC"')
    location: str | None = Field(None, description='A place named in the article, whole name ("Hải Dương")')
    award_kind: AwardKind | None = Field(None, description="An award kind conferred in the article")
    published_from: dt.date | None = Field(None, description="Published on or after this day")
    published_to: dt.date | None = Field(None, description="Published on or before this day")
    mentioned_from: dt.date | None = Field(None, description="Mentions a date (or period) reaching this day or later")
    mentioned_to: dt.date | None = Field(None, description="Mentions a date (or period) starting this day or earlier")

    @field_validator("q", "person", "organization", "document", "location")
    @classmethod
    def _blank_is_absent(cls, value: str | None) -> str | None:
        return (value or "").strip() or None

    @model_validator(mode="after")
    def _ranges_are_ordered(self) -> ArticleQuery:
        for low, high in (("published_from", "published_to"), ("mentioned_from", "mentioned_to")):
            if getattr(self, low) and getattr(self, high) and getattr(self, low) > getattr(self, high):
                raise ValueError(f"{low} is after {high}")
        return self


def encode_cursor(article_pk: int) -> str:
    """An opaque cursor: the position after which the next page starts."""
    return base64.urlsafe_b64encode(f"a{article_pk}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if raw.startswith("a") and raw[1:].isdigit():
            return int(raw[1:])
    except (binascii.Error, UnicodeDecodeError):
        pass
    raise InvalidCursor(f"invalid cursor {cursor!r}: pass the next_cursor of a previous page unchanged")
