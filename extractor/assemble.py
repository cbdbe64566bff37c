"""Spans to the record: resolve, deduplicate, and map every offset back to the caller's text.

Models are built with `model_construct`: every value comes from code that already typed it,
and validating each of a few hundred nested objects per article would be most of the cost of
assembling. tests/test_record.py validates whole records to keep this honest.

This is the only place offsets leave the normalised copy, and it checks
`raw[start:end] == text` for every mention it writes (RECORD.md, Offsets).
"""
from __future__ import annotations

import hashlib

import regex

from .doc import Doc, Span
from .record import Award, Date, Document, Location, Mention, Organization, Person, Record
from .resolve.documents import resolve_documents
from .resolve.names import expand_name
from .resolve.organizations import resolve_organizations
from .resolve.people import resolve_people
from .resolve.years import resolve_years


def article_id(text: str) -> str:
    """Stable content hash: NFC text with whitespace folded, so re-saved copies get one id."""
    import unicodedata

    canon = " ".join(unicodedata.normalize("NFC", text).split())
    return hashlib.sha256(canon.encode("utf-8")).hexdigest()[:24]


def _mention(doc: Doc, span: Span) -> Mention:
    s, e, text = doc.raw_span(span.start, span.end)
    return Mention.model_construct(text=text, start=s, end=e, rule=span.rule)


def _dates(doc: Doc) -> list[Date]:
    layout = doc.layout
    published = layout.published_at or doc.options.published_at
    spans = list(doc.spans.get("dates", []))
    resolved = resolve_years(doc, spans, published)
    if layout.dateline_date:
        resolved.insert(0, layout.dateline_date)
    out = []
    for sp in resolved:
        v = sp.value
        m = _mention(doc, sp)
        out.append(Date.model_construct(text=m.text, start=m.start, end=m.end, value=v["value"], end_value=v.get("end_value"),
                        granularity=v["granularity"], year_inferred=v.get("year_inferred", False), rule=sp.rule))
    return out


def _locations(doc: Doc) -> list[Location]:
    by_name: dict[str, Location] = {}
    place = doc.context.get("place")
    home_current = None
    if place is not None:
        home_current = next((sp.value["current"] for sp in doc.spans.get("locations", [])
                             if sp.value["name"] == place.name), None)
    for sp in doc.spans.get("locations", []):
        v = sp.value
        loc = by_name.get(v["name"])
        if loc is None:
            # a district or commune belongs, today, to the unit the article's province is part of
            current = v.get("current") or home_current
            loc = by_name[v["name"]] = Location.model_construct(name=v["name"], kind=v["kind"], current=current)
        loc.mentions.append(_mention(doc, sp))
    return list(by_name.values())


def _organizations(doc: Doc) -> tuple[list[Organization], list[dict]]:
    resolved = resolve_organizations(doc, doc.spans.get("organizations", []), doc.context.get("place"))
    out = []
    for g in resolved:
        mentions = [_mention(doc, sp) for sp in g["mentions"]]
        out.append(Organization.model_construct(name=g["name"], text=mentions[0].text, abbreviation=g["abbreviation"], mentions=mentions))
    return out, resolved


def _people(doc: Doc, resolved_orgs: list[dict]) -> list[Person]:
    out = []
    for p in resolve_people(doc, doc.spans.get("people", []), resolved_orgs):
        out.append(Person.model_construct(name=p["name"], titles=p["titles"], organization=p["organization"],
                          mentions=[_mention(doc, sp) for sp in p["mentions"]]))
    return out


def _documents(doc: Doc) -> list[Document]:
    out = []
    for d in resolve_documents(doc, doc.spans.get("documents", []), doc.context.get("place")):
        mentions = [_mention(doc, sp) for sp in d.pop("mentions")]
        out.append(Document.model_construct(**d, mentions=mentions))
    return out


def _awards(doc: Doc) -> list[Award]:
    place = doc.context.get("place")
    out: list[Award] = []
    seen: list[tuple] = []
    for sp in doc.spans.get("awards", []):
        v = dict(sp.value)
        giver_text = v.pop("giver_text")
        giver = expand_name(giver_text, doc.rules, place) if giver_text else None
        key = (v["award_kind"], v["collectives"], v["individuals"], v["recipients"])
        # a caption or summary restating a conferral adds no entry
        if any(k == key and (g == giver or g is None or giver is None) for k, g in seen):
            continue
        seen.append((key, giver))
        m = _mention(doc, sp)
        out.append(Award.model_construct(**v, giver=giver, text=m.text, start=m.start, end=m.end, rule=sp.rule))
    return out


def _hint_authors(raw: list[str], rules) -> list[str]:
    """Page-metadata authors read like a byline ("Thực hiện: H.Vân - Q.Hùng")."""
    from .layout import parse_byline

    out: list[str] = []
    for a in raw:
        out.extend(parse_byline(a, rules, closing=True) or [a])
    return out


def check_offsets(record: Record, raw: str) -> None:
    for family, m in record.mentions():
        if raw[m.start:m.end] != m.text:
            raise AssertionError(f"{family} mention {m.text!r} does not match raw[{m.start}:{m.end}]")


def assemble(doc: Doc, *, source: dict | None = None, encoding: str | None = None,
             hints: dict | None = None) -> Record:
    layout = doc.layout
    hints = hints or {}
    published = layout.published_at or hints.get("published_at")
    authors = layout.authors or _hint_authors(hints.get("authors") or [], doc.rules)
    title = layout.title_text or hints.get("title")
    organizations, resolved_orgs = _organizations(doc)
    record = Record.model_construct(
        id=article_id(doc.raw),
        source=source or {},
        title=title,
        published_at=published,
        authors=[" ".join(a.split()) for a in authors],
        dates=_dates(doc),
        organizations=organizations,
        people=_people(doc, resolved_orgs),
        locations=_locations(doc),
        documents=_documents(doc),
        awards=_awards(doc),
        text=doc.raw if doc.options.include_text else None,
        encoding=encoding,
        rules_version=doc.rules.version,
    )
    check_offsets(record, doc.raw)
    return record
