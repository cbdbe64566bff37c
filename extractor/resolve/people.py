"""Person mentions into people (RECORD.md, Person): one entry per full name, short mentions
("bà Bình", "ông Chúc") joined to the full name they end with, titles gathered."""
from __future__ import annotations

from ..doc import Doc, Span


def resolve_people(doc: Doc, spans: list[Span], organizations: list[dict]) -> list[dict]:
    people: dict[str, dict] = {}
    short: list[Span] = []
    for sp in spans:
        name = " ".join(sp.value["name"].split())
        if sp.value["short"]:
            short.append(sp)
            continue
        p = people.setdefault(name.casefold(), {"name": name, "titles": [], "mentions": []})
        p["mentions"].append(sp)
        for t in sp.value["titles"]:
            if t and t not in p["titles"]:
                p["titles"].append(t)
    for sp in short:
        given = sp.value["name"].casefold()
        owners = [p for p in people.values() if p["name"].casefold().split()[-1] == given]
        if len(owners) == 1:
            owners[0]["mentions"].append(sp)
    org_names = [o["name"] for o in organizations]
    out = []
    for p in people.values():
        p["mentions"].sort(key=lambda s: s.start)
        p["organization"] = _organization(p["titles"], org_names, doc)
        out.append(p)
    out.sort(key=lambda p: p["mentions"][0].start)
    return out


def _organization(titles: list[str], org_names: list[str], doc: Doc) -> str | None:
    """The organisation a title names, in its resolved form."""
    from .names import expand_name

    for t in titles:
        expanded = expand_name(t, doc.rules, doc.context.get("place")).casefold()
        for name in sorted(org_names, key=len, reverse=True):
            if name.casefold() in expanded:
                return name
    return None
