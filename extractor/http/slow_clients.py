"""A limit on the time a request's head (request line and headers) may take to arrive.

uvicorn times out a keep-alive connection that stays silent after a response, but not one that
sends its head a byte at a time: such a client holds its connection, and with many of them the
server's, for as long as it likes. The head arrives before any ASGI app sees the request, so the
limit lives in the HTTP protocol: a subclass of uvicorn's httptools protocol, used by
`vnextract serve` (or `uvicorn service:app --http extractor.http.slow_clients:HeadTimeoutProtocol`).
The body's limit is the app's (`limits.BodySizeLimit`), where the body is read.
"""
from __future__ import annotations

import asyncio
import json
import os

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

#: Seconds a client may take to send a request's head, from its connection or its last response.
DEFAULT_HEAD_TIMEOUT = 10.0


def _timeout_response(seconds: float) -> bytes:
    body = json.dumps({"type": "about:blank", "title": "Request Timeout", "status": 408,
                       "detail": f"the request's head did not arrive within {seconds:g} s"}).encode()
    return (b"HTTP/1.1 408 Request Timeout\r\ncontent-type: application/problem+json\r\nconnection: close\r\n"
            b"content-length: " + str(len(body)).encode() + b"\r\n\r\n" + body)


class HeadTimeoutProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, answering 408 and closing when a head takes over `head_timeout`
    seconds (VNEXTRACT_HEAD_TIMEOUT, default 10)."""

    head_timeout: float | None = None  # read from the environment at the first connection

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if type(self).head_timeout is None:
            type(self).head_timeout = float(os.environ.get("VNEXTRACT_HEAD_TIMEOUT", DEFAULT_HEAD_TIMEOUT))
        self._head_timer: asyncio.TimerHandle | None = None
        self._await_head()

    def on_headers_complete(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.pipeline and not self.transport.is_closing():
            self._await_head()  # the next request's head is on the clock too

    def connection_lost(self, exc: Exception | None) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
        super().connection_lost(exc)

    def _await_head(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
        self._head_timer = self.loop.call_later(self.head_timeout, self._head_too_slow)

    def _head_too_slow(self) -> None:
        self._head_timer = None
        if self.transport.is_closing() or (self.cycle is not None and not self.cycle.response_complete):
            return
        self.transport.write(_timeout_response(self.head_timeout))
        self.transport.close()


def head_timeout_protocol(seconds: float) -> type[HeadTimeoutProtocol]:
    """The protocol with a head timeout of `seconds` (for servers started in code)."""
    return type("HeadTimeoutProtocol", (HeadTimeoutProtocol,), {"head_timeout": seconds})
