"""The vnextract HTTP service: a thin layer over `extractor.extract`, `extractor.tags` and `extractor.store`.

Run it with `vnextract serve` (or `uvicorn service:app`); OpenAPI docs are at /docs.
Configuration comes from the environment (see `Settings`). Every error is an RFC 9457 problem
(application/problem+json). Writes need an API key in X-API-Key; reads are public unless
VNEXTRACT_READ_KEYS_REQUIRED is set.
"""
from __future__ import annotations

import asyncio
import hmac
import json
import os
import re
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from datetime import date
from http import HTTPStatus
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query, Request, Response, Security
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import APIKeyHeader
from pydantic import BaseModel, Field, field_validator, model_serializer, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from extractor import ExtractionError, Record, __version__
from extractor.store import (DEFAULT_PAGE, DEFAULT_URL, MAX_PAGE, ArticleQuery, DocumentView, InvalidCursor,
                             OrganizationSummary, PersonSummary, Store, StoreUnavailable, open_store)
from extractor.processes import ExtractionProcesses, WorkerFailed
from extractor.tags import TaggedPost

PROBLEM_MEDIA_TYPE = "application/problem+json"
MAX_BATCH = 100


class Settings(BaseSettings):
    """The service's configuration, from environment variables of these names."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    database_url: str = Field(DEFAULT_URL, alias="DATABASE_URL")
    api_keys: Annotated[list[str], NoDecode] = Field(
        default_factory=list, alias="VNEXTRACT_API_KEYS", description="Comma-separated keys that may write")
    read_keys_required: bool = Field(False, alias="VNEXTRACT_READ_KEYS_REQUIRED")
    max_body_bytes: int = Field(2_000_000, alias="VNEXTRACT_MAX_BODY_BYTES", gt=0)
    extract_processes: int = Field(default_factory=lambda: os.cpu_count() or 1, alias="VNEXTRACT_EXTRACT_PROCESSES", ge=0,
                                   description="Worker processes running extract(); 0 runs it in the server process")
    extract_timeout: float = Field(60.0, alias="VNEXTRACT_EXTRACT_TIMEOUT", gt=0,
                                   description="Seconds one article may take before its worker is replaced")

    @field_validator("api_keys", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        return [k.strip() for k in value.split(",") if k.strip()] if isinstance(value, str) else value


# ---- problem details (RFC 9457) ------------------------------------------------------------

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

    def __init__(self, status: int, detail: str, kind: str | None = None, title: str | None = None):
        super().__init__(detail)
        self.status, self.detail, self.kind, self.title = status, detail, kind, title


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


def _problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the problems a route can answer with."""
    return {status: {"model": Problem, "description": HTTPStatus(status).phrase,
                     "content": {PROBLEM_MEDIA_TYPE: {}}} for status in statuses}


def _install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(ProblemError)
    async def _problem(request: Request, e: ProblemError) -> JSONResponse:
        return problem_response(make_problem(e.status, e.detail, request.url.path, e.kind, e.title))

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
        return problem_response(make_problem(e.status_code, str(e.detail), request.url.path))

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

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, e: Exception) -> JSONResponse:
        return problem_response(make_problem(500, "the server failed to handle the request", request.url.path))


# ---- request size ------------------------------------------------------------------------

class BodySizeLimit:
    """413 for a request body over the limit: by its Content-Length, else by counting what arrives.

    The body is read here (it is at most the limit) and replayed to the app, so no route ever
    sees a partial body.
    """

    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS", "DELETE"):
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._too_large(scope)(scope, receive, send)
            return
        chunks, size, more = [], 0, True
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
        body: list[Message] = [{"type": "http.request", "body": b"".join(chunks), "more_body": False}]

        async def replay() -> Message:
            return body.pop() if body else await receive()

        await self.app(scope, replay, send)

    def _too_large(self, scope: Scope) -> JSONResponse:
        return problem_response(make_problem(
            413, f"the request body is over the limit of {self.max_bytes} bytes", scope["path"], "body-too-large",
            "Request body too large"))


# ---- access --------------------------------------------------------------------------------

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


# ---- bodies --------------------------------------------------------------------------------

class ArticleIn(BaseModel):
    """One article: its plain text or its HTML page, and what the caller knows about it."""

    text: str | None = Field(None, description="The article as plain text; offsets point into it")
    html: str | None = Field(None, description="The article's HTML page; offsets point into the record's `text`")
    url: str | None = Field(None, max_length=2048, description="Where it was published; kept in `source.url`")
    published_at: date | None = Field(None, description="Publication day to assume when the article has no dateline")

    @model_validator(mode="after")
    def _text_or_html(self) -> ArticleIn:
        if (self.text is None) == (self.html is None):
            raise ValueError("send the article as `text` or as `html` (one of them)")
        return self

    def payload(self) -> dict[str, Any]:
        """The article as the extraction workers take it (`extractor.processes.article_record`)."""
        return self.model_dump(mode="json", exclude_none=True)


class BatchIn(BaseModel):
    articles: list[ArticleIn] = Field(min_length=1, max_length=MAX_BATCH)


class BatchItem(BaseModel):
    """The record of one article of a batch, or the problem that kept it from having one."""

    record: Record | None = None
    problem: Problem | None = None


class BatchOut(BaseModel):
    results: list[BatchItem] = Field(description="One per article, in the order sent")


class ArticlePage(BaseModel):
    items: list[Record]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page")


class ArticlePageQuery(ArticleQuery):
    cursor: str | None = Field(None, description="next_cursor of the previous page")
    limit: int = Field(DEFAULT_PAGE, ge=1, le=MAX_PAGE)


class People(BaseModel):
    items: list[PersonSummary]


class Organizations(BaseModel):
    items: list[OrganizationSummary]


# ---- the app -------------------------------------------------------------------------------

def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.store = open_store(settings.database_url)
        # Store calls block on the database, so they leave the event loop, but for two threads
        # only: in the default pool of forty, eight concurrent page reads share the GIL and all
        # finish late (measured: p99 60 ms at 8 clients, against 25-35 ms with two threads).
        app.state.store_threads = ThreadPoolExecutor(max_workers=2, thread_name_prefix="store")
        app.state.extractor = ExtractionProcesses(settings.extract_processes, settings.extract_timeout)
        try:
            await app.state.extractor.start()  # every worker has compiled the rules before the first request
            yield
        finally:
            await app.state.extractor.close()
            app.state.store_threads.shutdown()
            app.state.store.close()

    app = FastAPI(title="vnextract", version=__version__, lifespan=lifespan,
                  description="Structured records (dates, documents, awards, people, organisations, places) "
                              "from Vietnamese public-sector and trade-union news.")
    app.state.settings = settings
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    _install_problem_handlers(app)
    _add_routes(app)
    return app


def json_response(body: BaseModel | str | bytes, status_code: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A model (or JSON already made) as the response, serialised once by pydantic's own encoder.

    Returning a model instead would make FastAPI dump it, validate the dump against the response
    model and encode it again in Python: several times the cost of extracting a seed article.
    The routes still declare `response_model`, so the OpenAPI schema is unchanged.
    """
    content = body if isinstance(body, (str, bytes)) else body.model_dump_json()
    return Response(content, status_code=status_code, media_type="application/json", headers=headers)


def _add_routes(app: FastAPI) -> None:
    reads = [Depends(read_access)]

    @app.post("/v1/extract", dependencies=reads, response_model=Record,
              responses=_problems(401, 403, 413, 415, 422, 503), tags=["extract"])
    async def extract_article(article: ArticleIn, request: Request) -> Response:
        """The record of one article (nothing is stored)."""
        return json_response(await request.app.state.extractor.run("record", article.payload()))

    @app.post("/v1/extract/batch", dependencies=reads, response_model=BatchOut,
              responses=_problems(401, 403, 413, 422, 503), tags=["extract"])
    async def extract_batch(batch: BatchIn, request: Request) -> Response:
        """The records of up to 100 articles, extracted in parallel; an article that fails gets a
        problem in its place."""
        async def one(i: int, article: ArticleIn) -> BatchItem:
            try:
                return BatchItem(record=await request.app.state.extractor.record(article.payload()))
            except ExtractionError as e:
                return BatchItem(problem=extraction_problem(e, f"{request.url.path}#/articles/{i}"))

        return json_response(BatchOut(results=await asyncio.gather(*(one(i, a) for i, a in enumerate(batch.articles)))))

    @app.post("/v1/tag", dependencies=reads, response_model=TaggedPost,
              responses=_problems(401, 403, 413, 415, 422, 503), tags=["extract"])
    async def tag_post(article: ArticleIn, request: Request) -> Response:
        """A post's auto-tags (organisations, places, document types, award kinds) with their offsets."""
        return json_response(await request.app.state.extractor.run("tags", article.payload()))

    @app.post("/v1/articles", status_code=201, dependencies=[Depends(write_access)], response_model=Record,
              responses={200: {"model": Record, "description": "Stored already; the stored record"},
                         **_problems(401, 403, 413, 415, 422, 503)}, tags=["store"])
    async def store_article(article: ArticleIn, store: StoreDep, request: Request) -> Response:
        """Extract and store an article: 201 when new, 200 when the same article is stored already."""
        record = await request.app.state.extractor.record(article.payload())
        headers = {"Location": f"/v1/articles/{record.id}"}
        if await store.put(record):
            return json_response(record, 201, headers)
        return json_response(await store.get_json(record.id) or record, 200, headers)

    @app.get("/v1/articles", dependencies=reads, response_model=ArticlePage,
             responses=_problems(400, 401, 403, 422, 503), tags=["store"])
    async def list_articles(params: Annotated[ArticlePageQuery, Query()], store: StoreDep) -> Response:
        """Stored articles matching every filter given, a page at a time, in storage order."""
        filters = ArticleQuery.model_validate(params.model_dump(exclude={"cursor", "limit"}))
        items, next_cursor = await store.query_json(filters, params.cursor, params.limit)
        # the page is written around the records' stored JSON, which is never parsed here
        return json_response(b'{"items":[' + b",".join(items) + b'],"next_cursor":' + json.dumps(next_cursor).encode() + b"}")

    @app.get("/v1/articles/{article_id}", dependencies=reads, response_model=Record,
             responses=_problems(401, 403, 404, 503), tags=["store"])
    async def get_article(article_id: str, store: StoreDep) -> Response:
        stored = await store.get_json(article_id)
        if stored is None:
            raise ProblemError(404, f"no stored article has the id {article_id!r}", "article-not-found")
        return json_response(stored)

    @app.get("/v1/documents/{number:path}", dependencies=reads, response_model=DocumentView,
             responses=_problems(401, 403, 404, 503), tags=["store"])
    async def get_document(number: str, store: StoreDep) -> Response:
        """A document and every stored article citing it; "9/NQ-CDVC" finds "09/NQ-CĐVC"."""
        document = await store.document(number)
        if document is None:
            raise ProblemError(404, f"no stored article cites a document numbered {number!r}", "document-not-found")
        return json_response(document)

    @app.get("/v1/people", dependencies=reads, response_model=People,
             responses=_problems(401, 403, 422, 503), tags=["store"])
    async def list_people(store: StoreDep, q: Annotated[str | None, Query(description="Part of the name")] = None,
                    limit: Annotated[int, Query(ge=1, le=500)] = 50) -> Response:
        """People named in stored articles, most-named first, with their titles (case and diacritics ignored)."""
        return json_response(People(items=await store.people(q, limit)))

    @app.get("/v1/organizations", dependencies=reads, response_model=Organizations,
             responses=_problems(401, 403, 422, 503), tags=["store"])
    async def list_organizations(store: StoreDep, q: Annotated[str | None, Query(description="Part of the name")] = None,
                           limit: Annotated[int, Query(ge=1, le=500)] = 50) -> Response:
        """Organisations named in stored articles, most-named first (case and diacritics ignored)."""
        return json_response(Organizations(items=await store.organizations(q, limit)))

    @app.get("/healthz", tags=["operations"])
    async def healthz() -> dict[str, str]:
        """The process is up."""
        return {"status": "ok"}

    @app.get("/readyz", responses=_problems(503), tags=["operations"])
    async def readyz(store: StoreDep) -> dict[str, str]:
        """The store answers."""
        if not await store.ping():
            raise ProblemError(503, "the store does not answer", "store-unavailable")
        return {"status": "ready"}


app = create_app()
