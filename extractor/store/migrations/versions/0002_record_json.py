"""Keep each record's JSON on its article row, so pages of records are read with one query.

The normalised tables stay the source for every filter and aggregate; the JSON copy only makes
returning whole records cheap (GET /v1/articles reads a page of 20 records per request).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: Union[str, Sequence[str], None] = "0001"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column("articles", sa.Column("record_json", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("articles", "record_json")
