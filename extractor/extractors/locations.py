"""Places: find_locations(doc) -> list[Span].

Provinces and centrally-governed cities come from the gazetteer (rules/gazetteer.yaml: before
and after the 2025 merger, with aliases and tone-mark variants), each with the unit it belongs
to today. Districts, towns and communes are read after their level word ("huyện Sa Pa",
"phường Bắc Gia Nghĩa", "Quận 1") from rules/locations.yaml, and by name alone when
rules/districts.yaml lists them in a province the article names ("các huyện vùng cao Bảo
Lạc, Thông Nông" in an article about Cao Bằng); each carries its province's current unit.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex

from ..doc import Doc, Span
from ..lexicon import longest
from ..patterns import SpanIndex, alt, anchored
from ..rulebook import Rulebook, Unit
from ..text.normalize import fold_tone_style

_WORD = r"\p{Lu}[\p{Ll}]*(?:'\p{L}[\p{Ll}]*)?"
# a numbered place keeps its number where a list mark or the sentence's end follows it ("bon Bu
# Prăng 2", "xã Hòa Tú 1,"); "xã Tân Lập 12 hộ" is a count after the name
_NUMBER_SUFFIX = r"(?:[ \t]+\d{1,2}(?=[ \t]*(?:[,.;:)\n]|và(?!\p{L})|$)))?"
_PLACE_NAME = anchored(rf"[ \t]*:?[ \t]*((?:{_WORD}|\d{{1,2}})(?:[ \t]+{_WORD}){{0,3}}{_NUMBER_SUFFIX})")


@dataclass(frozen=True)
class _Compiled:
    unit_of: dict[str, Unit]
    needs_level: frozenset[str]
    level_kind: dict[str, str]
    numbered_levels: frozenset[str]
    lower_only: frozenset[str]
    surnames: frozenset[str]
    next_in_list: regex.Pattern
    leading_level: regex.Pattern
    level_before: regex.Pattern
    #: district name (folded, lower case) -> [(canonical name, kind, province)]
    districts: dict[str, list[tuple[str, str, str]]]
    province_current: dict[str, str]
    #: capitalised words that begin with a surname, ending right before a place name
    name_before: regex.Pattern
    #: an honorific of rules/people.yaml right before a place's name, and how far back it reaches
    honorific_before: regex.Pattern
    honorific_reach: int
    #: "(Đông Anh)" right after a place
    parenthesised: regex.Pattern
    #: capitalised words before and after a line break
    words_before_break: regex.Pattern
    words_after_break: regex.Pattern


@lru_cache(maxsize=8)
def _compiled(rules: Rulebook) -> _Compiled:
    levels = alt(rules.locations.province_levels)
    joiners = alt(rules.locations.list_joiners)
    unit_of: dict[str, Unit] = {}
    for u in rules.gazetteer.units:
        for name in [u.name, *u.aliases]:
            unit_of[fold_tone_style(name).lower()] = u
    return _Compiled(
        unit_of=unit_of,
        needs_level=frozenset(n.lower() for n in rules.locations.needs_level),
        level_kind={lv.word.lower(): lv.kind for lv in rules.locations.levels},
        numbered_levels=frozenset(w.lower() for w in rules.locations.numbered_levels),
        lower_only=frozenset(lv.word.lower() for lv in rules.locations.levels if lv.lower_only),
        surnames=frozenset(rules.people.surnames),
        # "các huyện Bắc Quang, Hoàng Su Phì và Vị Xuyên": one level word, several places
        next_in_list=anchored(rf"\s*(?:,\s*{joiners}|,|{joiners})\s*({_WORD}(?:[ \t]+{_WORD}){{0,3}}{_NUMBER_SUFFIX})"
                                   rf"(?=\s*(?:,|{joiners}|\.|;|\)|$|\n|(?:của|thuộc|là|đã|đều|cùng)(?!\p{{L}})))"),
        leading_level=anchored(rf"{levels}\s+", regex.IGNORECASE),
        level_before=regex.compile(rf"(?r){levels}\s*$", regex.IGNORECASE),
        districts=_district_index(rules),
        province_current={u.name: u.current for u in rules.gazetteer.units},
        name_before=regex.compile(rf"(?r)(?<!\p{{L}})(?:{alt(rules.people.surnames)})"
                                  rf"(?:[ \t]+{_WORD}){{{max(0, rules.locations.given_name_words - 1)},3}}[ \t]+$"),
        honorific_before=regex.compile(rf"(?r)(?<!\p{{L}}){alt(rules.people.honorifics)}[ \t]+$", regex.IGNORECASE),
        honorific_reach=max(map(len, rules.people.honorifics)) + 2,
        parenthesised=anchored(rf"[ \t]*\(({_WORD}(?:[ \t]+{_WORD}){{0,3}})\)"),
        words_before_break=regex.compile(rf"(?r)(?<!\p{{L}})((?:{_WORD}[ \t]+){{0,{rules.locations.line_break_words - 1}}}{_WORD})[ \t]*$"),
        words_after_break=anchored(rf"[ \t]*({_WORD}(?:[ \t]+{_WORD}){{0,{rules.locations.line_break_words - 1}}})"),
    )


_DISTRICT_KIND = {"district": "district", "town": "district", "city": "city"}


def _district_index(rules: Rulebook) -> dict[str, list[tuple[str, str, str]]]:
    index: dict[str, list[tuple[str, str, str]]] = {}
    for province, units in rules.districts.provinces.items():
        for d in units:
            for name in [d.name, *d.aliases]:
                entry = (d.name, _DISTRICT_KIND[d.kind], province)
                bucket = index.setdefault(fold_tone_style(name).lower(), [])
                if entry not in bucket:
                    bucket.append(entry)
    return index


def vocabularies(rules: Rulebook) -> dict[str, list[str]]:
    c = _compiled(rules)
    return {"locations.unit": list(c.unit_of), "locations.level": list(c.level_kind),
            "locations.district": list(c.districts)}


def _district(c: _Compiled, name: str, provinces: set[str]) -> tuple[str, str, str] | None:
    """The district of that name in one of the article's provinces (or the only one of that name)."""
    entries = c.districts.get(fold_tone_style(name).lower(), [])
    inside = [e for e in entries if e[2] in provinces]
    if inside:
        return inside[0]
    return entries[0] if len({e[2] for e in entries}) == 1 else None


def find_locations(doc: Doc) -> list[Span]:
    """Places named in headline and body.

    >>> from extractor.pipeline import make_doc
    >>> [s.value["name"] for s in find_locations(make_doc("Công đoàn Viên chức tỉnh Hải Dương"))]
    ['Hải Dương']
    """
    c = _compiled(doc.rules)
    text = doc.content
    spend = doc.budget.spend
    spans: list[Span] = []
    for h in longest(doc.hits.get("locations.unit")):
        spend(1)
        if not doc.in_content(h) or not any(ch.isupper() for ch in text[h.start:h.end]):
            continue
        after_level = bool(c.level_before.search(text, max(0, h.start - 12), h.start))
        if h.phrase in c.needs_level and not after_level:
            continue
        if not after_level and _below_level_word(text, h, c):
            continue  # "huyện Điện Biên Đông", "phường Sài Gòn": read below, as the unit named
        if not after_level and (c.name_before.search(text, max(0, h.start - 40), h.start) or _after_honorific(text, h.start, c)):
            continue  # "bà Phạm Thị Thái Bình", "Bà Thái Bình": a person's given name
        u = c.unit_of[h.phrase]
        lead = c.leading_level.match(text, h.start, h.end)  # alias "Thành phố Hồ Chí Minh": the name only
        start = lead.end() if lead else h.start
        spans.append(Span("locations", start, h.end, "locations.gazetteer",
                          {"name": _as_written(text[start:h.end], u.name), "unit": u.name, "kind": u.kind,
                           "current": u.current,
                           "after_level": after_level}))
    spans.extend(_across_line_breaks(doc, c))
    units = SpanIndex((s.start, s.end) for s in spans)
    # the canonical units named ("Bắc Cạn" as written is the unit Bắc Kạn), for district lookups
    provinces = {s.value.get("unit", s.value["name"]) for s in spans}
    for h in longest(doc.hits.get("locations.level")):
        spend(1)
        kind = c.level_kind[h.phrase]
        if kind == "province" or not doc.in_content(h):
            continue
        if h.phrase in c.lower_only and text[h.start].isupper():
            continue  # "xã Bản Vược", "thị xã Buôn Hồ": the start of a place's own name
        m = _PLACE_NAME.match(text, h.end)
        if not m or not m.group(1) or (m.start(1) == h.end and not h.phrase.endswith(".")):
            continue  # "huyệnA" is no level word; "TP.Vũng Tàu" is
        numbered = m.group(1)[0].isdigit()
        if not numbered and len(m.group(1)) < doc.rules.locations.min_name_letters:
            continue  # "huyện A": a letter standing for a place
        if numbered and (":" in text[h.end:m.start(1)]
                         or not (text[h.start].isupper() or h.phrase in c.numbered_levels)):
            continue  # "Quận 1", "quận 5" are names; "huyện 12 ...", "Thành phố: 6 tập thể" are counts
        s, e = m.span(1)
        if units.overlaps(s, e):
            continue  # "thành phố Hà Nội": the gazetteer has it
        words = m.group(1).split()
        if len(words) >= 3 and words[0] in c.surnames and kind != "commune":
            continue  # "huyện Nguyễn Văn A"? a person after a bare level word
        if numbered:  # "quận 5" -> "Quận 5": a number alone names nothing
            s = h.start
            spans.append(_below_province(c, s, e, " ".join(text[s:e].split()).capitalize(), kind, provinces))
            continue
        spans.append(_below_province(c, s, e, m.group(1), kind, provinces))
        if kind in doc.rules.locations.parent_in_parentheses and (par := c.parenthesised.match(text, e)):
            parent = _district(c, par.group(1), provinces)
            if parent and not units.overlaps(*par.span(1)):  # "xã Liên Hà (Đông Anh)"
                spans.append(Span("locations", *par.span(1), "locations.parent_in_parentheses",
                                  {"name": par.group(1), "kind": parent[1],
                                   "current": c.province_current.get(parent[2]), "after_level": False}))
        while (nxt := c.next_in_list.match(text, e)) and not units.overlaps(nxt.start(1), nxt.end(1)):
            spend(1)
            item = nxt.group(1).split()
            if len(item) >= 3 and item[0] in c.surnames and item[1] in ("Văn", "Thị"):
                break  # "xã Yên Phú, Nguyễn Văn Hùng, Chủ tịch ...": a person after the place
            s, e = nxt.span(1)
            spans.append(_below_province(c, s, e, nxt.group(1), kind, provinces))
    taken = SpanIndex((sp.start, sp.end) for sp in spans)
    for h in longest(doc.hits.get("locations.district")):
        spend(1)
        if not doc.in_content(h) or not text[h.start].isupper() or taken.overlaps(h.start, h.end):
            continue
        if c.name_before.search(text, max(0, h.start - 40), h.start) or _after_honorific(text, h.start, c):
            continue  # "bà Phan Thị Thái Bình", "Bà Thái Bình": a person's given name
        found = _district(c, text[h.start:h.end], provinces)
        if found and found[2] in provinces:  # by name alone only in a province the article names
            _, kind, province = found
            # the name as written: district spellings vary ("Đăk Glei", "Đắk Glei") and the
            # gazetteer's choice is not always the one in use
            spans.append(Span("locations", h.start, h.end, "locations.district",
                              {"name": text[h.start:h.end], "kind": kind, "current": c.province_current.get(province),
                               "after_level": False}))
    spans.sort(key=lambda sp: sp.start)
    return spans


_ABBREVIATED = regex.compile(r"\.|\p{Lu}{2}")


def _as_written(written: str, canonical: str) -> str:
    """The place's name as the article spells it ("Bắc Cạn", "Đắc Lắc": RECORD.md names places
    as written, without their level word); an abbreviation ("TP.HCM", "BR-VT", "TT-Huế") is
    written out. `current` carries the canonical unit either way."""
    if _ABBREVIATED.search(written):
        return canonical
    return " ".join(written.split())


_LEVEL_WORD_BEFORE = regex.compile(r"(?r)(?<!\p{L})(\p{L}+(?:[ \t]\p{L}+)?)[ \t]+$")


def _below_level_word(text: str, h, c: _Compiled) -> bool:
    """A gazetteer name right after a level word below the province ("huyện Điện Biên Đông",
    "phường Sài Gòn"): the name of that unit, read with its whole capitalised run."""
    m = _LEVEL_WORD_BEFORE.search(text, max(0, h.start - 12), h.start)
    if not m:
        return False
    words = m.group(1)
    kind = c.level_kind.get(words) or c.level_kind.get(words.split()[-1])
    return kind is not None and kind not in ("province", "city") and words[0].islower()


def _after_honorific(text: str, pos: int, c: _Compiled) -> bool:
    """"Bà | Thái Bình": a name right after an honorific (rules/people.yaml) is a person's."""
    return bool(c.honorific_before.search(text, max(0, pos - c.honorific_reach), pos))


def _below_province(c: _Compiled, s: int, e: int, name: str, kind: str, provinces: set[str]) -> Span:
    """A place read after its level word; a known district gets its province's current unit."""
    found = _district(c, name, provinces) if kind != "commune" else None
    current = c.province_current.get(found[2]) if found else None
    return Span("locations", s, e, "locations.level", {"name": name, "kind": kind, "current": current,
                                                       "after_level": True})


_NON_SPACE = regex.compile(r"\S+")
_LETTER = regex.compile(r"\p{L}")


def _letter_ends(text: str, lo: int, i: int) -> bool:
    """Whether `text[lo:i]` ends with a letter, blanks (spaces, tabs) aside: what every match
    of `words_before_break` ends with. Most lines end with a full stop, and this test is one
    character where the backward search tries every position of its window."""
    j = i
    while j > lo and text[j - 1] in " \t":
        j -= 1
    return j > lo and _LETTER.match(text, j - 1) is not None


def _across_line_breaks(doc: Doc, c: _Compiled) -> list[Span]:
    """Place names broken by a line break ("Đà\\nNẵng"): the words on both sides, joined and
    looked up in the gazetteer, longest first; the mention spans the break."""
    text = doc.content
    out: list[Span] = []
    i = text.find("\n")
    while i != -1:
        doc.budget.spend(1)
        lo = max(0, i - 40)
        before = c.words_before_break.search(text, lo, i) \
            if i and text[i - 1] != "\n" and _letter_ends(text, lo, i) else None
        after = c.words_after_break.match(text, i + 1) if before else None
        if before and after:
            left = [w.span() for w in _NON_SPACE.finditer(text, *before.span(1))]
            right = [w.span() for w in _NON_SPACE.finditer(text, *after.span(1))]
            found = next(((ls, re_, u) for n in range(len(left), 0, -1) for k in range(len(right), 0, -1)
                          for ls, re_ in [(left[-n][0], right[k - 1][1])]
                          for name in [" ".join(text[ls:re_].split())]
                          if (u := c.unit_of.get(fold_tone_style(name).lower()))
                          and name.lower() not in c.needs_level), None)
            if found and doc.in_content(Span("locations", found[0], found[1], "", {})):
                start, end, u = found
                out.append(Span("locations", start, end, "locations.line_break",
                                {"name": u.name, "kind": u.kind, "current": u.current, "after_level": False}))
        i = text.find("\n", i + 1)
    return out
