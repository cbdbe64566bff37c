"""Compose vocabulary tables into regex alternations (longest first, refusing empty groups)."""
from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable
from itertools import accumulate

import regex


def alt(words: Iterable[str], *, escape: bool = True) -> str:
    """'(?:a|b)' over `words`, longest first so that 'tập thể lao động' beats 'tập thể'.

    >>> alt(["CĐ", "CĐVC"])
    '(?:CĐVC|CĐ)'

    An empty group would match everywhere, so it is refused (trafilatura's `_alt` guard).
    """
    items = sorted({w for w in words if w}, key=lambda w: (-len(w), w))
    if not items:
        raise ValueError("an alternation needs at least one word")
    body = "|".join(regex.escape(w) if escape else w for w in items)
    return f"(?:{body})"


def word_alt(words: Iterable[str], *, escape: bool = True) -> str:
    """`alt` bounded so that it matches whole words only."""
    return rf"(?<![\p{{L}}\p{{N}}]){alt(words, escape=escape)}(?![\p{{L}}\p{{N}}])"


def anchored(pattern: str, flags: int = 0) -> regex.Pattern:
    """A pattern only ever tried at a given position (`.match(text, pos)`, `.fullmatch`).

    Before trying a match the regex module looks for a literal the pattern requires ("của" of
    "... của <giver>", the quote of a quoted name) in all the rest of the text: a quick reject
    for one `search`, but a scan of the whole text per candidate when `match` is tried at every
    candidate of a long text, where the literal may never come. A second, never-matching branch
    hides the literal from that scan; matches are unchanged. (Do not `search` with it: the
    scan it skips is what makes a search fast.)
    """
    return regex.compile(f"(?:{pattern}|(?!))", flags)


def compile_ci(pattern: str) -> regex.Pattern:
    return regex.compile(pattern, regex.IGNORECASE | regex.VERSION0)


def windows(text: str, anchor: regex.Pattern, before: int, after: int, *, whole_words: bool = False) -> list[tuple[int, int]]:
    """Merged (start, end) windows of `before`/`after` characters around every `anchor` match.

    Families whose every match holds a cheap anchor (a digit and a slash, say) run their
    patterns only inside these windows. With `whole_words` a window is widened to the nearest
    space or line break, so no match is cut in the middle of a word.
    """
    out: list[tuple[int, int]] = []
    n = len(text)
    # the next space and line break at or after the last window's end: windows move forward,
    # so each is found again only once the scan has passed it (no rescan of long words)
    space = newline = -2
    for m in anchor.finditer(text):
        s, e = max(0, m.start() - before), min(n, m.end() + after)
        if whole_words:
            # back to a break, but no further than the last window: a start before its end
            # merges the two windows anyway
            floor = out[-1][1] if out else 0
            s = max(text.rfind(" ", floor, s), text.rfind("\n", floor, s), floor)
            if space != -1 and space < e:
                space = text.find(" ", e)
            if newline != -1 and newline < e:
                newline = text.find("\n", e)
            ends = [i for i in (space, newline) if i >= 0]
            e = min(ends) if ends else n
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


class Claimed:
    """Disjoint spans claimed by earlier matches: "does [s, e) overlap one?" by bisection.

    Patterns claim text in passes (all matches of one pattern); claims of the current pass
    are kept aside, mostly appended in order, and merged in linear time when the pass ends.

    >>> c = Claimed(); c.claim(5, 9); c.overlaps(8, 12), c.overlaps(9, 12)
    (True, False)
    """

    def __init__(self) -> None:
        self._done: list[tuple[int, int]] = []
        self._pass: list[tuple[int, int]] = []

    @staticmethod
    def _hits(spans: list[tuple[int, int]], s: int, e: int) -> bool:
        i = bisect_left(spans, (e,))  # spans[:i] start before e; being disjoint, the last ends last
        return i > 0 and spans[i - 1][1] > s

    def overlaps(self, s: int, e: int) -> bool:
        return self._hits(self._done, s, e) or self._hits(self._pass, s, e)

    def claim(self, s: int, e: int) -> None:
        if not self._pass or self._pass[-1] < (s, e):
            self._pass.append((s, e))
        else:
            insort(self._pass, (s, e))

    def end_pass(self) -> None:
        self._done = sorted(self._done + self._pass)  # two sorted runs: a linear merge
        self._pass = []


class SpanIndex:
    """Fixed spans, possibly nested or overlapping: "does [s, e) overlap one?" by bisection.

    >>> SpanIndex([(0, 10), (2, 3)]).overlaps(5, 6), SpanIndex([(0, 4), (2, 3)]).overlaps(5, 6)
    (True, False)
    """

    def __init__(self, spans: Iterable[tuple[int, int]]):
        ordered = sorted(spans)
        self._starts = [s for s, _ in ordered]
        self._max_end = list(accumulate((e for _, e in ordered), max))

    def overlaps(self, s: int, e: int) -> bool:
        i = bisect_left(self._starts, e)  # spans[:i] start before e; one overlaps if any ends after s
        return i > 0 and self._max_end[i - 1] > s


def skip_blanks(text: str, pos: int) -> int:
    """The index of the first character at or after `pos` that is not a space or a tab."""
    while pos < len(text) and text[pos] in " \t":
        pos += 1
    return pos


_LETTERS = regex.compile(r"\p{L}*")


def letter_run(text: str, pos: int = 0) -> str:
    """The letters starting at `pos`: "Chủ" of "Chủ tịch", "TS" of "TS.BS", "" before a digit."""
    return _LETTERS.match(text, pos).group()


class PhraseMatcher:
    """An alternation of phrases matched at a position, followed by no letter.

    Most positions tried (every word of a name, say) start no phrase at all; the set of the
    phrases' first words rejects those with a set lookup, before the regex runs.

    >>> titles = PhraseMatcher(["Chủ tịch", "Phó Chủ tịch"])
    >>> titles.match("ông Phó Chủ tịch", 4).group(), titles.match("Chủng", 0)
    ('Phó Chủ tịch', None)
    """

    def __init__(self, phrases: Iterable[str], *, ignore_case: bool = False):
        phrases = list(phrases)
        self.regex = anchored(rf"{alt(phrases)}(?!\p{{L}})", regex.IGNORECASE if ignore_case else 0)
        self._fold = str.lower if ignore_case else None
        self._heads = frozenset(self._key(letter_run(p)) for p in phrases)

    def _key(self, word: str) -> str:
        return self._fold(word) if self._fold else word

    def could_start(self, word: str) -> bool:
        """False when no phrase can start with `word` (a word as written, punctuation and all)."""
        return self._key(word if word.isalpha() else letter_run(word)) in self._heads

    def match(self, text: str, pos: int, word: str | None = None) -> regex.Match | None:
        """The longest phrase starting at `pos`, or None. `word`, the word starting at `pos`
        when the caller has it, saves finding its letters again."""
        # could_start, inlined: most of the calls end here, tens of thousands per article
        if word is None:
            word = letter_run(text, pos)
        elif not word.isalpha():
            word = letter_run(word)
        if (self._fold(word) if self._fold else word) not in self._heads:
            return None
        return self.regex.match(text, pos)


class Excerpts:
    r"""The windows of a text joined into one string, so that a pattern scans all of them in
    one call instead of one call per window (the per-call cost outweighs the scan).

    Windows are joined by a separator no pattern can match across, so a match lies inside
    one window; `to_text` maps its indices back. Use windows widened to whole words, so that
    look-behinds at a window's first word see the space before it, as they would in the text.

    >>> text = "Ngày 5/3 họp. Nhiều nội dung khác. Ngày 9/4 kết thúc."
    >>> ex = Excerpts(text, [(0, 13), (34, 52)])
    >>> [text[ex.to_text(m.start()):ex.to_text(m.end())] for m in regex.finditer(r"\d+/\d+", ex.text)]
    ['5/3', '9/4']
    """

    SEPARATOR = "\n\x00\n"

    def __init__(self, text: str, spans: list[tuple[int, int]]):
        self._starts: list[int] = []
        self._text_starts: list[int] = []
        pos = 0
        for s, e in spans:
            self._starts.append(pos)
            self._text_starts.append(s)
            pos += e - s + len(self.SEPARATOR)
        self.text = self.SEPARATOR.join(text[s:e] for s, e in spans)

    def to_text(self, i: int) -> int:
        k = bisect_right(self._starts, i) - 1
        return self._text_starts[k] + i - self._starts[k]
