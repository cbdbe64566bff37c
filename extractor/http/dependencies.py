"""What routes depend on: access by API key, and the store's calls off the event loop."""
from __future__ import annotations

import asyncio
import hmac
from typing import Annotated, Any

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader

from ..store import Store
from .problems import ProblemError


_api_key = APIKeyHeader(name="X-API-Key", auto_error=False, description="A key from VNEXTRACT_API_KEYS")


def _check_key(presented: str | None, keys: list[str]) -> None:
    if not presented:
        raise ProblemError(401, "this request needs an API key in the X-API-Key header", "api-key-missing",
                           "API key missing")
    matched = False
    for key in keys:  # every key compared, in constant time each
        matched |= hmac.compare_digest(presented.encode(), key.encode())
    if not matched:
        raise ProblemError(403, "the API key is not accepted", "api-key-refused", "API key refused")


# These dependencies are `async` though they never await: FastAPI runs a plain `def` in its thread
# pool, and a thread hop per dependency would cost more than what they do.

async def write_access(request: Request, key: Annotated[str | None, Security(_api_key)]) -> None:
    _check_key(key, request.app.state.settings.api_keys)


async def read_access(request: Request, key: Annotated[str | None, Security(_api_key)]) -> None:
    if request.app.state.settings.read_keys_required:
        _check_key(key, request.app.state.settings.api_keys)


class StoreCalls:
    """The app's store, each call run on the store threads and awaited."""

    def __init__(self, request: Request):
        self._store: Store = request.app.state.store
        self._threads = request.app.state.store_threads

    def __getattr__(self, name: str):
        method = getattr(self._store, name)

        async def call(*args: Any) -> Any:
            return await asyncio.get_running_loop().run_in_executor(self._threads, method, *args)

        return call


async def current_store(request: Request) -> StoreCalls:
    return StoreCalls(request)


StoreDep = Annotated[StoreCalls, Depends(current_store)]
