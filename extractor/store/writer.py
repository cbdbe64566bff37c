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
from sqlalchemy import JSON, Connection, Table, bindparam, insert, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError

from ..record import Record
from . import schema as s
from .identity import (Place, article_place, award_giver, conferral_date, document_identity, organization_identity,
                       person_identity, published)
from .keys import name_key, name_search_key, search_key
from .units import province_code

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
    #: per award (in order), its giver: (organisation entity row or None, position row or None);
    #: a position row names its body by `organization_key`
    givers: list[tuple[Row | None, Row | None]]


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
    when = published(record.published_at)
    place = article_place(record)
    province, province_current = (place.name, place.current) if place else (None, None)
    article = {**record.model_dump(include={"id", "schema_version", "title", "source", "authors",
                                            "text", "encoding", "rules_version"}),
               "published_at": when.at, "published_precision": when.precision, "published_on": when.day,
               "province": province, "province_current": province_current,
               "province_code": province_code(province_current),
               "record_json": record_json}
    documents = []
    for i, d in enumerate(record.documents):
        key, document_province = document_identity(d, record, province)
        link = {"ord": i, **d.model_dump(exclude={"mentions"}), "issued_on": _date(d.issued_on),
                "province_current": province_current}
        documents.append(({"key": key, "number": d.number, "province": document_province}, link))
    entities = {
        "people": [(_person(p.name, p.organization, p.titles, place),
                    {"ord": i, "titles": p.titles, "organization": p.organization})
                   for i, p in enumerate(record.people)],
        "organizations": [(_organization(o.name, place), {"ord": i, "text": o.text, "abbreviation": o.abbreviation})
                          for i, o in enumerate(record.organizations)],
        "locations": [({"name_key": name_key(p.name), "kind": p.kind, "name": p.name,
                        "search_key": name_search_key(p.name)}, {"ord": i, "current": p.current})
                      for i, p in enumerate(record.locations)],
        "documents": documents,
    }
    awards, givers = [], []
    for ord_, a in enumerate(record.awards):
        giver = award_giver(a, record)
        on, source = conferral_date(a, record, when.day)
        awards.append({"ord": ord_, **a.model_dump(), "giver_match": giver.match, "conferred_on": on,
                       "conferred_on_source": source})
        body = _organization(giver.organization, place) if giver.organization else None
        position = ({"name_key": name_key(giver.position), "name": giver.position, "title": giver.title,
                     "organization_key": body["name_key"] if body else None} if giver.position else None)
        givers.append((body, position))
    rows = {
        s.article_search.name: [{"body": search_key(f"{record.title or ''}\n{record.text or ''}")}],
        s.mentions.name: [{"family": family, "entity_ord": entity_ord, "ord": ord_, **m.model_dump()}
                          for family in s.MENTION_FAMILIES
                          for entity_ord, entity in enumerate(getattr(record, family))
                          for ord_, m in enumerate(entity.mentions)],
        s.article_dates.name: [{"ord": ord_, **d.model_dump(), **_days_covered(d.value, d.end_value)}
                               for ord_, d in enumerate(record.dates)],
        s.awards.name: awards,
    }
    return PreparedRecord(record.id, article, entities, rows, givers)


def _organization(name: str, place: Place | None) -> Row:
    """An organisation's entity row, keyed by identity.organization_identity."""
    key, named = organization_identity(name, place)
    return {"name_key": key, "name": name, "search_key": name_search_key(name),
            "province": named.name if named else None, "province_current": named.current if named else None}


def _person(name: str, organization: str | None, titles: list[str], place: Place | None) -> Row:
    """A person's entity row, keyed by identity.person_identity."""
    key, named = person_identity(name, organization, titles, place)
    return {"name_key": key, "name": name, "search_key": name_search_key(name),
            "province": named.name if named else None, "province_current": named.current if named else None}


def _aliases(organization_pk: int, entity: Row, link: Row) -> list[Row]:
    """The names an article gives an organisation besides its canonical one: its abbreviation,
    and the words it was written with (a short form, a bare level word the store completed)."""
    out = []
    for alias, kind in ((link["abbreviation"], "abbreviation"), (link["text"], "written")):
        if alias and name_key(alias) != name_key(entity["name"]):
            out.append({"organization_pk": organization_pk, "alias_key": name_key(alias), "alias": alias, "kind": kind})
    return out


def insert_record(connection: Connection, record: Record) -> bool:
    """Store the record; False (and nothing written) when an article with its id is stored already."""
    return insert_prepared(connection, [prepare_record(record)])[0]


def insert_prepared(connection: Connection, records: list[PreparedRecord]) -> list[bool]:
    """Store the records with one statement per table for all of them; for each, whether it was
    new (False: an article with its id was stored already, or came earlier in `records`)."""
    article_pks = _insert_articles(connection, records)
    stored = [(record, pk) for record, pk in zip(records, article_pks) if pk is not None]
    rows: defaultdict[Table, list[Row]] = defaultdict(list)
    aliases: list[Row] = []
    for family, (table, key, link_table, link_column) in _ENTITIES.items():
        pks = iter(_entity_pks(connection, table, key, [e for r, _ in stored for e, _ in r.entities[family]]))
        for record, article_pk in stored:
            for entity, link in record.entities[family]:
                pk = next(pks)
                rows[link_table].append({"article_pk": article_pk, link_column: pk, **link})
                if family == "organizations":
                    aliases.extend(_aliases(pk, entity, link))
    for table in _OWN_TABLES:
        rows[table] = [{"article_pk": article_pk, **row} for record, article_pk in stored for row in record.rows[table.name]]
    _link_givers(connection, [r for r, _ in stored], rows[s.awards])
    reconcile_documents(connection, rows[s.article_documents])
    insert_aliases(connection, aliases)
    for table in (s.article_search, *(link for _, _, link, _ in _ENTITIES.values()), *_OWN_TABLES[1:]):
        if rows[table]:
            _insert_rows(connection, table, rows[table])
    return [pk is not None for pk in article_pks]


def _link_givers(connection: Connection, records: list[PreparedRecord], awards: list[Row]) -> None:
    """Fill each award row's giver_organization_pk and giver_position_pk, creating the
    organisations and positions not stored yet (`awards` are the records' award rows, in order)."""
    givers = [giver for record in records for giver in record.givers]
    bodies = [body for body, _ in givers if body]
    body_pks = dict(zip((b["name_key"] for b in bodies),
                        _entity_pks(connection, s.organizations, ("name_key",), bodies)))
    positions = [{k: v for k, v in p.items() if k != "organization_key"}
                 | {"organization_pk": body_pks.get(p["organization_key"])} for _, p in givers if p]
    position_pks = dict(zip((p["name_key"] for p in positions),
                            _entity_pks(connection, s.positions, ("name_key",), positions)))
    for award, (body, position) in zip(awards, givers, strict=True):
        award["giver_organization_pk"] = body_pks[body["name_key"]] if body and not position else None
        award["giver_position_pk"] = position_pks[position["name_key"]] if position else None


def insert_aliases(connection: Connection, aliases: list[Row]) -> None:
    """Add organisation aliases not stored yet (in key order, so concurrent writers never deadlock)."""
    unique = {(a["organization_pk"], a["alias_key"]): a for a in aliases}
    if unique:
        connection.execute(_DIALECT_INSERT[connection.dialect.name](s.organization_aliases).on_conflict_do_nothing(),
                           [unique[k] for k in sorted(unique)])


#: Fields of a document reconciled from its citations: documents column <- article_documents column.
RECONCILED = {"type": "type", "type_code": "type_code", "serial": "serial", "year": "year",
              "issuer_code": "issuer_code", "issuer_code_expanded": "issuer_code_expanded", "issuer": "issuer",
              "issued_on": "issued_on", "subject": "title"}


def reconcile_documents(connection: Connection, citations: list[Row]) -> None:
    """Count the values the new citations give each document's fields (`document_values`) and set
    every touched document's fields to the value most citations give, keeping the disagreements."""
    if not citations:
        return
    counts: defaultdict[tuple[int, str, str], int] = defaultdict(int)
    cited: defaultdict[int, int] = defaultdict(int)
    for row in citations:
        cited[row["document_pk"]] += 1
        for field, column in RECONCILED.items():
            if row.get(column) is not None:
                counts[(row["document_pk"], field, _text(row[column]))] += 1
    touched = sorted(cited)
    if connection.dialect.name == "postgresql":  # one writer at a time reconciles a document
        connection.execute(select(s.documents.c.pk).where(s.documents.c.pk.in_(touched))
                           .order_by(s.documents.c.pk).with_for_update())
    if counts:
        statement = _DIALECT_INSERT[connection.dialect.name](s.document_values)
        statement = statement.on_conflict_do_update(
            index_elements=["document_pk", "field", "value"],
            set_={"citations": s.document_values.c.citations + statement.excluded.citations})
        connection.execute(statement, [{"document_pk": pk, "field": f, "value": v, "citations": n}
                                       for (pk, f, v), n in sorted(counts.items())])
    values: defaultdict[int, defaultdict[str, list[tuple[int, str]]]] = defaultdict(lambda: defaultdict(list))
    for pk, field, value, n in connection.execute(
            select(s.document_values).where(s.document_values.c.document_pk.in_(touched))):
        values[pk][field].append((n, value))
    updates = []
    for pk in touched:
        fields: dict[str, Any] = {}
        disagreements: dict[str, list[str]] = {}
        for field in RECONCILED:
            ranked = [v for _, v in sorted(values[pk][field], key=lambda nv: (-nv[0], nv[1]))]
            fields[field] = _typed(field, ranked[0]) if ranked else None
            if len(ranked) > 1:
                disagreements[field] = ranked
        updates.append({"b_pk": pk, "b_cited": cited[pk], **fields, "disagreements": disagreements or None})
    connection.execute(
        s.documents.update().where(s.documents.c.pk == bindparam("b_pk"))
        .values(citations=s.documents.c.citations + bindparam("b_cited"),
                **{field: bindparam(field) for field in RECONCILED}, disagreements=bindparam("disagreements")),
        updates)


def _text(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _typed(field: str, value: str) -> Any:
    if field == "year":
        return int(value)
    if field == "issued_on":
        return dt.date.fromisoformat(value)
    return value


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


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
