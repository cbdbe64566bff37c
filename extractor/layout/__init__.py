"""Page structure: which lines are chrome, headline, dateline, byline and body.

find_layout(doc) -> Layout composes the four readers of this package, each with its rules:
chrome.py (rules/chrome.yaml), headline.py, dateline.py (rules/dateline.yaml, one rule id per
date format) and byline.py (rules/byline.yaml). It works line by line on the normalised text.
The body is what every entity extractor reads: chrome never produces an entity (RECORD.md,
"Page chrome").
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..doc import Doc, Span
from .byline import is_unit, leading_byline, name_like, parse_byline
from .chrome import find_chrome, is_tail_marker
from .dateline import Dateline, labelled, parse_dateline
from .glued import split_glued_page
from .headline import clean_title, headline_like, headline_proper, is_banner, is_section_label, split_glued_headline
from .lines import Line, split_lines

__all__ = ["Layout", "Line", "find_layout", "blank_outside", "parse_byline", "parse_dateline", "clean_title",
           "name_like"]


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


def find_layout(doc: Doc) -> Layout:
    rules = doc.rules
    lines = _unglue_headline(split_lines(doc.norm), rules)
    layout = Layout(lines=lines, chrome=find_chrome(lines, rules))
    chrome = layout.chrome
    content = [ln for ln in lines if ln.index not in chrome]

    looks: dict[int, bool] = {}

    def headline(ln: Line) -> bool:
        if ln.index not in looks:
            looks[ln.index] = headline_like(ln, rules) and not is_banner(ln, rules)
        return looks[ln.index]

    dateline_pos, in_header, datelines = _find_dateline(content, rules, headline)
    title_pos = None
    if dateline_pos is not None:
        ln = content[dateline_pos]
        found: Dateline = datelines[dateline_pos]
        ds, de = found.span
        layout.dateline, layout.published_at = ln, found.published_at
        layout.dateline_date = Span("dates", ln.start + ds, ln.start + de, found.rule,
                                    {"value": found.date, "granularity": "day"})
        layout.authors.extend(found.authors)
    header_bylines: set[int] = set()
    if in_header:
        for back in range(dateline_pos - 1, max(-1, dateline_pos - 4), -1):
            cand = content[back]
            if is_section_label(cand.text, rules):
                break  # above a section label stand the site's banner and menus, not the headline
            if back not in datelines and headline(cand) and not parse_byline(cand.text, rules, closing=False):
                if _byline_under_headline(content, back, datelines, rules, headline):
                    # "Thùy Dung - Hội LHPN huyện X" or a bare name between the headline and the
                    # dateline: a byline, and the headline stands right above it
                    header_bylines.add(back)
                    title_pos = back - 1
                else:
                    title_pos = back
                break
        if title_pos is None and dateline_pos + 1 < len(content) and headline_like(content[dateline_pos + 1], rules):
            title_pos = dateline_pos + 1
        if title_pos is None and _caps_headline(content, dateline_pos - 1, datelines, rules):
            title_pos = dateline_pos - 1
        header_end = max(p for p in (dateline_pos, title_pos) if p is not None)
        for ln2 in content[:header_end]:
            if title_pos is None or ln2.index != content[title_pos].index:
                chrome.add(ln2.index)  # banners, labels and a site clock above the headline
    else:
        # no dateline on top: the headline is the first line, after any site banners and menus
        top = content[:4]
        pick = next((pos for pos, cand in enumerate(top) if headline(cand)), None)
        if pick is not None and pick + 1 < len(content) and all(
                is_banner(cand, rules) or " | " in cand.text for cand in top[:pick]):
            title_pos = pick
            for cand in top[:pick]:
                chrome.add(cand.index)
        elif top and headline_like(top[0], rules) and len(content) > 1:
            title_pos = 0
    if title_pos is not None:
        layout.title = headline_proper(content[title_pos], rules)
        layout.title_text = clean_title(layout.title.text, rules) or None

    start_pos = 1 + max([p for p in (dateline_pos if in_header else None, title_pos) if p is not None], default=-1)
    # a byline standing between headline and dateline ("MINH AN |")
    if in_header and title_pos is not None and title_pos < dateline_pos:
        for pos in range(title_pos + 1, dateline_pos):
            between = content[pos]
            names = parse_byline(between.text, rules, closing=pos in header_bylines)
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
    if start_pos < len(content):
        lead = leading_byline(content[start_pos].text)
        if lead:
            layout.authors.append(lead)

    end_pos = _article_end(content, start_pos, rules)
    # the closing byline: the last name-like line, past at most six short tail lines
    skipped = 0
    for pos in range(end_pos - 1, start_pos, -1):  # the first body line is never the byline
        ln = content[pos]
        if ln is layout.dateline:
            continue
        names = parse_byline(ln.text, rules, closing=True)
        if names:
            # "Nguyễn Thanh Hà / Công đoàn Viên chức tỉnh": a name line over an affiliation line
            # is the author; the unit is where the author works
            above = parse_byline(content[pos - 1].text, rules, closing=True) if pos - 1 > start_pos else None
            if above and is_unit(names, rules) and not is_unit(above, rules):
                layout.bylines.append(ln)
                ln, names, pos = content[pos - 1], above, pos - 1
            layout.bylines.append(ln)
            known = {a.casefold() for a in layout.authors}  # "THANH TÂM" on the dateline, "Thanh Tâm" below
            layout.authors.extend(n for n in names if n.casefold() not in known)
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


def _unglue_headline(lines: list[Line], rules) -> list[Line]:
    """The lines with a headline run into the lead split off its first long line (a page whose
    line breaks were lost: with its dateline, byline and related list too, when the dateline is
    glued after the headline), renumbered; the lines as they are otherwise."""
    for pos, ln in enumerate(lines[:3]):
        if ln.words > 48:
            split = split_glued_page(ln, rules) or split_glued_headline(ln, rules)
            if split is None:
                return lines
            rest = lines[pos + 1:]
            for later in rest:
                later.index += len(split) - 1
            return [*lines[:pos], *split, *rest]
    return lines


def _byline_under_headline(content: list[Line], pos: int, datelines: dict[int, Dateline], rules, headline) -> bool:
    """The line at `pos`, right above the dateline, is a byline with the headline above it: it
    reads as a closing byline (a bare name, "name - unit"), and the line above is a headline
    that is no byline itself and is longer. A short headline in capitalised words has no headline-like line
    above it (a banner, a section label or the page's top), so it stays the title."""
    if pos < 1 or (pos - 1) in datelines:
        return False
    ln, above = content[pos], content[pos - 1]
    # a byline is shorter than the headline it signs and holds no colon ("Bà Rịa - Vũng Tàu:
    # Phát động ..." is a headline, its place read as a name before a dash)
    if ":" in ln.text or ln.words >= above.words:
        return False
    if is_section_label(above.text, rules) or not headline(above):
        return False
    return bool(parse_byline(ln.text, rules, closing=True)) and not parse_byline(above.text, rules, closing=True)


def _caps_headline(content: list[Line], pos: int, datelines: dict[int, Dateline], rules) -> bool:
    """A headline in capitals: the line right above the dateline, when no other headline stands
    near it. A site banner in capitals opens the page, above menus and labels; the headline is
    the line nearest the dateline, so the page's first line is never taken for one here."""
    if pos < 1 or pos in datelines:
        return False
    ln = content[pos]
    return (headline_like(ln, rules) and is_banner(ln, rules) and not is_section_label(ln.text, rules)
            and not parse_byline(ln.text, rules, closing=True))


def _find_dateline(content: list[Line], rules, headline) -> tuple[int | None, bool, dict[int, Dateline]]:
    """(position of the dateline in `content`, whether it heads the article, parsed candidates).

    On top: a short line near the headline, a timed one first; a site clock (weekday and date,
    no time) above the headline is not the dateline when a timed one stands near. Otherwise a
    labelled or very short one near the end.
    """
    header_n = rules.dateline.header_lines
    # the header ends at the first body paragraph
    first_body = next((pos for pos, ln in enumerate(content)
                       if (ln.words > 60 or (ln.words > 8 and ln.text.endswith((".", ":", ";")))) and not is_banner(ln, rules)),
                      len(content))
    datelines = {pos: d for pos, ln in enumerate(content[: min(header_n + 2, first_body + 1)])
                 if (d := parse_dateline(ln.text, rules))}

    def beside_headline(pos: int) -> bool:
        return any(0 <= q < len(content) and headline(content[q]) and q not in datelines for q in (pos - 1, pos + 1))

    timed = [p for p in datelines if datelines[p].timed or labelled(content[p].text, rules)]
    beside = [p for p in datelines if beside_headline(p)]
    pos = next((p for p in beside if p in timed), None)
    if pos is None:
        pos = beside[0] if beside else (timed[0] if timed else next(iter(datelines), None))
    if pos is not None:
        return pos, True, datelines
    for pos in range(max(0, len(content) - 8), len(content)):
        ln = content[pos]
        if not (labelled(ln.text, rules, strong=True) or ln.words <= 4):
            continue  # asked first: cheaper than whether the line above is a headline
        glued = pos > 0 and headline_like(content[pos - 1], rules) and not parse_byline(content[pos - 1].text, rules, closing=True)
        if not glued:
            found = parse_dateline(ln.text, rules)
            if found:
                datelines[pos] = found
                return pos, False, datelines
    return None, False, datelines


def _article_end(content: list[Line], start_pos: int, rules) -> int:
    """Where the article ends: a related-articles or comment marker, or a second article glued
    on (a headline followed by its own dateline)."""
    end_pos = len(content)
    for pos in range(start_pos + 1, len(content)):
        if is_tail_marker(content[pos].text, rules):
            end_pos = pos
            break
    for pos in range(start_pos + 1, end_pos - 1):
        # the cheap test first: most lines are followed by a long one
        if content[pos + 1].words <= 8 and headline_like(content[pos], rules) and parse_dateline(content[pos + 1].text, rules) \
                and not parse_byline(content[pos].text, rules, closing=True) and not labelled(content[pos + 1].text, rules):
            return pos
    return end_pos


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
