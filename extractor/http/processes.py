"""extract() in worker processes fed from one queue, for a server that must answer quickly.

Extraction is CPU work: run in the server's event loop it blocks every other request, and run
in a thread it still holds the GIL. Several uvicorn processes sharing one listening socket do
not spread the load either: the first idle one accepts every waiting connection, so on a small
machine one process ends up serving most clients while another idles. Here one event loop
takes every request and hands each to the next idle worker process, over a socket pair: one
queue, and no worker idle while another has a backlog.

Each worker compiles the rules once and then serves requests one at a time. A worker that dies
on a request or overruns the time limit is replaced, and its request fails with `WorkerFailed`;
the others carry on. A worker found dead while idle is replaced too, and the request goes to a
live one. With `processes=0` the work runs inline, in the caller's thread.
"""
from __future__ import annotations

import asyncio
import json
import multiprocessing
import signal
import socket
import struct
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .. import errors
from ..api import extract
from ..errors import ExtractionError
from ..options import ExtractOptions
from ..record import Record
from ..tags import tagged_post

if TYPE_CHECKING:
    from .observability import Metrics

_LENGTH = struct.Struct("!I")
_OK, _EXTRACTION_ERROR, _FAILURE = b"0", b"1", b"2"
_STARTUP_SECONDS = 120.0
_WARM_UP = "Ngày 28/7/2022, UBND tỉnh tặng Bằng khen cho 2 tập thể."


class WorkerFailed(RuntimeError):
    """A worker process died or ran over the time limit on a request; it has been replaced."""


def article_record(article: dict[str, Any], cpu_seconds: float | None = None) -> Record:
    """The record of an article as the service receives it: `text` or `html`, `url`, `published_at`;
    extraction stops with TimeLimitExceeded past `cpu_seconds` of CPU."""
    html = article.get("html") is not None
    options = ExtractOptions(published_at=article.get("published_at"), max_cpu_seconds=cpu_seconds)
    return extract(article["html"] if html else article["text"], html=html,
                   source={"url": article["url"]} if article.get("url") else None, options=options)


def run_task(task: str, article: dict[str, Any], cpu_seconds: float | None = None) -> bytes:
    """`record`: the record's JSON; `tags`: the post's tags as JSON; `ping`: nothing."""
    if task == "ping":
        return b""
    record = article_record(article, cpu_seconds)
    if task == "tags":
        return tagged_post(record, html=article.get("html") is not None).model_dump_json().encode()
    return record.model_dump_json().encode()


def _worker(connection: socket.socket) -> None:
    """A worker's life: warm up, then answer framed requests until the socket closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group; the server stops us
    extract(_WARM_UP)
    with connection, connection.makefile("rb") as incoming, connection.makefile("wb") as outgoing:
        while len(head := incoming.read(_LENGTH.size)) == _LENGTH.size:
            request = json.loads(incoming.read(_LENGTH.unpack(head)[0]))
            try:
                status, body = _OK, run_task(request["task"], request.get("article") or {}, request.get("cpu_seconds"))
            except ExtractionError as e:
                status, body = _EXTRACTION_ERROR, json.dumps({"error": type(e).__name__, "message": e.message}).encode()
            except Exception as e:  # reported to the caller; the worker stays up for the next request
                status, body = _FAILURE, json.dumps({"error": type(e).__name__, "message": str(e)}).encode()
            outgoing.write(_LENGTH.pack(len(body) + 1) + status + body)
            outgoing.flush()


@dataclass(eq=False)
class _Worker:
    process: multiprocessing.process.BaseProcess
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter


class ExtractionProcesses:
    """A fixed number of worker processes running extract(), used from one asyncio event loop."""

    def __init__(self, processes: int, timeout: float = 60.0, metrics: Metrics | None = None,
                 cpu_seconds: float | None = None):
        self.processes, self.timeout, self.metrics = processes, timeout, metrics
        #: CPU seconds one article may use (a 4xx/503 problem past it, and the worker stays up)
        self.cpu_seconds = cpu_seconds
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._context = multiprocessing.get_context("spawn")  # no fork of a threaded server
        self._replacing: set[asyncio.Task] = set()
        self._workers: set[_Worker] = set()

    async def start(self) -> None:
        """Start the workers and wait until each has compiled the rules."""
        for worker in await asyncio.gather(*(self._spawn() for _ in range(self.processes))):
            self._idle.put_nowait(worker)

    async def run(self, task: str, article: dict[str, Any]) -> bytes:
        """The task's JSON for the article. Raises the `ExtractionError` extract() raised, or
        `WorkerFailed` when the worker died or overran the time limit."""
        if self.processes == 0:
            started = time.perf_counter()
            try:
                return run_task(task, article, self.cpu_seconds)
            finally:
                self._observe(task, started)
        if self.metrics:
            self.metrics.queue_depth.inc()
        try:
            worker = await self._live_worker()
        finally:
            if self.metrics:
                self.metrics.queue_depth.dec()
        started = time.perf_counter()
        try:
            request = json.dumps({"task": task, "article": article, "cpu_seconds": self.cpu_seconds}).encode()  # ASCII: lone surrogates too
            worker.writer.write(_LENGTH.pack(len(request)) + request)
            reply = await asyncio.wait_for(self._reply(worker), self.timeout)
            self._observe(task, started)
        except BaseException as e:
            # the worker is dead, stuck, or holds the reply of a request given up on: replace it
            self._replace(worker)
            if isinstance(e, (asyncio.TimeoutError, asyncio.IncompleteReadError, ConnectionError)):
                raise WorkerFailed(f"an extraction worker failed on this request ({type(e).__name__}); "
                                   "it has been replaced") from e
            raise
        self._idle.put_nowait(worker)
        status, body = reply[:1], reply[1:]
        if status == _OK:
            return body
        failure = json.loads(body)
        error = getattr(errors, failure["error"], None)
        if status == _EXTRACTION_ERROR and isinstance(error, type) and issubclass(error, ExtractionError):
            raise error(failure["message"])
        raise RuntimeError(f"extraction failed in a worker: {failure['error']}: {failure['message']}")

    def _observe(self, task: str, started: float) -> None:
        if self.metrics:
            self.metrics.extraction.labels(task).observe(time.perf_counter() - started)

    async def record(self, article: dict[str, Any]) -> Record:
        return Record.model_validate_json(await self.run("record", article))

    async def close(self) -> None:
        """Stop every worker: each reads the end of its socket and exits (or is killed)."""
        for task in list(self._replacing):
            task.cancel()
        for worker in list(self._workers):
            self._stop(worker, grace=2.0)

    async def _live_worker(self) -> _Worker:
        """The next idle worker that is still alive. One that died while idle (killed, out of
        memory) is replaced and passed over: the request it would have failed goes to another
        worker, or waits for the replacement, instead of failing for nothing it did."""
        while True:
            worker = await self._idle.get()
            if worker.process.is_alive() and not worker.reader.at_eof():
                return worker
            self._replace(worker)

    async def _reply(self, worker: _Worker) -> bytes:
        (length,) = _LENGTH.unpack(await worker.reader.readexactly(_LENGTH.size))
        return await worker.reader.readexactly(length)

    async def _spawn(self) -> _Worker:
        ours, theirs = socket.socketpair()
        process = self._context.Process(target=_worker, args=(theirs,), daemon=True, name="vnextract-extract")
        process.start()
        theirs.close()
        reader, writer = await asyncio.open_connection(sock=ours)
        worker = _Worker(process, reader, writer)
        self._workers.add(worker)
        # ready once it answers a ping, after compiling the rules: the time limit is for articles
        ping = json.dumps({"task": "ping"}).encode()
        writer.write(_LENGTH.pack(len(ping)) + ping)
        if (await asyncio.wait_for(self._reply(worker), _STARTUP_SECONDS))[:1] != _OK:
            raise RuntimeError("an extraction worker failed to start")
        return worker

    def _replace(self, worker: _Worker) -> None:
        self._stop(worker)
        if self.metrics:
            self.metrics.worker_restarts.inc()

        async def replace() -> None:
            fresh = await self._spawn()
            self._idle.put_nowait(fresh)

        task = asyncio.get_running_loop().create_task(replace())
        self._replacing.add(task)
        task.add_done_callback(self._replacing.discard)

    def _stop(self, worker: _Worker, grace: float = 0.0) -> None:
        self._workers.discard(worker)
        worker.writer.close()
        worker.process.join(timeout=grace)
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join(timeout=5)
