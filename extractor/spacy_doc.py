"""The record as a spaCy Doc, for displaCy and the spaCy ecosystem; off the hot path of extract().

>>> doc = nlp()("Ngày 28/7/2022, Công đoàn Viên chức tỉnh Hải Dương tổ chức hội nghị.")
>>> [(e.text, e.label_) for e in doc.ents]
[('28/7/2022', 'DATE'), ('Công đoàn Viên chức tỉnh Hải Dương', 'ORG')]
"""
from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

LABELS = {"dates": "DATE", "organizations": "ORG", "people": "PERSON", "locations": "LOC",
          "documents": "DOCUMENT", "awards": "AWARD"}

if not Doc.has_extension("record"):
    Doc.set_extension("record", default=None)


@Language.component("vnextract")
def vnextract_component(doc: Doc) -> Doc:
    """Run extract() on the Doc's text; put every mention in doc.spans and the record on doc._.record."""
    from .api import extract

    record = extract(doc.text, html=False)
    doc._.record = record
    spans: list[Span] = []
    for family, mention in record.mentions():
        span = doc.char_span(mention.start, mention.end, label=LABELS[family], alignment_mode="expand")
        if span is not None:
            spans.append(span)
    doc.spans["vnextract"] = spans
    # entities must not overlap: awards (long clauses) give way to the names inside them
    doc.ents = filter_spans([s for s in spans if s.label_ != "AWARD"])
    return doc


@lru_cache(maxsize=1)
def nlp() -> Language:
    """A blank multi-language pipeline with the vnextract component.

    spaCy's Vietnamese tokenizer needs pyvi, or splits on spaces only (leaving "28/7/2022,"
    as one token); the multi-language tokenizer splits punctuation and never alters the text.
    """
    language = spacy.blank("xx")
    language.add_pipe("vnextract")
    return language
