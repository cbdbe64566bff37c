"""Give yearless dates their year, or drop them (RECORD.md, Date).

Order of evidence: the dateline; else a "năm YYYY" earlier in the same sentence, then one later in it; else the one
year the paragraph names; else the publication date the caller passed. Never arithmetic on
anniversaries ("kỷ niệm 90 năm").
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from functools import lru_cache

import regex

from ..calendar import iso_day
from ..doc import Doc, Span
from ..patterns import alt
from ..rulebook import Rulebook

_SENTENCE_END = regex.compile(r"[.!?;](?=\s)|\n")
_BREAK = regex.compile(r"\n")


@lru_cache(maxsize=8)
def _year_word(rules: Rulebook) -> regex.Pattern:
    """ "năm 2022": a year stated in words, not a period ("năm 2021 - 2025")."""
    # a full stop after the year ends the sentence ("trong năm 2022."); one before a digit does not
    return regex.compile(rf"(?<!\p{{L}}){alt(rules.dates.words.year)}\s+(\d{{4}})(?![\d/\-]|\.\d|\s*-\s*\d{{4}})", regex.IGNORECASE)


@lru_cache(maxsize=8)
def _work_period_before(rules: Rulebook) -> regex.Pattern | None:
    """A period-of-work cue a few words before a "năm YYYY" ("tổng kết hoạt động năm 2009")."""
    cues = rules.dates.work_period_cues
    return regex.compile(rf"(?r)(?<!\p{{L}}){alt(cues)}(?!\p{{L}})[^.;!?\n]{{0,30}}$", regex.IGNORECASE) if cues else None


def _event_years(text: str, rules: Rulebook, start: int = 0, end: int | None = None) -> list[regex.Match]:
    """The "năm YYYY" phrases of text[start:end] that may be an event's year."""
    cue = _work_period_before(rules)
    found = _year_word(rules).finditer(text, start, len(text) if end is None else end)
    return [m for m in found if cue is None or not cue.search(text, max(0, m.start() - 50), m.start())]


class _YearEvidence:
    """What the body and headline say about years, read once: sentence ends, "năm YYYY" phrases, line
    breaks and the years of full dates. Each yearless date is then answered by bisection
    instead of rescanning its sentence or paragraph (the body may be one 2 MB paragraph).
    """

    def __init__(self, doc: Doc, full_years: list[tuple[int, int]]):
        text = self.text = doc.content
        # one-character matches: a sentence ending before a date ends before its first character
        self.sentence_ends = [m.end() for m in _SENTENCE_END.finditer(text)]
        self.rules = doc.rules
        words = _event_years(text, doc.rules)
        self.word_starts = [m.start() for m in words]
        self.word_ends = [m.end() for m in words]
        self.word_years = [int(m.group(1)) for m in words]
        self.breaks = [m.start() for m in _BREAK.finditer(text)]
        self.full_years = sorted(full_years)
        self.full_positions = [pos for pos, _ in self.full_years]
        self._paragraph_years: dict[int, set[int]] = {}
        self.spend = doc.budget.spend

    def sentence_year(self, pos: int) -> int | None:
        """The last "năm YYYY" of the sentence, before `pos`."""
        k = bisect_right(self.sentence_ends, pos)
        start = self.sentence_ends[k - 1] if k else 0
        i = bisect_right(self.word_ends, pos) - 1
        return self.word_years[i] if i >= 0 and self.word_starts[i] >= start else None

    def sentence_year_after(self, pos: int) -> int | None:
        """The first "năm YYYY" of the sentence, at or after `pos`."""
        k = bisect_right(self.sentence_ends, pos)
        end = self.sentence_ends[k] if k < len(self.sentence_ends) else len(self.text)
        i = bisect_left(self.word_starts, pos)
        return self.word_years[i] if i < len(self.word_starts) and self.word_ends[i] <= end else None

    def paragraph_years(self, pos: int) -> set[int]:
        """The years the paragraph holding `pos` names, in words or in full dates."""
        k = bisect_left(self.breaks, pos)
        ps = self.breaks[k - 1] + 1 if k else 0
        found = self._paragraph_years.get(ps)
        if found is None:
            pe = self.breaks[k] if k < len(self.breaks) else len(self.text)
            self.spend(pe - ps)  # each paragraph is read once
            found = {int(m.group(1)) for m in _event_years(self.text, self.rules, ps, pe)}
            lo, hi = bisect_left(self.full_positions, ps), bisect_left(self.full_positions, pe)
            found |= {y for _, y in self.full_years[lo:hi]}
            self._paragraph_years[ps] = found
        return found


def _year_for(span: Span, month: int, ref: tuple[int, int] | None, evidence: _YearEvidence, doc: Doc) -> int | None:
    if ref:
        ref_year, ref_month = ref
        ahead = doc.rules.dates.max_months_ahead_of_dateline
        return ref_year - 1 if month - ref_month > ahead else ref_year
    before = evidence.sentence_year(span.start)
    if before is not None:
        return before
    # the year stated for the event later in the same sentence ("Tối 26/5, ... lần thứ XV, năm 2025.")
    after = evidence.sentence_year_after(span.end)
    if after is not None:
        return after
    years = evidence.paragraph_years(span.start)
    if len(years) == 1:
        return next(iter(years))
    return None


def resolve_years(doc: Doc, spans: list[Span], published: str | None) -> list[Span]:
    """Fill in missing years; set `value`, `end_value` and `year_inferred`; drop what stays yearless."""
    ref = None
    if published:
        ref = (int(published[:4]), int(published[5:7]))
    full_years = [(sp.start, sp.value["start"][0]) for sp in spans
                  if sp.value.get("granularity") == "day" and sp.value["start"][0]]
    evidence = None
    out = []
    for sp in spans:
        doc.budget.spend(1)
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
            if evidence is None and ref is None:
                evidence = _YearEvidence(doc, full_years)
            year = _year_for(sp, (end or v["start"])[1], ref, evidence, doc)
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
