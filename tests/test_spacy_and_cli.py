"""The spaCy view of a record, and the vnextract command's extract / eval / bench."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import CORPUS

TEXT = ("Ngày 28/7/2022, Công đoàn Viên chức tỉnh Hải Dương tổ chức hội nghị. Đồng chí Vũ Minh Dũng - "
        "Ủy viên Ban Thường vụ trao Bằng khen cho 3 tập thể.")


def test_nlp_puts_the_record_on_a_spacy_doc():
    from spacy import displacy

    from extractor.spacy_doc import nlp, record_of

    doc = nlp()(TEXT)
    assert doc.text == TEXT
    assert {(e.text, e.label_) for e in doc.ents} >= {("28/7/2022", "DATE"), ("Vũ Minh Dũng", "PERSON"),
                                                       ("Công đoàn Viên chức tỉnh Hải Dương", "ORG")}
    assert any(s.label_ == "AWARD" for s in doc.spans["vnextract"])
    assert record_of(doc).awards[0].collectives == 3
    assert "Vũ Minh Dũng" in displacy.render(doc, style="ent")
    assert "Công đoàn" in [t.text for t in doc]  # tokens are words (underthesea), not syllables


def test_nlp_keeps_nfd_text_and_offsets():
    import unicodedata

    from extractor.spacy_doc import nlp

    text = unicodedata.normalize("NFD", TEXT)
    doc = nlp()(text)
    assert doc.text == text
    assert {e.label_ for e in doc.ents} >= {"DATE", "PERSON", "ORG"}
    for span in doc.spans["vnextract"]:
        assert text[span.start_char:span.end_char] == span.text


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "extractor", *args], capture_output=True, text=True, timeout=300)


def test_extract_prints_one_record_per_article_with_its_path():
    files = sorted((CORPUS / "articles").glob("*.txt"))[:3]
    out = _cli("extract", *map(str, files))
    assert out.returncode == 0, out.stderr
    records = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["source"]["path"] for r in records] == [str(f) for f in files]


def test_extract_reports_a_bad_file_and_goes_on(tmp_path):
    bad = tmp_path / "empty.txt"
    bad.write_text("")
    good = sorted((CORPUS / "articles").glob("*.txt"))[0]
    out = _cli("extract", str(bad), str(good))
    assert out.returncode == 1
    assert "empty.txt" in out.stderr
    assert len(out.stdout.splitlines()) == 1


def test_eval_prints_the_field_table(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join((CORPUS / "gold.jsonl").read_text(encoding="utf-8").splitlines()[:3]), encoding="utf-8")
    out = _cli("eval", str(gold), str(CORPUS / "articles"))
    assert out.returncode == 0, out.stderr
    for field in ("published_at", "dates", "documents", "awards", "people", "organizations", "locations"):
        assert any(line.startswith(field) for line in out.stdout.splitlines())


def test_bench_prints_a_rate():
    out = _cli("bench", str(CORPUS / "articles"), "--no-baseline", "--seconds", "0.2")
    assert out.returncode == 0, out.stderr
    assert "articles/s" in out.stdout


def test_bench_prints_the_underthesea_ratio():
    one = sorted((CORPUS / "articles").glob("*.txt"))[0]
    out = _cli("bench", str(one), "--seconds", "0.2", "--baseline-seconds", "0.5")
    assert out.returncode == 0, out.stderr
    assert "underthesea ner()" in out.stdout and "ratio (CPU time):" in out.stdout


def test_bench_adversarial_prints_ms_per_kb_per_size():
    out = _cli("bench", "--adversarial", "--shape", "stacked_marks", "--shape", "html_nested")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert "10 KB" in lines[1] and "1 MB" in lines[1]
    marks = next(line for line in lines if line.startswith("stacked_marks")).split()
    assert len(marks) == 6 and marks[-1] == "ok" and all(float(x) >= 0 for x in marks[1:5])
    assert "HtmlTooComplex" in next(line for line in lines if line.startswith("html_nested"))
