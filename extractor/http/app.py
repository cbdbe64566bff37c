"""The FastAPI app: configuration, the store and the extraction workers for its lifetime,
problem handlers, limits and routes."""
from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager

from fastapi import FastAPI

from .. import __version__
from ..store import open_store
from .dependencies import document_optional_keys
from .limits import BodySizeLimit
from .problems import UnexpectedErrors, install_problem_handlers
from .processes import ExtractionProcesses
from .routes import extract, operations, store
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
    app.state.anonymous_extractions = Counter()  # client address -> extractions running without a key
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes, timeout=settings.body_timeout)
    app.add_middleware(UnexpectedErrors)  # outermost of ours: whatever fails inside gets a problem
    install_problem_handlers(app)
    routers = [routes.router for routes in (extract, store, operations)]
    for router in routers:
        app.include_router(router)
    document_optional_keys(app, settings, routers)
    return app
