"""Corrections of a record by a reviewer, applied to the record and re-applied after re-extraction.

A correction names what it changes the way a person sees it, not by list position: a date or an
award by its span ("120-135"), a person, organisation or place by its name key, a document by its
number's key, one mention of an entity by its span. So a correction still finds its target when
newer rules re-extract the article and the lists come out in another order or length.

`apply` makes one correction on a record and says what it changed (`before`, `after`), which is
what a revision stores. `rebase` re-applies a sequence of revisions to a newly extracted record:
human corrections win, and every place where the new machine record disagrees with what the
reviewer saw is listed as a conflict.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..evaluate import canon
from ..record import AwardKind, Record
from ..resolve.documents import symbol_key

Family = Literal["dates", "awards", "people", "organizations", "locations", "documents"]
SPAN_FAMILIES = ("dates", "awards")
ENTITY_FAMILIES = ("people", "organizations", "locations", "documents")
#: The rule id given to what a reviewer adds by hand.
REVIEW_RULE = "review"
#: Fields a reviewer may set, per family.
EDITABLE: dict[str, tuple[str, ...]] = {
    "awards": ("award", "award_kind", "grade", "giver", "collectives", "individuals", "recipients"),
    "documents": ("number", "type", "issuer", "issued_on", "title"),
    "dates": ("value", "end_value"),
    "people": ("name", "titles", "organization"),
    "organizations": ("name",),
    "locations": ("name", "kind"),
}
AWARD_KINDS: tuple[str, ...] = AwardKind.__args__  # type: ignore[attr-defined]
#: Which entity field names the entity (and makes its key).
_NAME_FIELD = {"people": "name", "organizations": "name", "locations": "name", "documents": "number"}


class CorrectionError(ValueError):
    """A correction that cannot be made on this record (unknown target, field or value)."""


class Correction(BaseModel):
    """One change a reviewer makes.

    - `accept`: the record is right as it stands.
    - `remove`: drop the `target` item of `family`, or only its `mention` (an entity's span "start-end").
    - `set`: give the `target` item new `values` (fields of EDITABLE).
    - `add`: a missed mention at `start`-`end`, whose text must be `text` (what the reviewer selected);
      it joins the entity `target` when given, else makes a new item from `values`.
    """

    model_config = ConfigDict(extra="forbid")

    action: Literal["accept", "remove", "set", "add"]
    family: Family | None = None
    target: str | None = Field(None, max_length=2000, description="item_key of the item changed")
    mention: str | None = Field(None, max_length=40, description="span 'start-end' of one mention of the target")
    values: dict[str, Any] = Field(default_factory=dict)
    start: int | None = Field(None, ge=0)
    end: int | None = Field(None, ge=0)
    text: str | None = Field(None, max_length=2000)


@dataclass
class Applied:
    record: Record
    before: Any
    after: Any


@dataclass
class Conflict:
    revision: int
    family: str | None
    target: str | None
    detail: str

    def as_dict(self) -> dict[str, Any]:
        return {"revision": self.revision, "family": self.family, "target": self.target, "detail": self.detail}


@dataclass
class Rebased:
    record: Record
    conflicts: list[Conflict] = field(default_factory=list)


def span_key(start: int, end: int) -> str:
    return f"{start}-{end}"


def item_key(family: str, item: dict[str, Any]) -> str:
    """How a correction names an item: its span (dates, awards) or its name's key (entities)."""
    if family in SPAN_FAMILIES:
        return span_key(item["start"], item["end"])
    if family == "documents":
        return symbol_key(item["number"])
    return canon(item["name"])


def apply(record: Record, correction: Correction) -> Applied:
    """The record with the correction made, and what it changed. Raises CorrectionError."""
    data = record.model_dump(mode="json")
    if correction.action == "accept":
        return Applied(record, None, None)
    family = _family(correction)
    items: list[dict[str, Any]] = data[family]
    if correction.action == "add":
        before, after = None, _add(data, family, correction)
    else:
        index = _find(items, family, correction.target)
        if index is None:
            raise CorrectionError(f"the record has no {family} item {correction.target!r}")
        if correction.action == "remove":
            before, after = _remove(items, family, index, correction.mention), None
        else:
            before, after = _set(items[index], family, correction.values)
    return Applied(_validated(data), before, after)


def rebase(machine: Record, revisions: list[tuple[int, Correction, Any, Any]]) -> Rebased:
    """Re-apply revisions (seq, correction, before, after) to a newly extracted record.

    Corrections are kept. A conflict is listed where the new record no longer has what the
    reviewer corrected, or now says something other than both what the reviewer saw and what
    the reviewer made of it (then the reviewer's value still wins)."""
    record, conflicts = machine, []
    for seq, correction, before, after in revisions:
        if correction.action == "accept":
            continue
        family = correction.family
        data = record.model_dump(mode="json")
        if correction.action == "add":
            if _span_present(data, family, correction.start, correction.end):
                continue  # the rules find it now
        elif (found := _find(data[family], family, correction.target)) is None or (
                correction.action == "remove" and correction.mention is not None
                and _mention_index(data[family][found]["mentions"], correction.mention) is None):
            if correction.action == "set":
                conflicts.append(Conflict(seq, family, correction.target,
                                          "the re-extracted record no longer has this item; the correction was not applied"))
            continue
        elif correction.action == "set":
            current = data[family][found]
            now = {k: current.get(k) for k in (after or {})}
            if now == after:
                continue  # the rules now agree with the reviewer
            if now != before:
                conflicts.append(Conflict(seq, family, correction.target,
                                          f"the rules now give {now}, the reviewer changed {before} to {after}; "
                                          "the reviewer's value is kept"))
        try:
            record = apply(record, correction).record
        except CorrectionError as e:
            conflicts.append(Conflict(seq, family, correction.target, f"not re-applied: {e}"))
    return Rebased(record, conflicts)


def _family(correction: Correction) -> str:
    if correction.family is None:
        raise CorrectionError(f"a correction that does '{correction.action}' needs a family")
    return correction.family


def _find(items: list[dict[str, Any]], family: str, key: str | None) -> int | None:
    if key is None:
        return None
    return next((i for i, item in enumerate(items) if item_key(family, item) == key), None)


def _mention_index(mentions: list[dict[str, Any]], key: str) -> int | None:
    return next((i for i, m in enumerate(mentions) if span_key(m["start"], m["end"]) == key), None)


def _remove(items: list[dict[str, Any]], family: str, index: int, mention: str | None) -> Any:
    if mention is None:
        return items.pop(index)
    if family in SPAN_FAMILIES:
        raise CorrectionError(f"{family} items are mentions themselves: remove the item")
    mentions = items[index]["mentions"]
    found = _mention_index(mentions, mention)
    if found is None:
        raise CorrectionError(f"{items[index][_NAME_FIELD[family]]!r} has no mention at {mention}")
    removed = mentions.pop(found)
    if not mentions:  # an entity with no mention left is not named in the article
        items.pop(index)
    return removed


def _set(item: dict[str, Any], family: str, values: dict[str, Any]) -> tuple[dict, dict]:
    if not values:
        raise CorrectionError("a 'set' correction needs values")
    unknown = sorted(set(values) - set(EDITABLE[family]))
    if unknown:
        raise CorrectionError(f"{family} fields {unknown} cannot be set; editable: {list(EDITABLE[family])}")
    # a form sends every field of the item: only those given another value are changes
    clean = {k: v for k, v in ((k, _clean(family, k, v)) for k, v in values.items()) if v != item.get(k)}
    if not clean:
        raise CorrectionError("nothing to change: every value given is the value the record has")
    before = {k: item.get(k) for k in clean}
    item.update(clean)
    if family == "awards" and {"collectives", "individuals"} & clean.keys() and "recipients" not in clean:
        parts = [item.get("collectives"), item.get("individuals")]
        if all(p is not None for p in parts):
            item["recipients"] = sum(parts)
    if family == "dates" and "value" in clean:
        item["granularity"] = {10: "day", 7: "month", 4: "year"}[len(clean["value"])] if clean["value"] else None
    if family == "documents" and "number" in clean:
        item["serial"] = None  # derived from the old symbol; a reviewer's number says nothing of it
    return before, {k: item.get(k) for k in clean}


def _add(data: dict[str, Any], family: str, c: Correction) -> dict[str, Any]:
    text = data.get("text")
    if text is None:
        raise CorrectionError("the record keeps no text to add a mention to")
    if c.start is None or c.end is None or not 0 <= c.start < c.end <= len(text):
        raise CorrectionError(f"a mention needs 0 <= start < end <= {len(text)} (code points)")
    found = text[c.start:c.end]
    if c.text is not None and c.text != found:
        raise CorrectionError(f"the text at {c.start}-{c.end} is {found!r}, not {c.text!r}: "
                              "offsets count code points of the record's text")
    if _span_present(data, family, c.start, c.end):
        raise CorrectionError(f"{family} already has a mention at {c.start}-{c.end}")
    mention = {"text": found, "start": c.start, "end": c.end, "rule": REVIEW_RULE}
    values = {k: _clean(family, k, v) for k, v in c.values.items() if k in EDITABLE[family]}
    if family in SPAN_FAMILIES:
        item = _new_span_item(family, mention, values)
        data[family].append(item)
        data[family].sort(key=lambda i: (i["start"], i["end"]))
        return item
    if c.target is not None:
        index = _find(data[family], family, c.target)
        if index is None:
            raise CorrectionError(f"the record has no {family} item {c.target!r}")
        data[family][index]["mentions"].append(mention)
        data[family][index]["mentions"].sort(key=lambda m: (m["start"], m["end"]))
        return {"target": c.target, "mention": mention}
    item = _new_entity(family, mention, values)
    data[family].append(item)
    return item


def _new_span_item(family: str, mention: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    if family == "dates":
        value = values.get("value")
        if not value:
            raise CorrectionError("a date needs its value (YYYY-MM-DD)")
        granularity = {10: "day", 7: "month", 4: "year"}[len(value)]
        return {**mention, "value": value, "end_value": values.get("end_value"), "granularity": granularity,
                "year_inferred": False}
    kind = values.get("award_kind")
    if kind is None:
        raise CorrectionError("an award needs its award_kind")
    return {**mention, "award": values.get("award") or mention["text"], "award_kind": kind,
            "grade": values.get("grade"), "giver": values.get("giver"), "collectives": values.get("collectives"),
            "individuals": values.get("individuals"),
            "recipients": values.get("recipients") if values.get("recipients") is not None else
            (sum(v for v in (values.get("collectives"), values.get("individuals")) if v is not None) or None),
            "approximate": False}


def _new_entity(family: str, mention: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    name = values.get(_NAME_FIELD[family]) or mention["text"]
    if family == "people":
        return {"name": name, "titles": values.get("titles") or [], "organization": values.get("organization"),
                "mentions": [mention]}
    if family == "organizations":
        return {"name": name, "text": mention["text"], "abbreviation": None, "mentions": [mention]}
    if family == "locations":
        return {"name": name, "kind": values.get("kind") or "other", "current": None, "mentions": [mention]}
    return {"number": "".join(name.split()).upper(), **{k: values.get(k) for k in EDITABLE["documents"] if k != "number"},
            "mentions": [mention]}


def _span_present(data: dict[str, Any], family: str, start: int | None, end: int | None) -> bool:
    if family in SPAN_FAMILIES:
        return any(i["start"] == start and i["end"] == end for i in data[family])
    return any(m["start"] == start and m["end"] == end for i in data[family] for m in i["mentions"])


def _clean(family: str, name: str, value: Any) -> Any:
    """A reviewer's value in the record's type; blank is null."""
    if isinstance(value, str):
        value = value.strip() or None
    if name in ("collectives", "individuals", "recipients"):
        try:
            return None if value is None else int(value)
        except (TypeError, ValueError):
            raise CorrectionError(f"{name} must be a whole number, not {value!r}") from None
    if name == "titles":
        if isinstance(value, str):
            return [t.strip() for t in value.split(";") if t.strip()]
        return list(value or [])
    if name in ("value", "end_value", "issued_on") and value is not None:
        _check_iso(name, value)
    if name == "award_kind" and value is not None and value not in AWARD_KINDS:
        raise CorrectionError(f"award_kind must be one of {list(AWARD_KINDS)}")
    if name in ("name", "number", "award", "award_kind", "value", "kind") and value is None:
        raise CorrectionError(f"{name} cannot be blank")
    return value


def _check_iso(name: str, value: str) -> None:
    try:
        if len(value) == 10:
            dt.date.fromisoformat(value)
        elif len(value) == 7:
            dt.date.fromisoformat(value + "-01")
        elif not (len(value) == 4 and value.isdigit()):
            raise ValueError
    except ValueError:
        raise CorrectionError(f"{name} must be an ISO date (YYYY-MM-DD, YYYY-MM or YYYY), not {value!r}") from None


def _validated(data: dict[str, Any]) -> Record:
    try:
        return Record.model_validate(data)
    except ValidationError as e:
        raise CorrectionError("; ".join(f"{'.'.join(map(str, err['loc']))}: {err['msg']}" for err in e.errors())) from e
