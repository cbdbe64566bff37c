"""Datelines: the line that says when the article was published (rules/dateline.yaml).

Each date format of the genre is one rule id with its regex (`formats`); around the date a
dateline holds only a clock time (before or after, "CH"/"SA", a view counter glued to it),
labels, a weekday, a section label, the author's name, and view or comment counters
(`counters`: "| Lượt xem: 1.204", "14:05Lượt xem: 356").
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import regex

from ..calendar import full_year, iso_day
from ..patterns import alt, compile_ci
from ..rulebook import Rulebook
from .headline import is_section_label, section_label

# the time zone: "(GMT+7)", "[GMT+7]", an ISO offset "+07:00" after the time
_GMT = regex.compile(r"\[?\(?GMT\s*\+?\s*7\)?\]?|(?<![\d:])\+07:?00(?!\d)", regex.IGNORECASE)
_DATELINE_PUNCT = regex.compile(r"[|,;:()\[\]/]|\s-\s|^\s*-|-\s*$")
_NAME_WORD = regex.compile(r"^(?:\p{Lu}\.?){1,3}\p{Lu}?[\p{Ll}\p{Lu}]*\.?$|^\p{Lu}[\p{Ll}]+$|^\p{Lu}[\p{Ll}]*'\p{Lu}?[\p{Ll}]+$")


@dataclass(frozen=True)
class Dateline:
    published_at: str           # ISO date, or date and time with +07:00
    date: str                   # ISO date
    span: tuple[int, int]       # the date's span in the line
    rule: str                   # the format's rule id
    authors: list[str] = field(default_factory=list)
    timed: bool = False


@dataclass(frozen=True)
class _Compiled:
    formats: tuple[tuple[str, regex.Pattern], ...]
    clock: regex.Pattern
    label: regex.Pattern
    weekday: regex.Pattern
    afternoon: frozenset[str]
    morning: frozenset[str]
    weak_labels: tuple[str, ...]
    counters: regex.Pattern | None


@lru_cache(maxsize=8)
def _compiled(rules: Rulebook) -> _Compiled:
    d, words = rules.dateline, rules.dates.words
    fill = {"{day_words}": alt(words.day), "{month_words}": alt(words.month), "{year_words}": alt(words.year)}

    def filled(pattern: str) -> str:
        for key, value in fill.items():
            pattern = pattern.replace(key, value)
        return pattern

    return _Compiled(
        formats=tuple((f.id, compile_ci(filled(f.regex))) for f in d.formats),
        # "15:20", "2:22:00 CH", "15h20"; digits glued after the minutes are a view counter
        clock=compile_ci(r"(?<!\d)(\d{1,2})\s*[:h]\s*(\d{2})(?:\s*:\s*(\d{2}))?(?:\d{1,7})?(?:\s*("
                         + alt(d.afternoon_markers + d.morning_markers) + r")\b)?"),
        label=compile_ci(r"(?<!\p{L})" + alt(d.labels) + r"(?!\p{L})\s*:?"),
        weekday=compile_ci(r"(?<!\p{L})(?:" + alt(d.weekdays) + r"|thứ\s*[2-7])(?!\p{L})"),
        afternoon=frozenset(d.afternoon_markers),
        morning=frozenset(d.morning_markers),
        weak_labels=tuple(f"{w.casefold()} " for w in d.weak_labels),
        counters=compile_ci("|".join(f"(?:{r.regex})" for r in d.counters)) if d.counters else None,
    )


def has_clock(text: str, rules: Rulebook) -> bool:
    return bool(_compiled(rules).clock.search(text))


def labelled(text: str, rules: Rulebook, *, strong: bool = False) -> bool:
    """Starts with a dateline label; `strong`: one not common in body sentences ("Ngày ...")."""
    c = _compiled(rules)
    return bool(c.label.match(text)) and not (strong and text.casefold().startswith(c.weak_labels))


def _find_date(text: str, rules: Rulebook, c: _Compiled):
    for rule, pattern in c.formats:
        m = pattern.search(text)
        if m:
            year = full_year(m.group("year"), rules.dateline.two_digit_year_pivot)
            date = iso_day(year, int(m.group("month")), int(m.group("day")))
            if date:
                return rule, m, date
    return None


def parse_dateline(text: str, rules: Rulebook) -> Dateline | None:
    """Read a dateline, or None when the line is not one.

    >>> from extractor.rulebook import load_rules
    >>> d = parse_dateline("THỨ TƯ, 24/06/2020 15:46:26", load_rules())
    >>> d.published_at, d.rule
    ('2020-06-24T15:46:26+07:00', 'dateline.day_month_year')
    """
    c = _compiled(rules)
    if len(text) > 90:
        return None
    found = _find_date(text, rules, c)
    if not found:
        return None
    rule, m, date = found
    rest = text[: m.start()] + " " + text[m.end():]
    if c.counters is not None:
        rest = c.counters.sub(" ", rest)  # "| Lượt xem: 1.204": the page's counter, not the article's
    clock = c.clock.search(rest)
    time = None
    if clock:
        hh, mm, ss = int(clock.group(1)), int(clock.group(2)), int(clock.group(3) or 0)
        marker = (clock.group(4) or "").casefold()
        if marker in c.afternoon and hh < 12:
            hh += 12
        elif marker in c.morning and hh == 12:
            hh = 0
        if hh < 24 and mm < 60 and ss < 60:
            time = f"{hh:02d}:{mm:02d}:{ss:02d}"
        rest = rest[: clock.start()] + " " + rest[clock.end():]
    rest = c.label.sub(" ", rest)
    rest = c.weekday.sub(" ", rest)
    rest = _GMT.sub(" ", rest)
    rest = _DATELINE_PUNCT.sub(" ", rest)
    leftover = rest.split()
    if len(leftover) > rules.dateline.max_leftover_words:
        return None
    authors: list[str] = []
    if leftover:
        joined = " ".join(leftover)
        if section_label(joined + " -", rules) or is_section_label(joined, rules):
            pass
        elif all(_NAME_WORD.match(w) for w in leftover):
            authors = [joined]
        else:
            return None
    published = f"{date}T{time}+07:00" if time else date
    return Dateline(published, date, m.span(), rule, authors, time is not None)
