"""A record into rows, inside the caller's transaction.

`insert_record` only ever runs in `engine.write_transaction`, so an exception anywhere in here
leaves nothing behind. Entities are found-or-created by key a table at a time (INSERT .. ON
CONFLICT DO NOTHING, then SELECT), which stays right when two writers add the same new person
at once.
"""
from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from sqlalchemy import Connection, Table, insert, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite

from ..record import Record
from . import schema as s
from .keys import document_key, name_key, search_key

_DIALECT_INSERT = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}
Row = dict[str, Any]


def insert_record(connection: Connection, record: Record) -> bool:
    """Store the record; False (and nothing written) when an article with its id is stored already."""
    article_pk = _insert_article(connection, record)
    if article_pk is None:
        return False
    rows: dict[Table, list[Row]] = {
        s.article_search: [{"body": search_key(f"{record.title or ''}\n{record.text or ''}")}],
        **_entity_links(connection, record),
        s.mentions: [{"family": family, "entity_ord": entity_ord, "ord": ord_, **m.model_dump()}
                     for family in s.MENTION_FAMILIES
                     for entity_ord, entity in enumerate(getattr(record, family))
                     for ord_, m in enumerate(entity.mentions)],
        s.article_dates: [{"ord": ord_, **d.model_dump(), **_days_covered(d.value, d.end_value)}
                          for ord_, d in enumerate(record.dates)],
        s.awards: [{"ord": ord_, **a.model_dump()} for ord_, a in enumerate(record.awards)],
    }
    for table, table_rows in rows.items():
        if table_rows:
            connection.execute(insert(table), [{"article_pk": article_pk, **row} for row in table_rows])
    return True


def _insert_article(connection: Connection, record: Record) -> int | None:
    """The new article's pk, or None when its id is stored already."""
    values = record.model_dump(include={"id", "schema_version", "title", "published_at", "source", "authors",
                                        "text", "encoding", "rules_version"})
    statement = (_DIALECT_INSERT[connection.dialect.name](s.articles)
                 .values(**values, published_on=_day(record.published_at), record_json=record.model_dump_json())
                 .on_conflict_do_nothing(index_elements=["id"])
                 .returning(s.articles.c.pk))
    return connection.execute(statement).scalar_one_or_none()


def _entity_links(connection: Connection, record: Record) -> dict[Table, list[Row]]:
    """The article's link rows (without article_pk) to its people, organisations, places and documents."""
    people = _entity_pks(connection, s.people, ("name_key",), [
        {"name_key": name_key(p.name), "name": p.name, "search_key": search_key(p.name)} for p in record.people])
    organizations = _entity_pks(connection, s.organizations, ("name_key",), [
        {"name_key": name_key(o.name), "name": o.name, "search_key": search_key(o.name)} for o in record.organizations])
    places = _entity_pks(connection, s.locations, ("name_key", "kind"), [
        {"name_key": name_key(p.name), "kind": p.kind, "name": p.name, "search_key": search_key(p.name)}
        for p in record.locations])
    documents = _entity_pks(connection, s.documents, ("key",), [
        {"key": document_key(d.number, d.type_code), "number": d.number} for d in record.documents])
    return {
        s.article_people: [{"ord": i, "person_pk": pk, "titles": p.titles, "organization": p.organization}
                           for i, (p, pk) in enumerate(zip(record.people, people))],
        s.article_organizations: [{"ord": i, "organization_pk": pk, "text": o.text, "abbreviation": o.abbreviation}
                                  for i, (o, pk) in enumerate(zip(record.organizations, organizations))],
        s.article_locations: [{"ord": i, "location_pk": pk, "current": p.current}
                              for i, (p, pk) in enumerate(zip(record.locations, places))],
        s.article_documents: [{"ord": i, "document_pk": pk, **d.model_dump(exclude={"mentions"})}
                              for i, (d, pk) in enumerate(zip(record.documents, documents))],
    }


def _entity_pks(connection: Connection, table: Table, key: tuple[str, ...], rows: list[Row]) -> list[int]:
    """The pk of each row's entity (found by its `key` columns), inserting the entities not stored yet."""
    if not rows:
        return []

    def key_of(row: Row) -> tuple:
        return tuple(row[name] for name in key)

    # in key order, so that concurrent writers take the rows' locks in one order and never deadlock
    connection.execute(_DIALECT_INSERT[connection.dialect.name](table).on_conflict_do_nothing(),
                       sorted(rows, key=key_of))
    key_columns = [table.c[name] for name in key]
    found = {tuple(found[1:]): found[0] for found in connection.execute(
        select(table.c.pk, *key_columns).where(tuple_(*key_columns).in_({key_of(row) for row in rows})))}
    return [found[key_of(row)] for row in rows]


def _day(published_at: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(published_at[:10]) if published_at else None
    except ValueError:
        return None


def _days_covered(value: str, end_value: str | None) -> dict[str, dt.date | None]:
    """First and last day of a Date: "2022" covers 2022-01-01..2022-12-31, a range up to its end."""
    return {"first_day": _bound(value, last=False), "last_day": _bound(end_value or value, last=True)}


def _bound(value: str, *, last: bool) -> dt.date | None:
    try:
        parts = [int(p) for p in value.split("-")]
        if len(parts) == 1:
            return dt.date(parts[0], 12, 31) if last else dt.date(parts[0], 1, 1)
        if len(parts) == 2:
            year, month = parts
            return dt.date(year, month, calendar.monthrange(year, month)[1] if last else 1)
        return dt.date(*parts)
    except (ValueError, TypeError):
        return None
