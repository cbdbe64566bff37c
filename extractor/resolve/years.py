"""Give yearless dates their year, or drop them (RECORD.md, Date).

Order of evidence: the dateline; else a "năm YYYY" earlier in the same sentence; else the one
year the paragraph names; else the publication date the caller passed. Never arithmetic on
anniversaries ("kỷ niệm 90 năm").
"""
from __future__ import annotations

from functools import lru_cache

import regex

from ..calendar import iso_day
from ..doc import Doc, Span
from ..patterns import alt
from ..rulebook import Rulebook

_SENTENCE_END = regex.compile(r"[.!?;](?=\s)|\n")
@lru_cache(maxsize=8)
def _year_word(rules: Rulebook) -> regex.Pattern:
    """ "năm 2022": a year stated in words, not a period ("năm 2021 - 2025")."""
    # a full stop after the year ends the sentence ("trong năm 2022."); one before a digit does not
    return regex.compile(rf"(?<!\p{{L}}){alt(rules.dates.words.year)}\s+(\d{{4}})(?![\d/\-]|\.\d|\s*-\s*\d{{4}})", regex.IGNORECASE)


def _sentence_start(text: str, pos: int) -> int:
    last = 0
    for m in _SENTENCE_END.finditer(text, 0, pos):
        last = m.end()
    return last


def _paragraph(text: str, pos: int) -> tuple[int, int]:
    s = text.rfind("\n", 0, pos) + 1
    e = text.find("\n", pos)
    return s, (len(text) if e < 0 else e)


def _year_for(doc: Doc, span: Span, month: int, ref: tuple[int, int] | None, full_years: list[tuple[int, int]]) -> int | None:
    if ref:
        ref_year, ref_month = ref
        ahead = doc.rules.dates.max_months_ahead_of_dateline
        return ref_year - 1 if month - ref_month > ahead else ref_year
    text = doc.content
    s = _sentence_start(text, span.start)
    year_word = _year_word(doc.rules)
    before = [int(m.group(1)) for m in year_word.finditer(text, s, span.start)]
    if before:
        return before[-1]
    # the year stated for the event later in the same sentence ("Tối 26/5, ... lần thứ XV, năm 2025.")
    e = _SENTENCE_END.search(text, span.end)
    after = year_word.search(text, span.end, e.end() if e else len(text))
    if after:
        return int(after.group(1))
    ps, pe = _paragraph(text, span.start)
    years = {int(m.group(1)) for m in year_word.finditer(text, ps, pe)}
    years |= {y for pos, y in full_years if ps <= pos < pe}
    if len(years) == 1:
        return years.pop()
    return None


def resolve_years(doc: Doc, spans: list[Span], published: str | None) -> list[Span]:
    """Fill in missing years; set `value`, `end_value` and `year_inferred`; drop what stays yearless."""
    ref = None
    if published:
        ref = (int(published[:4]), int(published[5:7]))
    full_years = [(sp.start, sp.value["start"][0]) for sp in spans
                  if sp.value.get("granularity") == "day" and sp.value["start"][0]]
    out = []
    for sp in spans:
        v = sp.value
        if v["granularity"] == "year":
            v["value"] = str(v["year"])
            v["end_value"] = str(v["end_year"]) if v.get("end_year") else None
            out.append(sp)
            continue
        if v["granularity"] == "month":
            v["value"] = f"{v['year']:04d}-{v['month']:02d}"
            v["end_value"] = None
            out.append(sp)
            continue
        (ay, am, ad), end = v["start"], v["end"]
        inferred = False
        if end is not None and end[0] is None or end is None and ay is None:
            year = _year_for(doc, sp, (end or v["start"])[1], ref, full_years)
            if year is None:
                continue
            inferred = True
            if end is not None:
                end = (year, end[1], end[2])
                ay = year if (am, ad) <= (end[1], end[2]) else year - 1
            else:
                ay = year
        elif ay is None:
            ay = end[0] if (am, ad) <= (end[1], end[2]) else end[0] - 1
        value = iso_day(ay, am, ad)
        end_value = iso_day(*end) if end else None
        if not value or (end and not end_value):
            continue
        v.update(value=value, end_value=end_value, year_inferred=inferred)
        out.append(sp)
    return out
