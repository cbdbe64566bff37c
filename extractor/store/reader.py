"""Rows back into records: one query per table for a whole page of articles.

Each query selects the grouping keys first and then exactly the record's fields, named as the
record names them, so a row becomes a field dict with one zip.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, LargeBinary, Select, Table, cast, func, select

from ..record import Record
from . import schema as s
from .identity import published_text

_ARTICLE = select(s.articles.c.pk, s.articles.c.id, s.articles.c.schema_version, s.articles.c.title,
                  s.articles.c.published_at, s.articles.c.published_precision, s.articles.c.source, s.articles.c.authors, s.articles.c.text,
                  s.articles.c.encoding, s.articles.c.rules_version)
_MENTIONS = select(s.mentions.c.article_pk, s.mentions.c.family, s.mentions.c.entity_ord,
                   s.mentions.c.text, s.mentions.c.start, s.mentions.c.end, s.mentions.c.rule)
#: Per family: article_pk, then `ord` (to find the entity's mentions, then dropped), then the fields.
_FAMILIES = {
    "people": select(s.article_people.c.article_pk, s.article_people.c.ord, s.people.c.name,
                     s.article_people.c.titles, s.article_people.c.organization)
    .join(s.people, s.people.c.pk == s.article_people.c.person_pk),
    "organizations": select(s.article_organizations.c.article_pk, s.article_organizations.c.ord, s.organizations.c.name,
                            s.article_organizations.c.text, s.article_organizations.c.abbreviation)
    .join(s.organizations, s.organizations.c.pk == s.article_organizations.c.organization_pk),
    "locations": select(s.article_locations.c.article_pk, s.article_locations.c.ord, s.locations.c.name,
                        s.locations.c.kind, s.article_locations.c.current)
    .join(s.locations, s.locations.c.pk == s.article_locations.c.location_pk),
    "documents": select(*(c for c in s.article_documents.c if c.name not in ("document_pk", "province_current"))),
}
#: Award columns the store adds to the record's (migration 0004).
_AWARD_LINKS = ("giver_match", "giver_organization_pk", "giver_position_pk", "conferred_on", "conferred_on_source")
_DATES = select(*(c for c in s.article_dates.c if c.name not in ("ord", "first_day", "last_day")))
_AWARDS = select(*(c for c in s.awards.c if c.name not in ("ord", *_AWARD_LINKS)))


def load_records(connection: Connection, article_pks: Sequence[int], reviewed: bool = True) -> list[Record]:
    """The records of these articles, in the order given (unknown pks are left out); a reviewed
    article's reviewed record unless `reviewed` is False (then the machine record)."""
    return [Record.model_validate_json(j) if isinstance(j, bytes) else j
            for j in _stored(connection, article_pks, reviewed)]


def load_record_json(connection: Connection, article_pks: Sequence[int], reviewed: bool = True) -> list[bytes]:
    """The records of these articles as UTF-8 JSON, in the order given, without building them: a
    page of records is served as the JSON stored with each row, never decoded on the way."""
    return [j if isinstance(j, bytes) else j.model_dump_json().encode()
            for j in _stored(connection, article_pks, reviewed)]


def _json_bytes(dialect: str, column=s.articles.c.record_json):
    """A JSON text column (record_json) read as UTF-8 bytes rather than decoded into a str."""
    if dialect == "postgresql":
        return func.convert_to(column, "UTF8")
    return cast(column, LargeBinary)


def _stored(connection: Connection, article_pks: Sequence[int], reviewed: bool) -> list[bytes | Record]:
    """Each article's stored record JSON (its reviewed record's, where `reviewed` and it has one),
    or its record rebuilt from the tables where a row has none."""
    if not article_pks:
        return []
    pks = list(article_pks)
    stored = dict(connection.execute(select(s.articles.c.pk, _json_bytes(connection.dialect.name))
                                     .where(s.articles.c.pk.in_(pks))).all())
    if reviewed:
        review = s.article_reviews
        stored.update(connection.execute(
            select(s.articles.c.pk, _json_bytes(connection.dialect.name, review.c.reviewed_json))
            .join(review, review.c.article_id == s.articles.c.id).where(s.articles.c.pk.in_(pks))).all())
    missing = [pk for pk in pks if pk in stored and not stored[pk]]  # rows stored before migration 0002
    if missing:
        rebuilt = dict(zip(missing, _rebuild_records(connection, missing)))
        stored.update(rebuilt)
    return [stored[pk] for pk in pks if pk in stored]


def _rebuild_records(connection: Connection, pks: list[int]) -> list[Record]:
    """Records rebuilt from the normalised tables, for rows stored before migration 0002."""
    articles = {key[0]: fields[0] for key, fields in _by_key(connection, _ARTICLE, s.articles, pks, 1).items()}
    for article in articles.values():  # the record's ISO text back from the typed column
        article["published_at"] = published_text(article["published_at"], article.pop("published_precision"))
    mentions = _by_key(connection, _MENTIONS, s.mentions, pks, 3)
    families: dict[str, dict[tuple, list[dict[str, Any]]]] = {}
    for family, statement in _FAMILIES.items():
        entities = _by_key(connection, statement, s.MENTION_FAMILIES[family], pks, 1)
        for (article_pk,), rows in entities.items():
            for row in rows:
                row["mentions"] = mentions.get((article_pk, family, row.pop("ord")), [])
                if isinstance(row.get("issued_on"), dt.date):
                    row["issued_on"] = row["issued_on"].isoformat()
        families[family] = entities
    dates = _by_key(connection, _DATES, s.article_dates, pks, 1)
    awards = _by_key(connection, _AWARDS, s.awards, pks, 1)
    return [Record.model_validate({
        **articles[pk],
        **{family: entities.get((pk,), []) for family, entities in families.items()},
        "dates": dates.get((pk,), []),
        "awards": awards.get((pk,), []),
    }) for pk in pks if pk in articles]


def _by_key(connection: Connection, statement: Select, table: Table, pks: list[int],
            keys: int) -> dict[tuple, list[dict[str, Any]]]:
    """Rows of the statement for these articles, as field dicts grouped by their first `keys` columns.

    Each group is in the table's `ord` order: the order of the record's lists.
    """
    article_pk = table.c.pk if table is s.articles else table.c.article_pk
    order = [*statement.selected_columns[:keys], *([table.c.ord] if "ord" in table.c else [])]
    result = connection.execute(statement.where(article_pk.in_(pks)).order_by(*order))
    names = list(result.keys())[keys:]
    out: dict[tuple, list[dict[str, Any]]] = defaultdict(list)
    for row in result.all():
        out[tuple(row[:keys])].append(dict(zip(names, row[keys:])))
    return out
