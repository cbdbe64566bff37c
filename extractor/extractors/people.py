"""People: find_people(doc) -> list[Span].

A name is a run of capitalised words (with "H'", "K'" and single-letter "Y" parts of minority
names). It is a person's name when a cue stands before it (an honorific "đồng chí", "bà",
"PGS.TS."; or a position "Chủ tịch UBND tỉnh"), when a title follows it ("Vũ Minh Dũng -
Ủy viên ..."), or when it starts with a surname from rules/people.yaml. Short mentions
("bà Bình") are kept as such; resolve/people.py joins them to the full name.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex

from ..doc import Doc, Span
from ..lexicon import longest
from ..patterns import alt
from ..rulebook import Rulebook

_NAME_WORD = r"(?:\p{Lu}'\p{Lu}?[\p{Ll}]+|\p{Lu}[\p{Ll}]*)"
_NAME = regex.compile(rf"{_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,5}}")
_LOWER_TAIL = regex.compile(r"[ \t]+(\p{Ll}+)(?=\s*[,.;:)]|\s+-\s|\s*$)")
_TITLE_SEP = regex.compile(r"\s*(?:-|,|:|\()\s*")


@dataclass(frozen=True)
class _Compiled:
    surnames: frozenset[str]
    title_start: regex.Pattern
    not_name: frozenset[str]
    not_after: regex.Pattern
    title_end: regex.Pattern


@lru_cache(maxsize=8)
def _compiled(rules: Rulebook) -> _Compiled:
    p = rules.people
    return _Compiled(
        surnames=frozenset(p.surnames),
        title_start=regex.compile(rf"{alt(p.titles)}(?!\p{{L}})"),
        not_name=frozenset(p.not_name_words),
        not_after=regex.compile(rf"(?<!\p{{L}}){alt(p.not_after)}\s+$"),
        title_end=regex.compile(r"[;.\n]|\s-\s|,\s*(?=(?:đồng chí|ông|bà|Đ/c)\s)|\s(?=(?:cho biết|phát biểu|nhấn mạnh|trao|tặng|đã|đề nghị|khẳng định|chia sẻ)(?!\p{L}))"),
    )


def vocabularies(rules: Rulebook) -> dict[str, list[str]]:
    p = rules.people
    return {"people.honorific": p.honorifics, "people.title": p.titles}


def _trim(text: str, start: int, end: int, c: _Compiled) -> int:
    """Cut a capitalised run where a title, level word or organisation starts."""
    words = list(regex.finditer(r"\S+", text[start:end]))
    keep = len(words)
    for i, w in enumerate(words):
        if i > 0 and c.title_start.match(text, start + w.start()) and c.title_start.match(text, start + w.start()).end() > start + w.end():
            keep = i  # a multi-word title ("Phó Chủ tịch") starts here
            break
    return start + (words[keep - 1].end() if keep else 0)


def _titles_after(text: str, end: int, c: _Compiled) -> list[str]:
    sep = _TITLE_SEP.match(text, end)
    pos = sep.end() if sep else _skip(text, end)
    if not c.title_start.match(text, pos):
        return []
    stop = c.title_end.search(text, pos)
    phrase = text[pos: stop.start() if stop else min(len(text), pos + 160)].strip(" ,)")
    return [t.strip() for t in regex.split(r",\s*(?=\p{Lu})", phrase) if t.strip()]


def _skip(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t":
        pos += 1
    return pos


def find_people(doc: Doc) -> list[Span]:
    """Person-name mentions in the body, with the titles written beside them.

    >>> [s.value["name"] for s in find_people(make_doc("Về dự có đồng chí Vũ Minh Dũng - Ủy viên Ban Thường vụ."))]
    ['Vũ Minh Dũng']
    """
    c = _compiled(doc.rules)
    text = doc.body
    hits = doc.hits
    taken = [(s.start, s.end) for fam in ("organizations", "locations") for s in doc.spans.get(fam, [])]
    # a name the article also writes after a level word ("huyện Lâm Thao") is a place there too
    places = {s.value["name"] for s in doc.spans.get("locations", [])} | {"Việt Nam"}
    spans: list[Span] = []

    def free(s: int, e: int) -> bool:
        return not any(s < te and ts < e for ts, te in taken)

    def add(s: int, e: int, rule: str, cue: str | None, titles: list[str]) -> None:
        if not free(s, e) or any(s < sp.end and sp.start < e for sp in spans):
            return
        name = text[s:e]
        if name in places:
            return
        spans.append(Span("people", s, e, rule, {"name": name, "titles": titles, "cue": cue,
                                                  "short": " " not in name}))

    # 1. a cue before the name: honorific or position
    cues = [(h, "honorific") for h in hits.get("people.honorific")] + [(h, "title") for h in hits.get("people.title")]
    for h, kind in sorted(cues, key=lambda x: x[0].start):
        if not doc.in_body(h):
            continue
        pos = _skip(text, h.end)
        if kind == "title":
            # "Chủ tịch UBND tỉnh Nguyễn Văn A": skip the body the position heads
            org = next((s for s in doc.spans.get("organizations", []) if s.start == pos), None)
            if org is not None:
                pos = _skip(text, org.end)
        m = _NAME.match(text, pos)
        if not m:
            continue
        s, e = m.span()
        e = _trim(text, s, e, c)
        if e <= s:
            continue
        words = text[s:e].split()
        if kind == "title" and (len(words) < 2 or words[0] not in c.surnames and len(words) < 3):
            continue
        if len(words) >= 2 and kind == "honorific":
            tail = _LOWER_TAIL.match(text, e)  # "Nguyễn Văn an": a name typed in lower case
            if tail and tail.group(1) not in c.not_name and len(tail.group(1)) <= 5 and words[0] in c.surnames:
                e = tail.end()
        titles = _titles_after(text, e, c)
        if kind == "title":
            titles = [text[h.start:s].strip(" ,")] + titles
        add(s, e, f"people.{kind}_cue", text[h.start:h.end], titles)

    # 2. a surname-led run of two or more capitalised words, not a place, street or school
    for m in _NAME.finditer(text):
        s, e = m.span()
        words = text[s:e].split()
        if len(words) < 2 or not (words[0] in c.surnames or words[0][:2] in c.surnames):
            continue
        e = _trim(text, s, e, c)
        if len(text[s:e].split()) < 2 or not free(s, e):
            continue
        if c.not_after.search(text, max(0, s - 40), s):
            continue
        add(s, e, "people.surname", None, _titles_after(text, e, c))
    spans.sort(key=lambda sp: sp.start)
    return spans
