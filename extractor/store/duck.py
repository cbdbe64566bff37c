"""DuckDB over the store or over an export folder: `vnextract sql "SELECT ..."`.

DuckDB's sqlite and postgres scanners are extensions it downloads on first use, and nothing
here may download anything: both are switched off, and the store's tables reach DuckDB as
Arrow tables read through the store itself (only the tables the query names), typed as the
Parquet export types them (docs/store.md). An export folder is read in place: each
`<table>.parquet`, `.csv` or `.jsonl` file is a view named after its table.
"""
from __future__ import annotations

from itertools import islice
from pathlib import Path
from typing import Any

import pyarrow as pa
import regex
from sqlalchemy import JSON

from .export import _json_cell, arrow_schema
from .schema import EXPORTED_TABLES
from .store import Store

_READERS = {".parquet": "read_parquet('{}')", ".csv": "read_csv('{}')",
            ".jsonl": "read_json('{}', format = 'newline_delimited')"}
_BATCH = 10_000


def connect() -> Any:
    """An in-memory DuckDB that never fetches an extension (Parquet, JSON and CSV are built in)."""
    import duckdb

    connection = duckdb.connect(config={"autoinstall_known_extensions": False,
                                        "autoload_known_extensions": False,
                                        # a bare INSTALL finds no repository to download from
                                        "custom_extension_repository": "/nonexistent/vnextract-installs-nothing"})
    return connection


def over_store(store: Store, sql: str) -> Any:
    """A DuckDB connection where the store's tables (those `sql` names) are tables."""
    connection = connect()
    for table in EXPORTED_TABLES:
        if regex.search(rf"(?<![\w.]){table.name}(?!\w)", sql, regex.IGNORECASE):
            connection.register(table.name, _arrow_table(store, table))
    return connection


def _arrow_table(store: Store, table) -> pa.Table:
    schema = arrow_schema(table, "parquet")
    json_columns = [c.name for c in table.columns if isinstance(c.type, JSON)]
    rows = store.rows(table)
    batches = []
    while batch := list(islice(rows, _BATCH)):
        for row in batch:
            for name in json_columns:
                row[name] = _json_cell(row[name], "parquet")
        batches.append(pa.RecordBatch.from_pylist(batch, schema=schema))
    return pa.Table.from_batches(batches, schema=schema)


def over_folder(folder: Path) -> Any:
    """A DuckDB connection where every exported file of `folder` is a view named after its table."""
    connection = connect()
    found = False
    for path in sorted(folder.iterdir()):
        reader = _READERS.get(path.suffix)
        if reader and regex.fullmatch(r"\w+", path.stem):
            found = True
            quoted = str(path.resolve()).replace("'", "''")
            connection.execute(f'CREATE VIEW "{path.stem}" AS SELECT * FROM {reader.format(quoted)}')
    if not found:
        raise ValueError(f"{folder} holds no exported .parquet, .csv or .jsonl file")
    return connection


_EXTENSION_STATEMENTS = regex.compile(r"(?:^|;)\s*(?:FORCE\s+)?(?:INSTALL|LOAD|UPDATE\s+EXTENSIONS)\b",
                                     regex.IGNORECASE)


def run(connection: Any, sql: str) -> tuple[list[str], list[tuple]]:
    """Column names and rows of a query. Statements that install or load DuckDB extensions are
    refused: they would fetch code from the network."""
    if _EXTENSION_STATEMENTS.search(sql):
        raise ValueError("vnextract sql installs and loads no DuckDB extensions (they are downloaded); "
                         "Parquet, CSV and JSON are built in")
    cursor = connection.execute(sql)
    names = [d[0] for d in cursor.description] if cursor.description else []
    return names, cursor.fetchall()
