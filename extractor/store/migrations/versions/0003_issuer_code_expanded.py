"""Documents keep their issuer code spelled out (rules/documents.yaml `issuers`).

The new column is NULL for rows stored before this revision, and their stored record JSON gets
the field as null, so a record reads back with the same fields whichever way it is read.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""
import json
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: Union[str, Sequence[str], None] = "0002"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_ARTICLES = sa.table("articles", sa.column("pk", sa.Integer), sa.column("record_json", sa.Text))


def upgrade() -> None:
    op.add_column("article_documents", sa.Column("issuer_code_expanded", sa.Text(), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(sa.select(_ARTICLES.c.pk, _ARTICLES.c.record_json)
                              .where(_ARTICLES.c.record_json.is_not(None))).all()
    for pk, stored in rows:
        record = json.loads(stored)
        if not record.get("documents"):
            continue
        for document in record["documents"]:
            document.setdefault("issuer_code_expanded", None)
        connection.execute(_ARTICLES.update().where(_ARTICLES.c.pk == pk)
                           .values(record_json=json.dumps(record, ensure_ascii=False, separators=(",", ":"))))


def downgrade() -> None:
    op.drop_column("article_documents", "issuer_code_expanded")
