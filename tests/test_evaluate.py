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


def test_errors_are_grouped_by_field_and_rule():
    """`eval --details` groups: a spurious value names the rule that fired, a miss with no
    prediction near it is "no rule", and the largest group is printed first."""
    from extractor.evaluate import format_groups

    gold = [{"file": "a.txt", "organizations": ["Công đoàn Viên chức tỉnh Hải Dương"], "people": ["Lê Văn An", "Trần Thị Bình"],
             "awards": [{"award_kind": "bang_khen", "collectives": 2, "individuals": 5, "recipients": 7, "giver": "UBND tỉnh"}]}]
    pred = [{"source": {"path": "/x/a.txt"},
             "organizations": [{"name": "Hội Nông dân tỉnh", "mentions": [{"text": "Hội", "start": 0, "end": 3, "rule": "organizations.head"}]}],
             "people": [],
             "awards": [{"award_kind": "bang_khen", "collectives": 2, "individuals": 5, "recipients": 7, "giver": "Sở Y tế",
                         "rule": "awards.giver_first"}]}]
    tallies = score(gold, pred)
    spurious = tallies["organizations"].errors[-1]
    assert (spurious.kind, spurious.rule) == ("spurious", "organizations.head")
    assert {(e.kind, e.rule) for e in tallies["people"].errors} == {("missed", "no rule")}
    assert {(e.kind, e.rule) for e in tallies["awards+giver"].errors} == {("missed", "awards.giver_first"),
                                                                          ("spurious", "awards.giver_first")}
    text = format_groups(tallies)
    assert text.splitlines()[0].split() == ["2", "people", "missed", "[no", "rule]"]
    assert "organizations spurious [organizations.head]" in text
