"""Limits on what a request may send."""
from __future__ import annotations

import asyncio

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .problems import make_problem, problem_response


class BodySizeLimit:
    """413 for a request body over the limit: by its Content-Length, else by counting what arrives;
    408 for a body that takes over `timeout` seconds to arrive (a client sending a byte a second
    would otherwise hold its connection, and a worker's request, for as long as it likes).

    The body is read here (it is at most the limit) and replayed to the app, so no route ever
    sees a partial body.
    """

    def __init__(self, app: ASGIApp, max_bytes: int, timeout: float = 30.0):
        self.app, self.max_bytes, self.timeout = app, max_bytes, timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS", "DELETE"):
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._too_large(scope)(scope, receive, send)
            return
        chunks, size, more = [], 0, True
        try:
            async with asyncio.timeout(self.timeout):
                while more:
                    message = await receive()
                    if message["type"] != "http.request":  # the client went away
                        return
                    chunks.append(message.get("body", b""))
                    size += len(chunks[-1])
                    more = message.get("more_body", False)
                    if size > self.max_bytes:
                        await self._too_large(scope)(scope, receive, send)
                        return
        except TimeoutError:
            await self._too_slow(scope)(scope, receive, send)
            return
        body: list[Message] = [{"type": "http.request", "body": b"".join(chunks), "more_body": False}]

        async def replay() -> Message:
            return body.pop() if body else await receive()

        await self.app(scope, replay, send)

    def _too_slow(self, scope: Scope) -> Response:
        response = problem_response(make_problem(
            408, f"the request body did not arrive within {self.timeout:g} s", scope["path"], "body-too-slow",
            "Request body too slow"))
        response.headers["Connection"] = "close"  # the rest of the body must not be read as a next request
        return response

    def _too_large(self, scope: Scope) -> Response:
        return problem_response(make_problem(
            413, f"the request body is over the limit of {self.max_bytes} bytes", scope["path"], "body-too-large",
            "Request body too large"))
