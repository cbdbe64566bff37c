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


# The shortcuts of the speed work (issue 13's figure of 300 articles per CPU second): each
# skips a regex only where the regex cannot match, or reuses what an earlier step found.

@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="ab ĐNẵ'\t.,\n", max_size=30))
def test_line_break_guard_lets_every_match_through(text):
    from extractor.extractors.locations import _compiled, _letter_ends

    c = _compiled(load_rules())
    for i in range(1, len(text) + 1):
        if text[i - 1] == "\n":
            continue  # the caller asks only at the end of a line's text (`$` also matches before "\n")
        for lo in (0, max(0, i - 5)):
            if c.words_before_break.search(text, lo, i):
                assert _letter_ends(text, lo, i), (text, lo, i)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab \t\r\n.Đ", max_size=30))
def test_split_lines_finds_the_lines_of_the_regex(text):
    from extractor.layout.lines import split_lines

    expected = []
    for m in regex.finditer(r"[^\n]+", text):
        stripped = m.group().strip()
        if stripped:
            lead = len(m.group()) - len(m.group().lstrip())
            expected.append((m.start() + lead, m.start() + lead + len(stripped), stripped))
    assert [(ln.start, ln.end, ln.text) for ln in split_lines(text)] == expected
    assert [ln.index for ln in split_lines(text)] == list(range(len(expected)))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="aAoà\u0300\u0301\u0323\u200b\u00ad \n\u212b", max_size=40))
def test_article_id_of_a_text_known_to_be_nfc(text):
    from extractor.assemble import article_id
    from extractor.text.normalize import nfc, normalize, normalize_checked

    norm, offsets, raw_is_nfc = normalize_checked(text)
    assert (norm, offsets.edits) == (normalize(text)[0], normalize(text)[1].edits)
    if raw_is_nfc:
        assert nfc(text) == text
    assert article_id(text, is_nfc=raw_is_nfc) == article_id(text)
    assert not normalize_checked("a" + "\u0301" * 40)[2]  # a long run of marks: not claimed NFC


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["cá nhân", "tập thể", "lao động", "người lao động", "bằng khen", "huyện",
                                 "x", "01", "tỉnh", "Hải Dương", ","]), max_size=14).map(" ".join))
def test_lexicon_hits_of_phrases_in_several_categories(text):
    # phrases of several categories, one phrase inside another: each category's hits are
    # every whole-word match, by start, the longest first
    vocab = {"a": ["cá nhân", "lao động", "người lao động"], "b": ["lao động", "tập thể"],
             "c": ["người lao động", "huyện", "tỉnh hải dương"]}
    lower = lower_same_length(text)
    hits = Lexicon(vocab).scan(lower)
    for category, phrases in vocab.items():
        expected = sorted(((m.start(), m.end()) for p in phrases
                           for m in regex.finditer(rf"(?<!\p{{L}}){regex.escape(p)}(?!\p{{L}})", lower)),
                          key=lambda se: (se[0], -se[1]))
        assert [(h.start, h.end) for h in hits.get(category)] == expected, category


def test_casefolding_keeps_spaces():
    # find_chrome compares the casefolded text of lines only among lines of one word count
    assert all(ch.casefold().count(" ") == (ch == " ") for ch in map(chr, range(0x110000)))


def test_repeated_lines_are_chrome(rules):
    from extractor.layout.chrome import find_chrome
    from extractor.layout.lines import split_lines

    lines = split_lines("Hội nghị tổng kết\nTin KHÁC hôm nay\nBài viết một\nTIN khác HÔM NAY\nmột\nMột\n")
    assert find_chrome(lines, rules) == {3}  # the repeat of line 1; one-word lines never count
