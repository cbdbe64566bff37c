"""Identities across articles: people and organisations keyed with their province, aliases.

Articles gain `province_code`, the official code of their current province (vietnam-provinces);
citations (article_documents) a copy of their article's `province_current`.

People and organisations are re-keyed by identity.person_identity and
identity.organization_identity (a name plus the province where the name alone does not tell
it), and carry the province as named and as it is since the 2025 merger; organisations gain
`organization_aliases`. Existing rows are re-keyed from each article's stored record JSON with
the code that keys new records: link rows, award givers and positions are pointed at the new
rows, and rows nothing points at any more are removed. Rows stored before revision 0002 (no
record JSON) keep their links and get no province.

Downgrade is not provided (see 0004).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: Union[str, Sequence[str], None] = "0004"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_CHUNK = 500


def upgrade() -> None:
    op.add_column("articles", sa.Column("province_code", sa.Integer()))
    for table in ("people", "organizations"):
        op.add_column(table, sa.Column("province", sa.Text()))
        op.add_column(table, sa.Column("province_current", sa.Text()))
        op.create_index(f"ix_{table}_province_current", table, ["province_current"])
    op.create_table(
        "organization_aliases",
        sa.Column("organization_pk", sa.Integer(), sa.ForeignKey("organizations.pk"), nullable=False),
        sa.Column("alias_key", sa.Text(), nullable=False),
        sa.Column("alias", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("organization_pk", "alias_key"),
    )
    op.create_index("ix_organization_aliases_alias_key", "organization_aliases", ["alias_key"])
    op.add_column("article_documents", sa.Column("province_current", sa.Text()))
    op.create_index("ix_article_documents_province_current", "article_documents", ["province_current", "document_pk"])
    op.execute("UPDATE article_documents SET province_current = "
               "(SELECT province_current FROM articles WHERE articles.pk = article_documents.article_pk)")
    _rekey(op.get_bind())


def _rekey(bind) -> None:
    from extractor.record import Record
    from extractor.store import schema as s
    from extractor.store.writer import _aliases, _entity_pks, _link_givers, insert_aliases, prepare_record

    articles = sa.table("articles", sa.column("pk", sa.Integer), sa.column("record_json", sa.Text))
    last = 0
    while True:
        chunk = bind.execute(sa.select(articles.c.pk, articles.c.record_json)
                             .where(articles.c.pk > last, articles.c.record_json.is_not(None))
                             .order_by(articles.c.pk).limit(_CHUNK)).all()
        if not chunk:
            break
        last = chunk[-1].pk
        for article_pk, record_json in chunk:
            prepared = prepare_record(Record.model_validate_json(record_json), record_json)
            bind.execute(s.articles.update().where(s.articles.c.pk == article_pk)
                         .values(province_code=prepared.article["province_code"]))
            aliases = []
            for family, table, link_table, link_column in (
                    ("people", s.people, s.article_people, "person_pk"),
                    ("organizations", s.organizations, s.article_organizations, "organization_pk")):
                entities = prepared.entities[family]
                if not entities:
                    continue
                rows = [entity for entity, _ in entities]
                pks = _entity_pks(bind, table, ("name_key",), rows)
                _set_places(bind, table, rows)
                for (entity, link), pk in zip(entities, pks):
                    bind.execute(link_table.update().where(link_table.c.article_pk == article_pk,
                                                           link_table.c.ord == link["ord"]).values({link_column: pk}))
                    if family == "organizations":
                        aliases.extend(_aliases(pk, entity, link))
            insert_aliases(bind, aliases)
            awards = [dict(row) for row in prepared.rows["awards"]]
            _link_givers(bind, [prepared], awards)
            _set_places(bind, s.organizations, [body for body, _ in prepared.givers if body])
            for (body, position), award in zip(prepared.givers, awards):
                bind.execute(s.awards.update().where(s.awards.c.article_pk == article_pk,
                                                     s.awards.c.ord == award["ord"]).values(
                    giver_organization_pk=award["giver_organization_pk"],
                    giver_position_pk=award["giver_position_pk"]))
                if position and body:
                    bind.execute(s.positions.update().where(s.positions.c.name_key == position["name_key"]).values(
                        organization_pk=sa.select(s.organizations.c.pk)
                        .where(s.organizations.c.name_key == body["name_key"]).scalar_subquery()))
    # rows nothing points at any more: the old keys of re-keyed people and organisations
    people, organizations = s.people, s.organizations
    bind.execute(people.delete().where(~sa.exists().where(s.article_people.c.person_pk == people.c.pk)))
    bind.execute(organizations.delete().where(
        ~sa.exists().where(s.article_organizations.c.organization_pk == organizations.c.pk),
        ~sa.exists().where(s.awards.c.giver_organization_pk == organizations.c.pk),
        ~sa.exists().where(s.positions.c.organization_pk == organizations.c.pk),
        ~sa.exists().where(s.organization_aliases.c.organization_pk == organizations.c.pk)))


def _set_places(bind, table, rows: list[dict]) -> None:
    """Give entity rows found (not inserted) their province columns."""
    unique = {row["name_key"]: row for row in rows}
    for key in sorted(unique):
        bind.execute(table.update().where(table.c.name_key == key, table.c.province.is_(None)).values(
            province=unique[key]["province"], province_current=unique[key]["province_current"]))


def downgrade() -> None:
    raise NotImplementedError("revision 0005 has no downgrade: export the store before upgrading to keep the old shape")
