"""The matching primitives the extractors share give the same answers as the plain regexes
and full scans they stand in for (they exist only to be faster)."""
from __future__ import annotations

import regex
from hypothesis import given, settings, strategies as st

from extractor.lexicon import Lexicon, lower_same_length
from extractor.patterns import Excerpts, PhraseMatcher, alt, letter_run, windows
from extractor.rulebook import load_rules

TITLES = ["Chủ tịch", "Phó Chủ tịch", "Ủy viên", "TS.", "Trưởng ban", "Đại tá"]
WORDS = ["Chủ", "tịch", "Phó", "Ủy", "viên", "TS", ".", "Trưởng", "ban", "Đại", "tá", "chủ", "Chủng",
         "1", ",", "Nguyễn", "Văn", "An", "  "]
texts = st.lists(st.sampled_from(WORDS), max_size=12).map(" ".join)


def test_letter_run():
    assert letter_run("TS.BS") == "TS"
    assert letter_run("Chủ tịch") == "Chủ"
    assert letter_run("ông 12", 4) == ""


@settings(max_examples=300, deadline=None)
@given(texts, st.booleans())
def test_phrase_matcher_agrees_with_the_regex(text, ignore_case):
    plain = regex.compile(rf"{alt(TITLES)}(?!\p{{L}})", regex.IGNORECASE if ignore_case else 0)
    matcher = PhraseMatcher(TITLES, ignore_case=ignore_case)
    for pos in range(len(text) + 1):
        expected = plain.match(text, pos)
        got = matcher.match(text, pos)
        assert (got and got.span()) == (expected and expected.span())
        word = regex.match(r"\S*", text[pos:]).group()
        if word:
            with_word = matcher.match(text, pos, word)
            assert (with_word and with_word.span()) == (expected and expected.span())


def test_lexicon_scan_of_a_range_equals_the_hits_within_it():
    lexicon = Lexicon({"n": ["cá nhân", "tập thể", "đoàn viên", "công đoàn"], "v": ["tặng", "được"]})
    text = lower_same_length("2 tập thể, 5 cá nhân được tặng; Công đoàn viên chức; 01tập thể và đoàn viênx")
    full = lexicon.scan(text)
    for start in range(0, len(text), 3):
        for end in range(start, len(text) + 1, 5):
            part = lexicon.scan(text, start, end)
            for category in ("n", "v"):
                assert part.get(category) == full.within(category, start, end)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["ngày", "28/7/2022", "tháng", "7", "năm", "2021", "từ", "12/3", "đến",
                                 "x", "-", "15.4.2020", "\n", "Hà Nội,"]), max_size=40).map(" ".join))
def test_excerpts_find_what_the_windows_find(text):
    """Every date pattern finds the same matches in the joined excerpts as window by window."""
    from extractor.extractors.dates import _anchor, _patterns

    rules = load_rules()
    spans = windows(text, _anchor(rules), 48, 48, whole_words=True)
    excerpts = Excerpts(text, spans)
    for pattern in _patterns(rules):
        by_window = [m.span() for s, e in spans for m in pattern.regex.finditer(text, s, e)]
        joined = [(excerpts.to_text(m.start()), excerpts.to_text(m.end())) for m in pattern.regex.finditer(excerpts.text)]
        assert joined == by_window, pattern.id
