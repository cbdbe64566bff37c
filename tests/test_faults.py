"""Faults beside kill -9 (test_batch.py): a database that goes away mid-batch and comes back, an
extraction worker that dies while idle, a slow client (issue 14)."""
from __future__ import annotations

import asyncio
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from extractor import extract
from extractor.batch.targets import sidecar_path
from test_batch import finished_keys, postgres_url, variants, write_folder  # noqa: F401 (a fixture)

PG_PORT = 5432


class TcpProxy:
    """A loopback TCP proxy to PostgreSQL that the test can cut (every connection dropped, new ones
    refused at once) and restore: the database lost as a network or a restart loses it."""

    def __init__(self, target_port: int):
        self.target_port = target_port
        self.up = True
        self._loop = asyncio.new_event_loop()
        self._writers: set[asyncio.StreamWriter] = set()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self._server = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._accept, "127.0.0.1", 0), self._loop).result(10)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _accept(self, client_reader, client_writer) -> None:
        if not self.up:
            client_writer.transport.abort()
            return
        try:
            server_reader, server_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            client_writer.transport.abort()
            return
        self._writers |= {client_writer, server_writer}
        await asyncio.gather(self._pipe(client_reader, server_writer), self._pipe(server_reader, client_writer))

    async def _pipe(self, reader, writer) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            self._writers.discard(writer)
            writer.transport.abort()

    def cut(self) -> None:
        def cut_now() -> None:
            self.up = False
            for writer in list(self._writers):
                writer.transport.abort()
            self._writers.clear()

        self._loop.call_soon_threadsafe(cut_now)

    def restore(self) -> None:
        self._loop.call_soon_threadsafe(setattr, self, "up", True)

    def close(self) -> None:
        self.cut()
        self._loop.call_soon_threadsafe(self._server.close)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)


@pytest.fixture
def proxy():
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", PG_PORT)) != 0 and not os.environ.get("CI"):
            pytest.skip("no PostgreSQL on 127.0.0.1:5432")
    p = TcpProxy(PG_PORT)
    yield p
    p.close()


def _through(url: str, proxy: TcpProxy) -> str:
    return url.replace("@127.0.0.1:5432/", f"@127.0.0.1:{proxy.port}/")


def _counts(url: str) -> tuple[int, int, int]:
    """(article rows, distinct ids, mention rows) in the store, read past the proxy."""
    engine = create_engine(url)
    try:
        with engine.connect() as c:
            return (*c.execute(text("SELECT count(*), count(DISTINCT id) FROM articles")).one(),
                    c.execute(text("SELECT count(*) FROM mentions")).scalar_one())
    finally:
        engine.dispose()


def _expected_mentions(texts: list[str]) -> int:
    total = 0
    for record in map(extract, texts):
        for family in ("people", "organizations", "locations", "documents"):
            total += sum(len(entity.mentions) for entity in getattr(record, family))
    return total


def _batch(src: Path, out: str, tmp_path: Path, *extra: str, jobs: int = 2) -> subprocess.Popen:
    command = [sys.executable, "-m", "extractor", "batch", str(src), "--out", out, "--jobs", str(jobs),
               "--flush-every", "4", *extra]
    return subprocess.Popen(command, cwd=tmp_path, start_new_session=True, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _wait_for_keys(ledger: Path, keys: int, run: subprocess.Popen) -> None:
    deadline = time.monotonic() + 90
    while finished_keys(ledger) < keys:
        assert run.poll() is None, run.stderr.read()[-2000:]
        assert time.monotonic() < deadline, "the run made no progress"
        time.sleep(0.02)


def test_a_database_lost_mid_batch_is_waited_for_and_every_article_stored_once(tmp_path, proxy, postgres_url):
    count = 160
    texts = variants(count)
    src = write_folder(tmp_path / "in", texts)
    out = _through(postgres_url, proxy)
    ledger = tmp_path / sidecar_path(out, "ledger.sqlite")
    run = _batch(src, out, tmp_path)
    _wait_for_keys(ledger, 12, run)
    proxy.cut()  # every pooled connection of every worker drops; reconnecting fails at once
    cut_at = finished_keys(ledger)
    time.sleep(3)
    assert run.poll() is None, "the run stopped instead of waiting for the store"
    assert finished_keys(ledger) - cut_at <= 8 * 2 * 32, "work went on with the store away"  # at most what was in flight
    proxy.restore()
    stdout, stderr = run.communicate(timeout=180)
    assert run.returncode == 0, stderr[-2000:]
    assert cut_at < count, "the store was cut after the run had finished"
    assert f"done {count}" in stdout and "failed 0" in stdout
    assert _counts(postgres_url) == (count, count, _expected_mentions(texts))
    assert "Traceback" not in stderr


def test_a_database_gone_for_good_stops_the_run_with_one_line_and_the_same_command_resumes(
        tmp_path, proxy, postgres_url):
    count = 120
    texts = variants(count)
    src = write_folder(tmp_path / "in", texts)
    out = _through(postgres_url, proxy)
    ledger = tmp_path / sidecar_path(out, "ledger.sqlite")
    run = _batch(src, out, tmp_path, "--store-retry-seconds", "2", jobs=1)  # the run's own writes, this time
    _wait_for_keys(ledger, 12, run)
    proxy.cut()
    stdout, stderr = run.communicate(timeout=120)
    assert run.returncode == 75, stderr[-2000:]
    lines = [line for line in stderr.splitlines() if line.strip() and not line.startswith(("progress", "["))]
    assert len(lines) == 1, stderr[-2000:]
    assert lines[0].startswith("vnextract batch: stopped: the store is out of reach")
    assert lines[0].endswith("Run the same command again to resume.")
    stopped_at = finished_keys(ledger)
    assert stopped_at < count

    proxy.restore()
    again = _batch(src, out, tmp_path, "--store-retry-seconds", "2", jobs=1)
    stdout, stderr = again.communicate(timeout=180)
    assert again.returncode == 0, stderr[-2000:]
    assert f"skipped {stopped_at} as already done" in stdout
    assert _counts(postgres_url) == (count, count, _expected_mentions(texts))


# ---- the service: a worker dead while idle, slow clients -------------------------------------------

ARTICLE = ("Ngày 28/7/2022, Công đoàn Viên chức tỉnh Hải Dương tổ chức Hội nghị. 2 tập thể, 5 cá nhân được "
           "Công đoàn Viên chức Việt Nam tặng Bằng khen.")


def test_a_worker_killed_while_idle_fails_no_request(tmp_path):
    from fastapi.testclient import TestClient

    from service import Settings, create_app

    settings = Settings(DATABASE_URL=f"sqlite:///{tmp_path / 's.sqlite'}", VNEXTRACT_EXTRACT_PROCESSES=2)
    with TestClient(create_app(settings)) as client:
        pool = client.app.state.extractor
        victim = next(iter(pool._workers))
        os.kill(victim.process.pid, signal.SIGKILL)
        victim.process.join(timeout=10)
        statuses = [client.post("/v1/extract", json={"text": ARTICLE}).status_code for _ in range(6)]
        assert statuses == [200] * 6
        assert victim not in pool._workers


@contextmanager
def serving(app, head_timeout: float = 10.0) -> Iterator[int]:
    """The app under a real uvicorn (the protocol `vnextract serve` uses) on a free loopback port."""
    import uvicorn

    from extractor.http.slow_clients import head_timeout_protocol

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="critical",
                                           http=head_timeout_protocol(head_timeout)))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 60
        while not server.started:
            assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
            time.sleep(0.05)
        yield port
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def _drip(port: int, head: bytes, rest: bytes, every: float) -> tuple[bytes, float]:
    """Send `head` at once, then `rest` a byte every `every` seconds; (what the server answered, when)."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port)) as connection:
        connection.settimeout(30)
        connection.sendall(head)
        for byte in rest:
            try:
                connection.sendall(bytes([byte]))
            except OSError:  # cut off
                break
            readable, _, _ = select.select([connection], [], [], every)
            if readable:
                break
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
        return answer, time.monotonic() - started


def test_slow_clients_are_cut_off_and_others_are_served_meanwhile(tmp_path):
    from service import Settings, create_app

    settings = Settings(DATABASE_URL=f"sqlite:///{tmp_path / 's.sqlite'}", VNEXTRACT_EXTRACT_PROCESSES=0,
                        VNEXTRACT_BODY_TIMEOUT=2)
    body = json.dumps({"text": ARTICLE}).encode()
    with serving(create_app(settings), head_timeout=2) as port, \
            ThreadPoolExecutor(4) as pool, httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:

        def latencies(n: int) -> list[float]:
            out = []
            for _ in range(n):
                started = time.monotonic()
                assert client.post("/v1/extract", json={"text": ARTICLE}).status_code == 200
                out.append(time.monotonic() - started)
            return out

        usual = sorted(latencies(10))[5]
        slow_head = pool.submit(_drip, port, b"POST /v1/extract HTTP/1.1\r\n", b"Host: x\r\n" * 100, 0.25)
        slow_body = pool.submit(_drip, port, b"POST /v1/extract HTTP/1.1\r\nHost: x\r\ncontent-type: "
                                b"application/json\r\ncontent-length: " + str(len(body)).encode() + b"\r\n\r\n",
                                body, 0.25)
        during = latencies(5)  # while both slow clients are held
        assert not slow_head.done() and not slow_body.done(), "the slow clients were not held while others were served"
        head_answer, head_seconds = slow_head.result(timeout=30)
        body_answer, body_seconds = slow_body.result(timeout=30)

    assert head_answer.startswith(b"HTTP/1.1 408 ") and b"head did not arrive within 2 s" in head_answer
    assert body_answer.startswith(b"HTTP/1.1 408 ") and b"body did not arrive within 2 s" in body_answer
    assert b"connection: close" in body_answer.lower()
    assert 2 <= head_seconds < 8 and 2 <= body_seconds < 8  # cut off at the limit, not at the end of the drip
    # others kept their usual latency (a generous bound: the machine is shared; a blocked loop would wait seconds)
    assert max(during) < max(10 * usual, 0.5), (usual, during)


def test_store_retries_wait_for_a_lost_store_and_pass_other_errors_at_once(monkeypatch):
    from sqlalchemy.exc import IntegrityError, OperationalError

    import extractor.batch.work as work
    from extractor.store import StoreUnavailable

    waits: list[float] = []
    monkeypatch.setattr(work.time, "sleep", waits.append)
    attempts = iter([OperationalError("INSERT", {}, Exception("connection refused"))] * 3 + ["stored"])

    def flaky():
        outcome = next(attempts)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    assert work.with_store_retries(flaky, seconds=60) == "stored"
    assert waits == [0.5, 1.0, 2.0]

    def refused():
        raise IntegrityError("INSERT", {}, Exception("duplicate key"))

    waits.clear()
    with pytest.raises(IntegrityError):
        work.with_store_retries(refused, seconds=60)
    assert waits == []  # a refusal is not retried: the record fails alone

    clock = iter(range(0, 1000, 5))
    monkeypatch.setattr(work.time, "monotonic", lambda: next(clock))

    def down():
        raise StoreUnavailable("connection refused")

    with pytest.raises(StoreUnavailable, match="did not come back within 20 s"):
        work.with_store_retries(down, seconds=20)
