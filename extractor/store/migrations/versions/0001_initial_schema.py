"""Initial schema: articles, entities, links, mentions, dates, awards and the full-text index.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def _article_pk() -> sa.Column:
    return sa.Column("article_pk", sa.Integer(), sa.ForeignKey("articles.pk", ondelete="CASCADE"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "articles",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("schema_version", sa.String(length=16), nullable=False),
        sa.Column("title", sa.Text()),
        sa.Column("published_at", sa.String(length=40)),
        sa.Column("published_on", sa.Date()),
        sa.Column("source", sa.JSON(), nullable=False),
        sa.Column("authors", sa.JSON(), nullable=False),
        sa.Column("text", sa.Text()),
        sa.Column("encoding", sa.String(length=40)),
        sa.Column("rules_version", sa.String(length=40)),
        sa.PrimaryKeyConstraint("pk"),
        sa.UniqueConstraint("id"),
    )
    op.create_index("ix_articles_published_on", "articles", ["published_on"])
    _create_search_table()

    for name in ("people", "organizations"):
        op.create_table(
            name,
            sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("name", sa.Text(), nullable=False),
            sa.Column("name_key", sa.Text(), nullable=False),
            sa.Column("search_key", sa.Text(), nullable=False),
            sa.PrimaryKeyConstraint("pk"),
            sa.UniqueConstraint("name_key"),
        )
    op.create_table(
        "locations",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name_key", sa.Text(), nullable=False),
        sa.Column("search_key", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("pk"),
        sa.UniqueConstraint("name_key", "kind", name="uq_locations_name_key_kind"),
    )
    op.create_index("ix_locations_search_key", "locations", ["search_key"])
    op.create_table(
        "documents",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("number", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("pk"),
        sa.UniqueConstraint("key"),
    )

    op.create_table(
        "article_people",
        _article_pk(),
        sa.Column("ord", sa.Integer(), nullable=False),
        sa.Column("person_pk", sa.Integer(), sa.ForeignKey("people.pk"), nullable=False),
        sa.Column("titles", sa.JSON(), nullable=False),
        sa.Column("organization", sa.Text()),
        sa.PrimaryKeyConstraint("article_pk", "ord"),
    )
    op.create_index("ix_article_people_person_pk", "article_people", ["person_pk"])
    op.create_table(
        "article_organizations",
        _article_pk(),
        sa.Column("ord", sa.Integer(), nullable=False),
        sa.Column("organization_pk", sa.Integer(), sa.ForeignKey("organizations.pk"), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("abbreviation", sa.Text()),
        sa.PrimaryKeyConstraint("article_pk", "ord"),
    )
    op.create_index("ix_article_organizations_organization_pk", "article_organizations", ["organization_pk"])
    op.create_table(
        "article_locations",
        _article_pk(),
        sa.Column("ord", sa.Integer(), nullable=False),
        sa.Column("location_pk", sa.Integer(), sa.ForeignKey("locations.pk"), nullable=False),
        sa.Column("current", sa.Text()),
        sa.PrimaryKeyConstraint("article_pk", "ord"),
    )
    op.create_index("ix_article_locations_location_pk", "article_locations", ["location_pk"])
    op.create_table(
        "article_documents",
        _article_pk(),
        sa.Column("ord", sa.Integer(), nullable=False),
        sa.Column("document_pk", sa.Integer(), sa.ForeignKey("documents.pk"), nullable=False),
        sa.Column("number", sa.Text(), nullable=False),
        sa.Column("type", sa.Text()),
        sa.Column("type_code", sa.Text()),
        sa.Column("serial", sa.Text()),
        sa.Column("year", sa.Integer()),
        sa.Column("issuer_code", sa.Text()),
        sa.Column("issued_on", sa.String(length=10)),
        sa.Column("issuer", sa.Text()),
        sa.Column("title", sa.Text()),
        sa.PrimaryKeyConstraint("article_pk", "ord"),
    )
    op.create_index("ix_article_documents_document_pk", "article_documents", ["document_pk"])

    op.create_table(
        "mentions",
        _article_pk(),
        sa.Column("family", sa.String(length=16), nullable=False),
        sa.Column("entity_ord", sa.Integer(), nullable=False),
        sa.Column("ord", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("rule", sa.Text()),
        sa.PrimaryKeyConstraint("article_pk", "family", "entity_ord", "ord"),
    )
    op.create_table(
        "article_dates",
        _article_pk(),
        sa.Column("ord", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("value", sa.String(length=10), nullable=False),
        sa.Column("end_value", sa.String(length=10)),
        sa.Column("granularity", sa.String(length=8), nullable=False),
        sa.Column("year_inferred", sa.Boolean(), nullable=False),
        sa.Column("rule", sa.Text()),
        sa.Column("first_day", sa.Date()),
        sa.Column("last_day", sa.Date()),
        sa.PrimaryKeyConstraint("article_pk", "ord"),
    )
    op.create_index("ix_article_dates_days", "article_dates", ["first_day", "last_day"])
    op.create_table(
        "awards",
        _article_pk(),
        sa.Column("ord", sa.Integer(), nullable=False),
        sa.Column("award", sa.Text(), nullable=False),
        sa.Column("award_kind", sa.String(length=32), nullable=False),
        sa.Column("grade", sa.Text()),
        sa.Column("giver", sa.Text()),
        sa.Column("collectives", sa.Integer()),
        sa.Column("individuals", sa.Integer()),
        sa.Column("recipients", sa.Integer()),
        sa.Column("approximate", sa.Boolean(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("rule", sa.Text()),
        sa.PrimaryKeyConstraint("article_pk", "ord"),
    )
    op.create_index("ix_awards_award_kind", "awards", ["award_kind"])


def _create_search_table() -> None:
    """`article_search`: FTS5 on SQLite; on PostgreSQL a table with a GIN index of its tsvector.

    The body is already folded (lower case, no diacritics), so the plain tokenizers suffice.
    """
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE VIRTUAL TABLE article_search USING fts5(article_pk UNINDEXED, body, tokenize='unicode61')")
        return
    op.create_table(
        "article_search",
        sa.Column("article_pk", sa.Integer(), sa.ForeignKey("articles.pk", ondelete="CASCADE"), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("article_pk"),
    )
    op.execute("CREATE INDEX ix_article_search_body ON article_search USING gin (to_tsvector('simple', body))")


def downgrade() -> None:
    for name in ("awards", "article_dates", "mentions", "article_documents", "article_locations",
                 "article_organizations", "article_people", "documents", "locations", "organizations",
                 "people", "article_search", "articles"):
        op.drop_table(name)
