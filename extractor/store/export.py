"""The store's tables as files that pandas, polars and DuckDB read directly: one file per table.

Every column keeps its type (docs/store.md lists them): timestamps with their zone, dates as
dates, integers as integers (nullable ones come back as pandas' `Int64`, not as floats), lists
as Parquet list columns and objects as maps. CSV has no lists or maps: there they are JSON
text, the one place JSON sits inside a string. JSON Lines keeps them as JSON.
`graphml` writes the documents and their co-citations as a graph (`documents.graphml`).
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any, Literal
from xml.sax.saxutils import escape, quoteattr

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
from sqlalchemy import JSON, Boolean, Column, Date, Integer, Table

from . import schema as s
from .schema import EXPORTED_TABLES, Timestamp
from .store import Store

ExportFormat = Literal["csv", "jsonl", "parquet", "graphml"]
_BATCH_ROWS = 10_000
#: Zone of exported timestamps: the articles' own (Vietnam time).
_ZONE = "+07:00"
#: JSON columns by shape: lists of strings, objects of strings, objects of lists of strings.
_LISTS = {("articles", "authors"), ("article_people", "titles")}
_LIST_MAPS = {("documents", "disagreements")}


def export_tables(store: Store, fmt: ExportFormat, out_dir: Path) -> list[Path]:
    """Write every table of the store to `out_dir/<table>.<fmt>` (graphml: one graph); the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    if fmt == "graphml":
        path = out_dir / "documents.graphml"
        write_graphml(store, path)
        return [path]
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
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.timezone(dt.timedelta(hours=7))).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def arrow_schema(table: Table, fmt: str = "parquet") -> pa.Schema:
    """The Arrow schema of a table's file, with pandas metadata so nullable integers and booleans
    come back as pandas' nullable `Int64` and `boolean` rather than floats and objects."""
    fields = [pa.field(c.name, _arrow_type(table.name, c, fmt)) for c in table.columns]
    pandas_columns = [{"name": f.name, "field_name": f.name, "pandas_type": _pandas_type(f.type),
                       "numpy_type": _numpy_type(f.type), "metadata": None} for f in fields]
    pandas = {"index_columns": [], "column_indexes": [], "columns": pandas_columns,
              "creator": {"library": "vnextract"}, "pandas_version": "2.0.0"}
    return pa.schema(fields, metadata={b"pandas": json.dumps(pandas).encode()})


def _arrow_type(table: str, column: Column, fmt: str) -> pa.DataType:
    column_type = column.type
    if isinstance(column_type, Boolean):
        return pa.bool_()
    if isinstance(column_type, Integer):
        return pa.int64()
    if isinstance(column_type, Timestamp):
        return pa.timestamp("us", tz=_ZONE)
    if isinstance(column_type, Date):
        return pa.date32()
    if isinstance(column_type, JSON) and fmt == "parquet":
        if (table, column.name) in _LISTS:
            return pa.list_(pa.string())
        if (table, column.name) in _LIST_MAPS:
            return pa.map_(pa.string(), pa.list_(pa.string()))
        return pa.map_(pa.string(), pa.string())
    return pa.string()


def _pandas_type(arrow_type: pa.DataType) -> str:
    if pa.types.is_integer(arrow_type):
        return "int64"
    if pa.types.is_boolean(arrow_type):
        return "bool"
    if pa.types.is_timestamp(arrow_type):
        return "datetimetz"
    if pa.types.is_date(arrow_type):
        return "date"
    return "object" if not pa.types.is_string(arrow_type) else "unicode"


def _numpy_type(arrow_type: pa.DataType) -> str:
    if pa.types.is_integer(arrow_type):
        return "Int64"
    if pa.types.is_boolean(arrow_type):
        return "boolean"
    if pa.types.is_timestamp(arrow_type):
        return "datetime64[ns]"
    return "object"


def _write_arrow(table: Table, rows: Iterator[dict[str, Any]], path: Path, fmt: ExportFormat) -> None:
    schema = arrow_schema(table, fmt)
    json_columns = [c.name for c in table.columns if isinstance(c.type, JSON)]
    writer = pq.ParquetWriter(path, schema) if fmt == "parquet" else pa_csv.CSVWriter(path, schema)
    with writer:  # an empty table still gets its header (CSV) or schema (Parquet)
        while batch := list(islice(rows, _BATCH_ROWS)):
            for row in batch:
                for name in json_columns:
                    row[name] = _json_cell(row[name], fmt)
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))


def _json_cell(value: Any, fmt: str) -> Any:
    """A JSON column's value for Arrow: lists stay lists, objects become (key, value) maps
    (values that are not strings as their JSON); in CSV, JSON text."""
    if fmt != "parquet":
        return None if value is None else json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return [(k, v if isinstance(v, (str, list)) or v is None else json.dumps(v, ensure_ascii=False))
                for k, v in value.items()]
    return value


def write_graphml(store: Store, path: Path) -> None:
    """Documents as nodes (key, number, type, issuer, issue date, citations) and co-citations as
    weighted undirected edges (articles citing both), for Gephi, networkx, igraph and yEd."""
    node_fields = ("key", "number", "type", "issuer", "issued_on", "province", "citations")
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                  '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n')
        for name in node_fields:
            kind = "int" if name == "citations" else "string"
            out.write(f'  <key id="{name}" for="node" attr.name="{name}" attr.type="{kind}"/>\n')
        out.write('  <key id="articles" for="edge" attr.name="articles" attr.type="int"/>\n'
                  '  <graph id="co_citations" edgedefault="undirected">\n')
        for row in store.rows(s.documents):
            out.write(f'    <node id="d{row["pk"]}">')
            for name in node_fields:
                if row[name] is not None:
                    value = row[name].isoformat() if isinstance(row[name], dt.date) else str(row[name])
                    out.write(f'<data key="{name}">{escape(value)}</data>')
            out.write("</node>\n")
        for row in store.rows(s.co_citations):
            out.write(f'    <edge source={quoteattr("d%d" % row["document_pk"])} '
                      f'target={quoteattr("d%d" % row["other_document_pk"])}>'
                      f'<data key="articles">{row["articles"]}</data></edge>\n')
        out.write("  </graph>\n</graphml>\n")
