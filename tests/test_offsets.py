"""Offsets are exact on the caller's text, whatever its Unicode form (RECORD.md, Offsets).

Property tests: every seed and corpus article, turned into NFD, NFC, new-style tone marks,
with stray spaces and zero-width characters, gives mentions whose raw slice is their text,
and the same entities as the clean text.
"""
from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractor import extract
from extractor.text.normalize import normalize

from conftest import CORPUS, SHARED

def _to_new_style(text: str) -> str:
    """Old-style tone placement to new ('hòa' -> 'hoà'), the reverse of the normaliser's fold."""
    import regex

    toned = {"ò": ("o", 0), "ó": ("o", 1), "ỏ": ("o", 2), "õ": ("o", 3), "ọ": ("o", 4),
             "ù": ("u", 0), "ú": ("u", 1), "ủ": ("u", 2), "ũ": ("u", 3), "ụ": ("u", 4)}
    marks = {"a": "àáảãạ", "e": "èéẻẽẹ", "y": "ỳýỷỹỵ"}

    def swap(m):
        base, tone = toned[m.group(1)]
        return base + marks[m.group(2)][tone]

    return regex.sub(r"(?<![qQ])([òóỏõọ])([ae])(?!\p{L})|(?<![qQ])([ùúủũụ])(y)(?!\p{L})",
                     lambda m: swap(m) if m.group(1) else toned[m.group(3)][0] + marks["y"][toned[m.group(3)][1]], text)


def _articles() -> list[str]:
    paths = sorted((SHARED / "seeds").glob("*.txt")) + sorted((CORPUS / "articles").glob("*.txt"))
    return [p.read_text(encoding="utf-8") for p in paths]


ARTICLES = _articles()
VARIANTS = {
    "nfc": lambda t: unicodedata.normalize("NFC", t),
    "nfd": lambda t: unicodedata.normalize("NFD", t),
    "new_style": lambda t: _to_new_style(unicodedata.normalize("NFC", t)),
    "nfd_new_style": lambda t: unicodedata.normalize("NFD", _to_new_style(unicodedata.normalize("NFC", t))),
    "zero_width": lambda t: t.replace(" ", " \u200b", 7).replace("Công", "C\u00adông", 3),
    "nbsp_tabs": lambda t: t.replace(" ", "\u00a0", 11).replace("\n", "\r\n"),
}


def _summary(record):
    return (record.title, record.published_at, sorted(d.value for d in record.dates),
            sorted(d.number for d in record.documents),
            sorted(str((a.award_kind, a.recipients)) for a in record.awards), sorted(loc.name for loc in record.locations))


def _check(text: str):
    record = extract(text, html=False)
    for family, m in record.mentions():
        assert text[m.start:m.end] == m.text, (family, m)
        assert 0 <= m.start <= m.end <= len(text)
    return record


@pytest.mark.skipif(not ARTICLES, reason="no articles")
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(index=st.integers(min_value=0, max_value=max(0, len(ARTICLES) - 1)), variant=st.sampled_from(sorted(VARIANTS)))
def test_offsets_exact_on_every_variant(index, variant):
    clean = _check(unicodedata.normalize("NFC", ARTICLES[index]))
    varied = _check(VARIANTS[variant](ARTICLES[index]))
    if variant != "zero_width":  # soft hyphens inside words may hide a name; offsets still hold
        assert _summary(varied) == _summary(clean)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aăâeêioôơuưyAĐđ \n/-.,0123456789\u0300\u0301\u0303\u0309\u0323\u200b\u00a0“”–")), max_size=200))
def test_offset_map_round_trips_any_text(text):
    norm, offsets = normalize(text)
    # every character boundary of the copy maps into the raw text, monotonically
    last = 0
    for i in range(len(norm) + 1):
        raw_i = offsets.to_raw_end(i)
        assert last <= raw_i <= len(text)
        last = raw_i
    # word by word, normalising the mapped raw slice gives back the copy's slice
    cuts = [0] + [i for i, ch in enumerate(norm) if ch in " \n"] + [len(norm)]
    for a, b in zip(cuts, cuts[1:]):
        raw_slice = text[offsets.to_raw_start(a):offsets.to_raw_end(b)]
        assert normalize(raw_slice)[0] == norm[a:b]


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_extract_never_breaks_offsets_on_arbitrary_text(text):
    from extractor.errors import ExtractionError

    try:
        record = extract(text, html=False)
    except ExtractionError:
        return
    for family, m in record.mentions():
        assert text[m.start:m.end] == m.text


def test_nfd_file_offsets_point_into_the_file(tmp_path):
    body = "Ngày 28/7/2022, 2 tập thể, 5 cá nhân được Công đoàn Viên chức tỉnh Hải Dương tặng Bằng khen."
    nfd = unicodedata.normalize("NFD", body)
    path = tmp_path / "nfd.txt"
    path.write_text(nfd, encoding="utf-8")
    record = extract(path)
    assert record.text == nfd
    assert record.dates[0].value == "2022-07-28"
    for _, m in record.mentions():
        assert nfd[m.start:m.end] == m.text


def test_assemble_refuses_a_mention_whose_offsets_point_elsewhere(rules):
    """The offset check in assemble.py compares the caller's slice with the matched text, so a
    wrong offset map fails loudly instead of returning shifted mentions."""
    from extractor.assemble import assemble
    from extractor.doc import Doc
    from extractor.options import ExtractOptions
    from extractor.pipeline import run_pipeline

    doc = run_pipeline(Doc.from_text("Ngày 28/7/2022, Công đoàn Viên chức tỉnh Hải Dương tổ chức hội nghị.", rules,
                                     ExtractOptions()))
    assemble(doc)  # the true map passes
    right = doc.offsets.span_to_raw
    doc.offsets.span_to_raw = lambda s, e: tuple(x + 1 for x in right(s, e))
    with pytest.raises(AssertionError, match="does not match the caller's text"):
        assemble(doc)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.one_of(st.characters(categories=["Cs", "Cc", "Mn"]),
                                  st.sampled_from(list("Ngày 1/12/2020 ông Nguyễn Văn An, UBND tỉnh tặng Bằng khen\n"))),
               max_size=300))
def test_surrogates_and_control_characters_keep_offsets(text):
    """Lone surrogates become U+FFFD one for one: offsets index the text as sent."""
    from extractor.api import without_surrogates
    from extractor.errors import ExtractionError

    try:
        record = extract(text, html=False)
    except ExtractionError:
        return
    assert len(record.text) == len(text) and record.text == without_surrogates(text)
    for _, m in record.mentions():
        assert record.text[m.start:m.end] == m.text
        if m.text == text[m.start:m.end]:
            continue
        assert "\ufffd" in m.text  # differs only where the caller's text holds a surrogate
