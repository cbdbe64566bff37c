"""What routes depend on: access by API key, the limit on anonymous extractions, and the store's
calls off the event loop."""
from __future__ import annotations

import asyncio
import hmac
from collections import Counter
from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request, Security
from fastapi.routing import APIRoute
from fastapi.security import APIKeyHeader

from ..store import Store
from .problems import ProblemError
from .settings import Settings

_api_key = APIKeyHeader(name="X-API-Key", auto_error=False, description="A key from VNEXTRACT_API_KEYS")


def _accepted(presented: str, keys: list[str]) -> bool:
    matched = False
    for key in keys:  # every key compared, in constant time each
        matched |= hmac.compare_digest(presented.encode(), key.encode())
    return matched


def _check_key(presented: str | None, keys: list[str]) -> None:
    if not presented:
        raise ProblemError(401, "this request needs an API key in the X-API-Key header", "api-key-missing",
                           "API key missing")
    if not _accepted(presented, keys):
        raise ProblemError(403, "the API key is not accepted", "api-key-refused", "API key refused")


# These dependencies are `async` though they never await: FastAPI runs a plain `def` in its thread
# pool, and a thread hop per dependency would cost more than what they do.

async def write_access(request: Request, key: Annotated[str | None, Security(_api_key)]) -> None:
    _check_key(key, request.app.state.settings.api_keys)


async def read_access(request: Request, key: Annotated[str | None, Security(_api_key)]) -> None:
    if request.app.state.settings.read_keys_required:
        _check_key(key, request.app.state.settings.api_keys)


async def extract_access(request: Request, key: Annotated[str | None, Security(_api_key)]) -> AsyncIterator[None]:
    """A key when the settings require one; without a key, at most `anonymous_extractions` requests
    of one client address extract at a time (429 for more), so that no anonymous client can take
    every worker."""
    settings: Settings = request.app.state.settings
    if _extract_keys_required(settings):
        _check_key(key, settings.api_keys)
    limit = settings.anonymous_extractions
    if not limit or (key and _accepted(key, settings.api_keys)):
        yield
        return
    client = request.client.host if request.client else "unknown"
    running: Counter[str] = request.app.state.anonymous_extractions
    if running[client] >= limit:
        raise ProblemError(429, f"this client already has {limit} extractions running without an API key; "
                                "wait for one to finish, or send a key", "too-many-extractions",
                           headers={"Retry-After": "1"})
    running[client] += 1
    try:
        yield
    finally:
        running[client] -= 1
        if not running[client]:
            del running[client]


def _extract_keys_required(settings: Settings) -> bool:
    return settings.read_keys_required or settings.extract_keys_required


#: The access dependencies a key is optional for, and when it is required after all.
_KEY_REQUIRED_WHEN: dict[Callable, Callable[[Settings], bool]] = {
    read_access: lambda settings: settings.read_keys_required,
    extract_access: _extract_keys_required,
}


def document_optional_keys(app: FastAPI, settings: Settings, routers: list[APIRouter]) -> None:
    """Declare in the OpenAPI document the operations of these routers that take a key but do not need
    one under these settings (`security: [{}, {APIKeyHeader: []}]`), so that a client, or a fuzzer,
    reads the truth."""
    optional = {(route.path_format, method.lower()) for router in routers for route in router.routes
                if isinstance(route, APIRoute) for method in route.methods
                if any(dependency.dependency in _KEY_REQUIRED_WHEN
                       and not _KEY_REQUIRED_WHEN[dependency.dependency](settings)
                       for dependency in route.dependencies)}
    make_document = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = make_document()
            for path, operations in document.get("paths", {}).items():
                for method, operation in operations.items():
                    if (path, method) in optional and operation.get("security"):
                        operation["security"] = [{}, *operation["security"]]
        return app.openapi_schema

    app.openapi = openapi


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
