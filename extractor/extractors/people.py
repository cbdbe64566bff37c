"""People: find_people(doc) -> list[Span].

A name is a run of capitalised words (with "H'", "K'" and single-letter "Y" parts of minority
names). It is a person's name when a cue stands before it (an honorific "đồng chí", "bà",
"PGS.TS."; or a position "Chủ tịch UBND tỉnh"), when a title follows it ("Vũ Minh Dũng -
Ủy viên ..."), or when it starts with a surname from rules/people.yaml. Short mentions
("bà Bình") are kept as such; resolve/people.py joins them to the full name.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick
import regex

from ..doc import Doc, Span
from ..patterns import PhraseMatcher, SpanIndex, alt, anchored, skip_blanks
from ..rulebook import Rulebook

_NAME_WORD = r"(?:\p{Lu}'\p{Lu}?[\p{Ll}]+|\p{Lu}[\p{Ll}]*)"
# Runs of two or more capitalised words; one-word mentions ("bà Bình") are looked up later
# (never from inside a word: "PGS.TS Đỗ Minh Cương" is no run "S Đỗ Minh Cương")
# ("Phạm thị Lụa": the middle name "thị" typed in lower case between capitalised words)
_NAME = regex.compile(rf"(?<![\p{{L}}\p{{N}}.']){_NAME_WORD}(?:[ \t]+(?:{_NAME_WORD}|thị(?=[ \t]+\p{{Lu}}))){{1,5}}")
_WORD_SPAN = regex.compile(r"\S+")
_TITLE_SPLIT = regex.compile(r",\s*(?=\p{Lu})")
_LOWER_TAIL = anchored(r"[ \t]+(\p{Ll}+)(?=\s*[,.;:)]|\s+-\s|\s*$)")
_NEXT_SYLLABLE = anchored(r"[ \t]+(\p{Ll}+)(?![\p{L}\p{N}])")
_TITLE_SEP = anchored(r"\s*(?:-|,|:|\()\s*")


@dataclass(frozen=True)
class _Compiled:
    surnames: frozenset[str]
    title_start: PhraseMatcher
    not_name: frozenset[str]
    not_after: regex.Pattern
    honorifics: frozenset[str]
    degree_parts: frozenset[str]
    not_names: frozenset[str]
    title_end: regex.Pattern
    words: frozenset[str]


@lru_cache(maxsize=8)
def _compiled(rules: Rulebook) -> _Compiled:
    p = rules.people
    return _Compiled(
        surnames=frozenset(p.surnames),
        title_start=PhraseMatcher(p.titles),
        not_name=frozenset(p.not_name_words),
        not_after=regex.compile(rf"(?r)(?<!\p{{L}}){alt(p.not_after)}\s+$"),
        honorifics=frozenset(h.lower() for h in p.honorifics),
        degree_parts=frozenset(p.degree_parts),
        title_end=regex.compile(rf"[;.\n]|\s-\s|,\s*(?={alt(p.list_honorifics)}\s)|\s(?={alt(p.title_stop_verbs)}(?!\p{{L}}))"),
        not_names=frozenset(p.not_names),
        words=rules.words,
    )


def vocabularies(rules: Rulebook) -> dict[str, list[str]]:
    return {"people.title": rules.people.titles}


def _trim(text: str, start: int, end: int, c: _Compiled) -> int:
    """Cut a capitalised run where a multi-word title ("Phó Chủ tịch") starts."""
    if not any(c.title_start.could_start(w) for w in text[start:end].split()[1:]):
        return end  # the common case: no word of the run can begin a title
    pos = start
    first = True
    for w in _WORD_SPAN.finditer(text, start, end):
        ws = w.start()
        if not first:
            t = c.title_start.match(text, ws, w.group())
            if t and t.end() > w.end():
                return pos
        pos = w.end()
        first = False
    return pos


# a title with no stop is cut at `_TITLE_REACH` characters; its stop is looked for no further
# than `_TITLE_STOP_REACH` (without a bound every person on a long line reads to its end)
_TITLE_REACH = 160
_TITLE_STOP_REACH = 1000


def _titles_after(text: str, end: int, c: _Compiled) -> list[str]:
    sep = _TITLE_SEP.match(text, end)
    pos = sep.end() if sep else skip_blanks(text, end)
    if not c.title_start.match(text, pos):
        return []
    stop = c.title_end.search(text, pos, pos + _TITLE_STOP_REACH)
    phrase = text[pos: stop.start() if stop else min(len(text), pos + _TITLE_REACH)].strip(" ,)")
    return [t.strip() for t in _TITLE_SPLIT.split(phrase) if t.strip()]


def _back(text: str, pos: int) -> int:
    """Index just after the last non-space character before `pos`."""
    while pos > 0 and text[pos - 1] in " \t":
        pos -= 1
    return pos


def _starts_with_surname(words: list[str], c: _Compiled) -> bool:
    """The name begins with a surname: its first word, a minority-name prefix glued by an
    apostrophe ("H'Hen", "K'Ré"), or a two-word surname ("Rơ Châm", "Rah Lan")."""
    first = words[0]
    return first in c.surnames or (len(first) > 2 and first[1] == "'" and first[:2] in c.surnames) \
        or " ".join(words[:2]) in c.surnames


def _honorific_before(text: str, pos: int, c: _Compiled) -> str | None:
    """The honorific ending right before `pos` ("đồng chí", "PGS.TS.", "bà"), if any.

    Honorifics are short, common syllables ("ông" is inside "công"); looking up the one to
    three words before each capitalised run is cheaper than scanning the text for them.
    """
    words = text[max(0, pos - 30):pos].rstrip(" \t:").split()
    for n in (3, 2, 1):
        if len(words) >= n:
            cue = " ".join(words[-n:])
            if cue.lower() in c.honorifics:
                return cue
    if words and _degree_chain(words[-1], c):
        return words[-1]
    if len(words) >= 2 and words[-1] in ("I", "II") and _degree_chain(words[-2] + words[-1], c):
        return " ".join(words[-2:])  # "BS.CK II"
    return None


def _degree_chain(word: str, c: _Compiled) -> bool:
    """A word made only of degree parts joined by dots ("BS.CKII", "ThS.BS.", "PGS.TS.BS")."""
    parts = word.rstrip(".").split(".")
    return all(part in c.degree_parts for part in parts)


def _after_taken(text: str, s: int, e: int, taken: list[tuple[int, int]], starts: list[int]) -> int:
    """The first word start after the place or organisation mentions that overlap [s, e)."""
    i = bisect_right(starts, e)
    end = max((te for ts, te in taken[max(0, i - 8):i] if s < te and ts < e), default=s)
    while end < e and not text[end].isalpha():
        end += 1
    return end


def _occurrences(text: str, words: set[str]) -> list[tuple[int, int, str]]:
    """(start, end, word) of every occurrence of `words` in `text`, as `str.find` from the
    end of the last occurrence of the same word would list them (by end)."""
    if not words:
        return []
    automaton = ahocorasick.Automaton()
    for w in words:
        automaton.add_word(w, w)
    automaton.make_automaton()
    out: list[tuple[int, int, str]] = []
    last_end: dict[str, int] = {}
    for end_index, w in automaton.iter(text):
        end = end_index + 1
        start = end - len(w)
        if start >= last_end.get(w, 0):
            out.append((start, end, w))
            last_end[w] = end
    return out


def find_people(doc: Doc) -> list[Span]:
    """Person-name mentions in the body, with the titles written beside them.

    >>> from extractor.pipeline import make_doc
    >>> [s.value["name"] for s in find_people(make_doc("Về dự có đồng chí Vũ Minh Dũng - Ủy viên Ban Thường vụ."))]
    ['Vũ Minh Dũng']
    """
    c = _compiled(doc.rules)
    text = doc.body
    taken = sorted((s.start, s.end) for fam in ("organizations", "locations") for s in doc.spans.get(fam, []))
    # a name the article also writes after a level word ("huyện Lâm Thao") is a place there too
    places = {s.value["name"] for s in doc.spans.get("locations", [])} | c.not_names
    org_ending = {s.end: s for s in doc.spans.get("organizations", [])}
    title_ending: dict[int, object] = {}
    for h in doc.hits.get("people.title"):  # the longest title ending at each place: "Phó Chủ tịch", not "Chủ tịch"
        if doc.in_body(h) and (h.end not in title_ending or h.start < title_ending[h.end].start):
            title_ending[h.end] = h
    spans: list[Span] = []

    starts = [t[0] for t in taken]

    def free(s: int, e: int) -> bool:
        i = bisect_right(starts, e)  # only spans starting before `e` can overlap
        for _, te in taken[max(0, i - 8):i]:
            if s < te:
                return False
        return True

    spend = doc.budget.spend
    for m in _NAME.finditer(text):
        spend(1)
        s, e = m.span()
        words = m.group().split()
        # a capitalised honorific opens the run at a sentence start ("Ông Lý Văn Chân")
        first = words[0].lower()
        lead = 2 if len(words) > 2 and f"{first} {words[1].lower()}" in c.honorifics else int(first in c.honorifics)
        if lead:
            s = m.start() + len(" ".join(words[:lead])) + (m.group()[len(" ".join(words[:lead])):].find(words[lead]))
            words = words[lead:]
        if len(words) == 1:
            continue  # "Ông Bình": a short mention, looked up below
        e = _trim(text, s, e, c)
        words = text[s:e].split()
        if words and not free(s, e):
            # "Bí thư Tỉnh ủy Bình Phước | Trần Văn Hòa": a place or body, then a person
            s = _after_taken(text, s, e, taken, starts)
            words = text[s:e].split()
            if len(words) < 2 or not _starts_with_surname(words, c) or not free(s, e):
                continue
        if not words or text[s:e] in places or " ".join(words[:2]) in c.not_names:
            continue
        rule, cue, titles = None, None, []
        honorific = " ".join(m.group().split()[:lead]) if lead else _honorific_before(text, s, c)
        if honorific:
            rule, cue = "people.honorific_cue", honorific
        else:
            # "Chủ tịch | Nguyễn Văn A" or "Chủ tịch | UBND tỉnh | Nguyễn Văn A"
            at = _back(text, s)
            org = org_ending.get(at)
            title = title_ending.get(_back(text, org.start) if org else at)
            if title is not None and (len(words) >= 3 or _starts_with_surname(words, c)) and len(words) >= 2:
                rule, cue = "people.title_cue", text[title.start:title.end]
                titles = [text[title.start:at].strip(" ,")]
        if rule is None:
            if len(words) < 2 or not _starts_with_surname(words, c):
                continue
            if len(words) == 2 and (tail := _NEXT_SYLLABLE.match(text, e)) \
                    and f"{words[-1].lower()} {tail.group(1)}" in c.words:
                continue  # "Đoàn Thanh | niên": with no cue, two words whose last begins a lower-case word
            before = text[max(0, s - 3):s].rstrip()[-1:]
            if c.not_after.search(text, max(0, s - 40), s) or before == '"' or (
                    before.isdigit() and _back(text, s) not in org_ending):  # "May 10 | Thân Đức Việt" is a person
                continue  # a street, school or prize named after someone; "118 Ngô Quyền"; giải "Lý Tự Trọng"
            rule = "people.surname"
        if rule == "people.honorific_cue" and len(words) >= 2 and _starts_with_surname(words, c):
            tail = _LOWER_TAIL.match(text, e)  # "Nguyễn Văn an": a name typed in lower case
            if tail and tail.group(1) not in c.not_name and len(tail.group(1)) <= 5:
                e = tail.end()
        name = text[s:e]
        spans.append(Span("people", s, e, rule, {"name": name, "titles": titles + _titles_after(text, e, c),
                                                 "cue": cue, "short": " " not in name}))
    # short mentions: a full name's last word after an honorific ("bà Bình", "ông Chúc"),
    # all given names found in one pass of an automaton, not one scan of the text per name
    full = SpanIndex((sp.start, sp.end) for sp in spans)
    for pos, end, given in _occurrences(text, {sp.value["name"].split()[-1] for sp in spans}):
        spend(1)
        alone = (end == len(text) or not text[end].isalpha()) and (pos == 0 or not text[pos - 1].isalpha())
        if alone and not full.overlaps(pos, pos + 1):
            cue = _honorific_before(text, pos, c)
            if cue:
                spans.append(Span("people", pos, end, "people.honorific_cue",
                                  {"name": given, "titles": [], "cue": cue, "short": True}))
    spans.sort(key=lambda sp: sp.start)
    return spans
