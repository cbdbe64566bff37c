"""The eval gate: F1 per field on the seeds and on corpus/ stays at or above tests/floors.json,
and people, organisations and locations stay well above underthesea's own `ner`."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from extractor import extract
from extractor.evaluate import read_jsonl, score

from conftest import CORPUS, SHARED, require_shared

FLOORS = json.loads((Path(__file__).parent / "floors.json").read_text(encoding="utf-8"))


def _predict(gold: list[dict], folder: Path) -> list[dict]:
    index = {p.name: p for p in folder.rglob("*") if p.is_file()}
    return [json.loads(extract(index[os.path.basename(g["file"])]).model_dump_json()) for g in gold]


@pytest.fixture(scope="module")
def seed_scores():
    require_shared()
    gold = read_jsonl(str(SHARED / "gold" / "seeds.jsonl"))
    return gold, score(gold, _predict(gold, SHARED / "seeds"))


@pytest.fixture(scope="module")
def corpus_scores():
    gold = read_jsonl(str(CORPUS / "gold.jsonl"))
    assert len(gold) >= 40, "corpus/ must hold at least 40 annotated articles"
    return gold, score(gold, _predict(gold, CORPUS / "articles"))


@pytest.mark.parametrize("field", sorted(FLOORS["seeds"]))
def test_seed_floor(seed_scores, field):
    f1 = seed_scores[1][field].figures()["f1"]
    assert f1 >= FLOORS["seeds"][field], f"{field}: F1 {f1} on the seeds, floor {FLOORS['seeds'][field]}"


@pytest.mark.parametrize("field", sorted(FLOORS["corpus"]))
def test_corpus_floor(corpus_scores, field):
    f1 = corpus_scores[1][field].figures()["f1"]
    assert f1 >= FLOORS["corpus"][field], f"{field}: F1 {f1} on corpus/, floor {FLOORS['corpus'][field]}"


def test_every_corpus_article_has_gold():
    gold = {g["file"] for g in read_jsonl(str(CORPUS / "gold.jsonl"))}
    files = {p.name for p in (CORPUS / "articles").iterdir()}
    assert files == gold


@pytest.fixture(scope="module")
def baseline_scores():
    """underthesea's ner on the seeds and the corpus (about half a minute: it is the slow tool)."""
    from extractor.baseline import baseline_records

    require_shared()
    out = {}
    for name, gold_path, folder in (("seeds", SHARED / "gold" / "seeds.jsonl", SHARED / "seeds"),
                                    ("corpus", CORPUS / "gold.jsonl", CORPUS / "articles")):
        gold = read_jsonl(str(gold_path))
        index = {p.name: p for p in folder.rglob("*") if p.is_file()}
        paths = [index[os.path.basename(g["file"])] for g in gold]
        out[name] = score(gold, baseline_records("underthesea", paths))
    return out


@pytest.mark.parametrize("field", sorted(FLOORS["over_underthesea"]))
def test_far_above_underthesea(seed_scores, corpus_scores, baseline_scores, field):
    margin = FLOORS["over_underthesea"][field]
    for name, ours in (("seeds", seed_scores[1]), ("corpus", corpus_scores[1])):
        theirs = baseline_scores[name][field].figures()["f1"]
        mine = ours[field].figures()["f1"]
        assert mine >= theirs + margin, f"{name} {field}: ours {mine}, underthesea {theirs}"
