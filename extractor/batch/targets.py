"""Where a batch puts its records: the store (a database URL), a JSONL file, or a Parquet folder.

Who writes follows what the target allows. PostgreSQL takes concurrent writers, so the workers
write the store themselves (work.py) and writing scales with them. SQLite lets one writer in at a
time, and files have one appender, so there the run is the single writer, through a `Target`.
Every `Target.write` is idempotent by record id and durable when it returns; the runner relies on
both to enter keys in the ledger afterwards, as it does on the store's transactional put().
"""
from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path
from typing import Protocol

import orjson

from ..record import Record
from .durable import AppendOnlyJsonl, fsync_path
from .work import STORE_RETRY_SECONDS, Extracted, Failed, put_or_refuse, refusal, with_store_retries


class Target(Protocol):
    def write(self, records: list[Extracted]) -> tuple[int, list[Failed]]:
        """Store the records not stored yet, durably; returns how many were new, and the failure
        of each record the target refused (only a database refuses records)."""

    def close(self) -> None: ...


def is_database_url(out: str) -> bool:
    return "://" in out


def is_jsonl(out: str) -> bool:
    return out.lower().endswith(".jsonl")


def workers_write(out: str) -> bool:
    """Whether the workers write the records (a store on a server) rather than the run."""
    return is_database_url(out) and not out.lower().startswith("sqlite")


def open_target(out: str, retry_seconds: float = STORE_RETRY_SECONDS) -> Target:
    """The target the run writes (not for `workers_write` targets)."""
    if is_database_url(out):
        return StoreTarget(out, retry_seconds)
    if is_jsonl(out):
        return JsonlTarget(Path(out))
    return ParquetTarget(Path(out))


def sidecar_path(out: str, name: str) -> Path:
    """Default place of a run's ledger or errors file (`name`), beside the target.

    A Parquet folder keeps them inside, under "_" names that Parquet readers skip. A server
    database has no "beside", so they go in the working folder, named after the URL.
    """
    if is_database_url(out):
        scheme, _, rest = out.partition("://")
        if scheme.startswith("sqlite") and rest.startswith("/") and len(rest) > 1:
            return Path(rest[1:] + f".{name}")
        return Path(f"vnextract-batch-{hashlib.sha1(out.encode()).hexdigest()[:12]}.{name}")
    if is_jsonl(out):
        return Path(f"{out}.{name}")
    return Path(out) / f"_{name}"


class JsonlTarget:
    """One record a line; reopening repairs a torn last line and skips ids already written."""

    def __init__(self, path: Path):
        self._file = AppendOnlyJsonl(path, key_field="id")

    def write(self, records: list[Extracted]) -> tuple[int, list[Failed]]:
        return self._file.append([(r.record_id, r.record_json.encode()) for r in records]), []

    def close(self) -> None:
        self._file.close()


class ParquetTarget:
    """A folder of Parquet part files, one per write, each appearing whole (written, then renamed).

    Columns: the record's id, title, published_at, encoding and source for querying, and the
    whole record as JSON, so that fields added to the record never change the Parquet schema.
    """

    SCHEMA_FIELDS = ("id", "title", "published_at", "encoding", "source", "record")

    def __init__(self, folder: Path):
        import pyarrow.parquet as pq

        if folder.exists() and not folder.is_dir():
            raise ValueError(f"{folder}: a Parquet target is a folder (or give a .jsonl file or a database URL)")
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        for leftover in folder.glob(".part-*.tmp"):  # a write the crash cut short
            leftover.unlink()
        self.ids: set[str] = set()
        for part in sorted(folder.glob("part-*.parquet")):
            self.ids.update(pq.read_table(part, columns=["id"]).column("id").to_pylist())

    def write(self, records: list[Extracted]) -> tuple[int, list[Failed]]:
        import pyarrow as pa
        import pyarrow.parquet as pq

        rows = []
        for r in records:
            if r.record_id in self.ids:
                continue
            self.ids.add(r.record_id)
            record = orjson.loads(r.record_json)
            rows.append({"id": r.record_id, "title": record.get("title"), "published_at": record.get("published_at"),
                         "encoding": record.get("encoding"), "source": orjson.dumps(record.get("source")).decode(),
                         "record": r.record_json})
        if not rows:
            return 0, []
        schema = pa.schema([(name, pa.string()) for name in self.SCHEMA_FIELDS])
        name = f"part-{uuid.uuid4().hex}.parquet"
        temporary = self.folder / f".{name}.tmp"
        pq.write_table(pa.Table.from_pylist(rows, schema=schema), temporary)
        fsync_path(temporary)
        os.replace(temporary, self.folder / name)
        fsync_path(self.folder)
        return len(rows), []

    def close(self) -> None:
        """Nothing is held open between writes."""


class StoreTarget:
    """The project's store, written by the run: put() is transactional and idempotent by id."""

    def __init__(self, url: str, retry_seconds: float = STORE_RETRY_SECONDS):
        from ..store import open_store

        self.retry_seconds = retry_seconds
        self.store = with_store_retries(lambda: open_store(url), retry_seconds)

    def write(self, records: list[Extracted]) -> tuple[int, list[Failed]]:
        """`put_or_refuse` of the records as the workers prepared them (one transaction for the
        lot: SQLite commits are the cost of a bulk run)."""
        lot = [r.prepared or Record.model_validate_json(r.record_json) for r in records]
        results = with_store_retries(lambda: put_or_refuse(self.store, lot), self.retry_seconds)
        refused = [refusal(r.key, e, orjson.loads(r.record_json).get("source") or {})
                   for r, e in zip(records, results) if isinstance(e, Exception)]
        return sum(1 for new in results if new is True), refused

    def close(self) -> None:
        self.store.close()


def check_store(url: str, retry_seconds: float = STORE_RETRY_SECONDS) -> None:
    """Open the store once before the workers do: its tables are created, and a bad URL fails the run at once."""
    from ..store import open_store

    with_store_retries(lambda: open_store(url), retry_seconds).close()
