"""The article record of shared/spec/RECORD.md, as pydantic models."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.0"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Mention(_Model):
    text: str
    start: int
    end: int
    rule: str | None = None


class Date(_Model):
    text: str
    start: int
    end: int
    value: str
    end_value: str | None = None
    granularity: Literal["day", "month", "year"]
    year_inferred: bool = False
    rule: str | None = None


class Organization(_Model):
    name: str
    text: str
    abbreviation: str | None = None
    mentions: list[Mention] = Field(default_factory=list)


class Person(_Model):
    name: str
    titles: list[str] = Field(default_factory=list)
    organization: str | None = None
    mentions: list[Mention] = Field(default_factory=list)


class Location(_Model):
    name: str
    kind: Literal["province", "city", "district", "commune", "other"]
    current: str | None = None
    mentions: list[Mention] = Field(default_factory=list)


class Document(_Model):
    number: str
    type: str | None = None
    type_code: str | None = None
    serial: str | None = None
    year: int | None = None
    issuer_code: str | None = None
    #: `issuer_code` spelled out from rules/documents.yaml ("TW" -> "Ban Chấp hành Trung ương"),
    #: beyond RECORD.md: for grouping documents by issuing body when the sentence names none
    issuer_code_expanded: str | None = None
    issued_on: str | None = None
    issuer: str | None = None
    title: str | None = None
    mentions: list[Mention] = Field(default_factory=list)


AwardKind = Literal["bang_khen", "giay_khen", "co_thi_dua", "huan_chuong", "huy_chuong", "ky_niem_chuong",
                    "bang_lao_dong_sang_tao", "danh_hieu", "giai_thuong", "khen_thuong", "khac"]


class Award(_Model):
    award: str
    award_kind: AwardKind
    grade: str | None = None
    giver: str | None = None
    collectives: int | None = None
    individuals: int | None = None
    recipients: int | None = None
    approximate: bool = False
    text: str
    start: int
    end: int
    rule: str | None = None


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
    schema_version: str = SCHEMA_VERSION
    id: str
    source: dict[str, Any] = Field(default_factory=dict)
    title: str | None = None
    published_at: str | None = None
    authors: list[str] = Field(default_factory=list)
    dates: list[Date] = Field(default_factory=list)
    organizations: list[Organization] = Field(default_factory=list)
    people: list[Person] = Field(default_factory=list)
    locations: list[Location] = Field(default_factory=list)
    documents: list[Document] = Field(default_factory=list)
    awards: list[Award] = Field(default_factory=list)
    text: str | None = None
    encoding: str | None = None
    rules_version: str | None = None
    review: Review | None = None

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
