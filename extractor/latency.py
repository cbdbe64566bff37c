"""Latency of the HTTP service under 1, 8 and 32 concurrent clients, on loopback only.

The service runs as uvicorn in a subprocess on 127.0.0.1 (a free port, a SQLite store in a
temporary folder); this process drives it with a bounded number of requests per level and a
time limit per level, then stops it. Nothing is sent anywhere but 127.0.0.1, and proxies from
the environment are ignored so loopback traffic cannot leave the machine.
"""
from __future__ import annotations

import asyncio
import json
import os
import secrets
import math
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from .input import HTML_SUFFIXES

LOOPBACK = "127.0.0.1"
CONCURRENCY = (1, 8, 32)
ENDPOINTS = (("POST", "/v1/extract"), ("POST", "/v1/tag"), ("GET", "/v1/articles"))


@dataclass
class Level:
    """One endpoint at one number of concurrent clients."""

    endpoint: str
    clients: int
    requests: int
    failures: int
    p50_ms: float
    p99_ms: float
    per_second: float


def run_latency_benchmark(bodies_from: list[Path], store_from: list[Path], *, processes: int = 2,
                          requests_per_level: int = 200, seconds_per_level: float = 15.0,
                          startup_seconds: float = 60.0) -> list[Level]:
    """Start the service, store `store_from`, time each endpoint with `bodies_from` as request bodies."""
    bodies = [_body(p) for p in bodies_from]
    with tempfile.TemporaryDirectory(prefix="vnextract-bench-") as tmp, \
            _service(Path(tmp), processes, startup_seconds) as (base_url, api_key):
        with asyncio.Runner(loop_factory=_loop_factory()) as runner:
            return runner.run(_drive(base_url, api_key, bodies, [_body(p) for p in store_from],
                                     requests_per_level, seconds_per_level))


def _loop_factory():
    """uvloop where it is installed (as uvicorn serves with it): less client CPU per request."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def format_levels(levels: list[Level]) -> str:
    lines = [f"{'endpoint':<20}{'clients':>8}{'requests':>10}{'failed':>8}{'p50 ms':>9}{'p99 ms':>9}{'req/s':>8}"]
    lines += [f"{lv.endpoint:<20}{lv.clients:>8}{lv.requests:>10}{lv.failures:>8}{lv.p50_ms:>9.1f}{lv.p99_ms:>9.1f}"
              f"{lv.per_second:>8.0f}" for lv in levels]
    return "\n".join(lines)


def _body(path: Path) -> dict[str, str]:
    text = path.read_text(encoding="utf-8", errors="replace")
    return {"html": text} if path.suffix.lower() in HTML_SUFFIXES else {"text": text}


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


@contextmanager
def _service(folder: Path, processes: int, startup_seconds: float) -> Iterator[tuple[str, str]]:
    """uvicorn serving service:app on a free loopback port, with `processes` extraction workers
    (as `vnextract serve` runs it); stopped (and waited for) on exit."""
    port, api_key = _free_port(), secrets.token_hex(16)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite'}", "VNEXTRACT_API_KEYS": api_key,
           "VNEXTRACT_READ_KEYS_REQUIRED": "false", "VNEXTRACT_EXTRACT_PROCESSES": str(processes),
           # its clients are anonymous and share one address: the per-client limit would refuse most of them
           "VNEXTRACT_ANONYMOUS_EXTRACTIONS": "0"}
    log = (folder / "uvicorn.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "service:app", "--host", LOOPBACK, "--port", str(port),
         "--http", "extractor.http.slow_clients:HeadTimeoutProtocol", "--log-level", "warning", "--no-access-log"],
        cwd=Path(__file__).resolve().parent.parent, env=env, stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://{LOOPBACK}:{port}"
    try:
        _wait_ready(base_url, process, startup_seconds, folder / "uvicorn.log")
        yield base_url, api_key
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _wait_ready(base_url: str, process: subprocess.Popen, seconds: float, log: Path) -> None:
    deadline = time.monotonic() + seconds
    with httpx.Client(base_url=base_url, trust_env=False, timeout=2) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"the service exited with {process.returncode}:\n{log.read_text(errors='replace')}")
            try:
                if client.get("/readyz").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
    raise RuntimeError(f"the service was not ready within {seconds:.0f} s")


async def _drive(base_url: str, api_key: str, bodies: list[dict], stored: list[dict], requests_per_level: int,
                 seconds_per_level: float) -> list[Level]:
    async with httpx.AsyncClient(base_url=base_url, trust_env=False, timeout=60) as client:
        for body in stored:
            response = await client.post("/v1/articles", json=body, headers={"X-API-Key": api_key})
            response.raise_for_status()
    levels = []
    for method, path in ENDPOINTS:
        for clients in CONCURRENCY:
            levels.append(await _level(base_url, method, path, bodies, clients, requests_per_level, seconds_per_level))
    return levels


class _Connection:
    """One keep-alive HTTP/1.1 connection to the service, written for this benchmark.

    A general client (httpx) spends about a millisecond of CPU per request; on a two-core
    machine that time is taken from the service it measures. This one sends a prepared request
    and reads the response by its Content-Length (or chunks), which is all the service sends.
    """

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, raw: bytes) -> int:
        """Send a prepared request; the response's status once its body has been read."""
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        self.writer.write(raw)
        status = int((await self.reader.readline()).split(b" ", 2)[1])
        length, chunked = 0, False
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding" and b"chunked" in value.lower():
                chunked = True
        if chunked:
            while size := int((await self.reader.readline()).split(b";")[0], 16):
                await self.reader.readexactly(size + 2)
            await self.reader.readline()
        else:
            await self.reader.readexactly(length)
        return status

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            await self.writer.wait_closed()


def _prepared(method: str, path: str, body: dict | None) -> bytes:
    payload = json.dumps(body, ensure_ascii=False).encode() if body is not None else b""
    head = f"{method} {path} HTTP/1.1\r\nHost: {LOOPBACK}\r\nUser-Agent: vnextract-bench\r\n"
    if body is not None:
        head += f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n"
    return (head + "\r\n").encode() + payload


async def _level(base_url: str, method: str, path: str, bodies: list[dict], clients: int, budget: int,
                 seconds: float) -> Level:
    port = int(base_url.rsplit(":", 1)[1])
    requests = [_prepared(method, path, body) for body in bodies] if method == "POST" else [_prepared(method, path, None)]
    connections = [_Connection(LOOPBACK, port) for _ in range(clients)]
    latencies: list[float] = []
    failures = 0

    async def one(connection: _Connection, i: int) -> float:
        nonlocal failures
        start = time.perf_counter()
        status = await connection.request(requests[i % len(requests)])
        elapsed = time.perf_counter() - start
        failures += status >= 400
        return elapsed

    try:
        async def warm_up(connection: _Connection, i: int) -> None:
            for k in range(2):
                await one(connection, i + k)

        # warm-up: open every connection and let each worker serve a few requests first
        await asyncio.gather(*(warm_up(c, i) for i, c in enumerate(connections)))
        failures = issued = 0
        deadline = time.monotonic() + seconds
        began = time.perf_counter()

        async def client_loop(connection: _Connection) -> None:
            nonlocal issued
            while issued < budget and time.monotonic() < deadline:
                issued += 1
                latencies.append(await one(connection, issued))

        await asyncio.gather(*(client_loop(c) for c in connections))
        wall = time.perf_counter() - began
    finally:
        for c in connections:
            await c.close()
    return Level(endpoint=f"{method} {path}", clients=clients, requests=len(latencies), failures=failures,
                 p50_ms=_percentile(latencies, 0.50) * 1000, p99_ms=_percentile(latencies, 0.99) * 1000,
                 per_second=len(latencies) / wall)


def _percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile: the smallest value with at least `fraction` of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]
