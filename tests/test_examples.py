"""Duckling-style corpus tests: corpus/examples/<family>.yaml are both the examples and the test.

For each text, the brackets are removed, the article is extracted, and exactly one item of the
family must overlap the bracketed part; its text must equal the caller's slice, its rule must be
the example's, and its fields must match `expect`. Negatives must give no item of the family.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from extractor import ExtractOptions, extract
from extractor.doc import Doc
from extractor.pipeline import run_pipeline

EXAMPLES = Path(__file__).resolve().parent.parent / "corpus" / "examples"
FAMILIES = ("dates", "documents", "awards", "organizations", "people", "locations")


def _load(family: str) -> dict:
    return yaml.safe_load((EXAMPLES / f"{family}.yaml").read_text(encoding="utf-8"))


def _cases():
    for family in FAMILIES:
        data = _load(family)
        for ex in data["examples"]:
            context = {**data.get("context", {}), **ex.get("context", {})}
            for text in ex["texts"]:
                yield pytest.param(family, ex["rule"], ex["expect"], context, text, id=f"{family}:{text[:60]}")


def _negatives():
    for family in FAMILIES:
        data = _load(family)
        for text in data.get("negatives", []):
            yield pytest.param(family, data.get("context", {}), text, id=f"{family}:not:{text[:60]}")


def _article(text: str, context: dict) -> str:
    # The article's place is given as a headline naming it, as real pages do.
    if context.get("place"):
        return f"Hội nghị tại tỉnh {context['place']}\n{text}\n"
    return text


def _items(record, family: str):
    if family == "dates":
        return [(d, d, d.model_dump()) for d in record.dates]
    if family == "awards":
        return [(a, a, a.model_dump()) for a in record.awards]
    return [(m, e, e.model_dump()) for e in getattr(record, family) for m in e.mentions]


@pytest.mark.parametrize("family,rule,expect,context,marked", list(_cases()))
def test_example(family, rule, expect, context, marked):
    start, end = marked.index("["), marked.index("]") - 1
    text = _article(marked.replace("[", "", 1).replace("]", "", 1), context)
    offset = text.index(marked.replace("[", "", 1).replace("]", "", 1))
    start, end = start + offset, end + offset
    options = ExtractOptions(published_at=context.get("published_at"))
    record = extract(text, options=options, html=False)
    hits = [(m, item, value) for m, item, value in _items(record, family) if m.start < end and start < m.end]
    if family == "awards" and "award_kind" in expect:  # one count may be shared by two kinds
        hits = [h for h in hits if h[2]["award_kind"] == expect["award_kind"]]
    if family == "organizations" and "name" in expect:  # an organ and its parent share words
        hits = [h for h in hits if h[2]["name"] == expect["name"]]
    assert len(hits) == 1, f"expected one {family} item over {text[start:end]!r}, got {[h[2] for h in hits]}"
    mention, item, value = hits[0]
    assert text[mention.start:mention.end] == mention.text
    if family != "awards":
        assert mention.text == text[start:end], f"span {mention.text!r} != {text[start:end]!r}"
    assert mention.rule == rule
    for key, want in expect.items():
        assert value[key] == want, f"{key}: {value[key]!r} != {want!r}"


@pytest.mark.parametrize("family,context,text", list(_negatives()))
def test_negative(family, context, text):
    record = extract(_article(text, context), options=ExtractOptions(published_at=context.get("published_at")), html=False)
    found = [v for _, _, v in _items(record, family)]
    if family == "dates":  # years and periods are fine; no day or month may appear
        found = [v for v in found if v["granularity"] != "year"]
    assert not found, f"{family} found in a negative example: {found}"


def _layout_cases():
    for i, ex in enumerate(_load("layout")["examples"]):
        yield pytest.param(ex, id=f"layout:{i}:{ex['text'].splitlines()[0][:40]}")


@pytest.mark.parametrize("example", list(_layout_cases()))
def test_layout(example, rules):
    text = example["text"]
    record = extract(text, html=False)
    for key, want in example["expect"].items():
        assert getattr(record, key) == want, f"{key}: {getattr(record, key)!r} != {want!r}"
    if "dates" in example:  # the day dates the scorer compares, the dateline's among them (RECORD.md, Date)
        days = {v for d in record.dates if d.granularity == "day" for v in (d.value, d.end_value) if v}
        assert days == set(example["dates"]), f"dates: {sorted(days)} != {sorted(example['dates'])}"
    doc = run_pipeline(Doc.from_text(text, rules, ExtractOptions()))
    if "dateline_rule" in example:
        assert doc.layout.dateline_date is not None and doc.layout.dateline_date.rule == example["dateline_rule"]
    chrome_lines = {ln.text for ln in doc.layout.lines if ln.index in doc.layout.chrome}
    for line in example["chrome"]:
        assert line in chrome_lines, f"not recognised as chrome: {line!r}"
    # nothing in chrome yields an entity
    for line in example["chrome"]:
        pos = text.index(line)
        for family, m in record.mentions():
            assert not (pos <= m.start < pos + len(line)), f"{family} {m.text!r} found in chrome line {line!r}"
