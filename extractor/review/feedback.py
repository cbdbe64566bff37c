"""Reviewed records back into accuracy: gold lines the scorer reads, and agreement machine vs reviewed.

Agreement treats the reviewed record as gold and the machine record as the prediction:
- per field, with the scorer's own definitions (`extractor.evaluate.score`);
- per rule id: each machine item (a date, an award, a mention of an entity) counts for the rule
  that made it. Kept as it was: a true positive. Removed: a false positive. Given another value
  (an award's giver, a date, the name of the entity a mention names): a false positive and a
  false negative. What reviewers add counts as false negatives of `missed:<family>`.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from ..evaluate import FIELDS, Tally, canon, score
from ..record import Record
from ..resolve.documents import symbol_key
from .corrections import ENTITY_FAMILIES

_AWARD_FIELDS = ("award", "award_kind", "grade", "giver", "collectives", "individuals", "recipients", "approximate")
_DOCUMENT_FIELDS = ("number", "type", "type_code", "serial", "year", "issuer_code", "issued_on", "issuer")


def gold_line(record: Record, file: str) -> dict[str, Any]:
    """The record in the shape of the gold files (`shared/gold/seeds.jsonl`), for `vnextract eval`."""
    return {
        "file": file,
        "id": record.id,
        "title": record.title,
        "published_at": record.published_at,
        "authors": list(record.authors),
        "dates": sorted({v for d in record.dates if d.granularity == "day"
                         for v in (d.value, d.end_value) if v and len(v) == 10}),
        "people": [p.name for p in record.people],
        "organizations": [o.name for o in record.organizations],
        "locations": [loc.name for loc in record.locations],
        "documents": [d.model_dump(include=set(_DOCUMENT_FIELDS)) for d in record.documents],
        "awards": [a.model_dump(include=set(_AWARD_FIELDS)) for a in record.awards],
    }


def agreement(pairs: Iterable[tuple[Record, Record]]) -> dict[str, Any]:
    """Precision and recall of the machine records against their reviewed records, per field and per rule id."""
    gold, predicted = [], []
    rules: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: {"tp": 0, "fp": 0, "fn": 0, "corrected": 0,
                                                                        "removed": 0})
    for machine, reviewed in pairs:
        gold.append(gold_line(reviewed, machine.id))
        predicted.append(gold_line(machine, machine.id))
        _tally_rules(machine, reviewed, rules)
    fields = {f: t.figures() for f, t in score(gold, predicted).items()} if gold else {f: Tally().figures() for f in FIELDS}
    by_rule = []
    for (family, rule), counts in rules.items():
        figures = Tally()
        figures.tp, figures.fp, figures.fn = counts["tp"], counts["fp"], counts["fn"]
        by_rule.append({"rule": rule, "family": family, **figures.figures(), "corrected": counts["corrected"],
                        "removed": counts["removed"]})
    by_rule.sort(key=lambda r: (-(r["fp"] + r["fn"]), r["family"], r["rule"]))
    return {"articles": len(gold), "fields": fields, "rules": by_rule}


def _tally_rules(machine: Record, reviewed: Record, rules: dict[tuple[str, str], dict[str, int]]) -> None:
    before, after = _items(machine), _items(reviewed)
    for key, (rule, value) in before.items():
        counts = rules[(key[0], rule or "(no rule)")]
        if key not in after:
            counts["fp"] += 1
            counts["removed"] += 1
        elif after[key][1] != value:
            counts["fp"] += 1
            counts["fn"] += 1
            counts["corrected"] += 1
        else:
            counts["tp"] += 1
    for key in after.keys() - before.keys():
        rules[(key[0], f"missed:{key[0]}")]["fn"] += 1


def _items(record: Record) -> dict[tuple[str, int, int], tuple[str | None, Any]]:
    """(family, start, end) -> (rule id, the value a reviewer could correct) for every item of the record."""
    out: dict[tuple[str, int, int], tuple[str | None, Any]] = {}
    for d in record.dates:
        out[("dates", d.start, d.end)] = (d.rule, (d.value, d.end_value))
    for a in record.awards:
        out[("awards", a.start, a.end)] = (a.rule, tuple(getattr(a, f) for f in _AWARD_FIELDS))
    for family in ENTITY_FAMILIES:
        for entity in getattr(record, family):
            value = _entity_value(family, entity)
            for m in entity.mentions:
                out[(family, m.start, m.end)] = (m.rule, value)
    return out


def _entity_value(family: str, entity: Any) -> Any:
    if family == "documents":
        return (symbol_key(entity.number), entity.issuer, entity.issued_on, entity.type)
    if family == "locations":
        return (canon(entity.name), entity.kind)
    return canon(entity.name)
