"""What operators see: a request id on every response and log line, and Prometheus metrics.

The request id is the caller's `X-Request-ID` when it is a sane token (letters, digits and
`._:-`, at most 128), else a fresh one; it is answered in the same header and put on every log
record made while the request runs (`%(request_id)s`; "-" outside requests), uvicorn's access
line included. Metrics live in a registry of the app's own, served at /metrics.
"""
from __future__ import annotations

import logging
import re
import time
import uuid
from contextvars import ContextVar

from fastapi import FastAPI
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID_HEADER = "X-Request-ID"
_SANE_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
request_id: ContextVar[str] = ContextVar("request_id", default="-")

class Metrics:
    """The service's metrics, in a registry of their own (one per app, so apps in tests don't clash)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("vnextract_http_requests", "HTTP requests answered, by route and status",
                                ["method", "route", "status"], registry=self.registry)
        self.latency = Histogram("vnextract_http_request_seconds", "Time to answer an HTTP request, by route",
                                 ["method", "route"], registry=self.registry,
                                 buckets=(.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60))
        self.extraction = Histogram("vnextract_extraction_seconds", "Time of one extraction task in a worker, "
                                    "waiting for the worker excluded", ["task"], registry=self.registry,
                                    buckets=(.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 5, 30, 60))
        self.queue_depth = Gauge("vnextract_extraction_queue_depth",
                                 "Extraction requests waiting for an idle worker process", registry=self.registry)
        self.worker_restarts = Counter("vnextract_extraction_worker_restarts",
                                       "Worker processes replaced after dying or overrunning the time limit",
                                       registry=self.registry)


def _route_of(scope: Scope) -> str:
    """The route's template ("/v1/articles/{article_id}"), so ids do not make a label each."""
    route = scope.get("route")
    return getattr(route, "path", None) or "unmatched"


class RequestContext:
    """Request id in, out and on log records; request count and latency per route."""

    def __init__(self, app: ASGIApp, metrics: Metrics):
        self.app, self.metrics = app, metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(REQUEST_ID_HEADER.lower().encode(), b"").decode("latin-1")
        rid = incoming if _SANE_ID.fullmatch(incoming) else uuid.uuid4().hex
        token = request_id.set(rid)
        started, status = time.perf_counter(), 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            route = _route_of(scope)
            self.metrics.requests.labels(scope["method"], route, str(status)).inc()
            self.metrics.latency.labels(scope["method"], route).observe(time.perf_counter() - started)
            request_id.reset(token)


def log_request_ids() -> None:
    """Make every log record carry the current request id, as `request_id` (once per process)."""
    make = logging.getLogRecordFactory()
    if getattr(make, "_with_request_id", False):
        return

    def factory(*args, **kwargs) -> logging.LogRecord:
        record = make(*args, **kwargs)
        record.request_id = request_id.get()
        return record

    factory._with_request_id = True
    logging.setLogRecordFactory(factory)


def install_observability(app: FastAPI) -> Metrics:
    """Request ids, metrics and /metrics on the app; returns the metrics for the parts that count."""
    log_request_ids()
    metrics = Metrics()
    app.add_middleware(RequestContext, metrics=metrics)

    @app.get("/metrics", include_in_schema=False)
    async def prometheus_metrics() -> Response:
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    return metrics


def uvicorn_log_config() -> dict:
    """uvicorn's logging, with the request id on every line (`vnextract serve`)."""
    from uvicorn.config import LOGGING_CONFIG

    config = {**LOGGING_CONFIG, "formatters": {name: {**formatter} for name, formatter in LOGGING_CONFIG["formatters"].items()}}
    config["formatters"]["default"]["fmt"] = "%(levelprefix)s [%(request_id)s] %(message)s"
    config["formatters"]["access"]["fmt"] = ('%(levelprefix)s [%(request_id)s] %(client_addr)s - '
                                             '"%(request_line)s" %(status_code)s')
    return config
