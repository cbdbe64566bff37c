"""The work a worker does: a chunk of articles in, one outcome per article out.

Runs in pool processes and on Dask workers, so everything here is picklable. For file targets
the record comes back serialised (JSON is several times cheaper than pickling the pydantic
model) and the run writes it. For a store on a server the worker writes it: a store write costs
more than the extraction, and PostgreSQL takes concurrent writers, so writing where the
extraction ran is what lets the store scale with the workers (targets.workers_write).
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from ..api import extract
from ..errors import ExtractionError
from ..options import ExtractOptions
from ..record import Record
from ..store.writer import PreparedRecord, UnstorableRecord, prepare_record
from .inputs import Item, Unreadable

if TYPE_CHECKING:
    from ..store import Store

# psycopg warns through logging's last resort (stderr) when a pipeline dies with its connection;
# a run reports a lost store itself, in one line (with_store_retries)
logging.getLogger("psycopg").addHandler(logging.NullHandler())

T = TypeVar("T")
#: Seconds a run keeps retrying a store it lost before it stops (BatchSettings.store_retry_seconds).
STORE_RETRY_SECONDS = 60.0
_FIRST_DELAY, _LONGEST_DELAY = 0.5, 8.0

#: Error codes of failures that are not extract()'s own (those are E001...).
UNREADABLE_SOURCE = "B001"
INTERNAL_ERROR = "B002"
STORE_REFUSED = "B003"


@dataclass(frozen=True)
class Extracted:
    """A record for the run to write; for a store, also prepared as rows (see `prepare`)."""

    key: str
    record_id: str
    record_json: str
    prepared: PreparedRecord | None = None


@dataclass(frozen=True)
class Stored:
    """A record the worker has written to the store (durably: put() commits)."""

    key: str
    record_id: str
    new: bool  # False: the store held this id already


@dataclass(frozen=True)
class Failed:
    key: str
    code: str
    reason: str
    source: dict[str, Any] = field(default_factory=dict)

    def as_error_line(self) -> dict[str, Any]:
        """The line the errors file gets: which source, why, and the error code."""
        return {"key": self.key, "source": self.source, "code": self.code, "reason": self.reason}


Outcome = Extracted | Stored | Failed


@cache
def worker_store(url: str) -> Store:
    """One store (engine and connection pool) per process and URL."""
    from ..store import open_store

    return open_store(url)


def lost_store(e: BaseException) -> bool:
    """Whether an error means the store's database is out of reach (down, restarting, the network
    cut, SQLite locked), rather than that it refuses a record."""
    from ..store import StoreUnavailable

    return (isinstance(e, (StoreUnavailable, OperationalError, InterfaceError))
            or (isinstance(e, DBAPIError) and e.connection_invalidated))


def with_store_retries(call: Callable[[], T], seconds: float = STORE_RETRY_SECONDS) -> T:
    """`call()`, again after waits of 0.5, 1, 2, 4, 8, 8... seconds while the store is out of reach,
    for `seconds` at most; then `StoreUnavailable`, which stops the run (the same command resumes it).

    A call is a whole transaction, so a retried one that had in fact committed only finds its
    records there already (writes are idempotent by record id)."""
    from ..store import StoreUnavailable

    deadline, delay = time.monotonic() + seconds, _FIRST_DELAY
    while True:
        try:
            return call()
        except Exception as e:
            if not lost_store(e):
                raise
            if time.monotonic() + delay > deadline:
                # a plain exception: it crosses process (and Dask) boundaries whatever the driver's are
                raise StoreUnavailable(f"the store is out of reach ({type(e).__name__}: {_first_line(e)}) "
                                       f"and did not come back within {seconds:g} s") from None
        time.sleep(delay)
        delay = min(delay * 2, _LONGEST_DELAY)


def _first_line(e: BaseException) -> str:
    return (str(getattr(e, "orig", None) or e).strip().splitlines() or [""])[0]


def _extract(item: Item, options: ExtractOptions) -> Record | Failed:
    if isinstance(item, Unreadable):
        return Failed(item.key, UNREADABLE_SOURCE, item.reason, item.source)
    try:
        return extract(item.content, source=item.source, html=item.html, options=options)
    except ExtractionError as e:
        return Failed(item.key, e.code, e.message, item.source)
    except Exception as e:  # one article's bug must not stop an archive of thousands
        return Failed(item.key, INTERNAL_ERROR, f"{type(e).__name__}: {e}", item.source)


def _store(item: Item, record: Record, url: str, retry_seconds: float) -> Stored | Failed:
    """Put the record; a database out of reach is retried and then stops the run (to be resumed),
    a refused record does not."""
    try:
        return Stored(item.key, record.id, with_store_retries(lambda: worker_store(url).put(record), retry_seconds))
    except Exception as e:
        if lost_store(e):
            raise
        # the store refuses this record (a constraint, a value it cannot hold)
        return Failed(item.key, STORE_REFUSED, f"{type(e).__name__}: {e}", item.source)


def process_item(item: Item, options: ExtractOptions, store_url: str | None = None, prepare: bool = False,
                 retry_seconds: float = STORE_RETRY_SECONDS) -> Outcome:
    record = _extract(item, options)
    if isinstance(record, Failed):
        return record
    if store_url:
        return _store(item, record, store_url, retry_seconds)
    record_json = record.model_dump_json()  # one string, shared by both (pickled once)
    try:
        prepared = prepare_record(record, record_json) if prepare else None
    except UnstorableRecord as e:  # the store would refuse it: a failure of this article alone
        return Failed(item.key, STORE_REFUSED, str(e), item.source)
    return Extracted(item.key, record.id, record_json, prepared)


def process_chunk(items: list[Item], options: ExtractOptions, store_url: str | None = None,
                  prepare: bool = False, retry_seconds: float = STORE_RETRY_SECONDS) -> list[Outcome]:
    """Several articles per task, so that scheduling costs little beside extraction.

    With `store_url`, the chunk's records are put into that store here, in one transaction (one
    per record only if the store refuses the lot, so that a bad record fails alone); otherwise
    they come back as JSON, and with `prepare` as the store's rows too, for a run that writes a
    store itself (SQLite: one writer) to spend its time on inserts alone.
    """
    if not store_url:
        return [process_item(item, options, prepare=prepare) for item in items]
    extracted = [(item, _extract(item, options)) for item in items]
    records = [(item, r) for item, r in extracted if isinstance(r, Record)]
    try:
        stored = with_store_retries(lambda: worker_store(store_url).put_many([r for _, r in records]), retry_seconds)
        new = dict(zip((id(item) for item, _ in records), stored))
    except Exception as e:
        if lost_store(e):
            raise
        # the store refuses one of them: find it
        return [r if isinstance(r, Failed) else _store(item, r, store_url, retry_seconds) for item, r in extracted]
    return [r if isinstance(r, Failed) else Stored(item.key, r.id, new[id(item)]) for item, r in extracted]
