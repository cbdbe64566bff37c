"""An article's text with its mentions marked, rendered on the server as escaped HTML.

Offsets are Python string indices (code points) and are only ever used here, on the server: the
browser gets the text already cut into elements, so no offset is recounted in UTF-16 units, and
the text container's textContent is exactly the record's text. Overlapping mentions nest; a
mention crossing another's end is split into fragments that share its `data-m` id (the first
fragment is the one that takes focus).
"""
from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

from ..record import Record
from ..review.corrections import item_key, span_key

FAMILY_LABELS = {"dates": "Date", "awards": "Award", "people": "Person", "organizations": "Organisation",
                 "locations": "Place", "documents": "Document"}
FAMILY_PLURALS = {"dates": "Dates", "awards": "Awards", "people": "People", "organizations": "Organisations",
                  "locations": "Places", "documents": "Documents"}


@dataclass(frozen=True)
class Mark:
    id: str
    family: str
    start: int
    end: int
    text: str
    info: str
    #: the item the mention belongs to (its card beside the text) and its correction target
    item: str
    target: str
    rule: str | None


def marks_of(record: Record) -> list[Mark]:
    """Every mention of the record as a Mark, with the normalised value a reader hovers for."""
    out: list[Mark] = []
    for i, d in enumerate(record.dates):
        value = d.value + (f" to {d.end_value}" if d.end_value else "") + (" (year inferred)" if d.year_inferred else "")
        out.append(_mark("dates", i, None, d, value, span_key(d.start, d.end)))
    for i, a in enumerate(record.awards):
        counts = ", ".join(f"{n} {label}" for n, label in ((a.collectives, "collectives"), (a.individuals, "individuals"),
                                                            (a.recipients, "recipients")) if n is not None)
        value = f"{a.award} ({a.award_kind}{', ' + a.grade if a.grade else ''}); {counts or 'count not stated'}" + \
                (f"; given by {a.giver}" if a.giver else "; giver not stated") + ("; approximate" if a.approximate else "")
        out.append(_mark("awards", i, None, a, value, span_key(a.start, a.end)))
    for family in ("documents", "organizations", "people", "locations"):
        for i, entity in enumerate(getattr(record, family)):
            value = _entity_info(family, entity)
            for j, m in enumerate(entity.mentions):
                out.append(_mark(family, i, j, m, value, item_key(family, entity.model_dump())))
    return out


def _mark(family: str, i: int, j: int | None, span, value: str, target: str) -> Mark:
    item = f"{family}-{i}"
    return Mark(id=item if j is None else f"{item}-{j}", family=family, start=span.start, end=span.end, text=span.text,
                info=f"{FAMILY_LABELS[family]}: {value}" + (f" [rule {span.rule}]" if span.rule else ""),
                item=item, target=target, rule=span.rule)


def _entity_info(family: str, e) -> str:
    if family == "documents":
        parts = [e.number, e.type, f"issued by {e.issuer}" if e.issuer else None,
                 f"on {e.issued_on}" if e.issued_on else None, e.issuer_code_expanded]
        return "; ".join(p for p in parts if p)
    if family == "people":
        return e.name + (f"; {', '.join(e.titles)}" if e.titles else "") + (f"; {e.organization}" if e.organization else "")
    if family == "organizations":
        return e.name + (f" ({e.abbreviation})" if e.abbreviation else "")
    return f"{e.name} ({e.kind})" + (f", now {e.current}" if e.current else "")


def render(text: str, marks: list[Mark]) -> Markup:
    """The text as HTML: escaped, each mention a <mark> (or several fragments of one)."""
    marks = [m for m in marks if 0 <= m.start < m.end <= len(text)]
    bounds = sorted({0, len(text), *(m.start for m in marks), *(m.end for m in marks)})
    by_start = sorted(marks, key=lambda m: (m.start, -m.end, m.id))
    out: list[str] = []
    stack: list[Mark] = []
    opened: set[str] = set()
    active: list[Mark] = []
    nxt = 0
    for a, b in zip(bounds, bounds[1:]):
        active = [m for m in active if m.end > a]
        while nxt < len(by_start) and by_start[nxt].start <= a:
            active.append(by_start[nxt])
            nxt += 1
        covering = sorted(active, key=lambda m: (m.start, -m.end, m.id))
        keep = 0
        while keep < len(stack) and keep < len(covering) and stack[keep] is covering[keep]:
            keep += 1
        out.extend("</mark>" for _ in stack[keep:])
        stack = stack[:keep]
        for m in covering[keep:]:
            out.append(_open(m, first=m.id not in opened))
            opened.add(m.id)
            stack.append(m)
        out.append(str(escape(text[a:b])))
    out.extend("</mark>" for _ in stack)
    return Markup("".join(out))


def _open(m: Mark, first: bool) -> str:
    attributes = {"class": f"m f-{m.family}" + ("" if first else " cont"), "data-m": m.id, "data-item": m.item,
                  "data-family": m.family, "data-start": str(m.start), "data-end": str(m.end), "data-info": m.info,
                  "data-target": m.target, "title": m.info}
    if first:
        attributes |= {"tabindex": "0", "aria-label": f"{m.text}. {m.info}"}
    return "<mark " + " ".join(f'{k}="{escape(v)}"' for k, v in attributes.items()) + ">"
