"""Person mentions into people (RECORD.md, Person): one entry per full name, short mentions
("bà Bình", "ông Chúc", "bà Thái Bình") joined to the full name they end with, titles gathered."""
from __future__ import annotations

import ahocorasick

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
    # "bà Thái Bình" after "bà Phan Thị Thái Bình": a two-word given name ending one longer name
    by_tail: dict[str, list[str]] = {}
    for key in people:
        words = key.split()
        if len(words) >= 3:
            by_tail.setdefault(" ".join(words[-2:]), []).append(key)
    for key in [k for k in people if len(k.split()) == 2]:
        owners = by_tail.get(key, [])
        if len(owners) == 1:
            target = people[owners[0]]
            target["mentions"].extend(people[key]["mentions"])
            target["titles"].extend(t for t in people[key]["titles"] if t not in target["titles"])
            del people[key]
    by_given: dict[str, list[dict]] = {}
    for p in people.values():
        by_given.setdefault(p["name"].casefold().split()[-1], []).append(p)
    for sp in short:
        owners = by_given.get(sp.value["name"].casefold(), [])
        if len(owners) == 1:
            owners[0]["mentions"].append(sp)
    named_in = _OrganizationFinder([o["name"] for o in organizations])
    out = []
    for p in people.values():
        p["mentions"].sort(key=lambda s: s.start)
        p["organization"] = _organization(p["titles"], named_in, doc)
        out.append(p)
    out.sort(key=lambda p: p["mentions"][0].start)
    return out


class _OrganizationFinder:
    """The longest of the article's organisation names inside a text (the first listed among
    equally long ones), by one automaton pass instead of a substring test per name."""

    def __init__(self, names: list[str]):
        self._automaton = None
        rank = {}
        for i, name in enumerate(names):
            if name:
                rank.setdefault(name.casefold(), (-len(name), i, name))
        if rank:
            self._automaton = ahocorasick.Automaton()
            for key, entry in rank.items():
                self._automaton.add_word(key, entry)
            self._automaton.make_automaton()

    def longest_in(self, text: str) -> str | None:
        if self._automaton is None:
            return None
        found = min((entry for _, entry in self._automaton.iter(text)), default=None)
        return found[2] if found else None


def _organization(titles: list[str], named_in: _OrganizationFinder, doc: Doc) -> str | None:
    """The organisation a title names, in its resolved form."""
    from .names import expand_name

    for t in titles:
        name = named_in.longest_in(expand_name(t, doc.rules, doc.context.get("place")).casefold())
        if name is not None:
            return name
    return None
