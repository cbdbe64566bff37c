"""All phrase vocabularies of the rules in one Aho-Corasick automaton, scanned once per article.

Regex alternations of many phrases are tried phrase by phrase at every position of the text;
an automaton finds every phrase of every vocabulary in one pass at C speed. Extractors then
read the hits of their categories (award words, recipient nouns, place names, titles, ...)
instead of scanning the text again.
"""
from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from operator import itemgetter
from typing import NamedTuple

import ahocorasick


def lower_same_length(text: str) -> str:
    """`text.lower()`, keeping one character per character so positions stay valid."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)


class Hit(NamedTuple):
    start: int
    end: int
    phrase: str  # the vocabulary entry, lower case


class Hits:
    """Hits of one article, by category, sorted by start."""

    def __init__(self, by_category: dict[str, list[Hit]]):
        self._by = by_category
        self._starts = {k: [h.start for h in v] for k, v in by_category.items()}

    def get(self, category: str) -> list[Hit]:
        return self._by.get(category, [])

    def within(self, category: str, start: int, end: int) -> list[Hit]:
        hits = self._by.get(category)
        if not hits:
            return []
        starts = self._starts[category]
        i = bisect_left(starts, start)
        out = []
        while i < len(hits) and hits[i].start < end:
            if hits[i].end <= end:
                out.append(hits[i])
            i += 1
        return out

    def any_within(self, category: str, start: int, end: int) -> bool:
        hits = self._by.get(category)
        if not hits:
            return False
        i = bisect_left(self._starts[category], start)
        while i < len(hits) and hits[i].start < end:  # stops at the first that fits
            if hits[i].end <= end:
                return True
            i += 1
        return False


_START, _END = itemgetter(0), itemgetter(1)


class Lexicon:
    """Vocabularies (category -> phrases), matched case-insensitively on whole words."""

    def __init__(self, vocabularies: dict[str, Iterable[str]]):
        automaton = ahocorasick.Automaton()
        payloads: dict[str, list[str]] = defaultdict(list)
        # (length, key, categories, whether the key's first/last characters are letters)
        for category, phrases in vocabularies.items():
            for phrase in phrases:
                key = lower_same_length(phrase.strip())
                if key and category not in payloads[key]:
                    payloads[key].append(category)
        for key, categories in payloads.items():
            automaton.add_word(key, (len(key), key, tuple(categories), key[0].isalpha(), key[-1].isalpha()))
        automaton.make_automaton()
        self._automaton = automaton
        self.categories = frozenset(vocabularies)

    def scan(self, lower: str, start: int = 0, end: int | None = None) -> Hits:
        """Every whole-word occurrence of every phrase in `lower` (a lower-cased text), or in
        `lower[start:end]` (words are still whole in all of `lower`)."""
        by: dict[str, list[Hit]] = defaultdict(list)
        n = len(lower)
        new = tuple.__new__  # Hit(...) without the Python-level __new__ of a NamedTuple
        # a slice, not iter(lower, start, end): the automaton copies the whole string it is given
        offset = start
        found = self._automaton.iter(lower if start == 0 and end is None else lower[start:end])
        for end_index, (length, key, categories, letter_first, letter_last) in found:
            end = offset + end_index + 1
            start = end - length
            # whole words only; digits do not join words ("01tập thể", "Việt Nam16")
            if letter_first and start > 0 and lower[start - 1].isalpha():
                continue
            if letter_last and end < n and lower[end].isalpha():
                continue
            hit = new(Hit, (start, end, key))
            for category in categories:
                by[category].append(hit)
        for hits in by.values():
            # by start, the longest first: two stable sorts in C instead of a Python key
            hits.sort(key=_END, reverse=True)
            hits.sort(key=_START)
        return Hits(dict(by))


def longest(hits: list[Hit]) -> list[Hit]:
    """Non-overlapping hits, the longest at each place (hits sorted by start, longest first)."""
    out: list[Hit] = []
    for h in hits:
        if out and h.start < out[-1].end:
            continue
        out.append(h)
    return out
