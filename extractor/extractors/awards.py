"""Counted award conferrals: find_awards(doc) -> list[Span].

Works clause by clause (the sentences holding an award word, each split once; a sentence cut
at ";" and at a subset cue). In each clause it finds award mentions ("Bằng khen", "Huân chương
Lao động hạng Ba", ...) and count groups ("2 tập thể, 5 cá nhân"), pairs them by the shapes of
the clause grammar below (one rule id each), and reads the giver from named sources.

A clause with a proposal, review, target, admission or gift cue before the pair gives nothing;
a subset of a total, a commendation restating a named conferral and a headline restating the
body add no entry (RECORD.md, Judgement calls: Awards).
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache

import regex

from ..doc import Doc, Span
from ..numbers import number_pattern, parse_count
from ..lexicon import Hit, Lexicon, longest
from ..patterns import SpanIndex, alt, anchored, word_alt
from ..resolve.names import expand_name
from ..rulebook import AwardKind, Rulebook

_NON_BLANK = regex.compile(r"\S")
_LEAD = regex.compile(r"[ ,]*")
_DIGIT_OR_BREAK = regex.compile(r"[\d;:]")
_SENTENCE_END = regex.compile(r"[.!?](?=\s+[\p{Lu}\d\"'(])|\n")


@dataclass(frozen=True)
class _Compiled:
    kind_of: dict[str, AwardKind]
    number_before: regex.Pattern
    vague_before: regex.Pattern
    undivided_at: regex.Pattern
    quoted: regex.Pattern
    name_word: regex.Pattern
    name_stops: frozenset[str]
    grade: regex.Pattern
    joiner: regex.Pattern
    ends_with_joiner: regex.Pattern
    award_joiner: regex.Pattern
    trailing_adverbs: regex.Pattern
    subject_split: regex.Pattern
    to_recipients: regex.Pattern
    verb: regex.Pattern
    conferral_verb: regex.Pattern   # a verb but the reason's ("6 tập thể đạt giải, 9 cá nhân")
    giver_after: regex.Pattern
    giver_passive: regex.Pattern
    giver_by: regex.Pattern         # "<award> do <giver> trao tặng": the giver after the award
    giver_subject: regex.Pattern
    verb_at_end: regex.Pattern      # a cheap test before `giver_subject`: a giver verb ends here
    first_verb: regex.Pattern       # the first giver verb of a sentence, its subject shared
    verb_length: int
    delegation: regex.Pattern
    delegation_cue: regex.Pattern   # the cue `delegation` starts with, alone
    lead: regex.Pattern
    person: regex.Pattern
    collectives: frozenset[str]
    other_recipients: frozenset[str]  # "dự án": counted recipients, neither collective nor individual
    count_last_words: frozenset[str]  # the words a count or vague quantity can end with
    list_split: regex.Pattern       # between bodies named together
    subset: regex.Pattern           # "trong đó", "riêng"
    subset_hint: regex.Pattern      # a cheap test that a subset cue may be there
    certificate_kinds: frozenset[str]
    noun_after: regex.Pattern       # "bằng khen | tập thể"
    bare_prize: regex.Pattern       # "đạt | giải", "trao | giải": a prize word with no quoted name
    active_verb_before: regex.Pattern
    title_after: regex.Pattern      # a quoted title after a count
    count_title: regex.Pattern      # "vinh danh | 27 “Thầy thuốc trẻ tiêu biểu”"
    reason_after: regex.Pattern     # "... đạt | danh hiệu"
    decision: regex.Pattern         # "Theo Quyết định số ... của <giver>"
    decision_cue: regex.Pattern     # the cue `decision` starts with, alone
    event_verb: regex.Pattern       # "<giver> tổ chức lễ ..."
    again: regex.Pattern            # "cũng được"
    event: regex.Pattern            # a giver phrase that names an event ("Hội nghị")
    organiser: regex.Pattern        # "<organiser> tổ chức", right after an organisation
    not_givers: frozenset[str]
    not_giver_subject: regex.Pattern  # "Ban Tổ chức trao | ...": a subject that gives nothing
    references: dict[str, str]      # "nhà trường" -> "Trường": a word that refers to a body by its head
    reference: regex.Pattern
    not_count: regex.Pattern        # "5 năm liền": a number that counts no recipients
    certificate_passive: regex.Pattern  # "<N> Bằng khen [của <giver>] đã được trao"
    same_decision: regex.Pattern    # "theo Quyết định này": the decision of the conferral before
    held_before: regex.Pattern      # "đã có | 25 Bằng khen được trao": a count held, a history
    caption_credit: regex.Pattern   # "Ảnh: THU HÀ": the line is a photo caption
    passive_giver_before: regex.Pattern  # "đã được Bộ X tặng | 4 Bằng khen": a count received, a history


def _last_word(text: str) -> str:
    """The letters `text` ends with ("hai" of "được hai")."""
    i = len(text)
    while i and text[i - 1].isalpha():
        i -= 1
    return text[i:]


@lru_cache(maxsize=8)
def _compiled(rules: Rulebook) -> _Compiled:
    a, n = rules.awards, rules.numbers
    words = {w.lower(): k for k in a.kinds for w in k.words}
    num = number_pattern(rules)
    undivided = "|".join(f"(?:{u})" for u in a.undivided)
    g = a.grammar
    joiners, adverbs = alt(g.joiners), alt(g.adverbs)
    stops = alt(a.giver_stops)
    giver = rf"(?P<giver>[\p{{Lu}}][^\n,;:()\"]{{1,140}}?)(?=\s+{stops}(?!\p{{L}})|\s*[,;:.()\"]|\s*$)"
    verbs = alt(a.giver_verbs)
    return _Compiled(
        kind_of=words,
        # a count is read backwards from its noun: "[hơn] 12 | tập thể", "hai | cá nhân"
        # both are searched backwards ((?r)) from the noun, so only its end is tried
        number_before=regex.compile(rf"(?r)(?:(?<!\p{{L}})(?P<bound>{alt(n.bounds)})\s+)?(?<![\p{{L}}\p{{N}}.,%])(?P<num>{num})\s*$", regex.IGNORECASE),
        vague_before=regex.compile(rf"(?r)(?<!\p{{L}})(?P<vague>{alt(n.vague)})\s+$", regex.IGNORECASE),
        undivided_at=anchored(rf"(?:{undivided})(?!\p{{L}})", regex.IGNORECASE),
        quoted=anchored(r'\s*"([^"\n]{2,140})"'),
        name_word=anchored(r"\s+([\p{L}\p{N}]+)"),
        name_stops=frozenset(w.casefold() for w in a.name_stops + a.grades),
        grade=anchored(rf"\s*,?\s*(?P<grade>{alt(a.grades)})(?!\p{{L}})", regex.IGNORECASE),
        joiner=anchored(rf"\s*(?:,\s*{joiners}|,|{joiners}|;)?\s*", regex.IGNORECASE),
        ends_with_joiner=regex.compile(rf"(?r)(?:,|\s{joiners})\s*$", regex.IGNORECASE),
        # "Bằng khen của Thủ tướng Chính phủ, Cờ thi đua của Bộ ...": each award may name its giver
        award_joiner=anchored(rf"(?:\s*{alt(g.of)}\s+\p{{Lu}}[^,;\n]{{1,80}}?)?\s*(?:,\s*{joiners}|,|{joiners})\s*", regex.IGNORECASE),
        trailing_adverbs=regex.compile(rf"(?:\s+{adverbs})+$", regex.IGNORECASE),
        subject_split=regex.compile(rf",|;|(?<!\p{{L}}){joiners}(?!\p{{L}})|\"", regex.IGNORECASE),
        to_recipients=regex.compile(rf"(?r)(?:(?<!\p{{L}}){alt(g.to_recipients)}|:)\s*$", regex.IGNORECASE),
        verb=regex.compile(word_alt(a.verbs), regex.IGNORECASE),
        conferral_verb=regex.compile(word_alt([v for v in a.verbs if v not in g.reason]), regex.IGNORECASE),
        giver_after=anchored(rf"\s*(?:\"[^\"\n]*\"\s*)?,?\s*{alt(g.of)}\s+{giver}"),
        giver_passive=regex.compile(
            rf"{alt(g.passive)}\s+(?P<giver>[\p{{Lu}}][^\n;:()\"]{{1,140}}?)(?:\s+{adverbs})*\s+{verbs}(?!\p{{L}})"),
        giver_by=anchored(
            rf"\s*(?:\"[^\"\n]*\"\s*)?,?\s*{alt(g.by)}\s+(?P<giver>[\p{{Lu}}][^\n,;:()\"]{{1,140}}?)(?:\s+{adverbs})*\s+{verbs}(?!\p{{L}})"),
        # searched backwards from the award: the verb right before it ends the giver's phrase
        # "nhà trường tuyên dương, khen thưởng 86 học sinh": verbs listed together end it as one
        giver_subject=regex.compile(rf"(?r)\s+(?:{adverbs}\s+)*{verbs}(?:\s*(?:,|{joiners})\s*{verbs})*\s*:?\s*$", regex.IGNORECASE),
        first_verb=regex.compile(rf"(?<!\p{{L}})(?:{adverbs}\s+)*{verbs}(?!\p{{L}})", regex.IGNORECASE),
        verb_at_end=regex.compile(rf"(?:{verbs})$", regex.IGNORECASE),
        verb_length=max(len(v) for v in a.giver_verbs) + 1,
        delegation=regex.compile(rf"(?:{'|'.join(a.delegation)})\s+{giver}", regex.IGNORECASE),
        delegation_cue=regex.compile(rf"(?:{'|'.join(a.delegation)})", regex.IGNORECASE),
        lead=regex.compile(rf"^(?:\s*(?:{'|'.join(a.giver_lead)})\s*,?\s*)+", regex.IGNORECASE),
        # "ông A - Chủ tịch ...": a dash after a name; but a dash between numbers is a range
        # ("(28/7/1929 - 28/7/2024), Tổng LĐLĐ ... biểu dương")
        person=regex.compile(word_alt(a.person_marks) + r"|(?<!\d)\s-\s(?!\d)", regex.IGNORECASE),
        collectives=frozenset(x.lower() for x in a.collectives),
        other_recipients=frozenset(x.lower() for x in a.other_recipients),
        count_last_words=frozenset(w.split()[-1].lower() for w in [*n.units, *n.tens, *n.multipliers, *n.vague]),
        list_split=regex.compile(rf"\s*,\s*|\s+{joiners}\s+", regex.IGNORECASE),
        subset=regex.compile(rf"(?<!\p{{L}}){alt(g.subset)}(?!\p{{L}})", regex.IGNORECASE),
        subset_hint=regex.compile("|".join(sorted({regex.escape(w.split()[0][1:]) for w in g.subset}))),
        certificate_kinds=frozenset(a.certificate_kinds),
        noun_after=anchored(r"\s+(tập thể|cá nhân)(?!\p{L})", regex.IGNORECASE),
        bare_prize=regex.compile(rf"(?r)(?<!\p{{L}}){alt(g.bare_prize_after)}\s+$", regex.IGNORECASE),
        active_verb_before=regex.compile(
            rf"(?r)(?<!\p{{L}})(?<!{alt(g.passive)}\s)(?<!{alt(g.passive)}\s\S{{1,8}}\s){alt(g.certificate_verbs)}(?:\s+{adverbs})*\s+$",
            regex.IGNORECASE),
        title_after=anchored(r'\s*"([^"\n]{2,80})"'),
        count_title=anchored(rf'\s+(?P<num>{num})\s*"(?P<title>[^"\n]{{2,80}})"', regex.IGNORECASE),
        reason_after=anchored(rf"[^,;.\n]{{0,60}}?(?<!\p{{L}}){alt(g.reason)}\s+", regex.IGNORECASE),
        decision=regex.compile(rf"(?<!\p{{L}}){alt(g.decision)}(?!\p{{L}})[^;\n]{{0,90}}?\s{alt(g.of)}\s+{giver}", regex.IGNORECASE),
        decision_cue=regex.compile(rf"(?<!\p{{L}}){alt(g.decision)}(?!\p{{L}})", regex.IGNORECASE),
        event_verb=regex.compile(rf"\s+(?:{adverbs}\s+)*{alt(g.event_verbs)}(?!\p{{L}})", regex.IGNORECASE),
        event=anchored(rf"(?:{alt(g.events)})(?:\s+\S+){{0,2}}$", regex.IGNORECASE),
        references={k.lower(): v for k, v in a.giver_references.items()},
        not_givers=frozenset(a.not_givers),
        not_giver_subject=regex.compile(
            rf"(?r)(?<![\p{{L}}\p{{N}}])(?:{alt(a.not_givers) if a.not_givers else '(?!)'})(?:\s+{adverbs})*\s+{verbs}(?:\s*(?:,|{joiners})\s*{verbs})*\s*:?\s*$"),
        reference=regex.compile(word_alt(list(a.giver_references)) if a.giver_references else r"(?!)", regex.IGNORECASE),
        organiser=anchored(rf"\s+(?:{adverbs}\s+)*{alt(g.event_verbs)}(?!\p{{L}})", regex.IGNORECASE),
        not_count=regex.compile("|".join(f"(?:{p})" for p in g.not_counts) or r"(?!)", regex.IGNORECASE),
        certificate_passive=anchored(
            rf"(?:\s*,?\s*{alt(g.of)}\s+\p{{Lu}}[^\n,;:()\"]{{1,140}}?)?(?:\s+{adverbs})*\s+{alt(g.certificate_passive) if g.certificate_passive else '(?!)'}(?!\p{{L}})",
            regex.IGNORECASE),
        same_decision=regex.compile(rf"(?<!\p{{L}}){alt(g.same_decision) if g.same_decision else '(?!)'}(?!\p{{L}})", regex.IGNORECASE),
        held_before=regex.compile(rf"(?r)(?<!\p{{L}}){alt(g.held) if g.held else '(?!)'}\s+$", regex.IGNORECASE),
        caption_credit=regex.compile("|".join(f"(?:{p})" for p in g.caption_credit) or r"(?!)", regex.IGNORECASE),
        # searched backwards from the count over a bounded stretch: a passive with its giver
        # ("được <Giver> tặng"), the giver a capitalised phrase of a few words
        passive_giver_before=regex.compile(
            rf"(?r)(?<!\p{{L}}){alt(g.passive)}\s+\p{{Lu}}[^\n,;:()\"]{{0,100}}?\s+{alt(g.certificate_verbs)}(?:\s+{adverbs})*\s+$",
            regex.IGNORECASE),
        again=regex.compile(rf"(?<!\p{{L}}){alt(g.again)}\s+(?:đã\s+)?{alt(g.passive)}\s+{verbs}(?!\p{{L}})", regex.IGNORECASE),
    )


@lru_cache(maxsize=8)
def _recipient_lexicon(rules: Rulebook) -> Lexicon:
    """Recipient nouns ("cá nhân", "đoàn viên", "tập thể") are among the commonest words of the
    genre but matter only in clauses naming an award, so only those clauses are scanned."""
    a = rules.awards
    return Lexicon({"awards.recipient": [*a.individuals, *a.collectives, *a.other_recipients]})


@dataclass
class _Award:
    start: int
    end: int            # end of the award's name and grade
    kind: AwardKind
    name: str
    grade: str | None


@dataclass
class _Count:
    start: int
    end: int
    collectives: int | None
    individuals: int | None
    recipients: int | None
    approximate: bool


def _awards_in(text: str, hits: list[Hit], c: _Compiled) -> list[_Award]:
    out: list[_Award] = []
    for h in hits:
        if out and h.start < out[-1].end:
            continue  # inside the name of the award before ("Danh hiệu Tập thể Lao động xuất sắc")
        kind = c.kind_of[h.phrase]
        end = h.end
        name = kind.canonical
        suffix = ""
        if kind.name in ("quoted", "quoted_required", "quoted_or_capitalized"):
            q = c.quoted.match(text, end)
            if q:
                suffix, end = f"“{q.group(1).strip()}”", q.end()
            elif kind.name == "quoted_required" and not c.bare_prize.search(text, max(0, h.start - 16), h.start):
                continue  # "giải" alone is a prize only right after "đạt", "trao" ("52 học sinh đạt giải")
        if not suffix and kind.name in ("capitalized", "quoted_or_capitalized"):
            words, pos = [], end
            while len(words) < 5:
                w = c.name_word.match(text, pos)
                if not w or w.group(1).casefold() in c.name_stops:
                    break
                if not words and not (w.group(1)[0].isupper() or w.group(1)[0].isdigit()):
                    break
                words.append(w.group(1))
                pos = w.end()
            if words:
                suffix, end = " ".join(words), pos
        if kind.kind == "danh_hieu" and kind.canonical == "danh hiệu":
            if not suffix:
                continue  # "danh hiệu" with no name is no award
            name = suffix.strip("“”")
        elif suffix:
            name = f"{kind.canonical} {suffix}"
        grade = None
        g = c.grade.match(text, end)
        if g:
            grade, end = g.group("grade"), g.end()
        out.append(_Award(h.start, end, kind.kind, name, grade))
    return out


def _counts_in(text: str, nouns: list[Hit], clause_start: int, rules: Rulebook, c: _Compiled) -> list[_Count]:
    """Count groups: a number (or vague quantity) before each recipient noun, joined ones merged."""
    groups: list[_Count] = []
    for h in nouns:
        window = max(clause_start, h.start - 48)
        before = text[window:h.start].rstrip()
        if not before or not (before[-1].isdigit() or _last_word(before).lower() in c.count_last_words):
            continue  # no count ends right before the noun: neither a digit nor a number word
        vague = c.vague_before.search(text, window, h.start)  # "hàng nghìn" before "nghìn" as a number
        m = None if vague else c.number_before.search(text, window, h.start)
        if not m and not vague:
            continue
        start = (m or vague).start()
        und = c.undivided_at.match(text, h.start)
        end = und.end() if und else h.end
        if groups and start < groups[-1].end:
            continue  # "tập thể, cá nhân" already read as one undivided count
        approximate = bool(vague or m.group("bound"))
        n = parse_count(m.group("num"), rules) if m else None
        col = ind = None
        if not und and n is not None and h.phrase not in c.other_recipients:
            if h.phrase in c.collectives:
                col = n
            else:
                ind = n
        prev = groups[-1] if groups else None
        between = text[prev.end:start] if prev else ""
        joined = bool(prev) and (c.joiner.fullmatch(between) is not None or (
            len(between) <= 90 and c.ends_with_joiner.search(between)
            and not _DIGIT_OR_BREAK.search(c.not_count.sub("", between) if between[:1] else between)
            and not c.conferral_verb.search(between)))
        fills_gap = (col is not None and prev is not None and prev.collectives is None) or \
                    (ind is not None and prev is not None and prev.individuals is None)
        if joined and not und and prev.recipients is not None and n is not None and fills_gap:
            # "2 tập thể, 5 cá nhân": one group
            prev.collectives = prev.collectives if col is None else col
            prev.individuals = prev.individuals if ind is None else ind
            prev.recipients = (prev.collectives or 0) + (prev.individuals or 0)
            prev.approximate = prev.approximate or approximate
            prev.end = end
            continue
        groups.append(_Count(start, end, col, ind, None if vague else n, approximate))
    return groups


def _chain(awards: list[_Award], first: int, text: str, step: int, c: _Compiled) -> list[_Award]:
    """The award at index `first` and its neighbours joined by "và" / "," (step -1 or +1)."""
    run = [awards[first]]
    i = first
    while 0 <= i + step < len(awards):
        a, b = (awards[i + step], awards[i]) if step < 0 else (awards[i], awards[i + step])
        if not c.award_joiner.fullmatch(text, a.end, b.start):
            break
        i += step
        run.append(awards[i])
    return run


def _clean(raw: str | None, c: _Compiled, names: "_Names | None" = None, at: int = 0,
           start: int | None = None) -> str | None:
    """The giver phrase `raw` (found at `start` in the text, where known) without leading
    adverbials and trailing adverbs, or None where it names no giver."""
    if not raw:
        return None
    stripped = raw.strip()
    lead = c.lead.match(stripped)
    g = stripped[lead.end() if lead else 0:]
    g_start = None if start is None else start + (len(raw) - len(raw.lstrip())) + (lead.end() if lead else 0) \
        + (len(g) - len(g.lstrip(" ,")))
    g = g.strip(" ,")
    g = c.trailing_adverbs.sub("", g)
    marks = list(c.person.finditer(g)) if c.person.search(g) else []
    if names is not None:
        g = names.referred(g, at)
    if not g or not (g[0].isupper()) or len(g.split()) > 16 or g in c.not_givers:
        return None
    if marks and not (names is not None and (names.is_org(g) or (
            g_start is not None and all(names.inside(g_start + p.start()) for p in marks)))):
        # "ông A - Chủ tịch ...", but a dash inside a body's name is no person mark, named alone
        # or after a position ("Bộ trưởng Bộ Văn hóa - Thể thao và Du lịch")
        return None
    return g if names is None else names.full(g, at)


_clean_giver = _clean


class _Names:
    """The bodies a giver may name by a short form, looked up by bisection per giver.

    "Công ty tặng Giấy khen ...": the organisations extractor resolves a short form ("Công ty")
    or an organ of one ("Ban Giám đốc Công ty") to the body named in full before it; the giver
    takes that name. "nhà trường tuyên dương ...": a reference word (rules/awards.yaml
    `giver_references`) means the body with its head ("Trường ...") the article is about, of
    those named before: the one named most often, the first named on a tie."""

    def __init__(self, text: str, spans: list[Span], c: _Compiled, headline: tuple[int, int] | None = None):
        self._c = c
        self._by_surface: dict[str, tuple[list[int], list[str]]] = {}
        self._by_head: dict[str, tuple[list[int], list[str]]] = {}
        self._written = {text[sp.start:sp.end] for sp in spans}
        self._fulls = {sp.value["text"] for sp in spans}
        ordered = sorted((sp.start, sp.end) for sp in spans)
        self._starts = [s for s, _ in ordered]
        self._ends = [e for _, e in ordered]
        heads = {h: h + " " for h in c.references.values()}
        hs, he = headline or (0, 0)
        # per head, the bodies in text order and, at each, the body the article is about so far:
        # the one named most often, the first named on a tie ("Trường A tổ chức lễ khai giảng;
        # 31 em trúng tuyển vào Trường B ...; nhà trường tuyên dương ...": A, not B). The headline
        # is not counted: it often names the body by a short form the body does not repeat.
        mentions: dict[str, dict[str, int]] = {}
        first: dict[str, dict[str, int]] = {}
        best: dict[str, str] = {}
        for sp in sorted(spans, key=lambda sp: sp.start):
            full = sp.value["text"]
            surface = text[sp.start:sp.end]
            for head, prefix in heads.items():
                if full.startswith(prefix) and not hs <= sp.start < he:
                    n, f = mentions.setdefault(head, {}), first.setdefault(head, {})
                    n[full] = n.get(full, 0) + 1
                    f.setdefault(full, sp.start)
                    b = best.get(head)
                    if b is None or n[full] > n[b] or (n[full] == n[b] and f[full] < f[b]):
                        best[head] = b = full
                    starts, fulls = self._by_head.setdefault(head, ([], []))
                    starts.append(sp.start)
                    fulls.append(b)
            if full != surface and full.startswith(surface + " "):
                starts, fulls = self._by_surface.setdefault(surface, ([], []))
                starts.append(sp.start)
                fulls.append(full)

    def is_body(self, giver: str) -> bool:
        """The giver is an organisation's name as written or in full."""
        return giver in self._written or giver in self._fulls

    def is_org(self, giver: str) -> bool:
        """The giver is an organisation's name as the article writes it."""
        return giver in self._written

    def around(self, pos: int) -> tuple[int, int] | None:
        """The span of the organisation's name `pos` lies inside, if any."""
        i = bisect_right(self._starts, pos) - 1
        return (self._starts[i], self._ends[i]) if i >= 0 and self._ends[i] > pos else None

    def inside(self, pos: int) -> bool:
        """`pos` lies inside an organisation's name ("Than - Khoáng sản")."""
        i = bisect_right(self._starts, pos) - 1
        return i >= 0 and self._ends[i] > pos

    @staticmethod
    def _before(found: tuple[list[int], list[str]] | None, at: int) -> str | None:
        if not found:
            return None
        i = bisect_left(found[0], at) - 1
        return found[1][i] if i >= 0 else None

    def full(self, giver: str, at: int) -> str:
        return self._before(self._by_surface.get(giver), at) or giver

    def referred(self, giver: str, at: int) -> str:
        m = self._c.reference.search(giver) if self._by_head else None
        if not m:
            return giver
        full = self._before(self._by_head.get(self._c.references[m.group(0).lower()]), at)
        return giver if full is None else giver[:m.start()] + full + giver[m.end():]


def _first_named(raw: str, c: _Compiled, names: "_Names | None" = None, start: int | None = None) -> str:
    """"Trung ương Đoàn ..., Trung ương Hội ...": of bodies named together, the first; a "và"
    inside a body's name ("Bộ Giáo dục và Đào tạo", at `start` in the text) parts none."""
    for sep in c.list_split.finditer(raw):
        if names is not None and start is not None:
            around = names.around(start + sep.start())
            if around is not None and around == names.around(start + sep.end() - 1):
                continue
        return raw[:sep.start()]
    return raw


# ------------------------------------------------------------------ the clause grammar
#
# A sentence is cut into clauses at ";" and at a subset cue ("trong đó", "riêng"). In each
# clause a conferral is one of these shapes, each a rule id of rules/awards.yaml:
#
#   colon_list        <award> [của <giver>]: <count>
#   giver_first       <giver> <verb> <award> cho <count>[, <count> ...]
#   recipients_first  <count> được [<giver>] <verb> <award>[, <award> ...]
#   certificate_count <giver> trao <N> <award> [tập thể|cá nhân]   (one recipient per award)
#   commendation      tuyên dương <count> [đạt danh hiệu X | "X"]   (one entry, X the kind)
#
# The giver is read for each conferral from its own clause, by the first source that
# answers (GIVER_SOURCES); a conferral whose clause names none says where it took one from.


@dataclass(frozen=True)
class Clause:
    start: int
    end: int
    sentence: tuple[int, int]
    subset: bool      # "trong đó ...": a part of a total told before it


@dataclass
class Conferral:
    count: _Count
    awards: list[_Award]
    shape: str        # the rule id
    giver_first: bool


def sentences(text: str, hits: list[Hit]) -> list[tuple[int, int, list[Hit]]]:
    """The sentences holding award hits, each with its hits, in order (a sentence never crosses
    a line break). Each line holding a hit is split once, so the cost stays linear in the text."""
    out: list[tuple[int, int, list[Hit]]] = []
    k = 0
    while k < len(hits):
        line_start = text.rfind("\n", 0, hits[k].start) + 1
        line_end = text.find("\n", hits[k].start)
        line_end = len(text) if line_end < 0 else line_end
        start = line_start
        for m in _SENTENCE_END.finditer(text, line_start, line_end):
            k = _take(text, start, m.end(), hits, k, out)
            start = m.end()
        k = _take(text, start, line_end, hits, k, out)
    return out


def _take(text: str, start: int, end: int, hits: list[Hit], k: int, out: list) -> int:
    first = k
    while k < len(hits) and hits[k].start < end:
        k += 1
    if k > first:
        out.append((start, end, hits[first:k]))
    return k


def _clauses(text: str, sentence: tuple[int, int], c: _Compiled) -> list[Clause]:
    ss, se = sentence
    cuts = [ss]
    semi = text.find(";", ss, se)
    while semi >= 0:
        cuts.append(semi + 1)
        semi = text.find(";", semi + 1, se)
    subset_at = {m.start() for m in c.subset.finditer(text, ss, se)} if c.subset_hint.search(text, ss, se) else set()
    cuts = sorted(set(cuts) | subset_at)
    out = []
    for cs, ce in zip(cuts, cuts[1:] + [se]):
        out.append(Clause(cs, ce, sentence, cs in subset_at or _LEAD.match(text, cs, ce).end() in subset_at))
    return out


_VERB_REACH = 200


def _certificate_counts(text: str, clause: Clause, awards: list[_Award], rules: Rulebook, c: _Compiled) -> list[Conferral]:
    """"trao 35 Kỷ niệm chương ...", "tặng 8 bằng khen tập thể, 12 bằng khen cá nhân": a
    decoration or certificate goes to one recipient each, so its count counts recipients."""
    out: list[Conferral] = []
    for a in awards:
        if a.kind not in c.certificate_kinds:
            continue
        window = max(clause.start, a.start - 40)
        before = text[window:a.start].rstrip()
        if not before or not (before[-1].isdigit() or _last_word(before).lower() in c.count_last_words):
            continue  # no count right before the award: the common case, decided without a regex
        m = c.number_before.search(text, window, a.start)
        if not m or m.group("bound"):
            continue
        n = parse_count(m.group("num"), rules)
        if n is None:
            continue
        col = ind = None
        end = a.end
        noun = c.noun_after.match(text, a.end)
        if noun:
            col, ind = (n, None) if noun.group(1).lower() in c.collectives else (None, n)
            end = noun.end()
        prev = out[-1] if out else None
        if prev is not None and prev.awards[0].kind == a.kind and c.award_joiner.fullmatch(text, prev.count.end, m.start()):
            # "8 bằng khen tập thể, 12 bằng khen cá nhân": one count of one award
            p = prev.count
            p.collectives = (p.collectives or 0) + (col or 0) if col is not None else p.collectives
            p.individuals = (p.individuals or 0) + (ind or 0) if ind is not None else p.individuals
            p.recipients = (p.recipients or 0) + n
            p.end = end
            continue
        # the verb and its adverbs end right at the count: a bounded stretch, not the clause
        if c.passive_giver_before.search(text, max(clause.start, m.start() - 140), m.start()):
            continue  # "Tỉnh đã được Bộ X tặng 4 Bằng khen": received over the years, a history
        if not c.active_verb_before.search(text, max(clause.start, m.start() - _VERB_REACH), m.start()) \
                and not (c.certificate_passive.match(text, a.end, clause.end)
                         and not c.held_before.search(text, max(clause.start, m.start() - 12), m.start())):
            continue  # "đã được tặng 25 Bằng khen": a history, not a conferral; but "25 Bằng khen
            # của <giver> đã được trao" is one
        out.append(Conferral(_Count(m.start(), end, col, ind, n, False), [a], "awards.certificate_count", True))
    return out


def _titled_counts(text: str, awards: list[_Award], rules: Rulebook, c: _Compiled) -> list[Conferral]:
    """"vinh danh 27 “Thầy thuốc trẻ tiêu biểu”": a count of a named title, no recipient noun."""
    out = []
    for a in awards:
        if a.kind != "khen_thuong":
            continue
        m = c.count_title.match(text, a.end)
        n = parse_count(m.group("num"), rules) if m else None
        if n is None:
            continue
        title = _Award(a.start, m.end(), "danh_hieu", f"“{m.group('title').strip()}”", None)
        out.append(Conferral(_Count(m.start("num"), m.end(), None, None, n, False), [title], "awards.commendation", True))
    return out


def _pair(text: str, clause: Clause, awards: list[_Award], counts: list[_Count], c: _Compiled,
          spend) -> list[Conferral]:
    """Counts paired with award runs by the word orders of the genre.

    Awards are disjoint and in text order (so are counts): each question below is a
    bisection or a lookup, not a pass over the clause's awards or counts, so a clause listing
    thousands of them stays linear.
    """
    claimed: set[int] = set()  # start offsets of awards already paired
    paired: set[int] = set()   # indices into `counts`
    out: list[Conferral] = []
    starts = [a.start for a in awards]
    ends = [a.end for a in awards]
    # index of the first award at or after each index whose kind is not "khen_thuong"
    next_named = [len(awards)] * (len(awards) + 1)
    for i in range(len(awards) - 1, -1, -1):
        next_named[i] = i if awards[i].kind != "khen_thuong" else next_named[i + 1]
    # giver first / colon list: "<award> cho <count>", "<award>: <count>"
    for k, cnt in enumerate(counts):
        spend(1)
        last = bisect_right(ends, cnt.start) - 1  # the last award ending before the count
        if last < 0:
            continue
        near = cnt.start - awards[last].end < 200  # no slice of a long clause per count
        gap = text[awards[last].end:cnt.start] if near else ""
        direct = near and (c.to_recipients.search(gap) or not gap.strip())
        # another count between the award and this one (counts are disjoint, in order)
        between = k > 0 and counts[k - 1].start > awards[last].end
        if direct and not between:
            run = _chain(awards, last, text, -1, c)
            later = next_named[bisect_left(starts, cnt.end)]
            if all(a.kind == "khen_thuong" for a in run) and later < len(awards) \
                    and c.verb.search(text, cnt.end, awards[later].start) \
                    and not c.reason_after.match(text, cnt.end, clause.end) \
                    and not _has_own_count(text, awards[later], counts, k + 1, c):
                # "quyết định khen thưởng: 03 tập thể ... được nhận Bằng khen"; but "tuyên dương
                # 45 cán bộ ... và trao Kỷ niệm chương ... cho 11 đồng chí" is two conferrals
                continue
            claimed.update(a.start for a in run)
            shape = "awards.colon_list" if gap.rstrip().endswith(":") else "awards.giver_first"
            out.append(Conferral(cnt, run, shape, True))
            paired.add(k)
        elif out and out[-1].giver_first and out[-1].shape == "awards.giver_first" \
                and _continues(text, out[-1].count, cnt, starts, c):
            # "tặng Giấy khen cho 20 tập thể ..., 3 tập thể và 35 cá nhân ...": the same award
            out.append(Conferral(cnt, out[-1].awards, "awards.giver_first", True))
            paired.add(k)
    # recipients first: "<count> được ... <award>"
    for k, cnt in enumerate(counts):
        spend(1)
        if k in paired:
            continue
        nxt = counts[k + 1].start if k + 1 < len(counts) else clause.end
        first = bisect_left(starts, cnt.end)  # the first free award before the next count
        while first < len(awards) and awards[first].start < nxt and awards[first].start in claimed:
            spend(1)
            first += 1
        if first == len(awards) or awards[first].start >= nxt or not c.verb.search(text, cnt.end, awards[first].start):
            continue
        run = [a for a in _chain(awards, first, text, +1, c) if a.start not in claimed]
        out.append(Conferral(cnt, run, "awards.recipients_first", False))
    return out


def _has_own_count(text: str, award: _Award, counts: list[_Count], k: int, c: _Compiled) -> bool:
    """The award gives to a count of its own right after it ("trao Kỷ niệm chương ... cho 11
    đồng chí"): the first count after it, if there is one, within reach and after "cho" or ":"."""
    i = bisect_left([cnt.start for cnt in counts[k:k + 8]], award.end) + k
    if i >= len(counts) or counts[i].start - award.end >= 200:
        return False
    gap = text[award.end:counts[i].start]
    return bool(c.to_recipients.search(gap)) or not gap.strip()


def _continues(text: str, prev: _Count, cnt: _Count, award_starts: list[int], c: _Compiled) -> bool:
    """A count listed after another of the same conferral: after a comma or "và", with no
    award or conferral verb between them."""
    if cnt.start - prev.end > 200:
        return False
    between = text[prev.end:cnt.start]
    i = bisect_left(award_starts, prev.end)
    return (bool(c.ends_with_joiner.search(between))
            and not (i < len(award_starts) and award_starts[i] < cnt.start) and not c.conferral_verb.search(between))


def _commendation(text: str, conf: Conferral, awards_at: dict[int, _Award], clause: Clause, c: _Compiled) -> Conferral:
    """"tuyên dương 41 cán bộ đạt danh hiệu X", "vinh danh 45 'Thầy thuốc tiêu biểu'": one entry
    per commending clause, a danh_hieu where a title is named, the prize won being its reason."""
    if not conf.giver_first or any(a.kind != "khen_thuong" for a in conf.awards):
        return conf
    quoted = c.title_after.match(text, conf.count.end)
    if quoted:
        title = _Award(conf.awards[0].start, quoted.end(), "danh_hieu", f"“{quoted.group(1).strip()}”", None)
        return Conferral(conf.count, [title], "awards.commendation", True)
    reason = c.reason_after.match(text, conf.count.end, clause.end)
    if reason:
        won = awards_at.get(reason.end())
        kept = won if won is not None and won.kind == "danh_hieu" else conf.awards[0]
        return Conferral(conf.count, [kept], "awards.commendation", True)
    return conf


# Searches before an award reach back `_GIVER_REACH` characters at most: a giver is named
# within the sentence's last few hundred, and a 2 MB sentence must not be read per award.
_GIVER_REACH = 1000


class _Cues:
    """Whether a stretch holds a delegation or decision cue, asked before the full giver
    pattern runs there. The first few questions of an article search their stretch; past
    them (a run of thousands of awards) the cue starts are found once, overlapping matches
    too, and each question is a bisection, so the text is read once however many ask."""

    _SEARCHES = 16

    def __init__(self, text: str, c: _Compiled):
        self._text, self._c = text, c
        self._at: dict[str, list[int]] = {}
        self._asked = 0

    def any(self, name: str, start: int, end: int) -> bool:
        cue = getattr(self._c, f"{name}_cue")
        self._asked += 1
        if self._asked <= self._SEARCHES:
            return cue.search(self._text, start, end) is not None
        at = self._at.get(name)
        if at is None:
            at = self._at[name] = [m.start() for m in cue.finditer(self._text, overlapped=True)]
        i = bisect_left(at, start)
        return i < len(at) and at[i] < end


def _giver(text: str, clause: Clause, conf: Conferral, award: _Award, c: _Compiled, heads: set[int],
           orgs: dict[int, int], cues: _Cues, names: _Names | None = None) -> tuple[str | None, str]:
    """(giver, the source that gave it) for one award of a conferral, from its own sentence."""
    def _clean_giver(raw: str | None, c: _Compiled, start: int | None = None) -> str | None:
        return _clean(raw, c, names, award.start, start)
    m = c.giver_after.match(text, award.end)
    if m:
        return _clean_giver(_snap(text, m, orgs, c, names), c, m.start("giver")), "after_of"
    m = c.giver_by.match(text, award.end)
    if m:  # "nhận Giấy khen do Công đoàn ngành Y tế tỉnh trao tặng"
        return _clean_giver(_snap(text, m, orgs, c, names), c, m.start("giver")), "after_by"
    ss = clause.sentence[0]
    lead_end = min(award.start, conf.count.start)  # where the conferral begins
    if not conf.giver_first:
        # "được UBND tỉnh khen thưởng": an unnamed commendation is its own verb, so the passive
        # giver runs up to its end
        until = award.end if award.kind == "khen_thuong" else award.start
        m = c.giver_passive.search(text, max(conf.count.end, award.start - _GIVER_REACH), until)
        if m:
            return _clean_giver(_first_named(_snap(text, m, orgs, c, names), c, names, m.start("giver")), c, m.start("giver")), "passive"
    m = None
    lo = max(ss, award.start - _GIVER_REACH)
    for m in c.delegation.finditer(text, lo, award.start) if cues.any("delegation", lo, award.start) else ():
        pass
    if m:
        return _clean_giver(_snap(text, m, orgs, c, names), c, m.start("giver")), "delegation"
    if conf.giver_first:
        kind = "khen_thuong" if conf.shape == "awards.commendation" else award.kind
        subject = _subject(text, clause.start, lead_end, kind, c, heads, orgs, names)
        if subject:
            return subject, "subject"
        if c.not_giver_subject.search(text, max(clause.start, lead_end - 80), lead_end):
            # "...; Ban Tổ chức trao Giải thưởng ... cho 10 tác giả": the clause names who presents,
            # and it gives nothing; not the subject of the sentence's clause before
            return None, "not_giver"
    m = None
    lo = max(ss, lead_end - _GIVER_REACH)
    for m in c.decision.finditer(text, lo, lead_end) if cues.any("decision", lo, lead_end) else ():
        pass
    if m:
        return _clean_giver(_snap(text, m, orgs, c, names), c, m.start("giver")), "decision"
    return None, "none"


def _snap(text: str, m: regex.Match, orgs: dict[int, int], c: _Compiled, names: "_Names | None" = None) -> str:
    """The giver phrase, run on to the end of the organisation named where it starts, or named
    inside it after a position (a giver phrase stops at "và", which "Bộ Giáo dục và Đào tạo"
    holds: "Bộ trưởng Bộ Giáo dục và Đào tạo")."""
    start, end = m.span("giver")
    org_end = orgs.get(start)
    if org_end is None and names is not None:
        around = names.around(end)
        org_end = around[1] if around is not None and around[0] > start else None
    if org_end is None or org_end <= end or c.verb.search(text, end, org_end):
        return m.group("giver")
    return text[start:org_end]


def _subject(text: str, clause_start: int, end: int, kind: str, c: _Compiled, heads: set[int],
             orgs: dict[int, int], names: _Names | None = None) -> str | None:
    """The giver standing before the conferral verb (which ends at `end`): the last phrase
    before it, or the first of bodies named together there ("A, B tổ chức lễ tuyên dương": A)."""
    clause_start = max(clause_start, end - _GIVER_REACH)
    verb_end = end
    while verb_end > clause_start and text[verb_end - 1].isspace():
        verb_end -= 1
    if verb_end > clause_start and text[verb_end - 1] == ":":
        # "Chủ tịch UBND huyện tặng: danh hiệu ... cho 12 tập thể; Giấy khen cho ...": a giver
        # before a colon list gives each entry of it
        verb_end -= 1
        while verb_end > clause_start and text[verb_end - 1].isspace():
            verb_end -= 1
    # the phrase ends with a giver verb or the (backward, whole-stretch) search cannot match
    m = c.giver_subject.search(text, clause_start, end) \
        if c.verb_at_end.search(text, max(clause_start, verb_end - c.verb_length), verb_end) else None
    if m and m.start() - clause_start >= 2:
        head_start, head_end = max(clause_start, m.start() - 300), m.start()
    elif kind == "khen_thuong":
        head_start, head_end = clause_start, end
    else:
        return None
    for p in c.person.finditer(text, clause_start, end):
        # a person presents: no giver from the subject; but a dash inside an organisation's
        # name ("Công đoàn Than - Khoáng sản Việt Nam") is no person mark
        if names is None or not names.inside(p.start()):
            return None
    event = None
    for event in c.event_verb.finditer(text, head_start, head_end):
        pass
    if event:
        head_end = event.start()  # "<giver> tổ chức lễ tuyên dương": the giver ends before it
    parts, pos = [], head_start
    for sep in c.subject_split.finditer(text, head_start, head_end):
        if names is not None and names.around(sep.start()) is not None \
                and names.around(sep.start()) == names.around(sep.end() - 1):
            continue  # "và" inside a body's name ("Sở Giáo dục và Đào tạo") joins no two bodies
        parts.append((pos, sep.start()))
        pos = sep.end()
    parts.append((pos, head_end))
    first = len(parts) - 1
    # walk back over bodies named together: each part must start at an organisation head
    while first > 0 and _is_body(text, parts[first - 1], orgs) and _starts_at_head(text, parts[first], heads):
        first -= 1
    return _clean(text[parts[first][0]:parts[first][1]], c, names, end, parts[first][0])


def _shared_subject(text: str, ss: int, clause_start: int, end: int, c: _Compiled, heads: set[int],
                    orgs: dict[int, int], names: _Names) -> tuple[str | None, bool]:
    """"Công đoàn ngành đã trao 150 suất quà ...; tặng Giấy khen cho 25 học sinh": a conferral
    whose verb opens its clause, or follows "và", shares the subject of the sentence's first
    giver verb. Returns (giver, whether the sentence was searched): the caller searches a
    sentence once, however many awards it lists."""
    if _subject_end(text, clause_start, end, c) is None:
        return None, False
    lo = max(ss, end - _GIVER_REACH)
    m = c.first_verb.search(text, lo, end)
    if m is None or m.start() - lo < 2:
        return None, True
    return _subject(text, lo, m.end(), "", c, heads, orgs, names), True


def _decision_before(text: str, end: int, c: _Compiled, orgs: dict[int, int], names: _Names) -> str | None:
    """The giver of the last decision named in the few hundred characters before `end`."""
    m = None
    for m in c.decision.finditer(text, max(0, end - 600), end):
        pass
    return _clean(_snap(text, m, orgs, c), c, names, end) if m else None


def _sentence_subject(text: str, ss: int, end: int, c: _Compiled, heads: set[int],
                      orgs: dict[int, int], names: _Names) -> str | None:
    """The subject of the sentence's first giver verb before `end`, if the sentence has one."""
    lo = max(ss, end - _GIVER_REACH)
    m = c.first_verb.search(text, lo, end)
    if m is None or m.start() - lo < 2:
        return None
    subject = _subject(text, lo, m.end(), "", c, heads, orgs, names)
    # a body, not a noun phrase ("Kết quả khen thưởng của ngành như sau: ...")
    return subject if subject is not None and names.is_body(subject) else None


def _subject_end(text: str, clause_start: int, end: int, c: _Compiled) -> int | None:
    """Where the verb ending at `end` starts, if nothing but a joiner stands before it in the
    clause ("; tặng ...", "... và tặng ...")."""
    verb_end = end
    while verb_end > clause_start and text[verb_end - 1] in " :":
        verb_end -= 1
    if not c.verb_at_end.search(text, max(clause_start, verb_end - c.verb_length), verb_end):
        return None  # the common case, decided on a few characters
    m = c.giver_subject.search(text, max(clause_start, end - 300), end)
    if m is None:
        return None
    head = text[max(clause_start, m.start() - 12):m.start()]
    return m.start() if not head.strip(" ,") or c.ends_with_joiner.search(head) else None


def _is_body(text: str, part: tuple[int, int], orgs: dict[int, int]) -> bool:
    """The part is one organisation's name, nothing else."""
    s, e = part
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return orgs.get(s, -1) >= e > s


def _starts_at_head(text: str, part: tuple[int, int], heads: set[int]) -> bool:
    s, e = part
    while s < e and text[s].isspace():
        s += 1
    return s in heads


def find_awards(doc: Doc) -> list[Span]:
    """Every counted conferral in the body, one span per (count, award kind).

    >>> from extractor.pipeline import make_doc
    >>> [s.value["recipients"] for s in find_awards(make_doc("2 tập thể, 5 cá nhân được UBND tỉnh tặng Bằng khen."))]
    [7]
    """
    rules = doc.rules
    c = _compiled(rules)
    # the headline too: on a page cut short, the headline may be all that tells a conferral
    text = doc.content
    hits = doc.hits
    award_hits = longest([h for h in hits.get("awards.kind") if doc.in_content(h)])
    if not award_hits:
        return []
    heads = {h.start for h in hits.get("organizations.head")}
    orgs = {sp.start: sp.end for sp in doc.spans.get("organizations", [])}
    headline = doc.layout.title if doc.layout else None
    names = _Names(text, doc.spans.get("organizations", []), c,
                   (headline.start, headline.end) if headline is not None else None)
    organiser = _Organiser(text, orgs, c)
    cues = _Cues(text, c)
    spend = doc.budget.spend
    spans: list[Span] = []
    last_giver: str | None = None   # for "cũng được tuyên dương": the giver of the conferral before
    last_entry_end = -1  # end of the last sentence that made an entry
    for ss, se, sentence_hits in sentences(text, award_hits):
        spend(1 + se - ss)  # each sentence is read a bounded number of times
        sentence = (ss, se)
        hit_starts = [h.start for h in sentence_hits]
        sentence_has_verb = hits.any_within("awards.verb", ss, se)
        # "Trong đó, ..." after a sentence with a conferral: its parts; within a sentence, a
        # "trong đó" clause after a conferral of that sentence
        lead = _NON_BLANK.search(text, ss, se)
        divides_previous = bool(lead and c.subset.match(text, lead.start(), se)) and last_entry_end >= 0 \
            and not _NON_BLANK.search(text, last_entry_end, ss)
        entry_in_sentence = False
        sentence_nouns = _recipient_lexicon(rules).scan(doc.lower, ss, se)  # once per sentence
        # "X tặng Cờ thi đua cho 9 đơn vị và Bằng khen cho 40 tập thể": the subject of a
        # giver-first sentence gives every conferral of it that names no giver of its own
        sentence_subject: str | None = None
        shared_tried = False
        colon_subject: str | None = None
        colon_tried = False
        for clause in _clauses(text, sentence, c):
            spend(1)
            awards = _awards_in(text, sentence_hits[bisect_left(hit_starts, clause.start):bisect_left(hit_starts, clause.end)], c)
            if not awards:
                continue
            if divides_previous or (clause.subset and entry_in_sentence):
                continue  # "trong đó 11 đồng chí nhận ...": part of the total already counted
            certificates = _certificate_counts(text, clause, awards, rules, c) + _titled_counts(text, awards, rules, c)
            taken = {conf.awards[0].start for conf in certificates}
            rest = [a for a in awards if a.start not in taken]
            recipients = sentence_nouns.within("awards.recipient", clause.start, clause.end)
            certified = SpanIndex((cf.count.start, cf.count.end) for cf in certificates)
            counts = [cnt for cnt in _counts_in(text, longest(recipients), clause.start, rules, c)
                      if not certified.overlaps(cnt.start, cnt.start + 1)]
            conferrals = sorted(certificates + _pair(text, clause, rest, counts, c, spend), key=lambda cf: cf.count.start)
            awards_at = {a.start: a for a in awards}
            for conf in conferrals:
                spend(1 + len(conf.awards))
                if not sentence_has_verb and conf.shape != "awards.colon_list":
                    continue
                conf = _commendation(text, conf, awards_at, clause, c)
                lo = min(conf.count.start, conf.awards[0].start)
                hi = max(conf.count.end, conf.awards[-1].end)
                if hits.any_within("awards.negative", clause.start, hi):
                    continue
                run = conf.awards
                if len(run) > 1 and any(a.kind != "khen_thuong" for a in run):
                    run = [a for a in run if a.kind != "khen_thuong"]
                elif len(run) > 1:
                    # "UBND huyện tuyên dương, khen thưởng 86 học sinh": one commending clause, one
                    # entry, read from its first verb (the giver stands before it)
                    run = [min(run, key=lambda a: a.start)]
                for a in run:
                    giver, source = _giver(text, clause, conf, a, c, heads, orgs, cues, names)
                    if giver is not None and c.event.fullmatch(giver):
                        # "Hội nghị cũng đã trao tặng ...": the body that organises the event gives
                        giver, source = organiser.first(), "organiser"
                    if conf.giver_first:
                        if source == "not_giver":
                            # later clauses sharing this subject ("... và Bằng khen cho 5 cá
                            # nhân") have none either
                            sentence_subject, shared_tried = None, True
                        elif giver is None and sentence_subject is None and not shared_tried:
                            giver, shared_tried = _shared_subject(text, ss, clause.start, min(a.start, conf.count.start),
                                                                  c, heads, orgs, names)
                            source = "shared_subject" if giver else source
                            sentence_subject = giver
                        if giver is None and sentence_subject is not None and source != "not_giver":
                            giver, source = sentence_subject, "sentence_subject"
                        elif source == "subject":
                            # "X tặng A cho ...; Y tặng B cho 9 đơn vị và C cho 40 tập thể": C is Y's,
                            # the nearest subject before it
                            sentence_subject = giver
                    if giver is None and conf.shape == "awards.colon_list":
                        # "UBND tỉnh đã khen thưởng ..., cụ thể: Cờ thi đua của UBND tỉnh: 4 tập thể;
                        # Chiến sĩ thi đua cấp tỉnh: 6 cá nhân": an entry naming no giver is given
                        # by the sentence's subject (read once per sentence)
                        if not colon_tried:
                            colon_subject, colon_tried = _sentence_subject(
                                text, ss, min(a.start, conf.count.start), c, heads, orgs, names), True
                        if colon_subject is not None:
                            giver, source = colon_subject, "sentence_subject"
                    if giver is None and not conf.giver_first and c.again.search(text, max(conf.count.end, a.start - _GIVER_REACH), a.end):
                        giver, source = last_giver, "conferral_before"  # "... cũng được tuyên dương"
                    if giver is None and c.same_decision.search(text, max(clause.start, lo - 300), lo):
                        # "Cũng theo Quyết định này, ...": the giver of the last decision named
                        # before, else of the conferral before
                        giver, source = _decision_before(text, lo, c, orgs, names) or last_giver, "decision_before"
                    if giver is not None:
                        last_giver = giver
                    last_entry_end, entry_in_sentence = se, True
                    cnt = conf.count
                    spans.append(Span("awards", lo, hi, conf.shape, {
                        "award": a.name, "award_kind": a.kind, "grade": a.grade, "giver_text": giver,
                        "giver_source": source, "collectives": cnt.collectives, "individuals": cnt.individuals,
                        "recipients": cnt.recipients, "approximate": cnt.approximate,
                    }))
    title = doc.layout.title if doc.layout else None
    spans = _without_restatements(_without_caption_restatements(
        _without_headline_restatements(spans, title), text, c, rules, doc.context.get("place")))
    for sp in spans:
        if title is not None and title.start <= sp.start < title.end and sp.value["giver_text"] is None:
            # "28 cá nhân nhận Kỷ niệm chương ..." over a body that says who gave it, uncounted
            sp.value["giver_text"], sp.value["giver_source"] = _body_giver(text, sp.value["award_kind"], award_hits, title, c, heads, orgs, organiser), "body"
    return spans


def _body_giver(text: str, kind: str, hits: list[Hit], title, c: _Compiled, heads: set[int],
                orgs: dict[int, int], organiser: "_Organiser") -> str | None:
    """The giver the body names for an award of this kind, with or without a count."""
    for h in hits:
        if title.start <= h.start < title.end or c.kind_of[h.phrase].kind != kind:
            continue
        m = c.giver_after.match(text, h.end)
        if m:
            return _clean_giver(_snap(text, m, orgs, c), c)
        # the line's start, looked for no further back than a subject is read (`_subject`)
        reach = max(0, h.start - _GIVER_REACH)
        line_start = text.rfind("\n", reach, h.start) + 1 or reach
        subject = _subject(text, line_start, h.start, kind, c, heads, orgs)
        if subject:
            return organiser.first() if c.event.fullmatch(subject) else subject
    return None


class _Organiser:
    """The first organisation of the article said to organise something ("X tổ chức ..."),
    looked up once per article however many event givers ask for it."""

    def __init__(self, text: str, orgs: dict[int, int], c: _Compiled):
        self._text, self._orgs, self._c = text, orgs, c
        self._found: tuple[str | None] | None = None

    def first(self) -> str | None:
        if self._found is None:
            text, orgs = self._text, self._orgs
            self._found = (next((text[s:orgs[s]] for s in sorted(orgs) if self._c.organiser.match(text, orgs[s])), None),)
        return self._found[0]


def _without_headline_restatements(spans: list[Span], title) -> list[Span]:
    """A conferral in the headline that the body tells too adds no entry (RECORD.md, Award)."""
    if title is None:
        return spans
    in_title = [sp for sp in spans if title.start <= sp.start < title.end]
    if not in_title:
        return spans
    body = [sp for sp in spans if not title.start <= sp.start < title.end]
    body_kinds = {sp.value["award_kind"] for sp in body}
    # the headline restates the body when the body tells that kind of award, or when a bare
    # "khen thưởng N tập thể, cá nhân" sums up whatever the body tells
    return [sp for sp in spans if sp not in in_title or not (
        sp.value["award_kind"] in body_kinds or (sp.value["award_kind"] == "khen_thuong" and body))]


# A caption is a short line of one sentence between paragraphs, or a line with a photo credit;
# its bounds are looked for no further than this from the entry, so a long line costs nothing.
_CAPTION_LENGTH = 220
_CAPTION_CREDITED = 400
_ONE_SENTENCE_END = regex.compile(r"[.!?](?=\s+[\p{Lu}\d\"'(])")


def _caption_line(text: str, sp: Span, c: _Compiled) -> bool:
    """The entry stands in a photo caption: a short one-sentence line, or a line with a photo
    credit ("Lãnh đạo tỉnh trao Bằng khen cho 6 tập thể. Ảnh: THU HÀ")."""
    if sp.end - sp.start > _CAPTION_CREDITED:
        return False  # a caption is short: an entry this long is read no further
    lo = max(0, sp.start - _CAPTION_CREDITED)
    line_start = text.rfind("\n", lo, sp.start) + 1
    if line_start == 0 and lo > 0:
        return False
    line_end = text.find("\n", sp.end, sp.end + _CAPTION_CREDITED)
    if line_end < 0:
        if sp.end + _CAPTION_CREDITED < len(text):
            return False
        line_end = len(text)
    if line_end - line_start > 2 * _CAPTION_CREDITED:
        return False
    line = text[line_start:line_end].strip()
    if c.caption_credit.search(line):
        return True
    return len(line) <= _CAPTION_LENGTH and not _ONE_SENTENCE_END.search(line)


def _without_caption_restatements(spans: list[Span], text: str, c: _Compiled, rules: Rulebook, place) -> list[Span]:
    """A caption restating a conferral the body tells adds no entry (RECORD.md, Award): its
    kind is the body's and its counts are the body's or a part of them ("trao Bằng khen cho 5
    tập thể" under "... cho 5 tập thể và 3 cá nhân"), its giver unnamed or the body's."""
    if len(spans) < 2:
        return spans
    captions = {id(sp) for sp in spans if _caption_line(text, sp, c)}
    if not captions:
        return spans
    def giver(sp: Span) -> str | None:
        g = sp.value["giver_text"]
        return expand_name(g, rules, place).casefold() if g else None

    body: dict[str, list[Span]] = {}
    for sp in spans:
        if id(sp) not in captions:
            body.setdefault(sp.value["award_kind"], []).append(sp)

    def restates(cap: Span, told: Span) -> bool:
        a, b = cap.value, told.value
        if a["recipients"] is None or b["recipients"] is None or a["recipients"] > b["recipients"]:
            return False
        if a["collectives"] is None and a["individuals"] is None:
            same = a["recipients"] == b["recipients"]
        else:
            same = all(a[k] is None or a[k] == b[k] for k in ("collectives", "individuals"))
        return same and (cap.value["giver_text"] is None or giver(cap) == giver(told))

    # each caption is compared with the body entries of its kind only, a few per article
    return [sp for sp in spans if id(sp) not in captions
            or not any(restates(sp, told) for told in body.get(sp.value["award_kind"], [])[:32])]


def _without_restatements(spans: list[Span]) -> list[Span]:
    """A commendation ("tuyên dương 62 tập thể, cá nhân") or a bare "khen thưởng" with the very
    counts of a named conferral in the same article restates it: no entry of its own."""
    def counts(sp: Span) -> tuple:
        return (sp.value["collectives"], sp.value["individuals"], sp.value["recipients"])

    named = {counts(sp) for sp in spans if sp.rule != "awards.commendation" and sp.value["award_kind"] != "khen_thuong"}
    return [sp for sp in spans
            if not ((sp.rule == "awards.commendation" or sp.value["award_kind"] == "khen_thuong")
                    and counts(sp) in named and sp.value["recipients"] is not None)]


def vocabularies(rules: Rulebook) -> dict[str, list[str]]:
    """The phrase lists this extractor reads from the article's lexicon hits."""
    a = rules.awards
    return {
        "awards.kind": [w for k in a.kinds for w in k.words],
        "awards.verb": a.verbs,
        "awards.negative": a.negatives,
    }
