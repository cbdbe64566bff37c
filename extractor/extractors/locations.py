"""Places: find_locations(doc) -> list[Span], from the gazetteer in rules/gazetteer.yaml.

Every province and centrally-governed city, before and after the 2025 merger, with its
aliases and tone-mark variants; each span carries the unit's canonical name, kind and the
unit it belongs to today.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import regex

from ..doc import Doc, Span
from ..patterns import alt
from ..resolve.names import Place
from ..rulebook import Rulebook, Unit
from ..text.normalize import fold_tone_style


@dataclass(frozen=True)
class _Compiled:
    unit_name: regex.Pattern
    unit_of: dict[str, Unit]
    level_before: regex.Pattern


@lru_cache(maxsize=8)
def _compiled(rules: Rulebook) -> _Compiled:
    unit_of: dict[str, Unit] = {}
    for u in rules.gazetteer.units:
        for name in [u.name, *u.aliases]:
            unit_of[fold_tone_style(name)] = u
    # a place name is a run of capitalised syllables: it must not continue with another one
    # ("Hà Nam" inside "Hà Nam Ninh" is still Hà Nam; "Nam Định" must not match in "Hà Nam Định")
    return _Compiled(
        unit_name=regex.compile(rf"(?<![\p{{L}}\p{{N}}]){alt(unit_of)}(?![\p{{L}}\p{{N}}])"),
        unit_of=unit_of,
        level_before=regex.compile(r"(?:tỉnh|thành phố|TP\.?|Tp\.?)\s*$", regex.IGNORECASE),
    )


def find_locations(doc: Doc) -> list[Span]:
    """Provinces and cities named in headline and body.

    >>> [s.value["name"] for s in find_locations(make_doc("Công đoàn Viên chức tỉnh Hải Dương"))]
    ['Hải Dương']
    """
    c = _compiled(doc.rules)
    text = doc.content
    spans = []
    for m in c.unit_name.finditer(text):
        u = c.unit_of[m.group()]
        spans.append(Span("locations", m.start(), m.end(), "locations.gazetteer",
                          {"name": u.name, "kind": u.kind, "current": u.current,
                           "after_level": bool(c.level_before.search(text, max(0, m.start() - 12), m.start()))}))
    return spans


def home_place(doc: Doc, spans: list[Span]) -> Place | None:
    """The province or city the article is about: the one named most, headline counting double.

    Returns None when no place is named, or when two places tie (then "tỉnh" stays bare).
    """
    if not spans:
        return None
    votes: Counter[str] = Counter()
    kinds = {}
    title = doc.layout.title if doc.layout else None
    for sp in spans:
        name = sp.value["name"]
        kinds[name] = sp.value["kind"]
        weight = 2 if sp.value["after_level"] else 1
        if title and title.start <= sp.start < title.end:
            weight += 2
        votes[name] += weight
    ranked = votes.most_common(2)
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return None
    name = ranked[0][0]
    return Place(name, kinds[name])
