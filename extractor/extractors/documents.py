"""Numbered documents: find_documents(doc) -> list[Span] (one span per mention).

Symbols in the three conventions (state 30/2020/NĐ-CP, Party 02-NQ/TW, union 09/NQ-CĐVC),
their mixtures and spacing variants, official letters, and bare references ("Chỉ thị số 05").
What follows a symbol in the sentence gives `issued_on`, `issuer` and `title`.
resolve/documents.py merges the mentions into documents.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex

from ..calendar import full_year, iso_day
from ..doc import Doc, Span
from ..patterns import Claimed, alt, anchored, windows
from ..rulebook import Rulebook

_SERIAL = r"(?:(?<=[Ss]ố)|(?<![\p{L}\p{N}/.\-]))(?P<serial>\d{1,5}[a-zđ]?)"
_ISS = r"\p{Lu}[\p{L}\p{N}]{0,11}(?:\.\p{Lu}[\p{L}\p{N}]{0,5})*(?![\p{L}\p{N}])"
_ISSS = rf"{_ISS}(?:-{_ISS})*"
_SL = r"\s?/\s?"
_DA = r"\s?-\s?"


@dataclass(frozen=True)
class _Compiled:
    patterns: list[tuple[str, regex.Pattern]]
    cue_before: regex.Pattern        # type word or code right before a symbol
    law_cue_before: regex.Pattern    # "Luật Công đoàn số" before a law symbol
    letter_cue_before: regex.Pattern  # "Công văn số" before an official letter
    bare_after: regex.Pattern        # "[số] 05" right after a type word
    tail_date: regex.Pattern
    tail_issuer: regex.Pattern
    tail_title: regex.Pattern
    code_of: dict[str, str]          # case-folded code -> table code
    code_of_word: dict[str, str]     # case-folded type word -> code


def fold(code: str) -> str:
    """Key for comparing codes across spellings: case-folded, Đ as D."""
    return code.casefold().replace("đ", "d")


@lru_cache(maxsize=8)
def _compiled(rules: Rulebook) -> _Compiled:
    # Every pattern starts at the serial number, so the scan is cheap; the type word before
    # a symbol is read afterwards by looking back from the match (`*_cue_before`).
    r = rules.documents
    codes = [t.code for t in r.types]
    words = [w for t in r.types for w in t.words]
    so = alt(r.number_words)
    type_code = rf"(?i:{alt(codes)})"
    src = {
        "documents.state_symbol": rf"{_SERIAL}{_SL}(?P<year>(?:19|20)\d{{2}})(?:{_SL}|{_DA})(?P<type>{type_code}){_DA}(?P<issuer>{_ISSS})",
        "documents.law_symbol": rf"{_SERIAL}{_SL}(?P<year>(?:19|20)\d{{2}}){_SL}(?P<issuer>(?:UBTV)?QH\d{{1,2}})(?![\p{{L}}\p{{N}}])",
        # only after "Công văn số" (the cue is required): the issuer alone, or with its department
        "documents.official_letter": rf"{_SERIAL}{_SL}(?!{type_code}{_DA})(?P<issuer>{_ISS}(?:-{_ISS})*)",
        "documents.union_symbol": rf"{_SERIAL}{_SL}(?P<type>{type_code}){_DA}(?P<issuer>{_ISSS})",
        "documents.party_symbol": rf"{_SERIAL}{_DA}(?P<type>{type_code}){_SL}(?P<issuer>{_ISSS})",
    }
    declared = {p.id for p in r.patterns}
    if declared != set(src) | {"documents.bare_reference"}:
        raise ValueError("documents patterns out of step with rules/documents.yaml")
    cue_tail = rf"\s+(?:(?i:{so})\s*:?\s*)?$"
    g, w = r.grammar, rules.dates.words
    day, month, year = alt(w.day), alt(w.month), alt(w.year)
    date = (rf"(?:(?P<d>\d{{1,2}})[/.\-](?P<m>\d{{1,2}})[/.\-](?P<y>\d{{4}})"
            rf"|(?P<d2>\d{{1,2}})\s+{month}\s+(?P<m2>\d{{1,2}})\s+{year}\s+(?P<y2>\d{{4}}))")
    stop = rf"(?=\s+{alt(g.issuer_stops)}(?!\p{{L}})|\s*[,;:.()\"\n]|\s+-\s|$)"
    return _Compiled(
        patterns=[(pid, regex.compile(body)) for pid, body in src.items()],
        # the cues end where the symbol starts: searched backwards ((?r)) from there
        cue_before=regex.compile(rf"(?r)(?<![\p{{L}}])(?P<tw>(?i:{alt(words)})|{type_code}){cue_tail}"),
        law_cue_before=regex.compile(
            rf"(?r)(?<![\p{{L}}])(?P<tw>(?i:{alt(g.law_words)}))(?:\s+\p{{Lu}}[\p{{L}}]*(?:\s+[\p{{L}}]+){{0,6}}?)?{cue_tail}"),
        letter_cue_before=regex.compile(rf"(?r)(?<![\p{{L}}])(?P<tw>(?i:{alt(g.letter_words)}))\s+(?i:{so})\s*:?\s*$"),
        bare_after=anchored(
            rf"\s+(?:(?i:{so})\s*:?\s*)?(?P<serial>\d{{1,5}}[a-zđ]?)(?!\s?[/\-.]\s?[\p{{L}}\p{{N}}]|[\p{{L}}\p{{N}}])"
            rf"(?!\s+(?i:{alt(r.not_a_number_before)})(?!\p{{L}}))"),
        tail_date=anchored(rf"\s*,?\s*(?:{alt(g.issued)}\s+)*{day}\s+{date}", regex.IGNORECASE),
        tail_issuer=anchored(rf"\s*,?\s*{alt(g.issuer)}\s+(?P<issuer>[\p{{Lu}}][^\n,;:()\"]{{1,120}}?){stop}"),
        tail_title=anchored(rf"\s*,?\s*(?P<title>{alt(g.title)}\s+(?:\"[^\"\n]{{3,220}}\"|[^;.\n\"]{{3,220}}))", regex.IGNORECASE),
        code_of={c.casefold(): c for c in codes},
        code_of_word={w.casefold(): t.code for t in r.types for w in t.words},
    )


_LOOKBACK = 90
# Every symbol holds a number joined to a code or a number by "/" or "-"; patterns only run
# in windows around these.
_ANCHOR = regex.compile(r"\d[a-zđ]?\s?[/\-]\s?[\p{L}\d]")


class _BareCue:
    """The type word found by the lexicon before a bare number, shaped like a cue match."""

    def __init__(self, start: int, word: str):
        self._start, self._word = start, word

    def start(self) -> int:
        return self._start

    def group(self, _name: str) -> str:
        return self._word


def _tail(text: str, pos: int, c: _Compiled) -> tuple[dict, int]:
    """issued_on / issuer / title from the words after a mention, in any order."""
    found: dict = {}
    for _ in range(3):
        m = c.tail_date.match(text, pos)
        if m and "issued_on" not in found:
            d, mo, y = (m.group("d") or m.group("d2")), (m.group("m") or m.group("m2")), (m.group("y") or m.group("y2"))
            found["issued_on"] = iso_day(int(y), int(mo), int(d))
            pos = m.end()
            continue
        m = c.tail_issuer.match(text, pos)
        if m and "issuer" not in found and len(m.group("issuer").split()) <= 14:
            found["issuer"] = m.group("issuer").strip()
            pos = m.end()
            continue
        m = c.tail_title.match(text, pos)
        if m and "title" not in found:
            found["title"] = m.group("title").strip()
            pos = m.end()
            break
        break
    return found, pos


def _clean_number(s: str) -> str:
    return "".join(s.split()).upper()


def _cue(pattern: regex.Pattern, text: str, start: int) -> regex.Match | None:
    """The cue ending right at `start` ("Nghị quyết số "), if any."""
    return pattern.search(text, max(0, start - _LOOKBACK), start)


def find_documents(doc: Doc) -> list[Span]:
    """Every document mention in headline and body.

    >>> from extractor.pipeline import make_doc
    >>> [s.value["number"] for s in find_documents(make_doc("thực hiện Nghị quyết số 09/NQ-CĐVC về"))]
    ['09/NQ-CĐVC']
    """
    c = _compiled(doc.rules)
    text = doc.content
    taken = Claimed()
    spans = []
    spend = doc.budget.spend

    def add(pid: str, s: int, e: int, g: dict, cue: regex.Match | None) -> None:
        tw = cue.group("tw") if cue else None
        word_code = (c.code_of_word.get(tw.casefold()) or c.code_of.get(tw.casefold())) if tw else None
        if pid == "documents.bare_reference":
            number, type_code = g["serial"], word_code
        elif pid == "documents.official_letter":
            number, type_code = _clean_number(text[s:e]), "CV"
        else:
            number = _clean_number(text[s:e])
            type_code = c.code_of.get(g["type"].casefold()) if g.get("type") else None
        value = {
            "number": number,
            "type_code": type_code,
            "word_code": word_code,
            "type_word": tw,
            "serial": g["serial"],
            "year": int(g["year"]) if g.get("year") else None,
            "issuer_code": "".join(g["issuer"].split()) if g.get("issuer") else None,
            "party": pid == "documents.party_symbol",
            "bare": pid == "documents.bare_reference",
        }
        tail, _ = _tail(text, e, c)
        value.update(tail)
        start = cue.start() if cue else s
        taken.claim(s, e)
        spans.append(Span("documents", start, e, pid, value))

    around = windows(text, _ANCHOR, 8, 40)
    for pid, pat in c.patterns:
        taken.end_pass()
        for m in (m for ws, we in around for m in pat.finditer(text, ws, we)):
            spend(1)
            s, e = m.span()
            if taken.overlaps(s, e):
                continue
            if pid == "documents.official_letter":
                cue = _cue(c.letter_cue_before, text, s)
                if not cue:
                    continue
            elif pid == "documents.law_symbol":
                cue = _cue(c.law_cue_before, text, s)
            else:
                cue = _cue(c.cue_before, text, s)
            add(pid, s, e, m.groupdict(), cue)
    taken.end_pass()
    for h in doc.hits.get("documents.bare_word"):
        spend(1)
        # the content check first: the pattern's leading \s+ would otherwise run on across
        # every blanked chrome line after a hit inside them
        if not doc.in_content(h):
            continue
        m = c.bare_after.match(text, h.end)
        if not m:
            continue
        s, e = m.start("serial"), m.end()
        if taken.overlaps(s, e):
            continue
        add("documents.bare_reference", s, e, m.groupdict(), _BareCue(h.start, text[h.start:h.end]))
    spans.sort(key=lambda sp: sp.start)
    return spans


def vocabularies(rules: Rulebook) -> dict[str, list[str]]:
    return {"documents.bare_word": [w for t in rules.documents.types if t.bare for w in t.words]}
