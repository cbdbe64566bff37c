"""The review tables (migration r1_reviews): revisions beside the machine record, never over it.

Both are keyed by the article's `id` (its content hash), not its row's pk: re-extracting an
article with newer rules replaces its machine rows, and its revisions must outlive that.
"""
from __future__ import annotations

from sqlalchemy import JSON, Column, Integer, String, Table, Text, UniqueConstraint

from .schema import metadata

#: One row per change a reviewer made, in order (`seq` from 1 per article).
revisions = Table(
    "revisions", metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("article_id", String(64), nullable=False, index=True),
    Column("seq", Integer, nullable=False),
    Column("reviewer", Text, nullable=False),
    Column("at", String(40), nullable=False),
    Column("action", String(16), nullable=False),
    Column("correction", JSON, nullable=False),
    Column("before", JSON),
    Column("after", JSON),
    UniqueConstraint("article_id", "seq", name="uq_revisions_article_seq"),
)

#: The reviewed record of each reviewed article: the machine record with every revision applied.
article_reviews = Table(
    "article_reviews", metadata,
    Column("article_id", String(64), primary_key=True),
    Column("status", String(16), nullable=False),
    Column("reviewed_json", Text, nullable=False),
    Column("updated_at", String(40), nullable=False),
)
