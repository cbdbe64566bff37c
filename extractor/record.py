"""The article record: the contract of docs/record.md (and shared/spec/RECORD.md), as pydantic models.

The descriptions here are what the JSON Schema (docs/record.schema.json, GET /v1/schema) and the
OpenAPI document say about each field; docs/record.md explains them with examples.
"""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.0"

_START = "Offset of the first character, in code points, into the text that offsets point into"
_END = "Offset just past the last character: text[start:end] == the mention's text"
_RULE = "Id of the rule that found it (rules/*.yaml), for tracing a result to its rule"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Mention(_Model):
    """One place in the text where an entity is named."""

    text: str = Field(description="The characters as they stand in the text")
    start: int = Field(description=_START)
    end: int = Field(description=_END)
    rule: str | None = Field(None, description=_RULE)


class Date(_Model):
    """A calendar date (or range) in the dateline or the body."""

    text: str = Field(description="The date as written, e.g. 'ngày 28 tháng 7 năm 2022'")
    start: int = Field(description=_START)
    end: int = Field(description=_END)
    value: str = Field(description="ISO 8601: YYYY-MM-DD, YYYY-MM or YYYY by granularity; a range's start")
    end_value: str | None = Field(None, description="A range's end (same form as value); null for one date")
    granularity: Literal["day", "month", "year"] = Field(description="How precise value and end_value are")
    year_inferred: bool = Field(False, description="The text gave no year; it was taken from the dateline or "
                                                   "from one year the text states for the same event")
    rule: str | None = Field(None, description=_RULE)


class Organization(_Model):
    """One distinct organisation of the article, with all its mentions."""

    name: str = Field(description="The fullest form the article supports: abbreviations expanded, a bare level "
                                  "word completed with the article's place")
    text: str = Field(description="Its first mention as written")
    abbreviation: str | None = Field(None, description="The abbreviation the article uses for it, if any")
    mentions: list[Mention] = Field(default_factory=list)


class Person(_Model):
    """One named person, with all mentions (a later 'bà Bình' joins 'Nguyễn Thị Thanh Bình')."""

    name: str = Field(description="Full name as written, without honorifics or titles")
    titles: list[str] = Field(default_factory=list, description="Role phrases attached to the name")
    organization: str | None = Field(None, description="The organisation named in a title, if any")
    mentions: list[Mention] = Field(default_factory=list)


class Location(_Model):
    """A province, centrally-governed city or lower unit named in the article."""

    name: str = Field(description="Without its level word: 'tỉnh Hải Dương' -> 'Hải Dương'")
    kind: Literal["province", "city", "district", "commune", "other"]
    current: str | None = Field(None, description="The province or city it belongs to today, after the 2025 "
                                                  "merger of provinces (rules/gazetteer.yaml)")
    mentions: list[Mention] = Field(default_factory=list)


class Document(_Model):
    """A numbered document cited by the article (resolution, directive, plan, decision, ...)."""

    number: str = Field(description="The symbol as written, cleaned: no spaces, dashes as '-', upper case "
                                    "('09/NQ-CĐVC', '02-NQ/TW'); the bare number when the text gives no symbol")
    type: str | None = Field(None, description="Full Vietnamese name of its type, e.g. 'Nghị quyết'")
    type_code: str | None = Field(None, description="The type's abbreviation, e.g. 'NQ'")
    serial: str | None = Field(None, description="The number part of the symbol, e.g. '09'")
    year: int | None = Field(None, description="The year inside the symbol, where it has one")
    issuer_code: str | None = Field(None, description="The symbol's issuer part, e.g. 'CĐVC', 'TW'")
    issuer_code_expanded: str | None = Field(
        None, description="issuer_code spelled out from rules/documents.yaml ('TW' -> 'Ban Chấp hành Trung ương'); "
                          "beyond the shared contract, for grouping documents by issuing body")
    issued_on: str | None = Field(None, description="ISO date of issue, where the sentence gives it")
    issuer: str | None = Field(None, description="The issuing organisation as the sentence names it")
    title: str | None = Field(None, description="The subject that follows ('về ...'), where given")
    mentions: list[Mention] = Field(default_factory=list)


AwardKind = Literal["bang_khen", "giay_khen", "co_thi_dua", "huan_chuong", "huy_chuong", "ky_niem_chuong",
                    "bang_lao_dong_sang_tao", "danh_hieu", "giai_thuong", "khen_thuong", "khac"]


class Award(_Model):
    """One counted conferral: a number of recipients, an award and usually a giver."""

    award: str = Field(description="The award as named, e.g. 'Bằng khen'")
    award_kind: AwardKind = Field(description="Its kind (docs/record.md lists them)")
    grade: str | None = Field(None, description="Grade or class where given: 'hạng Ba', 'xuất sắc'")
    giver: str | None = Field(None, description="Who gives it, as named")
    collectives: int | None = Field(None, description="Collective recipients (tập thể, đơn vị); null when not stated")
    individuals: int | None = Field(None, description="Individual recipients (cá nhân, đồng chí); null when not stated")
    recipients: int | None = Field(None, description="All recipients: the sum, or the one undivided count")
    approximate: bool = Field(False, description="A vague count ('hàng nghìn'); the counts are then null")
    text: str = Field(description="The clause that states the conferral")
    start: int = Field(description=_START)
    end: int = Field(description=_END)
    rule: str | None = Field(None, description=_RULE)


class Review(_Model):
    """A stored record's review: present only on a record a person has reviewed (beyond RECORD.md).

    The machine record stays stored as extracted; this record is it with every revision applied."""

    status: Literal["accepted", "corrected"] = Field(
        description="accepted: a reviewer found it right as extracted; corrected: revisions changed it")
    revisions: int
    reviewers: list[str]
    updated_at: str
    #: corrections that newer rules now disagree with (kept; listed for a person to look at)
    conflicts: list[dict[str, Any]] = Field(default_factory=list)


class Record(_Model):
    """Everything extracted from one article."""

    schema_version: str = Field(SCHEMA_VERSION, description="Version of the record's contract")
    id: str = Field(description="Content hash of the article text (NFC, whitespace folded): the same article "
                                "sent twice gets the same id")
    source: dict[str, Any] = Field(default_factory=dict, description="What the caller said about where the "
                                                                     "article came from (url, path, member, ...)")
    title: str | None = Field(None, description="The headline, without section labels or banners")
    published_at: str | None = Field(None, description="ISO 8601 from the dateline, Vietnam time (+07:00); "
                                                       "a date alone where the dateline has no time")
    authors: list[str] = Field(default_factory=list, description="Byline names without role marks")
    dates: list[Date] = Field(default_factory=list)
    organizations: list[Organization] = Field(default_factory=list)
    people: list[Person] = Field(default_factory=list)
    locations: list[Location] = Field(default_factory=list)
    documents: list[Document] = Field(default_factory=list)
    awards: list[Award] = Field(default_factory=list)
    text: str | None = Field(None, description="The text offsets point into (for HTML, the page's main text); "
                                               "null when extraction was asked to leave it out")
    encoding: str | None = Field(None, description="The encoding the input was read in, e.g. 'utf-8', 'tcvn3'")
    rules_version: str | None = Field(None, description="Hash of the rules/ files that made the record")
    review: Review | None = Field(None, description="Present only on a stored record a person has reviewed (beyond RECORD.md)")

    def mentions(self):
        """Every (family, mention-like) pair, for offset checks and highlighting."""
        for d in self.dates:
            yield "dates", d
        for a in self.awards:
            yield "awards", a
        for family in ("organizations", "people", "locations", "documents"):
            for entity in getattr(self, family):
                for m in entity.mentions:
                    yield family, m
