"""spaCy as spaCy users expect: the component found by entry point, everything it leaves on a Doc
serialisable (Doc bytes, DocBin, a saved pipeline), sentences set, displaCy's span view keeping
the text's spacing."""
from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

spacy = pytest.importorskip("spacy")
from spacy.tokens import Doc, DocBin  # noqa: E402

from extractor.spacy_doc import nlp, record_of, render_spans  # noqa: E402

TEXT = ("Ngày 28/7/2022, Công đoàn Viên chức tỉnh Hải Dương tổ chức hội nghị.  Đồng chí Vũ Minh Dũng - "
        "Ủy viên Ban Thường vụ trao Bằng khen cho 3 tập thể.\nThực hiện Nghị quyết số 09/NQ-CĐVC, các cấp công đoàn "
        "tổ chức tuyên truyền.")


def _python(script: str, cwd) -> dict:
    """Run a script in a fresh interpreter (no project module imported) and return its JSON line."""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, cwd=cwd)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.splitlines()[-1])


def _view(doc: Doc) -> tuple:
    return ([(e.start_char, e.end_char, e.label_) for e in doc.ents],
            [(s.start_char, s.end_char, s.label_) for s in doc.spans["vnextract"]],
            [s.text for s in doc.sents], doc._.record)


def test_the_component_is_found_by_entry_point_without_importing_the_project(tmp_path):
    script = f"""
import json, sys, spacy
assert not any(m.startswith("extractor") for m in sys.modules), "only spaCy is imported"
for name, config in (("xx", {{}}), ("vi", {{"nlp": {{"tokenizer": {{"use_pyvi": False}}}}}})):
    language = spacy.blank(name, config=config)  # spaCy loads the spacy_factories entry points
    language.add_pipe("vnextract")
    doc = language({TEXT!r})
print(json.dumps({{"ents": [e.label_ for e in doc.ents], "awards": doc._.record["awards"]}}))
"""
    result = _python(script, tmp_path)
    assert {"DATE", "ORG", "PERSON"} <= set(result["ents"])
    assert result["awards"][0]["collectives"] == 3


def test_doc_bytes_round_trip():
    doc = nlp()(TEXT)
    again = Doc(nlp().vocab).from_bytes(doc.to_bytes())
    assert again.text == TEXT
    assert _view(again) == _view(doc)
    assert record_of(again) == record_of(doc)


def test_docbin_round_trip():
    docs = [nlp()(TEXT), nlp()("Sáng 21/6/2023, Liên đoàn Lao động tỉnh Thái Nguyên tổ chức tập huấn.")]
    stored = DocBin(store_user_data=True, docs=docs).to_bytes()
    loaded = list(DocBin().from_bytes(stored).get_docs(nlp().vocab))
    assert [_view(d) for d in loaded] == [_view(d) for d in docs]


def test_a_saved_pipeline_loads_in_a_fresh_process(tmp_path):
    nlp().to_disk(tmp_path / "pipeline")  # its config names the tokenizer and component as registered
    script = f"""
import json, spacy
language = spacy.load({str(tmp_path / 'pipeline')!r})
doc = language({TEXT!r})
print(json.dumps({{"pipes": language.pipe_names, "tokenizer": type(language.tokenizer).__name__,
                  "tokens": [t.text for t in doc], "ents": [(e.start_char, e.end_char, e.label_) for e in doc.ents]}}))
"""
    result = _python(script, tmp_path)
    doc = nlp()(TEXT)
    assert result["pipes"] == ["vnextract"] and result["tokenizer"] == "WordTokenizer"
    assert result["tokens"] == [t.text for t in doc]
    assert [tuple(e) for e in result["ents"]] == [(e.start_char, e.end_char, e.label_) for e in doc.ents]
    loaded = spacy.load(tmp_path / "pipeline")
    assert _view(loaded(TEXT)) == _view(doc)


def test_sentences_are_set():
    doc = nlp()(TEXT)
    sentences = [s.text for s in doc.sents]
    assert len(sentences) == 3
    assert sentences[0].startswith("Ngày 28/7/2022") and sentences[1].startswith("Đồng chí Vũ Minh Dũng")
    assert sentences[2].startswith("Thực hiện Nghị quyết")
    assert "".join(sentences) == TEXT
    assert all(ent.sent == ent[0].sent for ent in doc.ents)


def test_the_span_view_keeps_the_text_spacing_and_line_breaks():
    html = render_spans(nlp()(TEXT))
    assert html.count("<br>") == TEXT.count("\n") == 1
    assert "hội nghị. &nbsp;Đồng chí" in html  # two spaces stay two
    shown = re.sub(r"<span style=\"background[^>]*>.*?</span>", "", html)  # the span bars and labels
    shown = re.sub(r"<br>", "\n", shown).replace("&nbsp;", " ")
    assert re.sub(r"<[^>]+>", "", shown).strip() == TEXT
    assert re.search(r">Vũ Minh Dũng<span style=\"background", html) and ">PERSON</span>" in html
