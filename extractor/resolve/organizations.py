"""Organisation mentions into organisations (RECORD.md, Organization).

Names are expanded and completed (resolve/names.py); mentions with one name are one entry.
A short form that only one longer name of the article continues ("Công đoàn Viên chức" beside
"Công đoàn Viên chức tỉnh Hải Dương") joins it. Names seen only inside a person's title make no
entry.
"""
from __future__ import annotations

import itertools
from bisect import bisect_left

import regex

from ..doc import Doc, Span
from .names import Place, expand_name

_GLOSS = regex.compile(r"\s*\(\p{Lu}[\p{Lu}\p{N}&.\-]*\)")
_ABBREVIATION = regex.compile(r"(?<!\p{L})\p{Lu}{2,}[\p{Lu}\p{N}&]*(?!\p{L})")


_CAPITALS = regex.compile(r"(?<!\p{L})\p{Lu}{2,}(?!\p{L})")


def _shouted(name: str) -> int:
    """Words of the name in capitals (abbreviations left after expansion count too: a mention
    that spells a word out in capitals is never preferred to one that does not)."""
    return len(_CAPITALS.findall(name))


_LOOSE = regex.compile(r"(?<=\S)\s+tỉnh(?=\s+\p{L})|(?<=công đoàn)\s+cơ sở(?!\p{L})"
                       r"|(?<=công ty)(?:\s+(?:trách nhiệm hữu hạn|tnhh|cổ phần|cp))?(?:\s+(?:một thành viên|mtv))?(?!\p{L})")


def _loose_key(key: str) -> str:
    """`key` without a "tỉnh" before a place inside the name, without the "cơ sở" of "công
    đoàn cơ sở" and without a company's legal form ("Công ty TNHH một thành viên X" beside
    "Công ty X"): the words one body is written with and without."""
    return _LOOSE.sub("", key)


def org_key(name: str) -> str:
    return " ".join(name.casefold().split())


def resolve_organizations(doc: Doc, spans: list[Span], place: Place | None) -> list[dict]:
    rules = doc.rules
    groups: dict[str, dict] = {}
    # a body is mentioned many times in the same words: read each wording once
    read: dict[str, tuple[str, str, str | None]] = {}
    for sp in spans:
        seen = read.get(sp.value["text"])
        if seen is None:
            written = _GLOSS.sub("", sp.value["text"])
            name = expand_name(written, rules, place)
            abbrs = _ABBREVIATION.findall(written)
            seen = read[sp.value["text"]] = (name, org_key(name), abbrs[0] if abbrs else None)
        name, key, written_abbr = seen
        g = groups.setdefault(key, {"name": name, "mentions": [], "standing": False, "abbreviation": None})
        if name is not g["name"] and _shouted(name) < _shouted(g["name"]):
            g["name"] = name  # "... tỉnh BẾN TRE" of a headline in capitals, then "... tỉnh Bến Tre"
        g["mentions"].append(sp)
        g["standing"] = g["standing"] or not sp.value["in_title"]
        g["abbreviation"] = g["abbreviation"] or sp.value.get("gloss") or written_abbr
    # one body written with and without its level word or "cơ sở" ("Công đoàn ngành Giáo dục
    # Yên Bái" beside "... tỉnh Yên Bái"): one entry, under its fullest name
    by_loose: dict[str, str] = {}
    for k in sorted(groups, key=len, reverse=True):
        loose = _loose_key(k)
        if loose in by_loose:
            target = groups[by_loose[loose]]
            target["mentions"].extend(groups[k]["mentions"])
            target["standing"] = target["standing"] or groups[k]["standing"]
            target["abbreviation"] = target["abbreviation"] or groups[k]["abbreviation"]
            del groups[k]
        else:
            by_loose[loose] = k
    # a short form continued by exactly one longer name joins it; names continuing `k` are
    # neighbours in sorted order (no longer name is merged away before its shorter forms)
    ordered = sorted(groups)
    keys = sorted(groups, key=len)
    for k in keys:
        doc.budget.spend(1)
        prefix = k + " "
        i = bisect_left(ordered, prefix)
        longer = list(itertools.takewhile(lambda o: o.startswith(prefix), ordered[i:i + 2]))
        if len(longer) == 1 and not any(ch.isupper() for ch in k[-1:]):
            target = groups[longer[0]]
            target["mentions"].extend(groups[k]["mentions"])
            target["standing"] = target["standing"] or groups[k]["standing"]
            del groups[k]
    out = []
    for g in groups.values():
        if not g["standing"]:
            continue
        g["mentions"].sort(key=lambda s: s.start)
        out.append(g)
    out.sort(key=lambda g: g["mentions"][0].start)
    return out
