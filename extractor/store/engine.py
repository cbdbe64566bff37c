"""Engines for the two backends, write transactions that serialise cleanly, and migrations.

SQLite: WAL (readers never wait for the writer), foreign keys on, and transactions that
SQLAlchemy begins itself. pysqlite's own implicit BEGIN would leave DDL and the first SELECT
outside the transaction; and a write transaction must take the write lock up front
(BEGIN IMMEDIATE), or two writers that both read first deadlock and one fails at once instead
of waiting its turn.

PostgreSQL: psycopg 3 whatever the URL's driver says, connections checked before use.
"""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, RootTransaction, create_engine, event, text
from sqlalchemy.engine import make_url

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
#: pg_advisory_xact_lock id that serialises migrations of one database ("vnx" in ASCII).
_MIGRATION_LOCK = 0x766E78
_BEGIN_MODE = "vnextract_sqlite_begin"


def make_engine(url: str) -> Engine:
    """An engine for a sqlite:/// or postgresql:// URL."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if parsed.database in (None, "", ":memory:"):
            raise ValueError("an in-memory SQLite store vanishes with its connection; "
                             "give a file: sqlite:///path.sqlite")
        engine = create_engine(parsed, connect_args={"timeout": 30})
        _configure_sqlite(engine)
        return engine
    if backend in ("postgresql", "postgres"):
        return create_engine(parsed.set(drivername="postgresql+psycopg"), pool_pre_ping=True)
    raise ValueError(f"unsupported database URL {parsed.render_as_string(hide_password=True)!r}: "
                     "use sqlite:///FILE or postgresql://USER@HOST/DB")


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
        cursor = dbapi_connection.cursor()
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON", "busy_timeout=30000"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql(f"BEGIN {connection.get_execution_options().get(_BEGIN_MODE, 'DEFERRED')}")


def write_transaction(connection: Connection) -> RootTransaction:
    """Begin a write transaction: it commits when its block ends and rolls everything back on any exception."""
    return connection.execution_options(**{_BEGIN_MODE: "IMMEDIATE"}).begin()


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration; safe when several processes open the store at once."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.connect() as connection, write_transaction(connection):
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
