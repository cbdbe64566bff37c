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


class ArticleRef(BaseModel):
    id: str
    title: str | None
    published_on: str | None


class Alias(BaseModel):
    alias: str
    kind: str = Field(description="abbreviation, or written (the words an article used)")


class AwardGiven(BaseModel):
    article_id: str
    award: str
    award_kind: str
    recipients: int | None
    conferred_on: str | None
    conferred_on_source: str | None
    position: str | None = Field(description="The position that gave it, where one of the body's positions did")


class DocumentIssued(BaseModel):
    key: str
    number: str
    type: str | None
    issued_on: str | None
    citations: int


class PersonRef(BaseModel):
    key: str
    name: str
    articles: int


class OrganizationView(BaseModel):
    """An organisation across all stored articles (lists are capped at `limit`, most recent first)."""

    key: str = Field(description="Canonical name's key, '@province' where the name does not tell its province")
    name: str
    province: str | None = Field(description="Its province as named (as it was)")
    province_current: str | None = Field(description="That province since the 2025 merger")
    aliases: list[Alias]
    article_count: int
    articles: list[ArticleRef]
    awards_given: list[AwardGiven] = Field(description="Awards it gave, itself or through one of its positions")
    documents_issued: list[DocumentIssued] = Field(description="Documents whose issuer is this organisation")
    people: list[PersonRef] = Field(description="People whose titles name this organisation")


class TitlesAt(BaseModel):
    published_on: str | None
    article_id: str
    titles: list[str]
    organization: str | None


class PersonView(BaseModel):
    """A person across all stored articles: their titles in the order of the articles' dates."""

    key: str = Field(description="Name's key and '@province' (as it is now) of the body of their titles or article")
    name: str
    province: str | None
    province_current: str | None
    namesakes: list[str] = Field(description="Keys of other people of the same name (other provinces)")
    titles: list[TitlesAt]
