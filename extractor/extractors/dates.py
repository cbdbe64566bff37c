"""Calendar dates in the article body and headline: find_dates(doc) -> list[Span].

Patterns are tried in the order of rules/dates.yaml; a later pattern never takes text an
earlier one took, so "Từ ngày 23/11 đến ngày 25/11/2021" is one range, not two dates.
Yearless dates carry `year: None`; resolve/years.py gives them the article's year.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex

from ..calendar import full_year, iso_day, valid_day_month
from ..doc import Doc, Span
from ..patterns import Claimed, Excerpts, alt, windows
from ..rulebook import Rulebook

_B = r"(?<![\d/.\-])"          # no date glued before
_E = r"(?!\d|[/.\-]\d)"        # nor after


def _dmy(p: str) -> str:
    return rf"(?P<{p}d>\d{{1,2}})(?P<{p}s>[/.\-])(?P<{p}m>\d{{1,2}})(?P={p}s)(?P<{p}y>\d{{4}}|\d{{2}})"


def _dm(p: str) -> str:
    return rf"(?P<{p}d>\d{{1,2}})\s?(?P<{p}s>[/.\-])\s?(?P<{p}m>\d{{1,2}})"


@dataclass(frozen=True)
class _Pattern:
    id: str
    regex: regex.Pattern


@lru_cache(maxsize=8)
def _patterns(rules: Rulebook) -> list[_Pattern]:
    r = rules.dates
    day, month, year = alt(r.words.day), alt(r.words.month), alt(r.words.year)
    cue = alt(r.day_cues)
    joiner = r"\s*(?:-|" + alt(j for j in r.range_joiners if j != "-") + rf")\s*(?:{day}\s+)?"
    pair = alt(j for j in r.range_joiners if j != "-")
    period = alt(r.period_cues)
    not_after = r"(?!\s*" + alt(r.not_followed_by) + r"(?!\p{L}))"
    cued = rf"(?<=(?<!\p{{L}}){cue}\s{{1,3}})"
    src = {
        "dates.range_full": rf"{_B}{_dmy('a')}{joiner}{_dmy('b')}{_E}",
        "dates.range_day_month_to_full": rf"{_B}{_dm('a')}(?![/.\-]\d){joiner}{_dmy('b')}{_E}",
        # "09 - 11/6/2022", "24 và 25-11-2021", "từ ngày 10 đến ngày 12/7/2020"
        "dates.range_days_to_full": rf"{_B}(?P<ad>\d{{1,2}})\s*(?:-|,|{pair})\s*(?:{day}\s+)?{_dmy('b')}{_E}",
        "dates.range_days_cued": rf"{cued}(?P<ad>\d{{1,2}})\s*(?:-|{pair})\s*(?P<bd>\d{{1,2}})(?P<bs>[/.\-])(?P<bm>\d{{1,2}}){_E}{not_after}",
        "dates.range_day_month_cued": rf"{cued}{_dm('a')}{joiner}{_dm('b')}{_E}{not_after}",
        "dates.day_month_year_numeric": rf"{_B}{_dmy('a')}{_E}",
        "dates.day_month_year_words": rf"(?<!\p{{L}}){day}\s+(?P<ad>\d{{1,2}})\s+{month}\s+(?P<am>\d{{1,2}})\s*(?:{year}\s+|,\s*)(?P<ay>\d{{4}})(?!\d)",
        "dates.day_month_words": rf"(?<!\p{{L}}){day}\s+(?P<ad>\d{{1,2}})\s+{month}\s+(?P<am>\d{{1,2}})(?!\d|\s*(?:{year}\s+|[/.\-])\d)",
        "dates.day_month_cued": rf"{cued}{_dm('a')}{_E}{not_after}",
        "dates.month_year": rf"(?<!\p{{L}}){month}\s+(?P<am>\d{{1,2}})\s*(?:{year}\s+|[/.\-]\s*)(?P<ay>\d{{4}})(?!\d)",
        "dates.year_period": rf"(?:(?<!\p{{L}}){period}\s*)(?P<ay>\d{{4}})\s*-\s*(?P<by>\d{{4}})(?!\d)",
        # a full stop after the year ends the sentence ("trong năm 2022."); "2022.5" is no year
        "dates.year": rf"(?<!\p{{L}}){year}\s+(?P<ay>\d{{4}})(?![\d/\-]|\.\d)",
    }
    order = [p.id for p in r.patterns]
    missing = set(order) ^ set(src)
    if missing:
        raise ValueError(f"dates patterns out of step with rules/dates.yaml: {sorted(missing)}")
    # ranges first (they contain single dates), then full dates, then partial ones
    priority = ["dates.range_full", "dates.range_day_month_to_full", "dates.range_days_to_full",
                "dates.range_days_cued", "dates.range_day_month_cued", "dates.day_month_year_numeric",
                "dates.day_month_year_words", "dates.day_month_words", "dates.day_month_cued",
                "dates.month_year", "dates.year_period", "dates.year"]
    return [_Pattern(pid, regex.compile(src[pid], regex.IGNORECASE)) for pid in priority]


@lru_cache(maxsize=8)
def _anchor(rules: Rulebook) -> regex.Pattern:
    """Every date form holds one of these; patterns only run in windows around them.
    (It starts with a digit, so the scan jumps from digit to digit.)"""
    w = rules.dates.words
    return regex.compile(rf"\d(?:\d?\s?[/\-]\s?\d|\d?\.\d|\d{{3}}\s*-\s*\d{{4}}|\d{{3}}(?<={alt(w.year)}\s{{1,3}}\d{{4}})"
                         rf"|\d?\s+(?:{alt(w.month + w.year)})\s+\d)", regex.IGNORECASE)


def _value(m: regex.Match, rid: str, rules: Rulebook) -> dict | None:
    g = m.groupdict()
    pivot = rules.dateline.two_digit_year_pivot
    lo, hi = rules.dates.min_year, rules.dates.max_year

    def year(key: str) -> int | None:
        y = g.get(key)
        if y is None:
            return None
        y = full_year(y, pivot)
        return y if lo <= y <= hi else -1

    if rid == "dates.year":
        y = year("ay")
        return None if y == -1 else {"granularity": "year", "year": y}
    if rid == "dates.year_period":
        a, b = year("ay"), year("by")
        if -1 in (a, b) or b < a:
            return None
        return {"granularity": "year", "year": a, "end_year": b}
    if rid == "dates.month_year":
        y, mo = year("ay"), int(g["am"])
        if y == -1 or not 1 <= mo <= 12:
            return None
        return {"granularity": "month", "year": y, "month": mo}
    ad = int(g["ad"]) if g.get("ad") else None
    am = int(g["am"]) if g.get("am") else None
    ay = year("ay")
    bd = int(g["bd"]) if g.get("bd") else None
    bm = int(g["bm"]) if g.get("bm") else None
    by = year("by")
    if -1 in (ay, by):
        return None
    if bd is not None:  # a range: the start borrows the end's month and year
        am = am or bm
        ay = ay or by
        if not (valid_day_month(ad, am) and valid_day_month(bd, bm)):
            return None
        start, end = (ay, am, ad), (by, bm, bd)
        if by is not None and ay is not None and (ay, am, ad) >= (by, bm, bd):
            return None
        if by is None and (am, ad) >= (bm, bd):
            return None
        return {"granularity": "day", "start": start, "end": end}
    if not valid_day_month(ad, am):
        return None
    return {"granularity": "day", "start": (ay, am, ad), "end": None}


_WINDOW = 48


def find_dates(doc: Doc) -> list[Span]:
    """Every date expression in the body and headline, with its parts; yearless parts have year None.

    >>> from extractor.pipeline import make_doc
    >>> [s.value["start"] for s in find_dates(make_doc("Ngày 28/7/2022, hội nghị"))]
    [(2022, 7, 28)]
    """
    text = doc.content
    taken = Claimed()
    spans: list[Span] = []
    spend = doc.budget.spend
    around = Excerpts(text, windows(text, _anchor(doc.rules), _WINDOW, _WINDOW, whole_words=True))
    for pat in _patterns(doc.rules):
        taken.end_pass()
        for m in pat.regex.finditer(around.text):
            spend(1)
            s, e = around.to_text(m.start()), around.to_text(m.end())
            if taken.overlaps(s, e):
                continue
            value = _value(m, pat.id, doc.rules)
            if value is None:
                continue
            if value["granularity"] == "day" and value["start"][0] is not None:
                if not iso_day(*value["start"]) or (value["end"] and value["end"][0] and not iso_day(*value["end"])):
                    continue
            taken.claim(s, e)
            spans.append(Span("dates", s, e, pat.id, value))
    spans.sort(key=lambda sp: sp.start)
    return spans
