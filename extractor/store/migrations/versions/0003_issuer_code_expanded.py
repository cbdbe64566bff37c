"""Documents keep their issuer code spelled out (rules/documents.yaml `issuers`).

Rows stored before this revision have NULL there (their record JSON has no such field).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: Union[str, Sequence[str], None] = "0002"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column("article_documents", sa.Column("issuer_code_expanded", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("article_documents", "issuer_code_expanded")
