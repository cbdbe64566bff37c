"""What the store answers besides records: a document with its citations, and name aggregates."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from ..record import Mention


class Citation(BaseModel):
    """One stored article citing a document, with the reference as that article gives it."""

    article_id: str
    title: str | None
    published_at: str | None
    source: dict[str, Any]
    number: str = Field(description="The symbol as this article writes it")
    issued_on: str | None
    issuer: str | None
    subject: str | None = Field(description="The document's title as this article gives it")
    mentions: list[Mention]


class DocumentView(BaseModel):
    """A document as all stored articles together describe it: each field the value most citations give."""

    key: str = Field(description="Symbol key: upper case, no spaces or dots, Đ as D, no leading zeros; "
                                 "'@province' for a local symbol, '#article' for a bare number")
    number: str
    province: str | None = Field(None, description="The province of a local symbol (…/QĐ-UBND)")
    type: str | None
    type_code: str | None
    serial: str | None
    year: int | None
    issuer_code: str | None
    issuer_code_expanded: str | None = Field(description="issuer_code spelled out: TW -> Ban Chấp hành Trung ương")
    issued_on: str | None
    issuer: str | None
    title: str | None
    disagreements: dict[str, list[str]] = Field(
        default_factory=dict, description="Fields the citations disagree on: every value given, most cited first")
    citations: list[Citation]


class PersonSummary(BaseModel):
    name: str
    articles: int = Field(description="Stored articles naming this person")
    titles: list[str] = Field(description="Every title the articles give, first seen first")
    organizations: list[str]


class OrganizationSummary(BaseModel):
    name: str
    articles: int = Field(description="Stored articles naming this organisation")
    abbreviations: list[str]
