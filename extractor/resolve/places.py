"""The article's home place: the province or city it is about, which completes bare level words
("UBND tỉnh" -> "Ủy ban nhân dân tỉnh Hải Dương") in organisation names, givers and issuers."""
from __future__ import annotations

from collections import Counter

from ..doc import Doc, Span
from .names import Place


def home_place(doc: Doc, spans: list[Span]) -> Place | None:
    """The province or city the article is about: the one named most, headline counting double.

    Returns None when no place is named, or when two places tie (then "tỉnh" stays bare).
    """
    votes: Counter[str] = Counter()
    kinds = {}
    title = doc.layout.title if doc.layout else None
    for sp in spans:
        if sp.rule != "locations.gazetteer":
            continue
        name = sp.value["name"]
        kinds[name] = sp.value["kind"]
        weight = 2 if sp.value["after_level"] else 1
        if title and title.start <= sp.start < title.end:
            weight += 2
        votes[name] += weight
    if not votes:
        return None
    ranked = votes.most_common(2)
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return None
    name = ranked[0][0]
    return Place(name, kinds[name])
