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

import datetime as dt

from sqlalchemy import (JSON, Boolean, Column, Date, DateTime, ForeignKey, Index, Integer, MetaData, String, Table,
                        Text, TypeDecorator, UniqueConstraint)
from sqlalchemy.dialects.postgresql import JSONB

metadata = MetaData()

#: Lists and objects: JSONB on PostgreSQL (indexable, typed), JSON text on SQLite.
Json = JSON().with_variant(JSONB(), "postgresql")


class Timestamp(TypeDecorator):
    """A timestamp with time zone: TIMESTAMPTZ on PostgreSQL; on SQLite, which keeps no zone,
    UTC written and read back as UTC. Values are always zone-aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect) -> dt.datetime | None:
        if value is not None and dialect.name == "sqlite":
            return value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return value

    def process_result_value(self, value: dt.datetime | None, dialect) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=dt.timezone.utc)
        return value



def _article_fk() -> Column:
    return Column("article_pk", Integer, ForeignKey("articles.pk", ondelete="CASCADE"), primary_key=True)


articles = Table(
    "articles", metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("id", String(64), nullable=False, unique=True),
    Column("schema_version", String(16), nullable=False),
    Column("title", Text),
    # the dateline's time; a date-only dateline is midnight Vietnam time with precision "day"
    Column("published_at", Timestamp),
    Column("published_precision", String(8)),
    # the calendar day of `published_at` in Vietnam time, for range filters and grouping by year
    Column("published_on", Date, index=True),
    Column("source", Json, nullable=False),
    Column("authors", Json, nullable=False),
    Column("text", Text),
    Column("encoding", String(40)),
    Column("rules_version", String(40)),
    # the whole record as JSON (migration 0002): pages of records are read from here
    Column("record_json", Text),
    # the province the article is about (its most named one), as named and as it is since the
    # 2025 merger (migration 0004)
    Column("province", Text),
    Column("province_current", Text, index=True),
    # the official code of province_current (vietnam-provinces, migration 0005)
    Column("province_code", Integer),
)

# Folded title and text (keys.search_key). On SQLite the migration makes this an FTS5 table,
# on PostgreSQL a plain table with a GIN index over to_tsvector('simple', body).
article_search = Table(
    "article_search", metadata,
    Column("article_pk", Integer, ForeignKey("articles.pk", ondelete="CASCADE"), primary_key=True),
    Column("body", Text, nullable=False),
)

# People and organisations are keyed across articles by identity.person_identity and
# identity.organization_identity: `name_key` is the name's key, followed by "@province" where
# the name alone does not tell the province (migration 0005). `province` is the province as
# named (as it was), `province_current` the unit it is part of since the 2025 merger.
people = Table(
    "people", metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("name", Text, nullable=False),
    Column("name_key", Text, nullable=False, unique=True),
    Column("search_key", Text, nullable=False),
    Column("province", Text),
    Column("province_current", Text, index=True),
)

organizations = Table(
    "organizations", metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("name", Text, nullable=False),
    Column("name_key", Text, nullable=False, unique=True),
    Column("search_key", Text, nullable=False),
    Column("province", Text),
    Column("province_current", Text, index=True),
)

# Other names articles give an organisation: abbreviations ("LĐLĐ") and the words written
# ("UBND tỉnh" completed to "Ủy ban nhân dân tỉnh Hải Dương").
organization_aliases = Table(
    "organization_aliases", metadata,
    Column("organization_pk", Integer, ForeignKey("organizations.pk"), primary_key=True),
    Column("alias_key", Text, primary_key=True),
    Column("alias", Text, nullable=False),
    Column("kind", String(16), nullable=False),
    Index("ix_organization_aliases_alias_key", "alias_key"),
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

# One row per document (identity.document_identity): the symbol key, "@province" for a local
# symbol, "#article-id" for a bare number. The other fields are reconciled from all citations:
# each is the value most citations give (`document_values` keeps every value and its count).
documents = Table(
    "documents", metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("key", Text, nullable=False, unique=True),
    # the symbol as first stored; each citation keeps its own spelling
    Column("number", Text, nullable=False),
    Column("province", Text),
    Column("type", Text),
    Column("type_code", Text),
    Column("serial", Text),
    Column("year", Integer),
    Column("issuer_code", Text),
    Column("issuer_code_expanded", Text),
    Column("issuer", Text),
    Column("issued_on", Date),
    Column("subject", Text),
    Column("citations", Integer, nullable=False, server_default="0"),
    # {field: [values, most cited first]} for the fields whose citations disagree
    Column("disagreements", Json),
)

document_values = Table(
    "document_values", metadata,
    Column("document_pk", Integer, ForeignKey("documents.pk"), primary_key=True),
    Column("field", String(24), primary_key=True),
    Column("value", Text, primary_key=True),
    Column("citations", Integer, nullable=False),
)

# A position that gives awards ("Chủ tịch Ủy ban nhân dân tỉnh X"): its title and the body it belongs to.
positions = Table(
    "positions", metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("name", Text, nullable=False),
    Column("name_key", Text, nullable=False, unique=True),
    Column("title", Text, nullable=False),
    Column("organization_pk", Integer, ForeignKey("organizations.pk"), index=True),
)

article_people = Table(
    "article_people", metadata,
    _article_fk(),
    Column("ord", Integer, primary_key=True),
    Column("person_pk", Integer, ForeignKey("people.pk"), nullable=False, index=True),
    Column("titles", Json, nullable=False),
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
    Column("issued_on", Date),
    Column("issuer", Text),
    Column("title", Text),
    # the citing article's province_current, copied so citations group by province without
    # reading the articles (migration 0005)
    Column("province_current", Text),
    Index("ix_article_documents_province_current", "province_current", "document_pk"),
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
    # the giver tied to an organisation or a position (identity.award_giver); NULL without a giver
    Column("giver_match", String(16)),
    Column("giver_organization_pk", Integer, ForeignKey("organizations.pk"), index=True),
    Column("giver_position_pk", Integer, ForeignKey("positions.pk"), index=True),
    # the day of the conferral and where it came from: "sentence" or "published"
    Column("conferred_on", Date, index=True),
    Column("conferred_on_source", String(16)),
)

#: The entity families whose mentions live in `mentions`, with their link tables.
MENTION_FAMILIES = {
    "people": article_people,
    "organizations": article_organizations,
    "locations": article_locations,
    "documents": article_documents,
}

from .review_tables import article_reviews, revisions  # noqa: E402,F401  (their tables join `metadata`)

# Views (created by migration 0004, not by this metadata): described here so exports write them.
views = MetaData()

#: One row per mention of a cited document: which article, which document, where.
citations = Table(
    "citations", views,
    Column("article_pk", Integer), Column("document_pk", Integer), Column("ord", Integer),
    Column("mention_ord", Integer), Column("text", Text), Column("start", Integer), Column("end", Integer),
)

#: Pairs of documents cited by the same articles (document_pk < other_document_pk): graph edges.
co_citations = Table(
    "co_citations", views,
    Column("document_pk", Integer), Column("other_document_pk", Integer), Column("articles", Integer),
)

#: Tables an export writes: everything but the search index (derived, and backend-specific), and the views.
EXPORTED_TABLES = [*(t for t in metadata.sorted_tables if t is not article_search), citations, co_citations]
