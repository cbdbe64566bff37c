"""Adversarial inputs stay linear: each shape of extractor/adversarial.py at 1 MB extracts within
its work budget and the CPU-time limit (or is refused by the limit that names it).

A step that regresses to super-linear time trips the work counter (WorkLimitExceeded) or the
time limit (TimeLimitExceeded) and fails here, instead of holding a service worker for minutes.
The alarm is the last guard, for a regression in code that spends no work units.
"""
from __future__ import annotations

import signal

import pytest

from extractor import ExtractOptions, extract
from extractor.adversarial import SHAPES, shape
from extractor.budget import WorkBudget
from extractor.errors import HtmlTooComplex, TimeLimitExceeded, WorkLimitExceeded
from extractor.pipeline import STEPS, Step, run_pipeline

MB = 1_000_000
# shapes past a limit that is part of the contract: they must be refused by that limit, fast
REFUSED = {"html_nested": HtmlTooComplex, "html_many_tags": HtmlTooComplex, "html_long_tag": HtmlTooComplex}
# far above the ~1-3 s a linear 1 MB extraction takes on one core, so a slow CI machine passes;
# a quadratic step takes minutes at this size
CPU_SECONDS = 30
# half the default work budget: the shapes must fit it with room to spare, so the default
# only trips on a regression
DEFAULTS = ExtractOptions()
OPTIONS = ExtractOptions(max_cpu_seconds=CPU_SECONDS, work_per_char=DEFAULTS.work_per_char // 2,
                         work_base=DEFAULTS.work_base // 2)


@pytest.fixture
def alarm():
    """Fail a test whose extraction hangs in code that spends no work units."""
    def hung(*_):
        raise TimeoutError("extraction did not finish in 120 s")

    old = signal.signal(signal.SIGALRM, hung)
    signal.alarm(120)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


@pytest.mark.parametrize("name", [s.name for s in SHAPES])
def test_shape_at_one_megabyte_stays_within_budget_and_time(name, alarm):
    s = shape(name)
    text = s.make(MB)
    if name in REFUSED:
        with pytest.raises(REFUSED[name]):
            extract(text, html=s.html, options=OPTIONS)
        return
    record = extract(text, html=s.html, options=OPTIONS)  # WorkLimitExceeded / TimeLimitExceeded fail it
    for _, m in record.mentions():
        assert record.text[m.start:m.end] == m.text


def test_shapes_produce_what_they_are_made_of():
    """The shapes exercise the extractors they target (a shape that finds nothing tests nothing)."""
    def record(name: str):
        return extract(shape(name).make(20_000), html=shape(name).html)

    assert len(record("full_dates").dates) > 500
    assert len(record("document_numbers").documents) > 100
    assert len(record("name_list").people) > 200
    assert len(record("organisation_list").organizations) > 100
    assert len(record("award_sentences").awards) > 10
    assert len(record("certificate_counts").awards) > 10
    assert len(record("titled_commendations").awards) > 10
    assert record("award_run").awards and record("giver_award_run").awards and record("headline_award").awards
    assert record("html_paragraphs").awards


def _quadratic_step(doc):
    """A step gone wrong: for every date it reads the body from the start again."""
    for sp in doc.spans["dates"]:
        doc.budget.spend(1 + sp.start)


def test_a_quadratic_step_trips_the_work_budget():
    text = shape("full_dates").make(200_000)
    steps = STEPS + (Step("regression", _quadratic_step, ("spans.dates",), ()),)
    from extractor.doc import Doc
    from extractor.rulebook import load_rules

    with pytest.raises(WorkLimitExceeded, match="work units"):
        run_pipeline(Doc.from_text(text, load_rules(), ExtractOptions()), steps)
    # the same work on a short text fits its budget: the limit grows with the input
    run_pipeline(Doc.from_text(shape("full_dates").make(1_000), load_rules(), ExtractOptions()), steps)


def test_budget_counts_and_refuses():
    budget = WorkBudget(10, per_char=3, base=5)
    budget.spend(35)
    assert budget.spent == 35
    with pytest.raises(WorkLimitExceeded):
        budget.spend(1)


def test_cpu_time_limit_stops_extraction():
    with pytest.raises(TimeLimitExceeded, match="max_cpu_seconds"):
        extract(shape("plain_article").make(50_000), options=ExtractOptions(max_cpu_seconds=1e-6))
