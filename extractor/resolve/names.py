"""Organisation names in their fullest form: abbreviations expanded, bare level words completed.

"UBND tỉnh" in an article about Hải Dương -> "Ủy ban nhân dân tỉnh Hải Dương";
"Tổng LĐLĐ Việt Nam" -> "Tổng Liên đoàn Lao động Việt Nam" (RECORD.md, Organization).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex

from ..patterns import alt
from ..rulebook import Rulebook


@dataclass(frozen=True)
class Place:
    """The article's home unit, used to complete "tỉnh" / "thành phố"."""

    name: str
    kind: str  # province | city


_JOINED = regex.compile(r"(?<=\p{Ll})\s*&\s*(?=\p{Lu})")
_GLUED_DOT = regex.compile(r"(?<=(?<!\p{L})(?:TP|Tp)\.)(?=\p{Lu}\p{Ll})")


@dataclass(frozen=True)
class _Compiled:
    abbreviation: regex.Pattern
    expansions: dict[str, str]
    level: regex.Pattern
    trailing_level: regex.Pattern
    completes: dict[str, tuple[str, ...]]
    aliases: dict[str, str]
    province_bodies: frozenset[str]


@lru_cache(maxsize=8)
def _compiled(rules: Rulebook) -> _Compiled:
    o = rules.organizations
    levels = [lv.word for lv in o.levels if not lv.lower_only]  # "Nhật Bản" holds no village "bản"
    return _Compiled(
        abbreviation=regex.compile(rf"(?<![\p{{L}}\p{{N}}]){alt(o.abbreviations)}(?![\p{{L}}\p{{N}}])"),
        expansions=dict(o.abbreviations),
        # a level word names a place ("UBND Thành phố", "LĐLĐ Tỉnh Hải Dương"); before a word in
        # lower case it is a syllable of another word ("Tỉnh ủy", "Quỹ Xã hội"), kept as written
        level=regex.compile(rf"(?<!\p{{L}}){alt(levels)}(?!\p{{L}})(?!(?-i:\s+\p{{Ll}}))", regex.IGNORECASE),
        trailing_level=regex.compile(rf"(?<!\p{{L}})(?P<level>{alt(levels)})\s*$", regex.IGNORECASE),
        completes={lv.word: tuple(lv.completes_with) for lv in o.levels},
        aliases={k.casefold(): v for k, v in o.aliases.items()},
        province_bodies=frozenset(b.casefold() for b in o.province_bodies),
    )


@lru_cache(maxsize=4096)
def expand_name(text: str, rules: Rulebook, place: Place | None = None) -> str:
    """Fullest form of an organisation or position name.

    >>> from extractor.rulebook import load_rules
    >>> expand_name("UBND Tỉnh", load_rules(), Place("Hải Dương", "province"))
    'Ủy ban nhân dân tỉnh Hải Dương'
    """
    c = _compiled(rules)
    name = " ".join(_GLUED_DOT.sub(" ", text.strip(" ,.;:-")).split())  # "TP.Vũng Tàu" -> "TP. Vũng Tàu"
    name = c.abbreviation.sub(lambda m: c.expansions[m.group()], name)
    name = _JOINED.sub(" và ", name)  # "HĐND&UBND" -> "Hội đồng nhân dân và Ủy ban nhân dân"
    # level words inside a name are lower case ("UBND Thành phố"); a leading one ("Tỉnh ủy") is not
    name = c.level.sub(lambda m: m.group().lower() if m.start() else m.group(), name)
    if name.casefold() in c.aliases:
        return c.aliases[name.casefold()]
    if place and name.casefold() in c.province_bodies:
        return f"{name} {place.name}"
    m = c.trailing_level.search(name)
    if m and place and place.kind in c.completes.get(m.group("level").lower(), ()):
        name = f"{name} {place.name}"
    if name and name[0].islower():
        name = name[0].upper() + name[1:]
    return name
