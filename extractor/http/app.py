"""The FastAPI app: configuration, the store and the extraction workers for its lifetime,
problem handlers, limits and routes."""
from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from .. import __version__
from ..store import open_store
from ..web import install_pages
from .dependencies import document_optional_keys
from .docs import install_docs
from .limits import BodySizeLimit
from .media import JsonBodiesOnly
from .observability import REQUEST_ID_HEADER, install_observability
from .openapi import install_openapi
from .problems import UnexpectedErrors, install_problem_handlers
from .processes import ExtractionProcesses
from .routes import extract, operations, reviews, schema, store
from .settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.store = open_store(settings.database_url)
        # Store calls block on the database, so they leave the event loop, but for two threads
        # only: in the default pool of forty, eight concurrent page reads share the GIL and all
        # finish late (measured: p99 60 ms at 8 clients, against 25-35 ms with two threads).
        app.state.store_threads = ThreadPoolExecutor(max_workers=2, thread_name_prefix="store")
        app.state.extractor = ExtractionProcesses(settings.extract_processes, settings.extract_timeout, metrics,
                                                    settings.extract_cpu_seconds)
        try:
            await app.state.extractor.start()  # every worker has compiled the rules before the first request
            yield
        finally:
            await app.state.extractor.close()
            app.state.store_threads.shutdown()
            app.state.store.close()

    app = FastAPI(title="vnextract", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="Structured records (dates, documents, awards, people, organisations, places) "
                              "from Vietnamese public-sector and trade-union news.")
    app.state.settings = settings
    app.state.anonymous_extractions = Counter()  # client address -> extractions running without a key
    # middleware added last runs first: ids and metrics cover every answer (the 500s UnexpectedErrors
    # makes too), CORS headers go on errors too
    app.add_middleware(JsonBodiesOnly)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes, timeout=settings.body_timeout)
    app.add_middleware(UnexpectedErrors)  # whatever fails inside gets a problem, and the connection stays
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST"],
                           allow_headers=["Content-Type", "X-API-Key", REQUEST_ID_HEADER],
                           expose_headers=[REQUEST_ID_HEADER, "Location"])
    metrics = install_observability(app)
    install_problem_handlers(app)
    install_docs(app)
    routers = [routes.router for routes in (extract, store, reviews, schema, operations)]
    for router in routers:
        app.include_router(router)
    install_openapi(app)
    document_optional_keys(app, settings, routers)  # after install_openapi: it edits that document
    install_pages(app)  # the review pages at /, beside the API
    return app
