"""A portal's auto-tags for a post, read off its record: organisations, places, document types, award kinds.

Every tag carries its mentions with offsets into the text the record's offsets point into (the
text sent, or for HTML the record's `text`), so an editor can highlight or unlink each one.

>>> from extractor import extract
>>> tags_for(extract("Ngày 28/7/2022, 2 tập thể được UBND tỉnh Hải Dương tặng Bằng khen.")).award_kinds[0].name
'Bằng khen'
"""
from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, Field

from .record import Record
from .rulebook import Rulebook, load_rules


class TagMention(BaseModel):
    text: str
    start: int
    end: int


class Tag(BaseModel):
    name: str = Field(description="What the portal shows: the organisation, the place, the type or kind of award")
    code: str | None = Field(None, description="Its machine key where there is one: the place kind (province), "
                                               "the document type code (NQ), the award kind (bang_khen)")
    mentions: list[TagMention] = Field(description="Where the text names it, in text order")


class Tags(BaseModel):
    organizations: list[Tag]
    places: list[Tag]
    document_types: list[Tag]
    award_kinds: list[Tag]


def tags_for(record: Record, rules: Rulebook | None = None) -> Tags:
    """The tags of one record, each tag once, in order of first mention."""
    labels = _award_labels(rules or load_rules())
    return Tags(
        organizations=_ordered(Tag(name=o.name, mentions=_spans(o.mentions)) for o in record.organizations),
        places=_ordered(Tag(name=p.name, code=p.kind, mentions=_spans(p.mentions)) for p in record.locations),
        document_types=_merged((d.type or d.type_code, d.type_code, d.mentions) for d in record.documents
                               if d.type or d.type_code),
        award_kinds=_merged((labels.get(a.award_kind, a.award), a.award_kind, [a]) for a in record.awards),
    )


def _award_labels(rules: Rulebook) -> dict[str, str]:
    """Each award kind's name, from the first canonical form the rules give it."""
    labels: dict[str, str] = {}
    for kind in rules.awards.kinds:
        labels.setdefault(kind.kind, kind.canonical[:1].upper() + kind.canonical[1:])
    return labels


def _spans(spans: Iterable) -> list[TagMention]:
    return sorted((TagMention(text=m.text, start=m.start, end=m.end) for m in spans), key=lambda m: m.start)


def _merged(groups: Iterable[tuple[str, str | None, Iterable]]) -> list[Tag]:
    """One tag per (name, code), with the mentions of every entity that falls under it."""
    merged: dict[tuple[str, str | None], list] = {}
    for name, code, spans in groups:
        merged.setdefault((name, code), []).extend(spans)
    return _ordered(Tag(name=name, code=code, mentions=_spans(spans)) for (name, code), spans in merged.items())


def _ordered(tags: Iterable[Tag]) -> list[Tag]:
    return sorted((t for t in tags if t.mentions), key=lambda t: t.mentions[0].start)


class TaggedPost(BaseModel):
    """What the portal receives for a post: its record id, its tags, and for HTML the text the
    tags' offsets point into."""

    id: str = Field(description="The article's record id")
    text: str | None = Field(None, description="For HTML input, the text the offsets point into")
    tags: Tags


def tagged_post(record: Record, *, html: bool) -> TaggedPost:
    return TaggedPost(id=record.id, text=record.text if html else None, tags=tags_for(record))
