"""Bylines: who wrote the article (rules/byline.yaml).

A byline is a short line of names, with role marks ("Tin, ảnh:", "Thực hiện:") and suffixes
("(TH)") removed; a unit may sign it ("LĐLĐ huyện Bảo Yên"); photo credits and outlet marks
never are authors (RECORD.md, Judgement calls: Page).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex

from ..patterns import alt, compile_ci
from ..rulebook import Rulebook
from .chrome import is_chrome
from .headline import section_label

_NAME_WORD = regex.compile(r"^(?:\p{Lu}\.?){1,3}\p{Lu}?[\p{Ll}\p{Lu}]*\.?$|^\p{Lu}[\p{Ll}]+$|^\p{Lu}[\p{Ll}]*'\p{Lu}?[\p{Ll}]+$")
_DASH = regex.compile(r"\s+-\s+")
_LEADING_BYLINE = regex.compile(r"^((?:\p{Lu}[\p{Lu}.]*\s?){1,4}?)\s*\|\s+\S")


@dataclass(frozen=True)
class _Compiled:
    prefix: regex.Pattern
    suffix: regex.Pattern
    split: regex.Pattern
    not_author: regex.Pattern
    collective_authors: frozenset[str]
    unit_head: regex.Pattern
    degree: regex.Pattern
    unit_lower_words: frozenset[str]


@lru_cache(maxsize=8)
def _compiled(rules: Rulebook) -> _Compiled:
    b = rules.byline
    return _Compiled(
        prefix=compile_ci("^(?:" + "|".join(b.prefixes) + r")\s*"),
        suffix=compile_ci(b.suffix_regex),
        split=regex.compile("|".join(b.author_separators)),
        not_author=compile_ci("^(?:" + "|".join(b.not_authors) + r")$"),
        collective_authors=frozenset(a.casefold() for a in b.collective_authors),
        unit_head=regex.compile("^" + alt(b.unit_heads) + r"(?!\p{L})"),
        degree=regex.compile(r"^(?:" + "|".join(b.degrees) + r")\s*"),
        unit_lower_words=frozenset(w.casefold() for w in b.unit_lower_words),
    )


def name_like(part: str) -> bool:
    words = part.split()
    return 1 <= len(words) <= 5 and all(_NAME_WORD.match(w) for w in words) and not any(ch.isdigit() for ch in part)


def parse_byline(text: str, rules: Rulebook, *, closing: bool) -> list[str] | None:
    """Author names on a byline line, or None when the line is not a byline.

    `closing` is True for the line that ends the article, where a bare name ("Tuấn Bách")
    or a unit ("LĐLĐ huyện Bảo Yên") is a byline; at the top only a marked byline counts
    (a role mark, a bar, or an academic degree: "Nghiên cứu - TS. Lê Văn An - Viện trưởng ...").

    >>> from extractor.rulebook import load_rules
    >>> parse_byline("Th/h: Minh Quang", load_rules(), closing=True)
    ['Minh Quang']
    """
    c = _compiled(rules)
    line = text.strip()
    if len(line) > 110 or is_chrome(line, rules):
        return None
    prefixed = False
    m = c.prefix.match(line)
    if m:
        line, prefixed = line[m.end():], True
    elif " - " in line:
        label = section_label(line, rules)
        if label and c.degree.match(line[label.end():]):
            line = line[label.end():]  # "Nghiên cứu - TS. ..."
    d = c.degree.match(line) if "." in line[:14] or line.startswith("Luật") else None
    degree = d is not None
    if d:
        line = line[d.end():]
    line = c.suffix.sub("", line).strip(" |-.")
    outlet = line.find("/")
    if outlet > 0 and line[outlet + 1:].lstrip()[:1].isupper() and name_like(line[:outlet].strip()):
        line = line[:outlet].strip()  # "T.Hà/Báo Lao Động": the outlet after the bar is no author
    if not line or c.not_author.match(line):
        return None
    if line.casefold() in c.collective_authors:
        return [line]
    if (prefixed or closing) and c.unit_head.match(line) and not text.rstrip().endswith(".") \
            and _unit_name(line.split(), rules, c):
        return [line]
    # "Nguyễn Văn A - CĐVC tỉnh": from the first dash-separated part that holds no name on,
    # the rest is the author's role and is dropped
    kept, role = [], False
    for segment in _DASH.split(line):
        seg_parts = [p.strip(" |.") for p in c.split.split(segment) if p and p.strip(" |.")]
        if kept and not any(name_like(p) for p in seg_parts):
            role = True
            break
        kept.extend(seg_parts)
    names = [p for p in kept if name_like(p)]
    if not names or sum(len(n.split()) for n in names) > rules.byline.max_words:
        return None
    # any other non-name part means this is not a byline
    if len(names) < len(kept) and not (prefixed or role):
        return None
    if not (prefixed or closing or degree or text.rstrip().endswith("|")):
        return None
    return names


def _unit_name(words: list[str], rules: Rulebook, c: _Compiled) -> bool:
    """A unit's name of up to max_words words, or a longer one that reads as a name (no digit,
    every lower-case word part of a capitalised compound or a place/level word)."""
    if len(words) <= rules.byline.max_words:
        return True
    if len(words) > rules.byline.max_unit_words:
        return False
    prev_cap = True  # the unit head opens the line
    for w in words:
        if any(ch.isdigit() for ch in w):
            return False
        cap = w[:1].isupper()
        if not cap and not prev_cap and w.casefold() not in c.unit_lower_words:
            return False
        prev_cap = cap
    return True


def is_unit(names: list[str], rules: Rulebook) -> bool:
    """A byline naming a unit ("LĐLĐ huyện Tân Phú"), not a person."""
    return len(names) == 1 and bool(_compiled(rules).unit_head.match(names[0]))


def leading_byline(text: str) -> str | None:
    """"MINH AN | Sáng 6/5, ...": a byline in capitals leading the first paragraph."""
    m = _LEADING_BYLINE.match(text)
    return m.group(1) if m and name_like(m.group(1)) else None
