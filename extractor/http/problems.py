"""RFC 9457 problem details: every error the service answers with, and the handlers that make them."""
from __future__ import annotations

import logging
import re
from http import HTTPStatus
from typing import Any, TypeVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, model_serializer
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import ExtractionError
from ..store import InvalidCursor, StoreUnavailable, UnstorableRecord
from .processes import WorkerFailed

PROBLEM_MEDIA_TYPE = "application/problem+json"
T = TypeVar("T")
logger = logging.getLogger("vnextract.http")


class Problem(BaseModel):
    """An RFC 9457 problem: what went wrong with a request, for people and for programs."""

    type: str = Field("about:blank", description="URI naming the kind of problem")
    title: str
    status: int
    detail: str
    instance: str | None = Field(None, description="The request path")
    code: str | None = Field(None, description="The library's error code (E001 empty input, ...)")
    errors: list[dict[str, Any]] | None = Field(None, description="Each invalid field, for 422")

    @model_serializer(mode="wrap")
    def _without_absent_members(self, handler) -> dict[str, Any]:
        return {k: v for k, v in handler(self).items() if v is not None}


class ProblemError(Exception):
    """Raised by routes and dependencies; rendered as a problem response."""

    def __init__(self, status: int, detail: str, kind: str | None = None, title: str | None = None,
                 headers: dict[str, str] | None = None):
        super().__init__(detail)
        self.status, self.detail, self.kind, self.title, self.headers = status, detail, kind, title, headers or {}


def found(value: T | None, detail: str, kind: str) -> T:
    """The value a route looked up, or a 404 problem of this kind saying what was not found."""
    if value is None:
        raise ProblemError(404, detail, kind)
    return value


def article_not_found(article_id: str) -> ProblemError:
    """The 404 of every route that names a stored article by its id."""
    return ProblemError(404, f"no stored article has the id {article_id!r}", "article-not-found")


def make_problem(status: int, detail: str, instance: str | None, kind: str | None = None,
                 title: str | None = None, **extensions: Any) -> Problem:
    """A problem of a `kind` (type urn:vnextract:problem:<kind>, titled after the kind unless a title
    is given), or a plain HTTP one (about:blank, titled with the status phrase)."""
    return Problem(type=f"urn:vnextract:problem:{kind}" if kind else "about:blank",
                   title=title or (kind.replace("-", " ").capitalize() if kind else HTTPStatus(status).phrase),
                   status=status, detail=detail, instance=instance, **extensions)


def problem_response(problem: Problem) -> JSONResponse:
    return JSONResponse(problem.model_dump(), status_code=problem.status, media_type=PROBLEM_MEDIA_TYPE)


def extraction_problem(e: ExtractionError, instance: str) -> Problem:
    """The problem for a library error: its status, message and code (EmptyInput is kind empty-input)."""
    kind = re.sub(r"(?<!^)(?=[A-Z])", "-", type(e).__name__).lower()
    return make_problem(e.status, e.message, instance, kind, code=e.code)


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the problems a route can answer with (500 too: any route can fail)."""
    return {status: {"model": Problem, "description": HTTPStatus(status).phrase,
                     "content": {PROBLEM_MEDIA_TYPE: {}}} for status in (*statuses, 500)}


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(ProblemError)
    async def _problem(request: Request, e: ProblemError) -> JSONResponse:
        response = problem_response(make_problem(e.status, e.detail, request.url.path, e.kind, e.title))
        response.headers.update(e.headers)
        return response

    @app.exception_handler(ExtractionError)
    async def _extraction(request: Request, e: ExtractionError) -> JSONResponse:
        return problem_response(extraction_problem(e, request.url.path))

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, e: RequestValidationError) -> JSONResponse:
        errors = [{"loc": list(err["loc"]), "msg": err["msg"], "type": err["type"]} for err in e.errors()]
        detail = "; ".join(f"{'.'.join(map(str, err['loc']))}: {err['msg']}" for err in errors)
        return problem_response(make_problem(422, detail or "the request is invalid", request.url.path,
                                             "invalid-request", errors=errors))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, e: StarletteHTTPException) -> JSONResponse:
        response = problem_response(make_problem(e.status_code, str(e.detail), request.url.path))
        response.headers.update(e.headers or {})  # 401's WWW-Authenticate
        if e.status_code == 405:  # Starlette's Allow names the methods of one route of the path, not all
            response.headers["Allow"] = ", ".join(sorted(_allowed_methods(request.app.router.routes, request.url.path)))
        return response

    @app.exception_handler(InvalidCursor)
    async def _cursor(request: Request, e: InvalidCursor) -> JSONResponse:
        return problem_response(make_problem(400, str(e), request.url.path, "invalid-cursor"))

    @app.exception_handler(WorkerFailed)
    async def _worker_failed(request: Request, e: WorkerFailed) -> JSONResponse:
        return problem_response(make_problem(503, str(e), request.url.path, "extraction-failed"))

    @app.exception_handler(StoreUnavailable)
    async def _store_down(request: Request, e: StoreUnavailable) -> JSONResponse:
        return problem_response(make_problem(503, "the store is unavailable; try again later", request.url.path,
                                             "store-unavailable"))

    @app.exception_handler(UnstorableRecord)
    async def _unstorable(request: Request, e: UnstorableRecord) -> JSONResponse:
        return problem_response(make_problem(422, str(e), request.url.path, "unstorable-record"))


def _allowed_methods(routes: list, path: str) -> set[str]:
    """The methods of every route matching the path (FastAPI keeps an included router whole, as one route)."""
    methods: set[str] = set()
    for route in routes:
        if (included := getattr(route, "original_router", None)) is not None:
            methods |= _allowed_methods(included.routes, path)
        elif getattr(route, "methods", None) and route.path_regex.match(path):
            methods |= route.methods
    return methods


class UnexpectedErrors:
    """A 500 problem for an exception no handler knows, logged with its traceback, on a connection
    that stays open.

    Starlette's own last-resort handler answers too, but then re-raises, and uvicorn closes the
    connection of a request whose app raised: the client's next request on it fails as well.
    This middleware sits inside that one and does not re-raise.
    """

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except Exception:
            logger.exception("unexpected error on %s %s", scope["method"], scope["path"])
            if started:  # half a response is out: nothing to do but let the server close the connection
                raise
            await problem_response(make_problem(500, "the server failed to handle the request", scope["path"]))(
                scope, receive, send)
