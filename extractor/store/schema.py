"""The store's tables: one row per article, normalised entities, and per-article links to them.

Entities that recur across articles (people, organisations, places, documents) have a table of
their own keyed by `keys.py`, so "every article citing 09/NQ-CĐVC" is a join, not a scan. What an
article says about them (titles, the symbol as written, the issuer) lives on the link row, so
`Store.get` gives back exactly the record that was stored. `ord` keeps each list's order.

Mentions of all four entity families share one table; `family` and `entity_ord` point at the
link row (`article_<family>.ord`) they belong to. Dates and awards carry their own offsets.

The tables are created by the migrations in `migrations/versions`, never by `create_all`; a
test checks that the migrated schema and this module agree.
"""
from __future__ import annotations

from sqlalchemy import (JSON, Boolean, Column, Date, ForeignKey, Index, Integer, MetaData, String, Table,
                        Text, UniqueConstraint)

metadata = MetaData()


def _article_fk() -> Column:
    return Column("article_pk", Integer, ForeignKey("articles.pk", ondelete="CASCADE"), primary_key=True)


articles = Table(
    "articles", metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("id", String(64), nullable=False, unique=True),
    Column("schema_version", String(16), nullable=False),
    Column("title", Text),
    Column("published_at", String(40)),
    # the calendar day of `published_at`, for range filters
    Column("published_on", Date, index=True),
    Column("source", JSON, nullable=False),
    Column("authors", JSON, nullable=False),
    Column("text", Text),
    Column("encoding", String(40)),
    Column("rules_version", String(40)),
    # the whole record as JSON (migration 0002): pages of records are read from here
    Column("record_json", Text),
)

# Folded title and text (keys.search_key). On SQLite the migration makes this an FTS5 table,
# on PostgreSQL a plain table with a GIN index over to_tsvector('simple', body).
article_search = Table(
    "article_search", metadata,
    Column("article_pk", Integer, ForeignKey("articles.pk", ondelete="CASCADE"), primary_key=True),
    Column("body", Text, nullable=False),
)

people = Table(
    "people", metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("name", Text, nullable=False),
    Column("name_key", Text, nullable=False, unique=True),
    Column("search_key", Text, nullable=False),
)

organizations = Table(
    "organizations", metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("name", Text, nullable=False),
    Column("name_key", Text, nullable=False, unique=True),
    Column("search_key", Text, nullable=False),
)

locations = Table(
    "locations", metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("name", Text, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("name_key", Text, nullable=False),
    Column("search_key", Text, nullable=False, index=True),
    UniqueConstraint("name_key", "kind", name="uq_locations_name_key_kind"),
)

documents = Table(
    "documents", metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("key", Text, nullable=False, unique=True),
    # the symbol as first stored; each citation keeps its own spelling
    Column("number", Text, nullable=False),
)

article_people = Table(
    "article_people", metadata,
    _article_fk(),
    Column("ord", Integer, primary_key=True),
    Column("person_pk", Integer, ForeignKey("people.pk"), nullable=False, index=True),
    Column("titles", JSON, nullable=False),
    Column("organization", Text),
)

article_organizations = Table(
    "article_organizations", metadata,
    _article_fk(),
    Column("ord", Integer, primary_key=True),
    Column("organization_pk", Integer, ForeignKey("organizations.pk"), nullable=False, index=True),
    Column("text", Text, nullable=False),
    Column("abbreviation", Text),
)

article_locations = Table(
    "article_locations", metadata,
    _article_fk(),
    Column("ord", Integer, primary_key=True),
    Column("location_pk", Integer, ForeignKey("locations.pk"), nullable=False, index=True),
    Column("current", Text),
)

article_documents = Table(
    "article_documents", metadata,
    _article_fk(),
    Column("ord", Integer, primary_key=True),
    Column("document_pk", Integer, ForeignKey("documents.pk"), nullable=False, index=True),
    Column("number", Text, nullable=False),
    Column("type", Text),
    Column("type_code", Text),
    Column("serial", Text),
    Column("year", Integer),
    Column("issuer_code", Text),
    Column("issuer_code_expanded", Text),
    Column("issued_on", String(10)),
    Column("issuer", Text),
    Column("title", Text),
)

mentions = Table(
    "mentions", metadata,
    _article_fk(),
    Column("family", String(16), primary_key=True),
    Column("entity_ord", Integer, primary_key=True),
    Column("ord", Integer, primary_key=True),
    Column("text", Text, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("rule", Text),
)

article_dates = Table(
    "article_dates", metadata,
    _article_fk(),
    Column("ord", Integer, primary_key=True),
    Column("text", Text, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("value", String(10), nullable=False),
    Column("end_value", String(10)),
    Column("granularity", String(8), nullable=False),
    Column("year_inferred", Boolean, nullable=False),
    Column("rule", Text),
    # the days the date covers ("2022" is 2022-01-01..2022-12-31), for range filters
    Column("first_day", Date),
    Column("last_day", Date),
    Index("ix_article_dates_days", "first_day", "last_day"),
)

awards = Table(
    "awards", metadata,
    _article_fk(),
    Column("ord", Integer, primary_key=True),
    Column("award", Text, nullable=False),
    Column("award_kind", String(32), nullable=False, index=True),
    Column("grade", Text),
    Column("giver", Text),
    Column("collectives", Integer),
    Column("individuals", Integer),
    Column("recipients", Integer),
    Column("approximate", Boolean, nullable=False),
    Column("text", Text, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("rule", Text),
)

#: The entity families whose mentions live in `mentions`, with their link tables.
MENTION_FAMILIES = {
    "people": article_people,
    "organizations": article_organizations,
    "locations": article_locations,
    "documents": article_documents,
}

from .review_tables import article_reviews, revisions  # noqa: E402,F401  (their tables join `metadata`)

#: Tables an export writes: everything but the search index (derived, and backend-specific).
EXPORTED_TABLES = [t for t in metadata.sorted_tables if t is not article_search]
