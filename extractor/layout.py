"""Page structure: which lines are chrome, headline, dateline, byline and body.

find_layout(doc) -> Layout. Works line by line on the normalised text; every decision is a
rule from rules/chrome.yaml, dateline.yaml or byline.yaml. The body is what every entity
extractor reads: chrome never produces an entity (RECORD.md, "Page chrome").
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import regex

from .calendar import full_year, iso_day
from .doc import Doc, Span
from .patterns import alt, compile_ci
from .rulebook import Rulebook

_LINE = regex.compile(r"[^\n]+")
_NAME_WORD = regex.compile(r"^(?:\p{Lu}\.?){1,3}\p{Lu}?[\p{Ll}\p{Lu}]*\.?$|^\p{Lu}[\p{Ll}]+$|^\p{Lu}[\p{Ll}]*'\p{Lu}?[\p{Ll}]+$")
_HEADLINE_START = regex.compile(r'^["\'(\[]*[\p{Lu}\p{N}]')
_GMT = regex.compile(r"\[?\(?GMT\s*\+?\s*7\)?\]?", regex.IGNORECASE)
_DATELINE_PUNCT = regex.compile(r"[|,;:()\[\]/]|\s-\s|^\s*-|-\s*$")
_GLUED_COUNTER = regex.compile(r"(?<=\p{L})\d{1,7}$")
_LEADING_BYLINE = regex.compile(r"^((?:\p{Lu}[\p{Lu}.]*\s?){1,4}?)\s*\|\s+\S")


@dataclass(slots=True)
class Line:
    index: int
    start: int
    end: int
    text: str
    words: int = 0

    def __post_init__(self) -> None:
        self.words = self.text.count(" ") + 1 if self.text else 0


@dataclass
class Layout:
    lines: list[Line]
    title: Line | None = None
    title_text: str | None = None
    dateline: Line | None = None
    published_at: str | None = None
    dateline_date: Span | None = None
    bylines: list[Line] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    body: list[Line] = field(default_factory=list)
    chrome: set[int] = field(default_factory=set)


class _ChromeLine:
    """Chrome rules as two regexes: those anchored at the line start are tried with one
    `match`, the others only on the line's end, so long paragraphs cost almost nothing."""

    def __init__(self, rules: list[str]):
        starts = [r for r in rules if r.startswith("^")]
        ends = [r for r in rules if not r.startswith("^")]
        self._start = compile_ci("|".join(f"(?:{r})" for r in starts))
        self._end = compile_ci("|".join(f"(?:{r})" for r in ends)) if ends else None

    def search(self, line: str) -> bool:
        return bool(self._start.match(line) or (self._end and self._end.search(line[-60:])))


@dataclass(frozen=True)
class _Compiled:
    chrome_line: _ChromeLine
    tail: regex.Pattern
    section_label: regex.Pattern
    date_numeric: regex.Pattern
    date_words: regex.Pattern
    clock: regex.Pattern
    label: regex.Pattern
    weekday: regex.Pattern
    byline_prefix: regex.Pattern
    byline_suffix: regex.Pattern
    byline_split: regex.Pattern
    not_author: regex.Pattern
    collective_authors: frozenset[str]
    unit_head: regex.Pattern
    afternoon: frozenset[str]
    morning: frozenset[str]
    section_labels: frozenset[str]
    weak_labels: tuple[str, ...]


@lru_cache(maxsize=8)
def _compiled(rules: Rulebook) -> _Compiled:
    c, d, b = rules.chrome, rules.dateline, rules.byline
    labels = sorted(rules.chrome.section_labels, key=len, reverse=True)
    return _Compiled(
        chrome_line=_ChromeLine([r.regex for r in c.lines]),
        tail=compile_ci("|".join(f"(?:{r.regex})" for r in c.tail_markers)),
        # a label glued to an upper-case letter, or followed by a separator
        section_label=regex.compile(
            rf"^{alt(labels)}(?:\s*[-:|»>/]\s*|(?=\p{{Lu}}))", regex.IGNORECASE),
        date_numeric=regex.compile(r"(?<!\d)(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?!\d)"),
        date_words=compile_ci(rf"{alt(rules.dates.words.day)}\s+(\d{{1,2}})\s+{alt(rules.dates.words.month)}\s+(\d{{1,2}})\s*(?:{alt(rules.dates.words.year)}|,)\s*(\d{{4}})"),
        clock=compile_ci(r"(?<!\d)(\d{1,2})\s*[:h]\s*(\d{2})(?:\s*:\s*(\d{2}))?(?:\s*(" + alt(d.afternoon_markers + d.morning_markers) + r")\b)?"),
        label=compile_ci(r"(?<!\p{L})" + alt(d.labels) + r"(?!\p{L})\s*:?"),
        weekday=compile_ci(r"(?<!\p{L})(?:" + alt(d.weekdays) + r"|thứ\s*[2-7])(?!\p{L})"),
        byline_prefix=compile_ci("^(?:" + "|".join(b.prefixes) + r")\s*"),
        byline_suffix=compile_ci(b.suffix_regex),
        byline_split=regex.compile("|".join(b.author_separators)),
        not_author=compile_ci("^(?:" + "|".join(b.not_authors) + r")$"),
        collective_authors=frozenset(a.casefold() for a in b.collective_authors),
        unit_head=regex.compile("^" + alt(b.unit_heads) + r"(?!\p{L})"),
        afternoon=frozenset(d.afternoon_markers),
        morning=frozenset(d.morning_markers),
        section_labels=frozenset(x.casefold() for x in c.section_labels),
        weak_labels=tuple(f"{w.casefold()} " for w in d.weak_labels),
    )


# ---------------------------------------------------------------- datelines

def parse_dateline(text: str, rules: Rulebook) -> tuple[str, str, tuple[int, int], list[str]] | None:
    """Read a dateline: (published_at ISO, date ISO, date span in `text`, author words) or None.

    >>> from extractor.rulebook import load_rules
    >>> parse_dateline("THỨ TƯ, 24/06/2020 15:46:26", load_rules())[0]
    '2020-06-24T15:46:26+07:00'
    """
    c = _compiled(rules)
    if len(text) > 90:
        return None
    m = c.date_numeric.search(text)
    if m:
        day, month, year = int(m.group(1)), int(m.group(3)), full_year(m.group(4), rules.dateline.two_digit_year_pivot)
    else:
        m = c.date_words.search(text)
        if not m:
            return None
        day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
    date = iso_day(year, month, day)
    if not date:
        return None
    rest = text[: m.start()] + " " + text[m.end():]
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
        if c.section_label.match(joined + " -") or joined.casefold() in c.section_labels:
            pass
        elif all(_NAME_WORD.match(w) for w in leftover):
            authors = [joined]
        else:
            return None
    published = f"{date}T{time}+07:00" if time else date
    return published, date, m.span(), authors


# ---------------------------------------------------------------- bylines

def _name_like(part: str) -> bool:
    words = part.split()
    return 1 <= len(words) <= 5 and all(_NAME_WORD.match(w) for w in words) and not any(ch.isdigit() for ch in part)


def parse_byline(text: str, rules: Rulebook, *, closing: bool) -> list[str] | None:
    """Author names on a byline line, or None when the line is not a byline.

    `closing` is True for the line that ends the article, where a bare name ("Tuấn Bách")
    or a unit ("LĐLĐ huyện Bảo Yên") is a byline; at the top only a marked byline counts.

    >>> from extractor.rulebook import load_rules
    >>> parse_byline("Th/h: Minh Quang", load_rules(), closing=True)
    ['Minh Quang']
    """
    c = _compiled(rules)
    line = text.strip()
    if len(line) > 110 or c.chrome_line.search(line):
        return None
    prefixed = False
    m = c.byline_prefix.match(line)
    if m:
        line, prefixed = line[m.end():], True
    line = c.byline_suffix.sub("", line).strip(" |-.")
    if not line or c.not_author.match(line):
        return None
    if line.casefold() in c.collective_authors:
        return [line]
    if (prefixed or closing) and c.unit_head.match(line) and not text.rstrip().endswith(".") \
            and len(line.split()) <= rules.byline.max_words:
        return [line]
    parts = [p.strip(" |.") for p in c.byline_split.split(line) if p and p.strip(" |.")]
    names = [p for p in parts if _name_like(p)]
    if not names or sum(len(n.split()) for n in names) > rules.byline.max_words:
        return None
    # "Nguyễn Văn A - CĐVC tỉnh": a role after a dash is dropped; any other non-name part
    # means this is not a byline
    dropped = [p for p in parts if p not in names]
    if dropped and not (prefixed or " - " in line):
        return None
    if not (prefixed or closing or text.rstrip().endswith("|")):
        return None
    return names


# ---------------------------------------------------------------- the layout

def _headline_like(line: Line) -> bool:
    t = line.text
    return (2 <= line.words <= 45 and len(t) <= 260 and bool(_HEADLINE_START.match(t)) and " | " not in t
            and not (t.endswith(".") and not t.endswith("..")) and t.count(". ") < 2)


def _is_banner(line: Line, rules: Rulebook) -> bool:
    """A site banner or section label standing where a headline could be."""
    t = line.text
    all_caps = line.words >= 2 and t.isupper()  # str.isupper: cased characters all upper, at least one
    return all_caps or t.casefold() in _compiled(rules).section_labels


def clean_title(text: str, rules: Rulebook) -> str:
    """Strip a section label and a view counter glued to the headline."""
    c = _compiled(rules)
    m = c.section_label.match(text)
    if m and len(text) - m.end() > 15:
        text = text[m.end():]
    text = _GLUED_COUNTER.sub("", text).strip()
    return text


def find_layout(doc: Doc) -> Layout:
    rules, norm = doc.rules, doc.norm
    c = _compiled(rules)
    lines = []
    for i, m in enumerate(_LINE.finditer(norm)):
        s, e = m.span()
        t = m.group()
        ls = len(t) - len(t.lstrip())
        t2 = t.strip()
        if t2:
            lines.append(Line(len(lines), s + ls, s + ls + len(t2), t2))
    layout = Layout(lines=lines)
    chrome = layout.chrome
    seen: set[str] = set()
    for ln in lines:
        if c.chrome_line.search(ln.text):
            chrome.add(ln.index)
        key = ln.text.casefold()
        if key in seen and ln.words >= 2:
            chrome.add(ln.index)  # a repeated banner or paragraph
        seen.add(key)
    content = [ln for ln in lines if ln.index not in chrome]

    # dateline: a short line near the top (the one beside the headline when a site clock is
    # there too), or a labelled one near the end
    header_n = rules.dateline.header_lines
    # the header ends at the first body paragraph
    first_body = next((pos for pos, ln in enumerate(content)
                       if not _is_banner(ln, rules) and (ln.words > 60 or (ln.words > 8 and ln.text.endswith((".", ":", ";"))))),
                      len(content))
    candidates = [pos for pos, ln in enumerate(content[: min(header_n + 2, first_body + 1)])
                  if parse_dateline(ln.text, rules)]

    def beside_headline(pos: int) -> bool:
        return any(0 <= q < len(content) and _headline_like(content[q]) and not _is_banner(content[q], rules)
                   and q not in candidates for q in (pos - 1, pos + 1))

    # beside the headline first; else one with a time or a label (a site clock has neither)
    timed = [p for p in candidates if c.clock.search(content[p].text) or c.label.match(content[p].text)]
    dateline_pos = next((p for p in candidates if beside_headline(p)),
                        timed[0] if timed else (candidates[0] if candidates else None))
    in_header = dateline_pos is not None
    if dateline_pos is None:
        for pos in range(max(0, len(content) - 8), len(content)):
            ln = content[pos]
            labelled = c.label.match(ln.text) and not ln.text.casefold().startswith(c.weak_labels)
            glued = pos > 0 and _headline_like(content[pos - 1]) and not parse_byline(content[pos - 1].text, rules, closing=True)
            if (labelled or ln.words <= 4) and not glued and parse_dateline(ln.text, rules):
                    dateline_pos = pos
                    break

    title_pos = None
    if dateline_pos is not None:
        ln = content[dateline_pos]
        published, date, (ds, de), dl_authors = parse_dateline(ln.text, rules)
        layout.dateline, layout.published_at = ln, published
        layout.dateline_date = Span("dates", ln.start + ds, ln.start + de, "dates.dateline",
                                    {"value": date, "granularity": "day"})
        layout.authors.extend(dl_authors)
    if in_header:
        for back in range(dateline_pos - 1, max(-1, dateline_pos - 4), -1):
            cand = content[back]
            if back not in candidates and _headline_like(cand) and not _is_banner(cand, rules) \
                    and not parse_byline(cand.text, rules, closing=False):
                title_pos = back
                break
        if title_pos is None and dateline_pos + 1 < len(content) and _headline_like(content[dateline_pos + 1]):
            title_pos = dateline_pos + 1
        header_end = max(p for p in (dateline_pos, title_pos) if p is not None)
        for ln2 in content[:header_end]:
            if title_pos is None or ln2.index != content[title_pos].index:
                chrome.add(ln2.index)  # banners and labels above the headline
    else:
        # no dateline on top: the headline is the first line, after any site banners and menus
        top = content[:4]
        pick = next((pos for pos, cand in enumerate(top) if _headline_like(cand) and not _is_banner(cand, rules)), None)
        if pick is not None and pick + 1 < len(content) and all(
                _is_banner(cand, rules) or " | " in cand.text for cand in top[:pick]):
            title_pos = pick
            for cand in top[:pick]:
                chrome.add(cand.index)
        elif top and _headline_like(top[0]) and len(content) > 1:
            title_pos = 0
    if title_pos is not None:
        layout.title = content[title_pos]
        layout.title_text = clean_title(layout.title.text, rules) or None

    start_pos = 1 + max([p for p in (dateline_pos if in_header else None, title_pos) if p is not None], default=-1)
    # a byline standing between headline and dateline ("MINH AN |")
    if in_header and title_pos is not None and title_pos < dateline_pos:
        for between in content[title_pos + 1:dateline_pos]:
            names = parse_byline(between.text, rules, closing=False)
            if names:
                layout.bylines.append(between)
                layout.authors.extend(names)
    # a marked byline right under the headline or dateline
    if start_pos < len(content):
        names = parse_byline(content[start_pos].text, rules, closing=False)
        if names:
            layout.bylines.append(content[start_pos])
            layout.authors.extend(names)
            start_pos += 1

    # "MINH AN | Sáng 6/5, ...": a byline in capitals leading the first paragraph
    if start_pos < len(content):
        lead = _LEADING_BYLINE.match(content[start_pos].text)
        if lead and _name_like(lead.group(1)):
            layout.authors.append(lead.group(1))

    # the tail: a related-articles or comment marker ends the article
    end_pos = len(content)
    for pos in range(start_pos + 1, len(content)):
        if c.tail.match(content[pos].text):
            end_pos = pos
            break
    # a second article glued to the first: a headline followed by its own dateline
    for pos in range(start_pos + 1, end_pos - 1):
        if _headline_like(content[pos]) and content[pos + 1].words <= 8 and parse_dateline(content[pos + 1].text, rules) \
                and not parse_byline(content[pos].text, rules, closing=True) and not c.label.match(content[pos + 1].text):
            end_pos = pos
            break
    # the closing byline: the last name-like line, past at most three short tail lines
    skipped = 0
    for pos in range(end_pos - 1, start_pos, -1):  # the first body line is never the byline
        ln = content[pos]
        if ln is layout.dateline:
            continue
        names = parse_byline(ln.text, rules, closing=True)
        if names:
            layout.bylines.append(ln)
            layout.authors.extend(n for n in names if n not in layout.authors)
            end_pos = pos
            break
        if ln.words > 16 or ln.text.endswith((".", ";", "!", "?")) or skipped >= 6:
            break
        skipped += 1
    for ln in content[end_pos:]:
        chrome.add(ln.index)
    special = {x.index for x in (layout.title, layout.dateline) if x} | {b.index for b in layout.bylines}
    layout.body = [ln for ln in content[start_pos:end_pos] if ln.index not in chrome and ln.index not in special]
    return layout


def blank_outside(norm: str, keep: list[Line]) -> str:
    """`norm` with every character outside `keep` lines replaced by a space (newlines kept)."""
    def blank(gap: str) -> str:
        return "\n".join(" " * len(part) for part in gap.split("\n"))

    out = []
    pos = 0
    for ln in sorted(keep, key=lambda l: l.start):
        out.append(blank(norm[pos:ln.start]))
        out.append(norm[ln.start:ln.end])
        pos = ln.end
    out.append(blank(norm[pos:]))
    return "".join(out)
