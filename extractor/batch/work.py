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


def put_or_refuse(store: Store, records: list[Record | PreparedRecord]) -> list[bool | Exception]:
    """Put the records in one transaction; if the store refuses the lot, put each alone, so that
    only a bad record fails. For each: True if stored now, False if its id was stored already, or
    the exception that refused it (a constraint, a value the database cannot hold). The one place
    that retries a record at a time: the workers of a run on a server store and a run writing
    SQLite itself both come here. A database out of reach is no refusal (`lost_store`): it is
    raised, for `with_store_retries` to wait for it or stop the run, to be resumed."""
    try:
        return store.put_many(records)
    except Exception as e:
        if lost_store(e):
            raise
    results: list[bool | Exception] = []
    for record in records:
        try:
            results.extend(store.put_many([record]))
        except Exception as e:
            if lost_store(e):
                raise
            results.append(e)
    return results


def refusal(key: str, error: Exception, source: dict[str, Any]) -> Failed:
    """The failure of a record the store refused."""
    return Failed(key, STORE_REFUSED, f"{type(error).__name__}: {error}", source)


def process_item(item: Item, options: ExtractOptions, prepare: bool = False) -> Outcome:
    record = _extract(item, options)
    if isinstance(record, Failed):
        return record
    record_json = record.model_dump_json()  # one string, shared by both (pickled once)
    try:
        prepared = prepare_record(record, record_json) if prepare else None
    except UnstorableRecord as e:  # the store would refuse it: a failure of this article alone
        return Failed(item.key, STORE_REFUSED, str(e), item.source)
    return Extracted(item.key, record.id, record_json, prepared)


def process_chunk(items: list[Item], options: ExtractOptions, store_url: str | None = None,
                  prepare: bool = False, retry_seconds: float = STORE_RETRY_SECONDS) -> list[Outcome]:
    """Several articles per task, so that scheduling costs little beside extraction.

    With `store_url`, the chunk's records are put into that store here (`put_or_refuse`); otherwise
    they come back as JSON, and with `prepare` as the store's rows too, for a run that writes a
    store itself (SQLite: one writer) to spend its time on inserts alone.
    """
    if not store_url:
        return [process_item(item, options, prepare=prepare) for item in items]
    extracted = [(item, _extract(item, options)) for item in items]
    records = [(item, r) for item, r in extracted if isinstance(r, Record)]
    put = dict(zip((id(item) for item, _ in records),
                   with_store_retries(lambda: put_or_refuse(worker_store(store_url), [r for _, r in records]),
                                      retry_seconds)))

    def outcome(item: Item, result: Record | Failed) -> Outcome:
        if isinstance(result, Failed):
            return result
        new = put[id(item)]
        return refusal(item.key, new, item.source) if isinstance(new, Exception) else Stored(item.key, result.id, new)

    return [outcome(item, r) for item, r in extracted]
