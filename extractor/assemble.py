"""Spans to the record: resolve, deduplicate, and map every offset back to the caller's text.

This is the only place offsets leave the normalised copy, and it checks
`raw[start:end] == text` for every mention it writes (RECORD.md, Offsets).

The record is built as plain data and validated once (`Record.model_validate`): one pass of
pydantic's compiled validator over the whole tree is several times cheaper than constructing
each of a few hundred nested models in Python.
"""
from __future__ import annotations

import hashlib

from .doc import Doc, Span
from .record import Record
from .resolve.documents import resolve_documents
from .resolve.names import expand_name
from .resolve.organizations import resolve_organizations
from .resolve.people import resolve_people
from .resolve.years import resolve_years
from .text.normalize import nfc, normalize


def article_id(text: str, *, is_nfc: bool = False) -> str:
    """Stable content hash: NFC text with whitespace folded, so re-saved copies get one id.
    `is_nfc`: the caller knows `nfc(text) == text` (Doc.raw_is_nfc), so NFC is not run again."""
    canon = " ".join((text if is_nfc else nfc(text)).split())
    return hashlib.sha256(canon.encode("utf-8")).hexdigest()[:24]


def _mention(doc: Doc, span: Span) -> dict:
    s, e, text = doc.raw_span(span.start, span.end)
    # the invariant of RECORD.md, Offsets: the caller's slice, normalised, is the very text the
    # rule matched in the normalised copy (a wrong offset map fails here, not in a client)
    matched = doc.norm[span.start:span.end]
    if text != matched and normalize(text)[0] != matched:
        raise AssertionError(f"{span.family} mention {matched!r} does not match the caller's text[{s}:{e}] = {text!r}")
    return {"text": text, "start": s, "end": e, "rule": span.rule}


def _dates(doc: Doc) -> list[dict]:
    layout = doc.layout
    published = layout.published_at or doc.options.published_at
    resolved = resolve_years(doc, list(doc.spans.get("dates", [])), published)
    if layout.dateline_date:
        resolved.insert(0, layout.dateline_date)
    out = []
    for sp in resolved:
        v = sp.value
        out.append({**_mention(doc, sp), "value": v["value"], "end_value": v.get("end_value"),
                    "granularity": v["granularity"], "year_inferred": v.get("year_inferred", False)})
    return out


def _locations(doc: Doc) -> list[dict]:
    by_name: dict[str, dict] = {}
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
            loc = by_name[v["name"]] = {"name": v["name"], "kind": v["kind"],
                                        "current": v.get("current") or home_current, "mentions": []}
        loc["mentions"].append(_mention(doc, sp))
    return list(by_name.values())


def _organizations(doc: Doc) -> tuple[list[dict], list[dict]]:
    resolved = resolve_organizations(doc, doc.spans.get("organizations", []), doc.context.get("place"))
    out = []
    for g in resolved:
        mentions = [_mention(doc, sp) for sp in g["mentions"]]
        out.append({"name": g["name"], "text": mentions[0]["text"], "abbreviation": g["abbreviation"],
                    "mentions": mentions})
    return out, resolved


def _people(doc: Doc, resolved_orgs: list[dict]) -> list[dict]:
    return [{"name": p["name"], "titles": p["titles"], "organization": p["organization"],
             "mentions": [_mention(doc, sp) for sp in p["mentions"]]}
            for p in resolve_people(doc, doc.spans.get("people", []), resolved_orgs)]


def _documents(doc: Doc) -> list[dict]:
    out = []
    for d in resolve_documents(doc, doc.spans.get("documents", []), doc.context.get("place")):
        d["mentions"] = [_mention(doc, sp) for sp in d["mentions"]]
        out.append(d)
    return out


def _awards(doc: Doc) -> list[dict]:
    place = doc.context.get("place")
    out: list[dict] = []
    givers_of: dict[tuple, set] = {}  # the givers (None: unnamed) already seen with each count
    for sp in doc.spans.get("awards", []):
        doc.budget.spend(1)
        v = dict(sp.value)
        giver_text = v.pop("giver_text")
        v.pop("giver_source", None)
        giver = expand_name(giver_text, doc.rules, place) if giver_text else None
        key = (v["award_kind"], v["collectives"], v["individuals"], v["recipients"])
        # a caption or summary restating a conferral adds no entry
        seen = givers_of.setdefault(key, set())
        if seen and (giver is None or giver in seen or None in seen):
            continue
        seen.add(giver)
        out.append({**v, "giver": giver, **_mention(doc, sp)})
    return out


def _hint_authors(raw: list[str], rules) -> list[str]:
    """Page-metadata authors read like a byline ("Thực hiện: H.Vân - Q.Hùng")."""
    from .layout import parse_byline

    out: list[str] = []
    for a in raw:
        out.extend(parse_byline(a, rules, closing=True) or [a])
    return out


def assemble(doc: Doc, *, source: dict | None = None, encoding: str | None = None,
             hints: dict | None = None) -> Record:
    layout = doc.layout
    hints = hints or {}
    authors = layout.authors or _hint_authors(hints.get("authors") or [], doc.rules)
    organizations, resolved_orgs = _organizations(doc)
    return Record.model_validate({
        "id": article_id(doc.raw, is_nfc=doc.raw_is_nfc),
        "source": source or {},
        "title": layout.title_text or hints.get("title"),
        "published_at": layout.published_at or hints.get("published_at"),
        "authors": [" ".join(a.split()) for a in authors],
        "dates": _dates(doc),
        "organizations": organizations,
        "people": _people(doc, resolved_orgs),
        "locations": _locations(doc),
        "documents": _documents(doc),
        "awards": _awards(doc),
        "text": doc.raw if doc.options.include_text else None,
        "encoding": encoding,
        "rules_version": doc.rules.version,
    })
