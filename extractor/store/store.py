"""`Store`: records in and out of SQLite or PostgreSQL. `open_store(url)` migrates and opens one."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, Table, func, select, text
from sqlalchemy.exc import DBAPIError

from ..record import Record
from ..review.corrections import Conflict, Correction
from . import queries
from .engine import make_engine, migrate, write_transaction
from .filters import ArticleQuery, decode_cursor, encode_cursor
from . import reviews
from .reader import load_record_json, load_records
from .schema import articles
from .views import DocumentView, OrganizationSummary, OrganizationView, PersonSummary, PersonView
from .writer import PreparedRecord, UnstorableRecord, insert_prepared, insert_record, prepare_record

#: The store when no database URL is given: a SQLite file in the working folder.
DEFAULT_URL = "sqlite:///vnextract.sqlite"
#: Largest page `query` returns, and the default.
MAX_PAGE = 100
DEFAULT_PAGE = 20


class StoreUnavailable(RuntimeError):
    """The database cannot be reached (or refused the connection)."""


class Store:
    """Articles and everything extracted from them, queryable by entity, date and full text."""

    def __init__(self, engine: Engine):
        self._engine = engine

    def put(self, record: Record) -> bool:
        """Store a record in one transaction. True if stored now, False if its id was stored already.

        Raises `UnstorableRecord` for a record the store cannot keep (a NUL character)."""
        with self._connection() as connection, write_transaction(connection):
            return insert_record(connection, record)

    def put_many(self, records: list[Record | PreparedRecord]) -> list[bool]:
        """Store records in one transaction, one statement per table for all of them (bulk runs);
        for each, True if stored now. Either all are stored or, on an error, none. Records may
        come prepared (`writer.prepare_record`, done where they were extracted)."""
        if not records:
            return []
        prepared = [r if isinstance(r, PreparedRecord) else prepare_record(r) for r in records]
        with self._connection() as connection, write_transaction(connection):
            return insert_prepared(connection, prepared)

    def get(self, article_id: str) -> Record | None:
        if "\x00" in article_id:  # no stored id holds one (UnstorableRecord), and PostgreSQL cannot compare it
            return None
        with self._connection() as connection:
            pk = connection.execute(select(articles.c.pk).where(articles.c.id == article_id)).scalar_one_or_none()
            return load_records(connection, [pk])[0] if pk is not None else None

    def get_json(self, article_id: str) -> bytes | None:
        """The stored record as UTF-8 JSON (what `get` returns, without building it)."""
        if "\x00" in article_id:
            return None
        with self._connection() as connection:
            pk = connection.execute(select(articles.c.pk).where(articles.c.id == article_id)).scalar_one_or_none()
            return load_record_json(connection, [pk])[0] if pk is not None else None

    def query(self, filters: ArticleQuery | None = None, cursor: str | None = None,
              limit: int = DEFAULT_PAGE) -> tuple[list[Record], str | None]:
        """A page of matching records and the cursor of the next page (None on the last page).

        Raises `InvalidCursor` for a cursor this store did not hand out.
        """
        return self._page(load_records, filters, cursor, limit)

    def query_json(self, filters: ArticleQuery | None = None, cursor: str | None = None,
                   limit: int = DEFAULT_PAGE) -> tuple[list[bytes], str | None]:
        """`query` with each record as its UTF-8 JSON: for serving pages without building records."""
        return self._page(load_record_json, filters, cursor, limit)

    def _page(self, load, filters: ArticleQuery | None, cursor: str | None, limit: int) -> tuple[list, str | None]:
        limit = max(1, min(limit, MAX_PAGE))
        after = decode_cursor(cursor) if cursor else None
        with self._connection() as connection:
            pks = queries.article_pks(connection, filters or ArticleQuery(), after, limit + 1)
            items = load(connection, pks[:limit])
        return items, encode_cursor(pks[limit - 1]) if len(pks) > limit else None

    def search(self, filters: ArticleQuery | None = None, newest_first: bool = True, offset: int = 0,
               limit: int = DEFAULT_PAGE) -> tuple[list[Record], int]:
        """A page of matching records by publication day, and the number of matching articles."""
        limit = max(1, min(limit, MAX_PAGE))
        with self._connection() as connection:
            pks, total = queries.search_pks(connection, filters or ArticleQuery(), newest_first, max(0, offset), limit)
            return load_records(connection, pks), total

    def next_article_id(self, article_id: str) -> str | None:
        with self._connection() as connection:
            return queries.neighbour_id(connection, article_id)

    # ---- reviews: revisions beside the machine record (reviews.py) ----

    def machine_json(self, article_id: str) -> bytes | None:
        """The record as extracted, whatever reviewers made of it."""
        if "\x00" in article_id:  # no stored id holds one, and PostgreSQL cannot compare it
            return None
        with self._connection() as connection:
            pk = connection.execute(select(articles.c.pk).where(articles.c.id == article_id)).scalar_one_or_none()
            return load_record_json(connection, [pk], reviewed=False)[0] if pk is not None else None

    def machine(self, article_id: str) -> Record | None:
        if "\x00" in article_id:
            return None
        with self._connection() as connection:
            return reviews.machine_record(connection, article_id)

    def revise(self, article_id: str, reviewer: str, correction: Correction) -> dict | None:
        """Make a reviewer's correction, stored as a revision; None when no article has that id.
        Raises `CorrectionError` (and stores nothing) for a correction that does not fit the record."""
        if "\x00" in article_id:
            return None
        with self._connection() as connection, write_transaction(connection):
            return reviews.add_revision(connection, article_id, reviewer, correction)

    def revisions(self, article_id: str) -> list[dict]:
        if "\x00" in article_id:
            return []
        with self._connection() as connection:
            return reviews.revisions(connection, article_id)

    def replace(self, record: Record) -> list[Conflict] | None:
        """Store a re-extracted record as the article's machine record, keeping every revision
        (re-applied) and returning the conflicts; None when the article was new."""
        with self._connection() as connection, write_transaction(connection):
            return reviews.replace_machine(connection, record)

    def reviewed_pairs(self) -> list[tuple[Record, Record]]:
        """(machine, reviewed) record of every reviewed article."""
        with self._connection() as connection:
            return list(reviews.reviewed_pairs(connection))

    def document(self, number: str) -> DocumentView | None:
        """A document by number, with every stored article citing it ("9/NQ-CDVC" finds "09/NQ-CĐVC")."""
        if "\x00" in number:
            return None
        with self._connection() as connection:
            return queries.document_view(connection, number)

    def people(self, q: str | None = None, limit: int = 50) -> list[PersonSummary]:
        """People whose name contains `q` (case and diacritics ignored), most-named first."""
        with self._connection() as connection:
            return queries.people_summaries(connection, q, limit)

    def organizations(self, q: str | None = None, limit: int = 50) -> list[OrganizationSummary]:
        """Organisations whose name contains `q` (case and diacritics ignored), most-named first."""
        with self._connection() as connection:
            return queries.organization_summaries(connection, q, limit)

    def organization(self, key: str) -> OrganizationView | None:
        """An organisation by key, name or alias: its articles, awards given, documents issued, people."""
        with self._connection() as connection:
            return queries.organization_view(connection, key)

    def person(self, key: str) -> PersonView | None:
        """A person by key or name (of namesakes, the most named): their titles over time."""
        with self._connection() as connection:
            return queries.person_view(connection, key)

    def iter_records(self, batch: int = 200) -> Iterator[Record]:
        """Every stored record in storage order, a batch per query."""
        cursor: str | None = None
        while True:
            records, cursor = self.query(cursor=cursor, limit=min(batch, MAX_PAGE))
            yield from records
            if cursor is None:
                return

    def rows(self, table: Table, batch: int = 5000) -> Iterator[dict[str, Any]]:
        """Every row of one of the store's tables, in primary-key order (for exports)."""
        with self._connection() as connection:
            result = connection.execution_options(yield_per=batch).execute(
                select(table).order_by(*table.primary_key.columns))
            for row in result.mappings():
                yield dict(row)

    def count(self) -> int:
        with self._connection() as connection:
            return connection.execute(select(func.count()).select_from(articles)).scalar_one()

    def ping(self) -> bool:
        """True when the database answers."""
        try:
            with self._connection() as connection:
                connection.execute(text("SELECT 1"))
            return True
        except StoreUnavailable:
            return False

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def _connection(self) -> Iterator[Connection]:
        """A connection; failing to get one, or losing it, is `StoreUnavailable`, other errors pass."""
        try:
            connection = self._engine.connect()
        except DBAPIError as e:
            raise StoreUnavailable(f"the store's database is unreachable: {e.orig}") from e
        with connection:
            try:
                yield connection
            except DBAPIError as e:
                if e.connection_invalidated:
                    raise StoreUnavailable(f"lost the connection to the store's database: {e.orig}") from e
                raise


def open_store(url: str) -> Store:
    """Open the store at a database URL, creating or upgrading its tables first."""
    engine = make_engine(url)
    try:
        migrate(engine)
    except DBAPIError as e:
        engine.dispose()
        where = engine.url.render_as_string(hide_password=True)
        raise StoreUnavailable(f"cannot open the store at {where}: {e.orig}") from e
    return Store(engine)
