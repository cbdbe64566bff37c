"""Counted award conferrals: find_awards(doc) -> list[Span].

Works clause by clause (a sentence cut at ";"). In each clause it finds award mentions
("Bằng khen", "Huân chương Lao động hạng Ba", ...) and count groups ("2 tập thể, 5 cá nhân"),
pairs them by the two word orders of the genre, and reads the giver:

  recipients first   "2 tập thể, 5 cá nhân được <giver> tặng Bằng khen"
  giver first        "<giver> tặng Bằng khen cho 3 tập thể và 5 cá nhân"
  colon list         "Cờ thi đua của <giver>: 54 tập thể"

A clause with a proposal, target, admission or gift cue before the pair gives nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex

from ..doc import Doc, Span
from ..numbers import number_pattern, parse_count
from ..patterns import alt, word_alt
from ..rulebook import AwardKind, Rulebook

_SENTENCE = regex.compile(r"[^\n]+?(?:[.!?](?=\s+[\p{Lu}\d\"'(])|(?=\n)|$)")


@dataclass(frozen=True)
class _Compiled:
    award: regex.Pattern
    kind_of: dict[str, AwardKind]
    quoted: regex.Pattern
    name_word: regex.Pattern
    name_stops: frozenset[str]
    grade: regex.Pattern
    count: regex.Pattern
    joiner: regex.Pattern
    negative: regex.Pattern
    verb: regex.Pattern
    giver_after: regex.Pattern
    giver_passive: regex.Pattern
    giver_subject: regex.Pattern
    delegation: regex.Pattern
    lead: regex.Pattern
    person: regex.Pattern
    individuals: frozenset[str]
    collectives: frozenset[str]


@lru_cache(maxsize=8)
def _compiled(rules: Rulebook) -> _Compiled:
    a, n = rules.awards, rules.numbers
    words = {w.casefold(): k for k in a.kinds for w in k.words}
    num = number_pattern(rules)
    nouns = alt([*a.individuals, *a.collectives])
    undivided = "|".join(f"(?:{u})" for u in a.undivided)
    item = (rf"(?:(?P<bound>{alt(n.bounds)})\s+)?(?P<num>{num})\s*(?:(?P<undiv>{undivided})|(?P<noun>{nouns}))(?!\p{{L}})"
            rf"|(?P<vague>{alt(n.vague)})\s+(?:(?P<vundiv>{undivided})|(?P<vnoun>{nouns}))(?!\p{{L}})")
    stops = alt(a.giver_stops)
    giver = rf"(?P<giver>[\p{{Lu}}][^\n,;:()\"]{{1,140}}?)(?=\s+{stops}(?!\p{{L}})|\s*[,;:.()\"]|\s*$)"
    verbs = alt(a.giver_verbs)
    return _Compiled(
        award=regex.compile(word_alt(words), regex.IGNORECASE),
        kind_of=words,
        quoted=regex.compile(r'\s*"([^"\n]{2,140})"'),
        name_word=regex.compile(r"\s+([\p{L}\p{N}]+)"),
        name_stops=frozenset(w.casefold() for w in a.name_stops + a.grades),
        grade=regex.compile(rf"\s*,?\s*(?P<grade>{alt(a.grades)})(?!\p{{L}})", regex.IGNORECASE),
        count=regex.compile(item, regex.IGNORECASE),
        joiner=regex.compile(r"\s*(?:,\s*và|,|và|cùng|;)?\s*", regex.IGNORECASE),
        negative=regex.compile(word_alt(a.negatives), regex.IGNORECASE),
        verb=regex.compile(word_alt(a.verbs), regex.IGNORECASE),
        giver_after=regex.compile(rf"\s*(?:\"[^\"\n]*\"\s*)?,?\s*của\s+{giver}"),
        giver_passive=regex.compile(
            rf"(?:được|đã được)\s+(?:sự\s+)?(?P<giver>[\p{{Lu}}][^\n,;:()\"]{{1,140}}?)(?:\s+(?:đã|vừa|quyết định))*\s+{verbs}(?!\p{{L}})"),
        giver_subject=regex.compile(rf"(?P<giver>[^;:()]{{2,300}}?)\s+(?:(?:đã|vừa|cũng|đều|quyết định|sẽ)\s+)*{verbs}\s*$", regex.IGNORECASE),
        delegation=regex.compile(rf"(?:{'|'.join(a.delegation)})\s+{giver}", regex.IGNORECASE),
        lead=regex.compile(rf"^(?:\s*(?:{'|'.join(a.giver_lead)})\s*,?\s*)+", regex.IGNORECASE),
        person=regex.compile(word_alt(a.person_marks) + r"|\s-\s", regex.IGNORECASE),
        individuals=frozenset(x.casefold() for x in a.individuals),
        collectives=frozenset(x.casefold() for x in a.collectives),
    )


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


def _awards_in(text: str, s: int, e: int, c: _Compiled) -> list[_Award]:
    out = []
    for m in c.award.finditer(text, s, e):
        kind = c.kind_of[m.group().casefold()]
        end = m.end()
        name = kind.canonical
        suffix = ""
        if kind.name in ("quoted", "quoted_required", "quoted_or_capitalized"):
            q = c.quoted.match(text, end)
            if q:
                suffix, end = f"“{q.group(1).strip()}”", q.end()
            elif kind.name == "quoted_required":
                continue
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
        out.append(_Award(m.start(), end, kind.kind, name, grade))
    return out


def _counts_in(text: str, s: int, e: int, rules: Rulebook, c: _Compiled) -> list[_Count]:
    items = list(c.count.finditer(text, s, e))
    groups: list[_Count] = []
    for m in items:
        g = m.groupdict()
        approximate = bool(g["bound"] or g["vague"])
        n = parse_count(g["num"], rules) if g["num"] else None
        noun = (g["noun"] or g["vnoun"] or "").casefold()
        undivided = bool(g["undiv"] or g["vundiv"])
        col = ind = None
        if not undivided and n is not None:
            if noun in c.collectives:
                col = n
            else:
                ind = n
        rec = n
        prev = groups[-1] if groups else None
        between = text[prev.end:m.start()] if prev else ""
        joined = bool(prev) and (c.joiner.fullmatch(between) is not None or (
            len(between) <= 90 and regex.search(r"(?:,|\svà)\s*$", between) and not regex.search(r"[\d;:]", between)
            and not c.verb.search(between)))
        if prev and joined and not undivided and prev.recipients is not None \
                and (prev.collectives is None) != (col is None):
            # "2 tập thể, 5 cá nhân": one group
            prev.collectives = prev.collectives if col is None else col
            prev.individuals = prev.individuals if ind is None else ind
            prev.recipients = (prev.collectives or 0) + (prev.individuals or 0) if n is not None else None
            prev.approximate = prev.approximate or approximate
            prev.end = m.end()
            continue
        groups.append(_Count(m.start(), m.end(), col, ind, rec if not g["vague"] else None, approximate))
    return groups


def _chain(awards: list[_Award], first: int, text: str, step: int) -> list[_Award]:
    """The award at index `first` and its neighbours joined by "và" / "," (step -1 or +1)."""
    run = [awards[first]]
    i = first
    while 0 <= i + step < len(awards):
        a, b = (awards[i + step], awards[i]) if step < 0 else (awards[i], awards[i + step])
        if not regex.fullmatch(r"\s*(?:,\s*và|,|và|cùng|hoặc)\s*", text[a.end:b.start], regex.IGNORECASE):
            break
        i += step
        run.append(awards[i])
    return run


def _clean_giver(raw: str | None, c: _Compiled) -> str | None:
    if not raw:
        return None
    g = c.lead.sub("", raw.strip()).strip(" ,")
    g = regex.sub(r"(?:\s+(?:đã|vừa|cũng|đều|quyết định|sẽ))+$", "", g, flags=regex.IGNORECASE)
    if not g or not (g[0].isupper()) or len(g.split()) > 16 or c.person.search(g):
        return None
    return g


def _giver(text: str, sentence: tuple[int, int], clause_start: int, count: _Count, award: _Award,
           giver_first: bool, c: _Compiled) -> str | None:
    m = c.giver_after.match(text, award.end)
    if m:
        return _clean_giver(m.group("giver"), c)
    if not giver_first:
        m = c.giver_passive.search(text, count.end, award.start)
        if m:
            return _clean_giver(m.group("giver"), c)
    m = None
    for m in c.delegation.finditer(text, sentence[0], award.start):
        pass
    if m:
        return _clean_giver(m.group("giver"), c)
    if giver_first:
        m = c.giver_subject.search(text, clause_start, award.start)
        head = m.group("giver") if m else (text[clause_start:award.start] if award.kind == "khen_thuong" else None)
        if head is not None and not c.person.search(text, clause_start, award.start):
            # the subject is the last phrase before the verb: after the last comma or "và"
            parts = regex.split(r",|;|(?<!\p{L})và(?!\p{L})|\"", head)
            return _clean_giver(parts[-1], c)
    return None


def find_awards(doc: Doc) -> list[Span]:
    """Every counted conferral in the body, one span per (count, award kind).

    >>> [s.value["recipients"] for s in find_awards(make_doc("2 tập thể, 5 cá nhân được UBND tỉnh tặng Bằng khen."))]
    [7]
    """
    rules = doc.rules
    c = _compiled(rules)
    text = doc.body
    spans: list[Span] = []
    for sm in _SENTENCE.finditer(text):
        ss, se = sm.span()
        if not c.award.search(text, ss, se):
            continue
        sentence_has_verb = bool(c.verb.search(text, ss, se))
        # "X tặng Cờ thi đua cho 9 đơn vị và Bằng khen cho 40 tập thể": later conferrals of a
        # sentence whose giver comes first keep that giver
        last_giver: str | None = None
        clause_starts = [ss] + [ss + x for x in [m.end() for m in regex.finditer(";", text[ss:se])]]
        bounds = list(zip(clause_starts, clause_starts[1:] + [se]))
        for cs, ce in bounds:
            awards = _awards_in(text, cs, ce, c)
            counts = _counts_in(text, cs, ce, rules, c)
            if not awards or not counts:
                continue
            claimed: set[int] = set()
            pairs: list[tuple[_Count, list[_Award], bool, str]] = []
            # giver first / colon list: "<award> cho <count>", "<award>: <count>"
            for cnt in counts:
                before = [i for i, a in enumerate(awards) if a.end <= cnt.start]
                if not before:
                    continue
                last = before[-1]
                gap = text[awards[last].end:cnt.start]
                m = regex.search(r"(?:(?<!\p{L})(?:cho|tới|đến)|:)\s*$", gap, regex.IGNORECASE) or not gap.strip()
                if m and len(gap) < 200 and not any(cnt2.start > awards[last].end and cnt2.end <= cnt.start for cnt2 in counts if cnt2 is not cnt):
                    run = _chain(awards, last, text, -1)
                    later = [a for a in awards if a.start >= cnt.end and a.kind != "khen_thuong"]
                    if all(a.kind == "khen_thuong" for a in run) and later and c.verb.search(text, cnt.end, later[0].start):
                        continue  # "quyết định khen thưởng: 03 tập thể ... được nhận Bằng khen"
                    claimed.update(id(a) for a in run)
                    rule = "awards.colon_list" if gap.rstrip().endswith(":") else "awards.giver_first"
                    pairs.append((cnt, run, True, rule))
            # recipients first: "<count> được ... <award>"
            paired = {id(p[0]) for p in pairs}
            for k, cnt in enumerate(counts):
                if id(cnt) in paired:
                    continue
                nxt = counts[k + 1].start if k + 1 < len(counts) else ce
                after = [i for i, a in enumerate(awards) if a.start >= cnt.end and a.start < nxt and id(a) not in claimed]
                if not after:
                    continue
                if not c.verb.search(text, cnt.end, awards[after[0]].start):
                    continue
                run = [a for a in _chain(awards, after[0], text, +1) if id(a) not in claimed]
                pairs.append((cnt, run, False, "awards.recipients_first"))
            for cnt, run, giver_first, rule in pairs:
                if not sentence_has_verb and rule != "awards.colon_list":
                    continue
                lo = min(cnt.start, run[0].start)
                hi = max(cnt.end, run[-1].end)
                if c.negative.search(text, cs, hi):
                    continue
                if len(run) > 1 and any(a.kind != "khen_thuong" for a in run):
                    run = [a for a in run if a.kind != "khen_thuong"]
                for a in run:
                    giver = _giver(text, (ss, se), cs, cnt, a, giver_first, c)
                    if giver_first:
                        giver = giver or last_giver
                        last_giver = giver
                    spans.append(Span("awards", lo, hi, rule, {
                        "award": a.name, "award_kind": a.kind, "grade": a.grade, "giver_text": giver,
                        "collectives": cnt.collectives, "individuals": cnt.individuals,
                        "recipients": cnt.recipients, "approximate": cnt.approximate,
                    }))
    return spans
