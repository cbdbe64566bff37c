"""The store's tables as files that pandas, polars and DuckDB read directly: one file per table.

CSV and Parquet get typed columns from the table definitions (dates as dates, integers as
integers, even in an empty table); JSON columns (source, authors, titles) are JSON text there.
JSON Lines keeps them as JSON.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
from sqlalchemy import JSON, Boolean, Date, Integer, Table

from .schema import EXPORTED_TABLES
from .store import Store

ExportFormat = Literal["csv", "jsonl", "parquet"]
_BATCH_ROWS = 10_000


def export_tables(store: Store, fmt: ExportFormat, out_dir: Path) -> list[Path]:
    """Write every table of the store to `out_dir/<table>.<fmt>`; the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for table in EXPORTED_TABLES:
        path = out_dir / f"{table.name}.{fmt}"
        if fmt == "jsonl":
            _write_jsonl(store.rows(table), path)
        else:
            _write_arrow(table, store.rows(table), path, fmt)
        written.append(path)
    return written


def _write_jsonl(rows: Iterator[dict[str, Any]], path: Path) -> None:
    with path.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False, default=_iso) + "\n")


def _iso(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _write_arrow(table: Table, rows: Iterator[dict[str, Any]], path: Path, fmt: ExportFormat) -> None:
    schema = pa.schema([(c.name, _arrow_type(c.type)) for c in table.columns])
    json_columns = [c.name for c in table.columns if isinstance(c.type, JSON)]
    writer = pq.ParquetWriter(path, schema) if fmt == "parquet" else pa_csv.CSVWriter(path, schema)
    with writer:  # an empty table still gets its header (CSV) or schema (Parquet)
        while batch := list(islice(rows, _BATCH_ROWS)):
            for row in batch:
                for name in json_columns:
                    row[name] = json.dumps(row[name], ensure_ascii=False)
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))


def _arrow_type(column_type) -> pa.DataType:
    if isinstance(column_type, Boolean):
        return pa.bool_()
    if isinstance(column_type, Integer):
        return pa.int64()
    if isinstance(column_type, Date):
        return pa.date32()
    return pa.string()
