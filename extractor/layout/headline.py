"""Headlines: which line can be the article's title, and the title without its page marks.

A headline is a short line starting with a capital or digit that is not a sentence of the
body; banners (all capitals), section labels, photo captions and bulleted highlights are not
headlines (RECORD.md, Judgement calls: Page).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex

from ..patterns import alt, compile_ci
from ..rulebook import Rulebook
from .lines import Line

_HEADLINE_START = regex.compile(r'^["\'(\[]*[\p{Lu}\p{N}]')
_GLUED_COUNTER = regex.compile(r"(?<=\p{L})\d{1,7}$")


@dataclass(frozen=True)
class _Compiled:
    section_label: regex.Pattern
    section_labels: frozenset[str]
    longest_label: int  # characters of the longest casefolded label
    not_headline: regex.Pattern
    marks: regex.Pattern
    lead_opener: regex.Pattern | None


@lru_cache(maxsize=8)
def _compiled(rules: Rulebook) -> _Compiled:
    c = rules.chrome
    labels = sorted(c.section_labels, key=len, reverse=True)
    return _Compiled(
        # a label glued to an upper-case letter, or followed by a separator
        section_label=regex.compile(rf"^{alt(labels)}(?:\s*[-:|»>/]\s*|(?=\p{{Lu}}))", regex.IGNORECASE),
        section_labels=frozenset(x.casefold() for x in c.section_labels),
        longest_label=max((len(x.casefold()) for x in c.section_labels), default=0),
        not_headline=compile_ci("|".join(f"(?:{r.regex})" for r in c.not_headlines)),
        marks=compile_ci("|".join(f"(?:{r.regex})" for r in c.headline_marks)),
        lead_opener=compile_ci("|".join(f"(?:{r.regex})" for r in c.lead_openers)) if c.lead_openers else None,
    )


def section_label(text: str, rules: Rulebook):
    """The section label ("Tin ngành", "Thời sự - ") the text starts with, as a match, or None."""
    return _compiled(rules).section_label.match(text)


def is_section_label(text: str, rules: Rulebook) -> bool:
    c = _compiled(rules)
    # casefolding never shortens a text: a line longer than every label is none, and a
    # paragraph is not casefolded to find it out
    if len(text) <= c.longest_label and text.casefold() in c.section_labels:
        return True
    # two or three labels joined by a dash name one section ("Chính trị - Xã hội")
    if len(text) > 3 * c.longest_label + 6 or " - " not in text:
        return False
    parts = text.casefold().split(" - ")
    return len(parts) <= 3 and all(part.strip() in c.section_labels for part in parts)


def headline_like(line: Line, rules: Rulebook) -> bool:
    """Could stand as a headline: short, capitalised, not a body sentence, caption or highlight."""
    if not (2 <= line.words <= 48 and len(line.text) <= 300):
        return False  # the cheap test first: most lines are long paragraphs
    c = _compiled(rules)
    t = c.marks.sub("", line.text).strip()
    return (2 <= t.count(" ") + 1 <= 45 and len(t) <= 260 and bool(_HEADLINE_START.match(t)) and " | " not in t
            and not (t.endswith(".") and not t.endswith("..")) and t.count(". ") < 2
            and not c.not_headline.search(t))


def is_banner(line: Line, rules: Rulebook) -> bool:
    """A site banner or section label standing where a headline could be."""
    t = line.text
    # str.isupper: cased characters all upper, at least one; a bulleted one is a headline
    all_caps = line.words >= 2 and t.isupper() and not _compiled(rules).marks.match(t)
    return all_caps or is_section_label(t, rules)


def headline_proper(line: Line, rules: Rulebook) -> Line:
    """The headline line without a tool's prefix or a glued mark, so no entity is read in them."""
    c = _compiled(rules)
    start, end = 0, len(line.text)
    for m in c.marks.finditer(line.text):
        if m.start() == 0:
            start = m.end()
        elif m.end() == len(line.text):
            end = m.start()
    if (start, end) == (0, len(line.text)) or start >= end:
        return line
    return Line(line.index, line.start + start, line.start + end, line.text[start:end])


def clean_title(text: str, rules: Rulebook) -> str:
    """The headline without a section label, a tool's prefix, a glued mark or view counter."""
    c = _compiled(rules)
    text = c.marks.sub("", text).strip()
    m = c.section_label.match(text)
    if m and len(text) - m.end() > 15:
        text = text[m.end():]
    return _GLUED_COUNTER.sub("", text).strip()


#: how far into a long first line a glued headline may end
_GLUED_HEADLINE_CHARS = 260


def split_glued_headline(line: Line, rules: Rulebook) -> tuple[Line, Line] | None:
    """A first line too long to be a headline that starts with one run into the lead: the
    headline and the rest, or None (rules/chrome.yaml `lead_openers`)."""
    c = _compiled(rules)
    if c.lead_opener is None or line.words <= 48:
        return None
    m = c.lead_opener.search(line.text, 1, _GLUED_HEADLINE_CHARS)
    if not m or line.text[m.start() - 1] != " ":
        return None
    head = line.text[:m.start()].rstrip()
    if head.endswith((".", ",", ":", ";")) or ". " in head:
        return None  # a sentence of the body before the opener, not a headline
    title = Line(line.index, line.start, line.start + len(head), head)
    if not (4 <= title.words and headline_like(title, rules) and not is_banner(title, rules)):
        return None
    return title, Line(line.index + 1, line.start + m.start(), line.end, line.text[m.start():])
