"""What a query of the stored articles can ask, and the cursor that pages through the answer.

One model serves the store, the HTTP query string (FastAPI reads it as query parameters) and
the command line, so a filter means the same thing everywhere.
"""
from __future__ import annotations

import base64
import datetime as dt
import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from ..record import AwardKind


class InvalidCursor(ValueError):
    """A cursor this store did not hand out."""


#: Longest search term or name filter. Names run to a few dozen characters; SQLite refuses a LIKE
#: pattern over 50,000 bytes ("pattern too complex"), so a longer term must be refused before it.
MAX_TERM = 500
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # all but tab and line ends
#: The same, as a JSON-schema pattern for the OpenAPI document (the validator gives the clearer message).
_NO_CONTROLS = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f]*$"
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _printable(value: str | None) -> str | None:
    """Control characters match nothing stored, and PostgreSQL cannot even compare a NUL: refused."""
    if value is not None and (found := _CONTROLS.search(value)):
        raise ValueError(f"control character U+{ord(found.group()):04X} at character {found.start()}")
    return value


def _iso_day(value: Any) -> Any:
    """Only a YYYY-MM-DD day: pydantic alone would read `0` as 1970-01-01 (seconds since the epoch)."""
    if isinstance(value, dt.date) or (isinstance(value, str) and _ISO_DAY.fullmatch(value)):
        return value
    raise ValueError("a day is written YYYY-MM-DD")


#: A search term or name filter as a client may send it: at most MAX_TERM characters, no NUL or other
#: control character (tabs and line ends are spaces to a search).
SearchTerm = Annotated[str, Field(max_length=MAX_TERM, json_schema_extra={"pattern": _NO_CONTROLS}),
                       AfterValidator(_printable)]
#: A calendar day, written YYYY-MM-DD (nothing else is read as a day).
Day = Annotated[dt.date, BeforeValidator(_iso_day)]


class ArticleQuery(BaseModel):
    """Filters of stored articles; all given filters must hold. Names match case- and diacritic-insensitively."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    q: SearchTerm | None = Field(None, description="Words of the title or text; every word must occur")
    person: SearchTerm | None = Field(None, description="Part of the name of a person named in the article")
    organization: SearchTerm | None = Field(None, description="Part of the name of an organisation named in the article")
    document: SearchTerm | None = Field(None, description='A cited document\'s number; "9/NQ-CDVC" finds "09/NQ-CĐVC"')
    location: SearchTerm | None = Field(None, description='A place named in the article, whole name ("Hải Dương")')
    award_kind: AwardKind | None = Field(None, description="An award kind conferred in the article")
    published_from: Day | None = Field(None, description="Published on or after this day")
    published_to: Day | None = Field(None, description="Published on or before this day")
    mentioned_from: Day | None = Field(None, description="Mentions a date (or period) reaching this day or later")
    mentioned_to: Day | None = Field(None, description="Mentions a date (or period) starting this day or earlier")

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


#: What a cursor decodes to: "a" and a primary key that fits a 64-bit integer column.
_CURSOR = re.compile(rb"a([0-9]{1,18})")


def decode_cursor(cursor: str) -> int:
    try:  # not ASCII, not base64: ValueError (binascii.Error is one)
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    except ValueError:
        raw = b""
    if found := _CURSOR.fullmatch(raw):
        return int(found.group(1))
    raise InvalidCursor(f"invalid cursor {cursor!r}: pass the next_cursor of a previous page unchanged")
