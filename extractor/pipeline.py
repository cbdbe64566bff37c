"""The pipeline: small steps over one Doc, in a fixed order, each writing what it declares.

layout -> lexicon -> locations -> organisations -> people -> dates -> documents -> awards.
Steps are plain functions; the order lives here and nowhere else (spaCy's `Language.__call__`,
without the registry). Each `Step` declares the Doc fields it reads and writes, and
tests/test_pipeline_steps.py checks that it touches nothing else.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from .doc import Doc
from .extractors.awards import find_awards
from .extractors.dates import find_dates
from .extractors.documents import find_documents
from .extractors.locations import find_locations
from .extractors import awards, documents, locations, organizations, people
from .extractors.organizations import find_organizations
from .extractors.people import find_people
from .layout import blank_outside, find_layout
from .lexicon import Lexicon, lower_same_length
from .resolve.places import home_place
from .rulebook import Rulebook


@lru_cache(maxsize=8)
def build_lexicon(rules: Rulebook) -> Lexicon:
    """One automaton over every extractor's vocabularies."""
    vocab: dict[str, list[str]] = {}
    for module in (awards, documents, locations, organizations, people):
        vocab.update(module.vocabularies(rules))
    return Lexicon(vocab)


def layout_step(doc: Doc) -> None:
    layout = find_layout(doc)
    doc.layout = layout
    doc.body = blank_outside(doc.norm, layout.body)
    doc.content = blank_outside(doc.norm, layout.body + ([layout.title] if layout.title else []))


def lexicon_step(doc: Doc) -> None:
    doc.lower = lower_same_length(doc.norm)
    doc.hits = build_lexicon(doc.rules).scan(doc.lower)


def locations_step(doc: Doc) -> None:
    spans = find_locations(doc)
    doc.spans["locations"] = spans
    doc.context["place"] = home_place(doc, spans)


def organizations_step(doc: Doc) -> None:
    doc.spans["organizations"] = find_organizations(doc)


def people_step(doc: Doc) -> None:
    doc.spans["people"] = find_people(doc)


def dates_step(doc: Doc) -> None:
    doc.spans["dates"] = find_dates(doc)


def documents_step(doc: Doc) -> None:
    doc.spans["documents"] = find_documents(doc)


def awards_step(doc: Doc) -> None:
    doc.spans["awards"] = find_awards(doc)


@dataclass(frozen=True)
class Step:
    name: str
    run: Callable[[Doc], None]
    reads: tuple[str, ...]
    writes: tuple[str, ...]


STEPS: tuple[Step, ...] = (
    Step("layout", layout_step, ("norm",), ("layout", "body", "content")),
    Step("lexicon", lexicon_step, ("norm",), ("lower", "hits")),
    Step("locations", locations_step, ("norm", "content", "hits", "layout"), ("spans.locations", "context.place")),
    Step("organizations", organizations_step, ("norm", "lower", "content", "hits", "layout"), ("spans.organizations",)),
    Step("people", people_step, ("norm", "body", "hits", "spans.organizations", "spans.locations"), ("spans.people",)),
    Step("dates", dates_step, ("content",), ("spans.dates",)),  # a headline may date its event
    Step("documents", documents_step, ("norm", "content", "hits"), ("spans.documents",)),
    # givers are snapped to the organisation mention they start with; a caption's giver is
    # compared with the body's in full, completed with the article's place
    Step("awards", awards_step, ("norm", "lower", "content", "layout", "hits", "spans.organizations", "context.place"),
         ("spans.awards",)),
)


def run_pipeline(doc: Doc, steps: tuple[Step, ...] = STEPS) -> Doc:
    for step in steps:
        step.run(doc)
        if doc.budget is not None:
            doc.budget.check_time()
    return doc


def make_doc(text: str) -> Doc:
    """The Doc of `text` after every step, for trying one extractor at the prompt.

    >>> make_doc("Ngày 28/7/2022, hội nghị.").spans["dates"][0].rule
    'dates.day_month_year_numeric'
    """
    from .options import DEFAULT_OPTIONS
    from .rulebook import load_rules

    return run_pipeline(Doc.from_text(text, load_rules(), DEFAULT_OPTIONS))
