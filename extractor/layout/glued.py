"""A page whose line breaks were all lost: its first line holds the menu, the headline, the
dateline, the article, the closing byline and the related list (rules/chrome.yaml
`glued_datelines`, `glued_menus`, `glued_tail_markers`). Split into the lines the page had, so
the layout step reads them as it reads any page.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex

from ..patterns import alt, compile_ci
from ..rulebook import Rulebook
from .byline import parse_byline
from .headline import headline_like, is_banner
from .lines import Line

#: how far into the line the dateline may stand: a menu and a headline before it
_GLUED_DATELINE_CHARS = 420
#: the longest closing byline after the last sentence, in words
_BYLINE_WORDS = 8


@dataclass(frozen=True)
class _Compiled:
    dateline: regex.Pattern | None
    menu: regex.Pattern | None
    label: regex.Pattern
    tail: regex.Pattern | None


def _either(rules) -> regex.Pattern | None:
    return compile_ci("|".join(f"(?:{r.regex})" for r in rules)) if rules else None


@lru_cache(maxsize=8)
def _compiled(rules: Rulebook) -> _Compiled:
    c = rules.chrome
    labels = sorted(c.section_labels, key=len, reverse=True)
    return _Compiled(dateline=_either(c.glued_datelines), menu=_either(c.glued_menus),
                     label=regex.compile(rf"{alt(labels)}\s+", regex.IGNORECASE), tail=_either(c.glued_tail_markers))


def split_glued_page(line: Line, rules: Rulebook) -> list[Line] | None:
    """The lines of a first line too long to be a headline that runs a headline into a glued
    dateline ("... người lao độngThứ Hai, 12/9/2023 - 09:15Sáng 10/9, ..."), renumbered from
    the line's index; None when it holds no such dateline or what stands before it is no headline."""
    c = _compiled(rules)
    text = line.text
    if c.dateline is None or line.words <= 48:
        return None
    d = c.dateline.search(text, 1, _GLUED_DATELINE_CHARS)
    if not d:
        return None
    pieces: list[tuple[int, int]] = []
    head = 0
    menu = c.menu.match(text, 0, d.start()) if c.menu is not None else None
    if menu:
        head = menu.end()
        while (label := c.label.match(text, head, d.start())) is not None:
            head = label.end()  # "Trang chủ Tin tức Thời sự": the menu's items are section labels
        pieces.append((0, head))
    title = text[head:d.start()].strip()
    probe = Line(line.index, 0, len(title), title)
    if not (4 <= probe.words and headline_like(probe, rules) and not is_banner(probe, rules)):
        return None
    pieces += [(head, d.start()), (d.start(), d.end())]
    body_end = len(text)
    tail = c.tail.search(text, d.end()) if c.tail is not None else None
    if tail:
        body_end = tail.start()
    # the closing byline after the body's last sentence ("... tập thể. Minh Anh - Thu Hà")
    stop = text.rfind(". ", d.end(), body_end)
    signed = text[stop + 2:body_end].strip() if stop >= 0 else ""
    if signed and signed.count(" ") < _BYLINE_WORDS and parse_byline(signed, rules, closing=True):
        pieces += [(d.end(), stop + 1), (stop + 2, body_end)]
    else:
        pieces.append((d.end(), body_end))
    if tail:
        pieces += [(tail.start(), tail.end()), (tail.end(), len(text))]
    out: list[Line] = []
    for s, e in pieces:
        part = text[s:e]
        stripped = part.strip()
        if not stripped:
            continue
        s += len(part) - len(part.lstrip())
        out.append(Line(line.index + len(out), line.start + s, line.start + s + len(stripped), stripped))
    return out
