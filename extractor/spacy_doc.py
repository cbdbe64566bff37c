"""The record as a spaCy Doc, for displaCy and the spaCy ecosystem; off the hot path of extract().

The component is registered through the `spacy_factories` entry point and the word tokenizer
through `spacy_tokenizers`, so a pipeline is built, saved and loaded without importing this module:

    nlp = spacy.blank("xx", config={"nlp": {"tokenizer": {"@tokenizers": "vnextract.words.v1"}}})
    nlp.add_pipe("vnextract")

What the component leaves on a Doc is plain data, so Doc.to_bytes, DocBin and nlp.to_disk keep it:
`doc._.record_json` is the record's JSON, `doc._.record` the same as dicts (`record_of(doc)` makes
the `Record` again),
`doc.spans["vnextract"]` every mention, `doc.ents` the non-overlapping ones, and sentence starts
are set, so `doc.sents` works.

>>> doc = nlp()("Ngày 28/7/2022, Công đoàn Viên chức tỉnh Hải Dương tổ chức hội nghị.")
>>> [(e.text, e.label_) for e in doc.ents]
[('28/7/2022', 'DATE'), ('Công đoàn Viên chức tỉnh Hải Dương', 'ORG')]
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from .extras import require

spacy = require("spacy", "spacy", "the spaCy view of a record")
from spacy.displacy.render import SpanRenderer  # noqa: E402 (after the check that names the extra)
from spacy.displacy.templates import TPL_SPANS  # noqa: E402
from spacy.language import Language  # noqa: E402
from spacy.tokens import Doc, Span  # noqa: E402
from spacy.util import escape_html, filter_spans, get_words_and_spaces, minify_html  # noqa: E402
from spacy.vocab import Vocab  # noqa: E402

from .record import Record  # noqa: E402

LABELS = {"dates": "DATE", "organizations": "ORG", "people": "PERSON", "locations": "LOC",
          "documents": "DOCUMENT", "awards": "AWARD"}
SPANS_KEY = "vnextract"
TOKENIZER = "vnextract.words.v1"
#: A sentence ends at . ! ? or … before a space, or at a line break.
_SENTENCE_END = re.compile(r"[.!?…]+(?=\s)|\n")

# The record is kept as its JSON text: a string survives every spaCy serialisation unchanged
# (DocBin's msgpack would turn lists into tuples); `doc._.record` reads it as dicts.
if not Doc.has_extension("record_json"):
    Doc.set_extension("record_json", default=None)
if not Doc.has_extension("record"):
    Doc.set_extension("record", getter=lambda doc: json.loads(doc._.record_json) if doc._.record_json else None)


@Language.component("vnextract")
def vnextract_component(doc: Doc) -> Doc:
    """Run extract() on the Doc's text; put every mention in doc.spans, the record (as JSON) on
    doc._.record_json, and sentence starts on the tokens."""
    from .api import extract

    record = extract(doc.text, html=False)
    doc._.record_json = record.model_dump_json()
    spans: list[Span] = []
    for family, mention in record.mentions():
        span = doc.char_span(mention.start, mention.end, label=LABELS[family], alignment_mode="expand")
        if span is not None:
            spans.append(span)
    doc.spans[SPANS_KEY] = spans
    # entities must not overlap: awards (long clauses) give way to the names inside them
    doc.ents = filter_spans([s for s in spans if s.label_ != "AWARD"])
    _set_sentence_starts(doc)
    return doc


def _set_sentence_starts(doc: Doc) -> None:
    """A sentence starts at the first word after a sentence end (spaces stay with the sentence
    before); an entity is never cut."""
    ends = iter(m.end() for m in _SENTENCE_END.finditer(doc.text))
    inside_entity = {i for ent in doc.ents for i in range(ent.start + 1, ent.end)}
    next_end = next(ends, None)
    pending = False
    for token in doc:
        while next_end is not None and next_end <= token.idx:
            pending, next_end = True, next(ends, None)
        starts = token.i == 0 or (pending and not token.is_space and token.i not in inside_entity)
        if starts:
            pending = False
        token.is_sent_start = starts


def record_of(doc: Doc) -> Record | None:
    """The record the component left on the Doc, as a `Record`."""
    return Record.model_validate_json(doc._.record_json) if doc._.record_json else None


class WordTokenizer:
    """Vietnamese words ("Công đoàn", "Hải Dương") from underthesea's word segmentation.

    This is where underthesea pays: a Doc's tokens are words, not syllables, so entity spans
    and displaCy line up with how Vietnamese is read. Its CRF runs per sentence, which is why
    this lives here and not on extract()'s hot path. The segmenter normalises what it returns;
    spaCy's `get_words_and_spaces` realigns the words to the original characters. It has no
    state, so it saves as a small marker file (nlp.to_disk) and loads from the registry.
    """

    def __init__(self, vocab: Vocab):
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        word_tokenize = require("underthesea", "spacy", "the spaCy word tokenizer").word_tokenize
        words = []
        for w in word_tokenize(text):
            # keep only words that occur as written; the rest is recovered from the text
            words.extend(w.split() if w not in text else [w])
        try:
            aligned, spaces = get_words_and_spaces(words, text)
        except ValueError:  # the segmenter changed characters (NFC, quotes): fall back to spaces
            aligned, spaces = get_words_and_spaces(text.split(), text) if text.strip() else ([], [])
        return Doc(self.vocab, words=aligned, spaces=spaces)

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterable[Doc]:
        return (self(text) for text in texts)

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        return json.dumps({"tokenizer": TOKENIZER}).encode()

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> WordTokenizer:
        if json.loads(data).get("tokenizer") != TOKENIZER:
            raise ValueError(f"not the data of the {TOKENIZER} tokenizer")
        return self

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        Path(path).write_bytes(self.to_bytes())

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> WordTokenizer:
        return self.from_bytes(Path(path).read_bytes())


@spacy.registry.tokenizers(TOKENIZER)
def word_tokenizer() -> Callable[[Language], WordTokenizer]:
    """The config's `@tokenizers = "vnextract.words.v1"`."""
    return lambda nlp: WordTokenizer(nlp.vocab)


@lru_cache(maxsize=2)
def nlp(words: bool = True) -> Language:
    """A blank pipeline with the vnextract component.

    With `words` (the default) tokens are Vietnamese words from underthesea's segmentation;
    without, spaCy's multi-language tokenizer (syllables and punctuation). spaCy's own "vi"
    needs pyvi for either, which is why neither uses it.
    """
    config = {"nlp": {"tokenizer": {"@tokenizers": TOKENIZER}}} if words else {}
    language = spacy.blank("xx", config=config)
    language.add_pipe("vnextract")
    return language


class _TextSpacingSpanRenderer(SpanRenderer):
    """displaCy's span view with the text's own spaces and line breaks between tokens (displaCy
    writes one space after every token, and a line break collapses to a space)."""

    def _render_markup(self, per_token_info: list[dict[str, Any]]) -> str:
        markup, space = [], ""
        for token in per_token_info:
            text_with_ws = token["text"]
            word = text_with_ws.rstrip()
            if word:
                markup.append(_whitespace_html(space))
                if token["entities"]:
                    markup.append(minify_html(super()._render_markup([{**token, "text": word}])))
                else:
                    markup.append(escape_html(word))
                space = ""
            space += text_with_ws[len(word):]  # spaces run on across whitespace tokens
        markup.append(_whitespace_html(space))
        return "".join(markup)


def _whitespace_html(space: str) -> str:
    """Spaces and line breaks as HTML shows them: a run of spaces stays a run, "\\n" a line break."""
    out = []
    for line_number, line in enumerate(space.replace("\r\n", "\n").split("\n")):
        if line_number:
            out.append("<br>")
        line = line.replace("\t", "    ")
        out.append(" " + "&nbsp;" * (len(line) - 1) if line else "")
    return "".join(out)


def render_spans(doc: Doc, spans_key: str = SPANS_KEY, options: dict[str, Any] | None = None) -> str:
    """displaCy's span view of the Doc's mentions (HTML), keeping the text's spacing and line breaks."""
    from spacy import displacy

    parsed = displacy.parse_spans(doc, {"spans_key": spans_key, **(options or {})})
    parsed["tokens"] = [t.text_with_ws for t in doc]
    return _TextSpacingSpanRenderer({"spans_key": spans_key, **(options or {})}).render([parsed], page=False)
