"""The request and response bodies of the API."""
from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..record import Record
from ..store import DEFAULT_PAGE, MAX_PAGE, ArticleQuery, OrganizationSummary, PersonSummary
from ..store.filters import Day
from .problems import Problem, ProblemError

MAX_BATCH = 100
#: Python's JSON reader joins each escaped surrogate pair into one character: any surrogate left is lone.
_SURROGATE = re.compile("[\ud800-\udfff]")


class ArticleIn(BaseModel):
    """One article: its plain text or its HTML page, and what the caller knows about it."""

    # exactly one of `text` and `html`, said in the schema as the validator below enforces it
    model_config = ConfigDict(extra="forbid", json_schema_extra={"oneOf": [
        {"required": ["text"], "properties": {"text": {"type": "string"}, "html": {"type": "null"}}},
        {"required": ["html"], "properties": {"html": {"type": "string"}, "text": {"type": "null"}}},
    ]})

    text: str | None = Field(None, description="The article as plain text; offsets point into it")
    html: str | None = Field(None, description="The article's HTML page; offsets point into the record's `text`")
    url: str | None = Field(None, max_length=2048, description="Where it was published; kept in `source.url`")
    published_at: Day | None = Field(None, description="Publication day to assume when the article has no dateline")

    @model_validator(mode="after")
    def _text_or_html(self) -> ArticleIn:
        if (self.text is None) == (self.html is None):
            raise ValueError("send the article as `text` or as `html` (one of them)")
        return self

    def payload(self) -> dict[str, Any]:
        """The article as the extraction workers take it (`extractor.http.processes.article_record`).

        Raises a 422 `ProblemError` for a string holding a lone surrogate: JSON lets a `\\u` escape
        name half a pair, but no text has one, and nothing could encode the record it would give.
        It is raised here rather than by validation so that in a batch it fails its article only.
        """
        for field in ("text", "html", "url"):
            value = getattr(self, field)
            if value is not None and (lone := _SURROGATE.search(value)):
                raise ProblemError(422, f"{field}: character {lone.start()} is a lone surrogate "
                                        f"(\\u{ord(lone.group()):04x} without its pair), which is not text",
                                   "invalid-text", "Invalid text")
        return self.model_dump(mode="json", exclude_none=True)


class BatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    articles: list[ArticleIn] = Field(min_length=1, max_length=MAX_BATCH)


class BatchItem(BaseModel):
    """The record of one article of a batch, or the problem that kept it from having one."""

    record: Record | None = None
    problem: Problem | None = None


class BatchOut(BaseModel):
    results: list[BatchItem] = Field(description="One per article, in the order sent")


class ArticlePage(BaseModel):
    items: list[Record]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page")


class ArticlePageQuery(ArticleQuery):
    cursor: str | None = Field(None, description="next_cursor of the previous page")
    limit: int = Field(DEFAULT_PAGE, ge=1, le=MAX_PAGE)


class People(BaseModel):
    items: list[PersonSummary]


class Organizations(BaseModel):
    items: list[OrganizationSummary]
