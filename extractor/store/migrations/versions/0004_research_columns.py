"""A research-grade store: typed columns, one row per document, linked and dated awards.

- articles.published_at becomes a timestamp with time zone (was ISO text in two shapes) with
  published_precision ("day" or "minute"); articles gain province and province_current.
- article_documents.issued_on becomes a date; on PostgreSQL every JSON column becomes JSONB.
- documents are keyed by identity.document_identity (a local symbol with its province, a bare
  number per article) and carry the fields reconciled from all their citations; document_values
  keeps every value each citation gave; views `citations` and `co_citations`.
- awards point at their giver's organisation or position (new table `positions`) and carry a
  conferral date with its source.

Existing rows are backfilled from each article's stored record JSON with the same code that
derives these values for new records (`prepare_record`), so old and new rows agree. Rows stored
before revision 0002 have no record JSON: they get their typed publication time, and their
documents and awards keep their old keys and no links.

Downgrade is not provided: the old untyped columns cannot hold what this revision adds; export
the store first (`vnextract export`) to keep a copy in the old shape.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06
"""
import datetime as dt
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: Union[str, Sequence[str], None] = "0003"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_CHUNK = 500


def upgrade() -> None:
    from extractor.store.schema import Timestamp

    bind = op.get_bind()
    postgres = bind.dialect.name == "postgresql"
    if postgres:
        for table, column in (("articles", "source"), ("articles", "authors"), ("article_people", "titles")):
            op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} TYPE JSONB USING {column}::jsonb")
    json_type = sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), "postgresql")

    op.add_column("articles", sa.Column("published_ts", Timestamp()))
    op.add_column("articles", sa.Column("published_precision", sa.String(length=8)))
    op.add_column("articles", sa.Column("province", sa.Text()))
    op.add_column("articles", sa.Column("province_current", sa.Text()))
    op.create_index("ix_articles_province_current", "articles", ["province_current"])
    op.add_column("article_documents", sa.Column("issued_day", sa.Date()))
    for name, type_ in (("province", sa.Text()), ("type", sa.Text()), ("type_code", sa.Text()),
                        ("serial", sa.Text()), ("year", sa.Integer()), ("issuer_code", sa.Text()),
                        ("issuer_code_expanded", sa.Text()), ("issuer", sa.Text()), ("issued_on", sa.Date()),
                        ("subject", sa.Text())):
        op.add_column("documents", sa.Column(name, type_))
    op.add_column("documents", sa.Column("citations", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("documents", sa.Column("disagreements", json_type))
    op.create_table(
        "document_values",
        sa.Column("document_pk", sa.Integer(), sa.ForeignKey("documents.pk"), nullable=False),
        sa.Column("field", sa.String(length=24), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("citations", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("document_pk", "field", "value"),
    )
    op.create_table(
        "positions",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("name_key", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("organization_pk", sa.Integer(), sa.ForeignKey("organizations.pk")),
        sa.PrimaryKeyConstraint("pk"),
        sa.UniqueConstraint("name_key"),
    )
    op.create_index("ix_positions_organization_pk", "positions", ["organization_pk"])
    with op.batch_alter_table("awards") as batch:  # SQLite: foreign keys need the table rebuilt
        batch.add_column(sa.Column("giver_match", sa.String(length=16)))
        batch.add_column(sa.Column("giver_organization_pk", sa.Integer()))
        batch.add_column(sa.Column("giver_position_pk", sa.Integer()))
        batch.add_column(sa.Column("conferred_on", sa.Date()))
        batch.add_column(sa.Column("conferred_on_source", sa.String(length=16)))
        batch.create_foreign_key("fk_awards_giver_organization_pk_organizations", "organizations",
                                 ["giver_organization_pk"], ["pk"])
        batch.create_foreign_key("fk_awards_giver_position_pk_positions", "positions", ["giver_position_pk"], ["pk"])
        batch.create_index("ix_awards_giver_organization_pk", ["giver_organization_pk"])
        batch.create_index("ix_awards_giver_position_pk", ["giver_position_pk"])
        batch.create_index("ix_awards_conferred_on", ["conferred_on"])

    _backfill(bind)

    op.drop_column("articles", "published_at")
    op.execute("ALTER TABLE articles RENAME COLUMN published_ts TO published_at")
    op.drop_column("article_documents", "issued_on")
    op.execute("ALTER TABLE article_documents RENAME COLUMN issued_day TO issued_on")
    _create_views()


def _backfill(bind) -> None:
    from extractor.record import Record
    from extractor.store.identity import published
    from extractor.store.schema import Timestamp
    from extractor.store.writer import _entity_pks, _link_givers, prepare_record

    articles = sa.table("articles", sa.column("pk", sa.Integer), sa.column("published_at", sa.Text),
                        sa.column("record_json", sa.Text), sa.column("published_ts", Timestamp()),
                        sa.column("published_precision"), sa.column("published_on", sa.Date), sa.column("province"),
                        sa.column("province_current"))
    documents = sa.table("documents", sa.column("pk", sa.Integer), sa.column("key", sa.Text),
                         sa.column("number", sa.Text), sa.column("province", sa.Text))
    links = sa.table("article_documents", sa.column("article_pk", sa.Integer), sa.column("ord", sa.Integer),
                     sa.column("document_pk", sa.Integer), sa.column("issued_on", sa.Text),
                     sa.column("issued_day", sa.Date))
    awards = sa.table("awards", *(sa.column(n) for n in (
        "article_pk", "ord", "giver_match", "giver_organization_pk", "giver_position_pk", "conferred_on",
        "conferred_on_source")))

    last = 0
    while True:
        chunk = bind.execute(sa.select(articles.c.pk, articles.c.published_at, articles.c.record_json)
                             .where(articles.c.pk > last).order_by(articles.c.pk).limit(_CHUNK)).all()
        if not chunk:
            break
        last = chunk[-1].pk
        for pk, published_at, record_json in chunk:
            if not record_json:
                when = published(published_at)
                bind.execute(articles.update().where(articles.c.pk == pk).values(
                    published_ts=when.at, published_precision=when.precision, published_on=when.day))
                continue
            prepared = prepare_record(Record.model_validate_json(record_json), record_json)
            a = prepared.article
            bind.execute(articles.update().where(articles.c.pk == pk).values(
                published_ts=a["published_at"], published_precision=a["published_precision"],
                published_on=a["published_on"], province=a["province"], province_current=a["province_current"]))
            cited = prepared.entities["documents"]
            if cited:
                pks = _entity_pks(bind, documents, ("key",), [entity for entity, _ in cited])
                for (entity, link), document_pk in zip(cited, pks):
                    bind.execute(links.update().where(links.c.article_pk == pk, links.c.ord == link["ord"])
                                 .values(document_pk=document_pk, issued_day=link["issued_on"]))
            award_rows = [dict(row) for row in prepared.rows["awards"]]
            # organisations have only these columns at this revision (0005 adds their province)
            prepared.givers = [({k: body[k] for k in ("name_key", "name", "search_key")} if body else None, position)
                               for body, position in prepared.givers]
            _link_givers(bind, [prepared], award_rows)
            for row in award_rows:
                bind.execute(awards.update().where(awards.c.article_pk == pk, awards.c.ord == row["ord"]).values(
                    **{k: row[k] for k in ("giver_match", "giver_organization_pk", "giver_position_pk",
                                           "conferred_on", "conferred_on_source")}))
    # links of rows without record JSON: their issue date as it was, where it is a date
    for article_pk, ord_, issued_on in bind.execute(
            sa.select(links.c.article_pk, links.c.ord, links.c.issued_on)
            .where(links.c.issued_day.is_(None), links.c.issued_on.is_not(None))).all():
        try:
            day = dt.date.fromisoformat(issued_on)
        except ValueError:
            continue
        bind.execute(links.update().where(links.c.article_pk == article_pk, links.c.ord == ord_)
                     .values(issued_day=day))
    # documents no citation points at any more (re-keyed), then every document reconciled anew
    bind.execute(documents.delete().where(~sa.exists().where(links.c.document_pk == documents.c.pk)))
    _reconcile_all(bind)


def _reconcile_all(bind) -> None:
    from extractor.store.writer import RECONCILED, reconcile_documents

    columns = ["document_pk", *sorted(set(RECONCILED.values()) - {"issued_on"}), "issued_day"]
    links = sa.table("article_documents", sa.column("article_pk"), sa.column("ord"),
                     *(sa.column(c) for c in columns))
    last = (0, -1)
    while True:
        rows = bind.execute(sa.select(links.c.article_pk, links.c.ord, *(links.c[c] for c in columns))
                            .where(sa.tuple_(links.c.article_pk, links.c.ord) > sa.tuple_(*last))
                            .order_by(links.c.article_pk, links.c.ord).limit(_CHUNK * 10)).mappings().all()
        if not rows:
            return
        last = (rows[-1]["article_pk"], rows[-1]["ord"])
        reconcile_documents(bind, [{**row, "issued_on": row["issued_day"]} for row in rows])


def _create_views() -> None:
    op.execute(
        "CREATE VIEW citations AS "
        "SELECT ad.article_pk, ad.document_pk, ad.ord, m.ord AS mention_ord, m.text, m.start, m.\"end\" "
        "FROM article_documents ad JOIN mentions m "
        "ON m.article_pk = ad.article_pk AND m.family = 'documents' AND m.entity_ord = ad.ord")
    op.execute(
        "CREATE VIEW co_citations AS "
        "SELECT a.document_pk, b.document_pk AS other_document_pk, COUNT(DISTINCT a.article_pk) AS articles "
        "FROM article_documents a JOIN article_documents b "
        "ON a.article_pk = b.article_pk AND a.document_pk < b.document_pk "
        "GROUP BY a.document_pk, b.document_pk")


def downgrade() -> None:
    raise NotImplementedError("revision 0004 has no downgrade: export the store before upgrading to keep the old shape")
