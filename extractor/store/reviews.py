"""Revisions of stored records, inside the caller's transaction.

The machine record's rows are never changed by a review: a revision row records the change
(reviewer, time, correction, before, after) and `article_reviews` keeps the record with every
revision applied, which is what the API serves from then on (with its `review` status).
Re-extraction replaces the machine rows and re-applies the revisions (`corrections.rebase`).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select

from ..record import Record, Review
from ..review.corrections import Conflict, Correction, apply, rebase
from . import schema as s
from .reader import load_records
from .writer import insert_record


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def machine_record(connection: Connection, article_id: str) -> Record | None:
    pk = _article_pk(connection, article_id)
    return load_records(connection, [pk], reviewed=False)[0] if pk is not None else None


def reviewed_record(connection: Connection, article_id: str) -> Record | None:
    stored = connection.execute(select(s.article_reviews.c.reviewed_json)
                                .where(s.article_reviews.c.article_id == article_id)).scalar_one_or_none()
    return Record.model_validate_json(stored) if stored else None


def add_revision(connection: Connection, article_id: str, reviewer: str, correction: Correction) -> dict | None:
    """Make the correction on the article's current record and store it as a revision; None when
    no article has that id. Raises CorrectionError (nothing stored) for a correction that does not fit."""
    pk = _article_pk(connection, article_id, lock=True)
    if pk is None:
        return None
    machine = load_records(connection, [pk], reviewed=False)[0]
    current = reviewed_record(connection, article_id) or machine
    applied = apply(current.model_copy(update={"review": None}), correction)
    seq = (connection.execute(select(func.max(s.revisions.c.seq))
                              .where(s.revisions.c.article_id == article_id)).scalar_one() or 0) + 1
    row = {"article_id": article_id, "seq": seq, "reviewer": reviewer, "at": now(), "action": correction.action,
           "correction": correction.model_dump(mode="json", exclude_defaults=True), "before": applied.before,
           "after": applied.after}
    connection.execute(insert(s.revisions), [row])
    conflicts = current.review.conflicts if current.review else []
    _save_reviewed(connection, article_id, applied.record, conflicts)
    return _revision_view(row)


def revisions(connection: Connection, article_id: str) -> list[dict[str, Any]]:
    rows = connection.execute(select(s.revisions).where(s.revisions.c.article_id == article_id)
                              .order_by(s.revisions.c.seq)).mappings().all()
    return [_revision_view(r) for r in rows]


def replace_machine(connection: Connection, record: Record) -> list[Conflict] | None:
    """Store a re-extracted record in place of the article's machine record and re-apply its
    revisions; the conflicts found (None: the article was not stored, and is stored now)."""
    pk = _article_pk(connection, record.id, lock=True)
    if pk is not None:
        connection.execute(delete(s.article_search).where(s.article_search.c.article_pk == pk))  # FTS5: no cascade
        connection.execute(delete(s.articles).where(s.articles.c.pk == pk))
    insert_record(connection, record)
    if pk is None:
        return None
    history = revisions(connection, record.id)
    if not history:
        return []
    rebased = rebase(record, [(r["seq"], Correction.model_validate(r["correction"]), r["before"], r["after"])
                              for r in history])
    _save_reviewed(connection, record.id, rebased.record, [c.as_dict() for c in rebased.conflicts])
    return rebased.conflicts


def reviewed_pairs(connection: Connection, batch: int = 200) -> Iterator[tuple[Record, Record]]:
    """(machine record, reviewed record) of every reviewed article, in review order."""
    ids = list(connection.execute(select(s.article_reviews.c.article_id).order_by(s.article_reviews.c.updated_at,
                                                                                  s.article_reviews.c.article_id))
               .scalars())
    for i in range(0, len(ids), batch):
        chunk = ids[i:i + batch]
        pks = dict(connection.execute(select(s.articles.c.id, s.articles.c.pk).where(s.articles.c.id.in_(chunk))).all())
        machines = {r.id: r for r in load_records(connection, [pks[a] for a in chunk if a in pks], reviewed=False)}
        for article_id in chunk:
            reviewed = reviewed_record(connection, article_id)
            if article_id in machines and reviewed is not None:
                yield machines[article_id], reviewed


def _save_reviewed(connection: Connection, article_id: str, record: Record, conflicts: list[dict]) -> None:
    history = connection.execute(select(s.revisions.c.reviewer, s.revisions.c.action, s.revisions.c.at)
                                 .where(s.revisions.c.article_id == article_id).order_by(s.revisions.c.seq)).all()
    status = "corrected" if any(action != "accept" for _, action, _ in history) else "accepted"
    review = Review(status=status, revisions=len(history), reviewers=list(dict.fromkeys(r for r, _, _ in history)),
                    updated_at=history[-1][2] if history else now(), conflicts=conflicts)
    reviewed = record.model_copy(update={"review": review})
    connection.execute(delete(s.article_reviews).where(s.article_reviews.c.article_id == article_id))
    connection.execute(insert(s.article_reviews), [{"article_id": article_id, "status": status,
                                                    "reviewed_json": reviewed.model_dump_json(),
                                                    "updated_at": review.updated_at}])


def _article_pk(connection: Connection, article_id: str, lock: bool = False) -> int | None:
    statement = select(s.articles.c.pk).where(s.articles.c.id == article_id)
    if lock and connection.dialect.name == "postgresql":
        statement = statement.with_for_update()  # one reviser of an article at a time (SQLite: the write lock)
    return connection.execute(statement).scalar_one_or_none()


def _revision_view(row: Any) -> dict[str, Any]:
    return {k: row[k] for k in ("seq", "reviewer", "at", "action", "correction", "before", "after")} | {
        "article_id": row["article_id"]}
