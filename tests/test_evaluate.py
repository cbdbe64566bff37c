"""extractor/evaluate.py restates shared/tools/score.py; both must give the same figures."""
from __future__ import annotations

import importlib.util
import json
import os

from extractor import extract
from extractor.evaluate import read_jsonl, score

from conftest import SHARED, require_shared


def test_same_figures_as_the_shared_scorer():
    require_shared()
    spec = importlib.util.spec_from_file_location("shared_score", SHARED / "tools" / "score.py")
    shared = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(shared)
    gold = read_jsonl(str(SHARED / "gold" / "seeds.jsonl"))
    preds = [json.loads(extract(SHARED / "seeds" / os.path.basename(g["file"])).model_dump_json()) for g in gold]
    # a deliberately imperfect prediction set too, so that misses count the same way
    preds[0]["awards"] = preds[0]["awards"][1:]
    preds[1]["people"] = []
    ours, theirs = score(gold, preds), shared.score(gold, preds)
    assert {f: t.figures() for f, t in ours.items()} == {f: t.figures() for f, t in theirs.items()}
