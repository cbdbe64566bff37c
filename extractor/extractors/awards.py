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

from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache

import regex

from ..doc import Doc, Span
from ..numbers import number_pattern, parse_count
from ..lexicon import Hit, Lexicon, longest
from ..patterns import alt, anchored, word_alt
from ..rulebook import AwardKind, Rulebook

_DIGIT_OR_BREAK = regex.compile(r"[\d;:]")


# a sentence stop: followed by space and a capital, a digit, a quote or a bracket; group 1
# ends where the next sentence starts
_STOP_BEFORE = regex.compile(r"[.!?](?=(\s+)[\p{Lu}\d\"'(])")
_BREAK = regex.compile(r"\n")


def _sentences_with(text: str, hits: list[int]) -> list[tuple[int, int]]:
    """The sentences holding the given positions, each once, in order.

    A sentence runs from the last stop before the position (one whose next sentence has
    begun before it) to the first stop after it, within the line. The stops and line breaks
    are read once; each position then costs a bisection, not a scan of its line (a line may
    hold a whole 2 MB text).
    """
    out: list[tuple[int, int]] = []
    if not hits:
        return out
    stops = list(_STOP_BEFORE.finditer(text))
    stop_at = [m.start() for m in stops]
    next_at = [m.end(1) for m in stops]  # increasing with stop_at: a stop is no space
    breaks = [m.start() for m in _BREAK.finditer(text)]
    for pos in hits:
        if out and out[-1][0] <= pos < out[-1][1]:
            continue
        k = bisect_left(breaks, pos)
        line_start = breaks[k - 1] + 1 if k else 0
        line_end = breaks[k] if k < len(breaks) else len(text)
        i = bisect_left(next_at, pos) - 1
        start = stop_at[i] + 1 if i >= 0 and stop_at[i] >= line_start else line_start
        i = bisect_left(stop_at, pos)
        end = stop_at[i] + 1 if i < len(stops) and next_at[i] < line_end else line_end
        out.append((start, end))
    return out


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
    giver_after: regex.Pattern
    giver_passive: regex.Pattern
    giver_subject: regex.Pattern
    delegation: regex.Pattern
    lead: regex.Pattern
    person: regex.Pattern
    collectives: frozenset[str]
    count_last_words: frozenset[str]  # the words a count or vague quantity can end with


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
        award_joiner=anchored(rf"\s*(?:,\s*{joiners}|,|{joiners})\s*", regex.IGNORECASE),
        trailing_adverbs=regex.compile(rf"(?:\s+{adverbs})+$", regex.IGNORECASE),
        subject_split=regex.compile(rf",|;|(?<!\p{{L}}){joiners}(?!\p{{L}})|\"", regex.IGNORECASE),
        to_recipients=regex.compile(rf"(?r)(?:(?<!\p{{L}}){alt(g.to_recipients)}|:)\s*$", regex.IGNORECASE),
        verb=regex.compile(word_alt(a.verbs), regex.IGNORECASE),
        giver_after=anchored(rf"\s*(?:\"[^\"\n]*\"\s*)?,?\s*{alt(g.of)}\s+{giver}"),
        giver_passive=regex.compile(
            rf"{alt(g.passive)}\s+(?P<giver>[\p{{Lu}}][^\n,;:()\"]{{1,140}}?)(?:\s+{adverbs})*\s+{verbs}(?!\p{{L}})"),
        # searched backwards from the award: the verb right before it ends the giver's phrase
        giver_subject=regex.compile(rf"(?r)\s+(?:{adverbs}\s+)*{verbs}\s*$", regex.IGNORECASE),
        delegation=regex.compile(rf"(?:{'|'.join(a.delegation)})\s+{giver}", regex.IGNORECASE),
        lead=regex.compile(rf"^(?:\s*(?:{'|'.join(a.giver_lead)})\s*,?\s*)+", regex.IGNORECASE),
        person=regex.compile(word_alt(a.person_marks) + r"|\s-\s", regex.IGNORECASE),
        collectives=frozenset(x.lower() for x in a.collectives),
        count_last_words=frozenset(w.split()[-1].lower() for w in [*n.units, *n.tens, *n.multipliers, *n.vague]),
    )


@lru_cache(maxsize=8)
def _recipient_lexicon(rules: Rulebook) -> Lexicon:
    """Recipient nouns ("cá nhân", "đoàn viên", "tập thể") are among the commonest words of the
    genre but matter only in clauses naming an award, so only those clauses are scanned."""
    a = rules.awards
    return Lexicon({"awards.recipient": [*a.individuals, *a.collectives]})


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
    out = []
    for h in hits:
        kind = c.kind_of[h.phrase]
        end = h.end
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
        if not und and n is not None:
            if h.phrase in c.collectives:
                col = n
            else:
                ind = n
        prev = groups[-1] if groups else None
        between = text[prev.end:start] if prev else ""
        joined = bool(prev) and (c.joiner.fullmatch(between) is not None or (
            len(between) <= 90 and c.ends_with_joiner.search(between) and not _DIGIT_OR_BREAK.search(between)
            and not c.verb.search(between)))
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


def _clean_giver(raw: str | None, c: _Compiled) -> str | None:
    if not raw:
        return None
    g = c.lead.sub("", raw.strip()).strip(" ,")
    g = c.trailing_adverbs.sub("", g)
    if not g or not (g[0].isupper()) or len(g.split()) > 16 or c.person.search(g):
        return None
    return g


_GIVER_REACH = 1000


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
    # searches before the award reach back `_GIVER_REACH` characters at most: a giver is named
    # within the sentence's last few hundred, and a 2 MB sentence must not be read per award
    for m in c.delegation.finditer(text, max(sentence[0], award.start - _GIVER_REACH), award.start):
        pass
    if m:
        return _clean_giver(m.group("giver"), c)
    if giver_first:
        reach = max(clause_start, award.start - _GIVER_REACH)
        m = c.giver_subject.search(text, reach, award.start)
        if m and m.start() - clause_start >= 2:
            head = text[max(clause_start, m.start() - 300):m.start()]
        else:
            head = text[reach:award.start] if award.kind == "khen_thuong" else None
        if head is not None and not c.person.search(text, reach, award.start):
            # the subject is the last phrase before the verb: after the last comma or "và"
            parts = c.subject_split.split(head)
            return _clean_giver(parts[-1], c)
    return None


def find_awards(doc: Doc) -> list[Span]:
    """Every counted conferral in the body, one span per (count, award kind).

    >>> from extractor.pipeline import make_doc
    >>> [s.value["recipients"] for s in find_awards(make_doc("2 tập thể, 5 cá nhân được UBND tỉnh tặng Bằng khen."))]
    [7]
    """
    rules = doc.rules
    c = _compiled(rules)
    text = doc.body
    hits = doc.hits
    award_hits = longest([h for h in hits.get("awards.kind") if doc.in_body(h)])
    award_starts = [h.start for h in award_hits]
    spend = doc.budget.spend
    spans: list[Span] = []
    for ss, se in _sentences_with(text, award_starts):
        spend(1 + se - ss)  # sentences overlap at most pairwise: the text is read about twice
        sentence_has_verb = hits.any_within("awards.verb", ss, se)
        # "X tặng Cờ thi đua cho 9 đơn vị và Bằng khen cho 40 tập thể": later conferrals of a
        # sentence whose giver comes first keep that giver
        last_giver: str | None = None
        clause_starts = [ss]
        semi = text.find(";", ss, se)
        while semi >= 0:
            clause_starts.append(semi + 1)
            semi = text.find(";", semi + 1, se)
        bounds = list(zip(clause_starts, clause_starts[1:] + [se]))
        for cs, ce in bounds:
            spend(1 + ce - cs)
            awards = _awards_in(text, award_hits[bisect_left(award_starts, cs):bisect_left(award_starts, ce)], c)
            if not awards:
                continue
            recipients = _recipient_lexicon(rules).scan(doc.lower, cs, ce).get("awards.recipient")
            counts = _counts_in(text, longest(recipients), cs, rules, c)
            if not counts:
                continue
            claimed: set[int] = set()
            pairs: list[tuple[_Count, list[_Award], bool, str]] = []
            # Counts and awards are in text order (counts disjoint), so each question below
            # is a bisection or a pointer moving forward, not a pass over the clause's awards.
            award_starts_here = [a.start for a in awards]
            by_end = sorted(range(len(awards)), key=lambda i: awards[i].end)
            ended, last_ended = 0, -1  # awards[by_end[:ended]] end before the current count
            next_rank = [len(awards)] * (len(awards) + 1)  # index of the next award not "khen_thuong"
            for i in range(len(awards) - 1, -1, -1):
                next_rank[i] = i if awards[i].kind != "khen_thuong" else next_rank[i + 1]
            # giver first / colon list: "<award> cho <count>", "<award>: <count>"
            for k, cnt in enumerate(counts):
                spend(1)
                while ended < len(by_end) and awards[by_end[ended]].end <= cnt.start:
                    last_ended = max(last_ended, by_end[ended])
                    ended += 1
                if last_ended < 0:
                    continue
                last = last_ended
                if cnt.start - awards[last].end >= 200:
                    continue  # too far apart to pair (and no slice of a long clause per count)
                gap = text[awards[last].end:cnt.start]
                m = c.to_recipients.search(gap) or not gap.strip()
                # another count between the award and this one (counts are disjoint, in order)
                between = k > 0 and counts[k - 1].start > awards[last].end
                if m and not between:
                    run = _chain(awards, last, text, -1, c)
                    later = next_rank[bisect_left(award_starts_here, cnt.end)]
                    if all(a.kind == "khen_thuong" for a in run) and later < len(awards) \
                            and c.verb.search(text, cnt.end, awards[later].start):
                        continue  # "quyết định khen thưởng: 03 tập thể ... được nhận Bằng khen"
                    claimed.update(id(a) for a in run)
                    rule = "awards.colon_list" if gap.rstrip().endswith(":") else "awards.giver_first"
                    pairs.append((cnt, run, True, rule))
            # recipients first: "<count> được ... <award>"
            paired = {id(p[0]) for p in pairs}
            for k, cnt in enumerate(counts):
                spend(1)
                if id(cnt) in paired:
                    continue
                nxt = counts[k + 1].start if k + 1 < len(counts) else ce
                first = bisect_left(award_starts_here, cnt.end)  # the first free award before the next count
                while first < len(awards) and awards[first].start < nxt and id(awards[first]) in claimed:
                    first += 1
                if first == len(awards) or awards[first].start >= nxt:
                    continue
                if not c.verb.search(text, cnt.end, awards[first].start):
                    continue
                run = [a for a in _chain(awards, first, text, +1, c) if id(a) not in claimed]
                pairs.append((cnt, run, False, "awards.recipients_first"))
            for cnt, run, giver_first, rule in pairs:
                if not sentence_has_verb and rule != "awards.colon_list":
                    continue
                lo = min(cnt.start, run[0].start)
                hi = max(cnt.end, run[-1].end)
                if hits.any_within("awards.negative", cs, hi):
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


def vocabularies(rules: Rulebook) -> dict[str, list[str]]:
    """The phrase lists this extractor reads from the article's lexicon hits."""
    a = rules.awards
    return {
        "awards.kind": [w for k in a.kinds for w in k.words],
        "awards.verb": a.verbs,
        "awards.negative": a.negatives,
    }
