"""The record as a spaCy Doc, for displaCy and the spaCy ecosystem; off the hot path of extract().

>>> doc = nlp()("Ngày 28/7/2022, Công đoàn Viên chức tỉnh Hải Dương tổ chức hội nghị.")
>>> [(e.text, e.label_) for e in doc.ents]
[('28/7/2022', 'DATE'), ('Công đoàn Viên chức tỉnh Hải Dương', 'ORG')]
"""
from __future__ import annotations

from functools import lru_cache

from .extras import require

spacy = require("spacy", "spacy", "the spaCy view of a record")
from spacy.language import Language  # noqa: E402 (after the check that names the extra)
from spacy.tokens import Doc, Span  # noqa: E402
from spacy.util import filter_spans, get_words_and_spaces  # noqa: E402
from spacy.vocab import Vocab  # noqa: E402

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


class WordTokenizer:
    """Vietnamese words ("Công đoàn", "Hải Dương") from underthesea's word segmentation.

    This is where underthesea pays: a Doc's tokens are words, not syllables, so entity spans
    and displaCy line up with how Vietnamese is read. Its CRF runs per sentence, which is why
    this lives here and not on extract()'s hot path. The segmenter normalises what it returns;
    spaCy's `get_words_and_spaces` realigns the words to the original characters.
    """

    def __init__(self, vocab: Vocab):
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        from underthesea import word_tokenize

        words = []
        for w in word_tokenize(text):
            # keep only words that occur as written; the rest is recovered from the text
            words.extend(w.split() if w not in text else [w])
        try:
            aligned, spaces = get_words_and_spaces(words, text)
        except ValueError:  # the segmenter changed characters (NFC, quotes): fall back to spaces
            aligned, spaces = get_words_and_spaces(text.split(), text) if text.strip() else ([], [])
        return Doc(self.vocab, words=aligned, spaces=spaces)


@lru_cache(maxsize=2)
def nlp(words: bool = True) -> Language:
    """A blank pipeline with the vnextract component.

    With `words` (the default) tokens are Vietnamese words from underthesea's segmentation;
    without, spaCy's multi-language tokenizer (syllables and punctuation). spaCy's own "vi"
    needs pyvi for either, which is why neither uses it.
    """
    language = spacy.blank("xx")
    if words:
        language.tokenizer = WordTokenizer(language.vocab)
    language.add_pipe("vnextract")
    return language
