"""Organisations: find_organizations(doc) -> list[Span].

A name starts at a head phrase from rules/organizations.yaml ("Liên đoàn Lao động", "UBND",
"Sở", "Công ty") found by the lexicon, and runs on over capitalised words, level words with
their place ("tỉnh Hải Dương"), the lower-case words names carry ("cơ sở", "các cơ quan") and
"(ABBR)" glosses. A head with nothing after it is generic ("các công đoàn cơ sở") unless it
names one body by itself ("Quốc hội"). A name inside a person's title is marked so that it
adds no entry on its own.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import regex

from ..doc import Doc, Span
from ..lexicon import Hit, longest
from ..patterns import PhraseMatcher, alt, anchored, letter_run, skip_blanks
from ..rulebook import OrgHead, Rulebook

_TOKEN = anchored(r"[ \t]+(?P<w>\(\p{Lu}[\p{Lu}\p{N}&.\-]*\)|[\p{L}\p{N}][\p{L}\p{N}'&]*(?:[-&.][\p{Lu}\p{N}]+(?!\p{Ll}))*|-(?=\s))")
# a place glued to an abbreviated level word by its dot ("TP.Vũng Tàu")
_GLUED_PLACE = anchored(r"\p{Lu}\p{Ll}*(?:[ \t]+\p{Lu}\p{Ll}*){0,3}")
_MAX_TOKENS = 14


@dataclass(frozen=True)
class _Compiled:
    head_of: dict[str, OrgHead]
    levels: frozenset[str]
    lower_only_levels: frozenset[str]
    small_levels: frozenset[str]  # communes and below: their names are rarely in a list of places
    inner: PhraseMatcher
    generic_before: regex.Pattern
    generic_after: regex.Pattern
    surnames: frozenset[str]
    title: PhraseMatcher
    domain: PhraseMatcher
    list_next: regex.Pattern
    two_word_levels: PhraseMatcher
    time_units: frozenset[str]
    named_after: PhraseMatcher
    plural_after: regex.Pattern
    lowercase_heads: frozenset[str]
    short_forms: frozenset[str]
    short_form_not_before: regex.Pattern
    regional_plural: regex.Pattern
    regional_words: tuple[str, ...]   # a cheap test before `regional_plural`
    affiliation_before: regex.Pattern
    not_acting_before: regex.Pattern
    words: frozenset[str]          # Vietnamese words of 2-4 syllables (rules/words.txt)
    list_heads: frozenset[str]
    reference_after: regex.Pattern  # "nhà trường" right after a head
    references: dict[str, str]      # reference word -> the short form of the body it means
    level_before: regex.Pattern    # a level word in lower case right before a head
    free_name_heads: frozenset[str]
    attendance: regex.Pattern      # an attendance cue in the sentence before an organ
    list_item: tuple[regex.Pattern, regex.Pattern]  # a list mark before, and after, an organ
    level_heads: dict[str, str]
    ends_before: PhraseMatcher     # predicate words: in capitals, where a name ends
    # cheap necessary conditions, checked before the regexes they guard


@lru_cache(maxsize=8)
def _compiled(rules: Rulebook) -> _Compiled:
    o = rules.organizations
    return _Compiled(
        head_of={w.lower(): h for h in o.heads for w in h.words},
        levels=frozenset(lv.word.lower() for lv in o.levels) | {"tp", "tp.", "tp"},
        lower_only_levels=frozenset(lv.word.lower() for lv in o.levels if lv.lower_only),
        small_levels=frozenset({"xã", "phường", "thị trấn"}) | frozenset(lv.word.lower() for lv in o.levels if lv.lower_only),
        inner=PhraseMatcher(o.inner_words, ignore_case=True),
        generic_before=regex.compile(rf"(?r)(?<!\p{{L}}){alt(o.generic_before)}\s+$", regex.IGNORECASE),
        generic_after=anchored(rf"\s+{alt(o.generic_after)}(?!\p{{L}})", regex.IGNORECASE),
        surnames=frozenset(rules.people.surnames),
        title=PhraseMatcher(rules.people.titles),
        domain=PhraseMatcher(o.domains, ignore_case=True),
        # "HĐND, UBND tỉnh": a bare head in a list takes the level word the list ends with
        list_next=anchored(rf"\s*(?:,|{alt(o.list_joiners)})\s*(?=\p{{Lu}})"),
        two_word_levels=PhraseMatcher((lv.word for lv in o.levels if " " in lv.word), ignore_case=True),
        time_units=frozenset(o.time_units),
        named_after=PhraseMatcher(o.named_after),
        regional_words=tuple(f" {w}" for w in o.regional_words),
        regional_plural=regex.compile(rf"(?<!\p{{L}})(?:tỉnh|thành phố)\s+{alt(o.regional_words)}(?!\p{{L}})", regex.IGNORECASE),
        affiliation_before=regex.compile(rf"(?r)(?<!\p{{L}}){alt(o.affiliation_before)}\s+$", regex.IGNORECASE),
        lowercase_heads=frozenset(w.lower() for w in o.lowercase_heads),
        plural_after=regex.compile(r"\s+(?:các|những)(?!\p{L})", regex.IGNORECASE),
        not_acting_before=regex.compile(rf"(?r)(?<!\p{{L}}){alt(o.organ_not_acting_before)}\s+$", regex.IGNORECASE),
        short_forms=frozenset(w.lower() for w in o.short_forms),
        short_form_not_before=anchored(rf"\s+{alt(o.short_form_not_before)}(?!\p{{L}})", regex.IGNORECASE),
        words=rules.words,
        list_heads=frozenset(w.lower() for w in o.list_heads),
        reference_after=anchored(rf"[ \t]+(?P<ref>(?-i:{alt(o.references)}))(?!\p{{L}})") if o.references else anchored(r"(?!)"),
        references={k: v.lower() for k, v in o.references.items()},
        level_before=regex.compile(rf"(?r)(?<!\p{{L}})(?-i:{alt(lv.word for lv in o.levels)})[ \t]+$"),
        free_name_heads=frozenset(w.lower() for w in o.free_name_heads),
        attendance=regex.compile(rf"(?<!\p{{L}}){alt(o.attendance_cues)}(?!\p{{L}})", regex.IGNORECASE),
        list_item=(regex.compile(rf"(?r)(?:(?<!\p{{L}}){alt(w for w in o.list_item_before if w[0].isalpha())}"
                                 rf"|{alt(w for w in o.list_item_before if not w[0].isalpha())})\s*$", regex.IGNORECASE),
                   anchored(rf"\s*{alt(o.list_item_after)}(?!\p{{L}})", regex.IGNORECASE)),
        level_heads={k.lower(): v.lower() for k, v in o.level_heads.items()},
        ends_before=PhraseMatcher(o.name_ends_before, ignore_case=True),
    )


def vocabularies(rules: Rulebook) -> dict[str, list[str]]:
    o = rules.organizations
    return {"organizations.head": [w for h in o.heads for w in h.words], "organizations.not_head": o.not_heads}


def _capitalized(word: str) -> bool:
    return word[0].isupper() or word[0].isdigit()


_LOWER_WORD = anchored(r"[ \t]+(\p{Ll}+)(?![\p{L}\p{N}])")


def _word_end(text: str, ws: int, w: str, words: frozenset[str]) -> int | None:
    """End of the longest listed word of 2-4 syllables that starts with the capitalised
    syllable `w` at `ws` and goes on in lower case ("Khuyến | học", "Xã | hội"), or None."""
    key, pos, best = w.lower(), ws + len(w), None
    for _ in range(3):
        m = _LOWER_WORD.match(text, pos)
        if not m:
            break
        key, pos = f"{key} {m.group(1)}", m.end()
        if key in words:
            best = pos
    return best


_SYLLABLE_BEFORE = regex.compile(r"(?r)(\p{L}+)[ \t]+$")


def _ends_a_word(lower: str, pos: int, words: frozenset[str]) -> bool:
    """Whether the syllable at `pos` ends a word begun by the syllable before it ("công | đoàn
    Khối ...": no head "Đoàn Khối" there)."""
    before = _SYLLABLE_BEFORE.search(lower, max(0, pos - 12), pos)
    if not before:
        return False
    m = _LOWER_WORD.match(" " + lower[pos:pos + 10])
    return bool(m) and f"{before.group(1)} {m.group(1)}" in words


def _surname_at(text: str, m: regex.Match, c: _Compiled) -> bool:
    """The token `m` is a surname, or the first word of a two-word one ("Rơ Châm", "Rah Lan")."""
    w = m.group("w")
    if w in c.surnames:
        return True
    nxt = _TOKEN.match(text, m.end())
    return bool(nxt) and f"{w} {nxt.group('w')}" in c.surnames


def _free_words(text: str, m: regex.Match, c: _Compiled, head_hits: dict[int, Hit]) -> int | None:
    """End of up to three lower-case words from `m` that a company's name goes on with, when a
    capitalised word follows them ("Công ty Mỏ | tuyển đồng | Sin Quyền", "Công ty TNHH Chế
    biến | lâm sản | Hoàng Phát"); None when one of them ends a name or none follows."""
    pos = m.start()
    for _ in range(3):
        t = _TOKEN.match(text, pos)
        if not t:
            return None
        w, ws = t.group("w"), t.start("w")
        if w[0].isdigit():
            return None  # "... hôm 14/3": a date, not the company's proper name
        if _capitalized(w):
            if pos == m.start() or ws in head_hits or c.title.match(text, ws, w) or w.lower() in c.levels:
                return None
            return pos
        if not w.isalpha() or c.ends_before.match(text, ws, w) or w.lower() in c.levels:
            return None
        pos = t.end()
    nxt = _TOKEN.match(text, pos)
    if nxt and nxt.group("w")[0].isupper() and nxt.start("w") not in head_hits \
            and not c.title.match(text, nxt.start("w"), nxt.group("w")) and nxt.group("w").lower() not in c.levels:
        return pos
    return None


def _extend(text: str, pos: int, c: _Compiled, place_hits: dict[int, Hit], head_hits: dict[int, Hit],
            spend: Callable[[int], None], in_title: bool = False, free: bool = False) -> tuple[int, str | None]:
    """End of the name that starts with a head ending at `pos`, and a "(ABBR)" gloss if any.

    In a position title a name ends where a person's name begins ("Bí thư Tỉnh ủy Bình Phước
    | Trần Văn Hòa", "Giám đốc Sở Y tế | Ngô Văn Tâm")."""
    end = pos
    gloss = None
    tokens = 0
    after_level = False
    first_word = True  # the name's own first word is next (after the head and any field name)
    after_number = False
    while tokens < _MAX_TOKENS:
        spend(1)
        m = _TOKEN.match(text, pos)
        if not m:
            break  # no word follows, so neither a domain nor an inner word can
        w = m.group("w")
        ws = m.start("w")
        after_number, was_after_number = False, after_number
        if w.isupper() and len(w) > 1 and c.ends_before.match(text, ws, w) and ws not in head_hits:
            break  # "LĐLĐ TỈNH BẾN TRE | TRAO 200 SUẤT QUÀ": a headline in capitals goes on
        if not after_level and w[0].isupper():
            dom = c.domain.match(text, ws, w)
            if dom:  # "Sở | Tư pháp", "Bộ | Giáo dục và Đào tạo"
                end = pos = dom.end()
                tokens += 1
                continue
            if first_word and not w.isupper() and ws not in head_hits and not c.title.match(text, ws, w) \
                    and (word_end := _word_end(text, ws, w, c.words)):
                # "Hội | Khuyến học", "Quỹ | Xã hội": a word whose later syllables are lower case
                end = pos = word_end
                tokens += 1
                first_word = False
                continue
        inner = c.inner.match(text, ws, w)
        if inner and inner.end() >= m.end():
            # lower-case words belong to the name only if a capitalised word or a level word
            # follows them, after any further such words ("Đảng ủy Khối | các | cơ quan | tỉnh")
            nxt = _TOKEN.match(text, inner.end())
            for _ in range(3):
                if nxt and _capitalized(nxt.group("w")):
                    break  # "... các cơ quan | Trung ương": capitalised, the name goes on
                more = c.inner.match(text, nxt.start("w"), nxt.group("w")) if nxt else None
                if not more or more.end() < nxt.end() or nxt.group("w").lower() in c.levels:
                    break
                nxt = _TOKEN.match(text, more.end())
            if nxt and (nxt.group("w").lower() in c.levels or _capitalized(nxt.group("w"))) \
                    and not c.title.match(text, nxt.start("w"), nxt.group("w")):
                pos = inner.end()
                continue
            break
        low = w.lower()
        nested = head_hits.get(ws)
        if nested and _capitalized(w):  # "Ban Thường vụ | Liên đoàn Lao động tỉnh"
            if after_level:
                break  # "LĐLĐ tỉnh Đảng ủy Khối ...": a second body after a bare level word
            end = pos = max(nested.end, m.end())  # "HĐND&UBND": two heads in one word
            tokens += 1
            after_level = False
            first_word = True  # the nested body's own name follows its head
            continue
        if w.startswith("("):
            gloss = w.strip("()")
            pos = m.end()
            continue
        # "thành phố", "thị xã", "thị trấn"
        two_words = c.two_word_levels.match(text, ws, w)
        if (low in c.levels and not (w[0].isupper() and low in c.lower_only_levels)) or two_words:
            if two_words:
                m = two_words
            end = pos = m.end()
            if text.startswith(".", pos) and low == "tp":
                pos += 1  # "TP. Vũng Tàu": the abbreviation's dot (a full stop after "tỉnh." ends the name)
                glued = _GLUED_PLACE.match(text, pos)
                if glued:  # "TP.Vũng Tàu"
                    end = pos = glued.end()
                    after_level = False
                    continue
            after_level = True
            first_word = False
            tokens += 1
            hit = place_hits.get(skip_blanks(text, pos))
            if hit:  # a gazetteer place after the level word: exactly that name
                end = pos = hit.end
                after_level = False
            continue
        if w == "-":
            nxt = _TOKEN.match(text, m.end())
            if nxt and _capitalized(nxt.group("w")) and not c.title.match(text, nxt.start("w"), nxt.group("w")) \
                    and (nxt.group("w") not in c.surnames or not _run_length(text, nxt.end(), 1)):
                # a surname with a capitalised word after it is a person ("UBND tỉnh - Lưu Văn
                # Hải"); "- Lưu trữ" goes on in lower case and is a word
                pos = m.end()
                first_word = True  # "Chi cục Văn thư - | Lưu trữ": a second field name
                continue
            break
        if w.isdigit():
            nxt = _TOKEN.match(text, m.end())
            if nxt and nxt.group("w").lower() in c.time_units:
                break  # "Công đoàn | 6 tháng đầu năm": a period, not part of the name
        if _capitalized(w):
            if not after_level and c.title.match(text, ws, w):
                break  # "Công đoàn Viên chức tỉnh Phó Chủ tịch ..." : a title begins
            if (after_level or was_after_number) and _surname_at(text, m, c) and tokens and _run_length(text, pos, 3) >= 3:
                break  # "UBND tỉnh Nguyễn Văn A", "Tổng Công ty May 10 Thân Đức Việt": a person's name
            if in_title and w in c.surnames and _run_length(text, pos, 2) >= 2:
                named = c.named_after.match(text, ws, w)
                if not named:
                    break
                end = pos = named.end()  # "Trường THPT Chu Văn An": the whole name it bears
                tokens += 1
                first_word = False
                continue
            end = pos = m.end()
            tokens += 1
            after_number = w.isdigit()
            # "Công ty TNHH | Giày da", "Công ty CP | Xi măng": after a legal form in capitals
            # the name's own first word is still to come
            first_word = first_word and w.isupper()
            continue
        if free and not after_level and (words_end := _free_words(text, m, c, head_hits)):
            pos = words_end  # product or trade words of a company's name, before its proper name
            continue
        break
    return end, gloss


def _list_level(text: str, h: Hit, head_hits: dict[int, Hit], c: _Compiled, place_hits: dict[int, Hit],
                spend: Callable[[int], None]) -> str | None:
    """For a bare abbreviated head in a list ("HĐND, UBND huyện Trảng Bom"), the level phrase
    the list ends with (" huyện Trảng Bom"), which belongs to every body in it."""
    if not (text[h.start:h.end].isupper() or h.phrase in c.list_heads):
        return None
    pos = h.end
    for _ in range(6):
        nxt = c.list_next.match(text, pos)
        if not nxt:
            return None
        head = head_hits.get(skip_blanks(text, nxt.end()))
        if head is None:
            return None
        end, _ = _extend(text, head.end, c, place_hits, head_hits, spend)
        if end > head.end:
            tail = text[head.end:end]
            level = _TOKEN.match(tail)
            two = c.two_word_levels.match(tail, level.start("w"), level.group("w")) if level else None
            if not level or not (level.group("w").lower() in c.levels or two):
                return None
            word_end = two.end() if two else level.end()
            if c.level_heads.get(h.phrase) == tail[level.start("w"):word_end].lower():
                return tail[word_end:]  # "Huyện ủy" + " huyện Trà Cú" -> "Huyện ủy Trà Cú"
            return tail
        pos = head.end
    return None


_ACRONYM = anchored(r"[ \t]+\p{Lu}{2,}(?![\p{Ll}])")
_NAME_IN_BRACKETS = regex.compile(r"(?<![\p{L}\p{N}])(\p{Lu}\p{Ll}*)(?:\s+\p{Lu}\p{Ll}*){1,4}\s*\(\s*$")


def _after_a_name_in_brackets(before: str, c: _Compiled) -> bool:
    """"Trần Hữu Tri (Chi bộ ...": the bracket right after a person's name."""
    m = _NAME_IN_BRACKETS.search(before)
    # "Cô | Nguyễn Thị Ngọc Bích (": an honorific written with a capital may open the run
    return bool(m) and any(w in c.surnames for w in m.group().split()[:2])


def _title_run(text: str, pos: int, c: _Compiled, spend: Callable[[int], None]) -> list[int]:
    """Word starts of the rest of a position title from `pos`: capitalised words, field names
    and the small words of names, up to punctuation, a person's name or another word."""
    starts = [pos + 1]
    after_capital = False
    for _ in range(12):
        spend(1)
        m = _TOKEN.match(text, pos)
        if not m:
            break
        w, ws = m.group("w"), m.start("w")
        dom = c.domain.match(text, ws, w) if w[0].isupper() else None
        if dom:
            starts.append(ws)
            pos, after_capital = dom.end(), False
            continue
        if _capitalized(w):
            nxt = _TOKEN.match(text, m.end())
            if w in c.surnames and nxt and nxt.group("w")[0].isupper():
                break  # "Bí thư Tỉnh ủy | Trần Văn Hòa": the person
            starts.append(ws)
            pos, after_capital = m.end(), True
            continue
        inner = c.inner.match(text, ws, w)
        if inner or w == "và" or w.lower() in c.levels:
            pos, after_capital = inner.end() if inner else m.end(), False
            continue
        if after_capital:  # "Ủy | ban", "Tuyên | giáo": only a name's first word is capitalised
            pos, after_capital = m.end(), False
            continue
        break
    return starts


def _run_length(text: str, pos: int, enough: int) -> int:
    """How many capitalised words follow `pos`, counting no further than `enough`."""
    n = 0
    while n < enough:
        m = _TOKEN.match(text, pos)
        if not m or not m.group("w")[0].isupper():
            return n
        n += 1
        pos = m.end()
    return n


#: how far back an organ's sentence is read for an attendance cue
_SENTENCE_REACH = 400
_SENTENCE_START = regex.compile(r"(?r)\.\s|\n")


def _attending(text: str, start: int, end: int, c: _Compiled) -> bool:
    """An organ named as an item of an attendee list: a list mark before it and after it, and
    an attendance cue earlier in its sentence."""
    if not (c.list_item[0].search(text, max(0, start - 25), start) and c.list_item[1].match(text, end)):
        return False
    floor = max(0, start - _SENTENCE_REACH)
    boundary = _SENTENCE_START.search(text, floor, start)
    return bool(c.attendance.search(text, boundary.end() if boundary else floor, start))


# "26 LĐLĐ cấp huyện", "30/63 LĐLĐ tỉnh": a count of bodies ("lần thứ 8 Ban Chấp hành" is none)
_COUNT_BEFORE = regex.compile(r"(?<!(?:thứ|số|lần|khóa|khoá|kỳ|năm|ngày|tháng)\s+)(?<![\p{L}\p{N}/.,])\d+(?:/\d+)?\s+$",
                              regex.IGNORECASE)
_LAST_WORDS = regex.compile(r"(?r)(?:(?<!\p{L})(\p{L}+)\s+)?(\p{L}+)\s*$")
_NEXT_LEVEL = anchored(r"\s*(?:,|và|hoặc)\s+(\p{L}+(?:\s+\p{L}+)?)")


def _many_levels(text: str, written: str, end: int, c: _Compiled) -> bool:
    """A name ending in a bare level word that stands for many places: after "các" or "cấp"
    ("LĐLĐ các huyện", "LĐLĐ cấp huyện"), or followed by another level word ("LĐLĐ tỉnh,
    thành phố", "LĐLĐ quận, huyện")."""
    cut = written.rfind(" ")
    if cut < 0 or (written[cut + 1:].lower() not in c.levels and written[written.rfind(" ", 0, cut) + 1:].lower() not in c.levels):
        return False  # the common case, by a cheap test: the name does not end in a level word
    last = _LAST_WORDS.search(written)
    if not last:
        return False
    word = last.group(2).lower()
    two = f"{(last.group(1) or '').lower()} {word}"
    if word not in c.levels and two not in c.levels:
        return False
    level_start = last.start(1) if two in c.levels else last.start(2)
    if written[:level_start].rstrip().lower().endswith((" các", " cấp")):
        return True
    nxt = _NEXT_LEVEL.match(text, end)
    if not nxt:
        return False
    if not nxt.group(1)[0].islower():
        return False  # "Bảo hiểm xã hội tỉnh, Tỉnh đoàn ...": another body, not a level word
    following = nxt.group(1).lower()
    level_end = nxt.end(1) if following in c.levels else nxt.start(1) + len(following.split()[0])
    if not (following in c.levels or following.split()[0] in c.levels):
        return False
    # "LĐLĐ tỉnh và huyện Kỳ Anh": a named place after the second level word, two bodies
    return not _run_length(text, level_end, 1)


_SIBLING_JOIN = anchored(r"\s*(?:,|và)\s*")
# a capitalised place name as an item of a list: followed by a list mark or the sentence's end
_LISTED_PLACE = anchored(r"\p{Lu}\p{Ll}+(?:[ \t]+\p{Lu}\p{Ll}+){0,2}(?:[ \t]+\d{1,2})?"
                         r"(?=[ \t]*(?:[,.;:)\n]|(?:và|là|đã|đều|cùng)(?!\p{L})|$))")
_LEVEL_AT_END = regex.compile(r"(?<!\p{L})(?P<level>\p{Ll}+(?:\s\p{Ll}+)?)\s+(?P<place>\p{Lu}[\p{L}\-]*(?:\s\p{Lu}[\p{L}\-]*)*)$")
_GENERIC_LEVEL = regex.compile(r"(?<=\s)(?:các|cấp)\s+(?=\p{Ll}+(?:\s\p{Ll}+)?\s+\p{Lu})")
_MAX_SIBLINGS = 6


def _level_follows(name: str, pos: int, c: _Compiled) -> bool:
    words = name[pos:].split()
    return bool(words) and (words[0].lower() in c.levels or " ".join(words[:2]).lower() in c.levels)


_PLURAL_BEFORE = regex.compile(r"(?r)(?<!\p{L})(?:các|những)\s+$", regex.IGNORECASE)
_LEGAL_FORM = anchored(r"[ \t]+(?:TNHH|CP|MTV|TNHH MTV)(?![\p{L}\p{N}])")
_LIST_NAME = anchored(r"\p{Lu}[\p{L}\p{N}\-]*(?:[ \t]+\p{Lu}[\p{L}\p{N}\-]*){0,4}"
                      r"(?=[ \t]*(?:[,.;:)\n]|(?:và|cùng|đã|đều|là|có|nhiều)(?!\p{L})|$))")


def _listed(text: str, pos: int, spend: Callable[[int], None],
            read: Callable[[int], tuple[int, int, str] | None]) -> list[tuple[int, int, str]]:
    """The items of a list going on at `pos` (", X", " và Y"), each read at its start by `read`
    as (start, end, name), up to the first it refuses or _MAX_SIBLINGS of them."""
    out: list[tuple[int, int, str]] = []
    for _ in range(_MAX_SIBLINGS):
        spend(1)
        join = _SIBLING_JOIN.match(text, pos)
        if not join or (item := read(join.end())) is None:
            break
        out.append(item)
        pos = item[1]
    return out


def _plural_list(text: str, h: Hit, end: int, c: _Compiled, head_hits: dict[int, Hit],
                 spend: Callable[[int], None]) -> list[tuple[int, int, str]]:
    """After "các <Head>": the first name [h.start, end) and the names listed after it, each
    with the head and its legal form ("Công ty TNHH"); [] unless a list follows."""
    prefix_end = h.end
    legal = _LEGAL_FORM.match(text, prefix_end)
    if legal:
        prefix_end = legal.end()
    prefix = text[h.start:prefix_end]

    def read(q: int) -> tuple[int, int, str] | None:
        if q in head_hits:
            return None  # another body of its own head
        w = letter_run(text, q)
        dom = c.domain.match(text, q, w) if w[:1].isupper() else None
        item = dom if dom and (dom.end() >= len(text) or not text[dom.end()].isalpha()) else _LIST_NAME.match(text, q)
        if not item or c.title.match(text, q, w):
            return None
        return q, item.end(), f"{prefix} {text[q:item.end()]}"

    items = _listed(text, end, spend, read)
    return [(h.start, end, text[h.start:end]), *items] if items else []


def _siblings(text: str, start: int, end: int, written: str, c: _Compiled, place_hits: dict[int, Hit],
              district_hits: dict[int, Hit], spend: Callable[[int], None],
              head_hits: dict[int, Hit]) -> list[tuple[int, int, str]]:
    """Bodies that share the head of the name [start, end), which ends with a level word and
    a place, written after it as ", <level> <Place>" or ", <Place>" (a known province or
    district): (start, end, name) of each. "các" before the level word is dropped."""
    if not _SIBLING_JOIN.match(text, end):
        return []  # the common case, checked first: no list goes on after the name
    last = _LEVEL_AT_END.search(written)
    if not last:
        return []
    level = last.group("level")
    words = level.split()
    if level.lower() not in c.levels:
        if words[-1].lower() not in c.levels:
            return []
        level = words[-1]
    level_at = last.start("place") - 1 - len(level)
    head_part = written[:level_at].rstrip()
    if head_part.lower().endswith((" các", " cấp")):
        head_part = head_part[:-4]

    def read(q: int) -> tuple[int, int, str] | None:
        tok = _TOKEN.match(text, q - 1) if q else None
        w = tok.group("w") if tok and tok.start("w") == q else ""
        two = c.two_word_levels.match(text, q, w) if w else None
        if w and (w in c.levels or two):  # ", thị xã Từ Sơn": another level word and its place
            lv_end = two.end() if two else q + len(w)
            p = skip_blanks(text, lv_end)
            hit = place_hits.get(p) or district_hits.get(p)
            if hit is None or not text[p].isupper():
                return None
            return q, hit.end, f"{head_part} {text[q:lv_end]} {text[p:hit.end]}"
        hit = place_hits.get(q) or district_hits.get(q)
        if hit is None and level.lower() in c.small_levels and (run := _LISTED_PLACE.match(text, q)) \
                and q not in head_hits and not c.title.match(text, q, w) \
                and not (len(run.group().split()) >= 3 and w in c.surnames):
            # "Hội LHPN xã Phúc Đồng, Hương Trà, Gia Phố": communes the gazetteer does not list,
            # each a capitalised name standing as an item of the list
            return q, run.end(), f"{head_part} {level} {run.group()}"
        if hit is None or not text[q].isupper() or (hit.end < len(text) and text[hit.end].isalpha()):
            return None
        nxt = _TOKEN.match(text, hit.end)
        if nxt and nxt.group("w")[0].isupper() and nxt.start("w") == hit.end + 1:
            return None  # a longer capitalised name than the place: not a sibling
        return q, hit.end, f"{head_part} {level} {text[q:hit.end]}"

    return _listed(text, end, spend, read)


def _employer(heads: list[Hit], head_starts: list[int], h: Hit, end: int, c: _Compiled) -> Hit | None:
    """The first head inside the name [h.start, end) that is a short form ("Công đoàn cơ sở |
    Bệnh viện ...", "Công đoàn | Công ty ..."): the body a union belongs to."""
    i = bisect_right(head_starts, h.start)
    while i < len(heads) and heads[i].start < end:
        if heads[i].phrase in c.short_forms:
            return heads[i]
        i += 1
    return None


def find_organizations(doc: Doc) -> list[Span]:
    """Organisation mentions in headline and body, marked `in_title` inside a person's title.

    >>> from extractor.pipeline import make_doc
    >>> [s.value["text"] for s in find_organizations(make_doc("Công đoàn Viên chức tỉnh Hải Dương tổ chức"))]
    ['Công đoàn Viên chức tỉnh Hải Dương']
    """
    c = _compiled(doc.rules)
    text = doc.content
    hits = doc.hits
    not_heads = {(h.start) for h in hits.get("organizations.not_head")}
    # positions where a head continues a position title ("Chủ tịch | UBND tỉnh", "Phó Trưởng
    # ban Tuyên giáo và Dân vận | Tỉnh ủy", "Chủ tịch Ủy ban Trung ương | MTTQ Việt Nam")
    title_hits = sorted(hits.get("people.title"), key=lambda t: t.end)
    title_ends = [t.end for t in title_hits]
    runs: dict[int, set[int]] = {}
    spend = doc.budget.spend

    def in_a_title(pos: int) -> bool:
        """A head inside a title or in the rest of its run (computed only for titles just before)."""
        near = title_hits[bisect_left(title_ends, pos - 200):bisect_right(title_ends, pos + 80)]
        spend(len(near))  # titles ending within a bounded window: a bounded number per head
        for t in near:
            if t.start < pos <= t.end + 1:
                return True  # a head overlapping the title ("Trưởng | Ban Tổ chức")
            if t.end < pos:
                if t.end not in runs:
                    runs[t.end] = set(_title_run(text, t.end, c, spend))
                if pos in runs[t.end]:
                    return True
        return False
    place_hits = {h.start: h for h in hits.get("locations.unit")}
    district_hits = {h.start: h for h in hits.get("locations.district")}
    norm, lower = doc.norm, doc.lower
    # in the content and written with a capital: "cán bộ", "đại hội" are no heads
    # "công ty TCP Việt Nam": a company head typed in lower case, named by an acronym after it
    candidates = []
    for h in hits.get("organizations.head"):
        one_word = " " not in h.phrase
        if one_word and text[h.start].islower() and h.phrase not in c.lowercase_heads:
            continue  # the common case, by the cheapest test: "bộ", "hội", "phòng" in running text
        seg = text[h.start:h.end]
        if seg != norm[h.start:h.end]:
            continue  # outside the content
        if seg == lower[h.start:h.end] and not (h.phrase in c.lowercase_heads and _ACRONYM.match(text, h.end)):
            continue
        if (seg[0].islower() or (one_word and seg.isupper())) and _ends_a_word(lower, h.start, c.words):
            continue  # "công | đoàn Khối", "ĐẠI | HỘI", "NGÀY | HỘI": the syllable ends the word before it
        if one_word and c.level_before.search(text, max(0, h.start - 12), h.start):
            continue  # "xã | Trường Yên", "phường | Hội An": a one-word head after a level word is a place's
        candidates.append(h)
    heads = longest(candidates)
    head_hits = {h.start: h for h in heads}
    head_starts = [h.start for h in heads]
    spans: list[Span] = []
    last_end = -1
    named_in_full: dict[str, Span] = {}
    named_often: dict[str, Counter[str]] = {}
    title = doc.layout.title if doc.layout else None
    headline = (title.start, title.end) if title else (0, 0)
    for h in heads:
        spend(1)
        if h.start < last_end or h.start in not_heads:
            continue
        head = c.head_of[h.phrase]
        in_title = in_a_title(h.start)
        in_a_persons_title = in_title
        end, gloss = _extend(text, h.end, c, place_hits, head_hits, spend, in_title, h.phrase in c.free_name_heads)
        written = text[h.start:end]
        listed = None
        if end == h.end and (ref := c.reference_after.match(text, end)) \
                and (named := named_often.get(c.references[ref.group("ref")])):
            # "Đoàn Thanh niên nhà trường": the Youth Union of the school the article is about,
            # the one of that head named most often so far, the first of those named as often, the
            # headline not counted (as `awards._Names` reads "nhà trường" for a giver)
            body = named.most_common(1)[0][0]
            spans.append(Span("organizations", h.start, ref.end(), "organizations.short_form",
                              {"text": f"{written} {body}", "gloss": None, "in_title": in_title}))
            last_end = ref.end()
            continue
        if end == h.end and not head.standalone:
            listed = _list_level(text, h, head_hits, c, place_hits, spend)
            if listed is None:
                if (h.phrase in c.short_forms and text[h.start].isupper()
                        and not c.short_form_not_before.match(text, h.end)
                        and (full := named_in_full.get(h.phrase))):
                    # "Hội đã trao ...": the body named in full before, mentioned again
                    spans.append(Span("organizations", h.start, h.end, "organizations.short_form",
                                      {"text": full.value["text"], "gloss": None, "in_title": in_title}))
                    last_end = h.end
                continue
        if written == written.lower():
            continue  # "công đoàn cơ sở": generic
        before = text[max(0, h.start - 40):h.start]
        if c.generic_before.search(before) or c.generic_after.match(text, end) or _COUNT_BEFORE.search(before):
            if text[h.start].isupper() and end > h.end and _PLURAL_BEFORE.search(before):
                # "các Sở Nội vụ, Tài chính", "các Công ty TNHH Cơ khí A, Dệt B và Thép C": one
                # head in the plural before a list of names, a body for each
                items = _plural_list(text, h, end, c, head_hits, spend)
                if items:
                    for s_, e_, name in items:
                        spans.append(Span("organizations", s_, e_, "organizations.shared_head",
                                          {"text": name, "gloss": None, "in_title": in_title}))
                    last_end = items[-1][1]
            continue  # "các công đoàn cơ sở", "26 LĐLĐ cấp huyện", "... và tương đương"
        if _many_levels(text, written, end, c):
            continue  # "LĐLĐ các huyện", "LĐLĐ tỉnh, thành phố": the bodies of many places
        if any(w in written for w in c.regional_words) and c.regional_plural.search(written):
            continue  # "LĐLĐ tỉnh khu vực Bắc Trung Bộ": the provincial federations of a region
        if (" tại" in before and c.affiliation_before.search(before)) or (before.rstrip().endswith("(") and _after_a_name_in_brackets(before, c)):
            in_title = True  # "Lê Văn A (Chi bộ Phòng Nội vụ)": where a person belongs, no entry
        if head.organ and c.plural_after.match(text, h.end):
            continue  # "Ban Chấp hành các Công đoàn cơ sở": the organs of many bodies
        if head.organ and (c.not_acting_before.search(before) or _attending(text, h.start, end, c)):
            in_title = True  # "bầu Ban Chấp hành ...", "Dự có ... Ban Dân vận Tỉnh ủy, ...": no entry
        name = written + (listed or "")
        if " các " in name or " cấp " in name:  # "LĐLĐ các tỉnh Hà Giang, Yên Bái": each is "LĐLĐ tỉnh ..."
            name = _GENERIC_LEVEL.sub(lambda m: "" if _level_follows(name, m.end(), c) else m.group(), name)
        value = {"text": name, "gloss": gloss, "in_title": in_title}
        employer = _employer(heads, head_starts, h, end, c)
        full = named_in_full.get(employer.phrase) if employer is not None and employer.end == end else None
        if full is not None:
            # "Công đoàn Bệnh viện" after "Bệnh viện Đa khoa tỉnh Thái Bình": the union of the
            # body its short form refers back to
            value["text"] = text[h.start:employer.start] + full.value["text"]
        main = Span("organizations", h.start, end, "organizations.head", value)
        spans.append(main)
        if full is not None and head.organ:
            # "Ban Giám đốc Bệnh viện": the organ's parent, named by its short form, is the body
            # named in full before, referred to on its own (RECORD.md, Judgement calls)
            spans.append(Span("organizations", employer.start, employer.end, "organizations.short_form",
                              {"text": full.value["text"], "gloss": None, "in_title": in_a_persons_title}))
        last_end = end
        for sibling in _siblings(text, h.start, end, written, c, place_hits, district_hits, spend, head_hits):
            # "UBND huyện Yên Phong, thị xã Từ Sơn", "LĐLĐ các tỉnh Hà Giang, Yên Bái": one head
            # shared by the bodies of several places
            spans.append(Span("organizations", sibling[0], sibling[1], "organizations.shared_head",
                              {"text": sibling[2], "gloss": None, "in_title": in_title}))
            last_end = sibling[1]
        lead = written.lower().split(maxsplit=3)
        for k in (1, 2, 3):  # the nearest body named in full with each short form's head
            if len(lead) > k and (short := " ".join(lead[:k])) in c.short_forms:
                named_in_full[short] = main
                if not headline[0] <= h.start < headline[1]:
                    named_often.setdefault(short, Counter())[value["text"]] += 1
        if employer is not None and employer.end < end:
            # "Công đoàn Công ty Thủy điện Hòa Bình ... Công ty đã tặng ...": the employer named
            # inside its union's name, referred to on its own by a short form later, is an entry
            # (RECORD.md, Judgement calls); it makes none by being named inside the union's name
            named_in_full[employer.phrase] = Span("organizations", employer.start, end, "organizations.head",
                                                  {"text": text[employer.start:end], "gloss": None, "in_title": True})
        # a parent named only inside an organ's name ("Tỉnh ủy" in "Ban Thường vụ Tỉnh ủy") is no
        # entry of its own (RECORD.md, Judgement calls): where it acts, it is named again alone
    return spans
