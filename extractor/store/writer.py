"""A record into rows, inside the caller's transaction.

`insert_prepared` only ever runs in `engine.write_transaction`, so an exception anywhere in here
leaves nothing behind. Entities are found-or-created by key a table at a time (INSERT .. ON
CONFLICT DO NOTHING, then SELECT), which stays right when two writers add the same new person
at once. The rows that need nothing back go to PostgreSQL by COPY (`_insert_rows`).
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import JSON, Connection, Table, insert, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError

from ..record import Record
from . import schema as s
from .keys import document_key, name_key, name_search_key, search_key

_DIALECT_INSERT = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}
Row = dict[str, Any]
#: A NUL in the record's JSON: an escaped U+0000 not itself preceded by an escaping backslash.
_NUL_IN_JSON = re.compile(r"(?<!\\)(?:\\\\)*\\u0000")


class UnstorableRecord(ValueError):
    """A record holding what the store cannot keep on every backend alike (a NUL character:
    PostgreSQL text cannot hold one). Refused on SQLite too, so both stores hold the same articles."""


@dataclass
class PreparedRecord:
    """A record as rows, all but the keys only the database can give (the article's and the
    entities' pks). Preparing is most of the work of a write and needs no connection, so a bulk
    run prepares in its worker processes and leaves its single SQLite writer only the inserts.
    Plain data: it pickles cheaply."""

    id: str
    article: Row
    #: per entity family, (entity row, link row without its pks) for each entity of the record
    entities: dict[str, list[tuple[Row, Row]]]
    #: rows of the article's own tables (search entry, mentions, dates, awards) without article_pk
    rows: dict[str, list[Row]]


#: entity family -> (entity table, key columns, link table, link column)
_ENTITIES = {
    "people": (s.people, ("name_key",), s.article_people, "person_pk"),
    "organizations": (s.organizations, ("name_key",), s.article_organizations, "organization_pk"),
    "locations": (s.locations, ("name_key", "kind"), s.article_locations, "location_pk"),
    "documents": (s.documents, ("key",), s.article_documents, "document_pk"),
}
#: Tables written after the articles and entities, in this order (the search entry first).
_OWN_TABLES = (s.article_search, s.mentions, s.article_dates, s.awards)


def prepare_record(record: Record, record_json: str | None = None) -> PreparedRecord:
    """The record's rows; `record_json`, its JSON when the caller has made it already.

    Raises `UnstorableRecord` for a record holding a NUL character."""
    record_json = record_json or record.model_dump_json()
    if _NUL_IN_JSON.search(record_json):
        raise UnstorableRecord(f"the article {record.id} holds a NUL character (U+0000), which the store cannot "
                               "keep; remove it and send the article again")
    article = {**record.model_dump(include={"id", "schema_version", "title", "published_at", "source", "authors",
                                            "text", "encoding", "rules_version"}),
               "published_on": _day(record.published_at), "record_json": record_json}
    entities = {
        "people": [({"name_key": name_key(p.name), "name": p.name, "search_key": name_search_key(p.name)},
                    {"ord": i, "titles": p.titles, "organization": p.organization})
                   for i, p in enumerate(record.people)],
        "organizations": [({"name_key": name_key(o.name), "name": o.name, "search_key": name_search_key(o.name)},
                           {"ord": i, "text": o.text, "abbreviation": o.abbreviation})
                          for i, o in enumerate(record.organizations)],
        "locations": [({"name_key": name_key(p.name), "kind": p.kind, "name": p.name,
                        "search_key": name_search_key(p.name)}, {"ord": i, "current": p.current})
                      for i, p in enumerate(record.locations)],
        "documents": [({"key": document_key(d.number, d.type_code), "number": d.number},
                       {"ord": i, **d.model_dump(exclude={"mentions"})}) for i, d in enumerate(record.documents)],
    }
    rows = {
        s.article_search.name: [{"body": search_key(f"{record.title or ''}\n{record.text or ''}")}],
        s.mentions.name: [{"family": family, "entity_ord": entity_ord, "ord": ord_, **m.model_dump()}
                          for family in s.MENTION_FAMILIES
                          for entity_ord, entity in enumerate(getattr(record, family))
                          for ord_, m in enumerate(entity.mentions)],
        s.article_dates.name: [{"ord": ord_, **d.model_dump(), **_days_covered(d.value, d.end_value)}
                               for ord_, d in enumerate(record.dates)],
        s.awards.name: [{"ord": ord_, **a.model_dump()} for ord_, a in enumerate(record.awards)],
    }
    return PreparedRecord(record.id, article, entities, rows)


def insert_record(connection: Connection, record: Record) -> bool:
    """Store the record; False (and nothing written) when an article with its id is stored already."""
    return insert_prepared(connection, [prepare_record(record)])[0]


def insert_prepared(connection: Connection, records: list[PreparedRecord]) -> list[bool]:
    """Store the records with one statement per table for all of them; for each, whether it was
    new (False: an article with its id was stored already, or came earlier in `records`)."""
    article_pks = _insert_articles(connection, records)
    stored = [(record, pk) for record, pk in zip(records, article_pks) if pk is not None]
    rows: defaultdict[Table, list[Row]] = defaultdict(list)
    for family, (table, key, link_table, link_column) in _ENTITIES.items():
        pks = iter(_entity_pks(connection, table, key, [e for r, _ in stored for e, _ in r.entities[family]]))
        for record, article_pk in stored:
            rows[link_table].extend({"article_pk": article_pk, link_column: next(pks), **link}
                                    for _, link in record.entities[family])
    for table in _OWN_TABLES:
        rows[table] = [{"article_pk": article_pk, **row} for record, article_pk in stored for row in record.rows[table.name]]
    for table in (s.article_search, *(link for _, _, link, _ in _ENTITIES.values()), *_OWN_TABLES[1:]):
        if rows[table]:
            _insert_rows(connection, table, rows[table])
    return [pk is not None for pk in article_pks]


def _insert_rows(connection: Connection, table: Table, rows: list[Row]) -> None:
    """Insert rows that need nothing back. PostgreSQL takes them by COPY: an article has some
    seventy such rows (mostly mentions), and as one INSERT execution each they cost the server
    and the client more than the rest of the write."""
    if connection.dialect.name != "postgresql":
        connection.execute(insert(table), rows)
        return
    columns = [c for c in table.columns if c.name in rows[0]]
    as_json = [isinstance(c.type, JSON) for c in columns]
    quote = connection.dialect.identifier_preparer.quote
    statement = f"COPY {quote(table.name)} ({', '.join(quote(c.name) for c in columns)}) FROM STDIN"
    driver = connection.connection.driver_connection  # in the caller's transaction, begun already
    try:
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row([_json_text(row.get(c.name)) if j else row.get(c.name)
                                for c, j in zip(columns, as_json)])
    except driver.Error as e:  # as SQLAlchemy reports errors of the statements it runs (the store relies on it)
        raise DBAPIError.instance(statement, None, e, driver.Error,
                                  connection_invalidated=driver.broken) from e


def _json_text(value: Any) -> str:
    """A JSON column's value as COPY takes it: its JSON text (None too is JSON null, as SQLAlchemy stores it)."""
    return orjson.dumps(value).decode()


def _insert_articles(connection: Connection, records: list[PreparedRecord]) -> list[int | None]:
    """Each new article's pk, or None when its id is stored already (or repeats an earlier one)."""
    values, seen = [], set()
    for record in records:
        if record.id not in seen:
            seen.add(record.id)
            values.append(record.article)
    statement = (_DIALECT_INSERT[connection.dialect.name](s.articles)
                 .on_conflict_do_nothing(index_elements=["id"])
                 .returning(s.articles.c.id, s.articles.c.pk))
    # one multi-row INSERT; rows that conflicted return nothing, so the new ones are told by id
    new = dict(connection.execute(statement, values).all()) if values else {}
    return [new.pop(record.id, None) for record in records]  # popped: a repeat later in the batch is not new


def _entity_pks(connection: Connection, table: Table, key: tuple[str, ...], rows: list[Row]) -> list[int]:
    """The pk of each row's entity (found by its `key` columns), inserting the entities not stored yet."""
    if not rows:
        return []

    def key_of(row: Row) -> tuple:
        return tuple(row[name] for name in key)

    # each entity once, in key order, so that concurrent writers take the rows' locks in one
    # order and never deadlock
    unique = {key_of(row): row for row in rows}
    connection.execute(_DIALECT_INSERT[connection.dialect.name](table).on_conflict_do_nothing(),
                       [unique[k] for k in sorted(unique)])
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
