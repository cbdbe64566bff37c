"""What FastAPI users expect of the service: offline docs, CORS, 405 with Allow, 415, problem
media types in OpenAPI, Prometheus metrics and request ids."""
from __future__ import annotations

import asyncio
import logging
import os
import re
import signal

import pytest
from fastapi.testclient import TestClient

from extractor.http.observability import Metrics, request_id, uvicorn_log_config
from extractor.http.processes import ExtractionProcesses, WorkerFailed
from service import create_app
from test_service import ARTICLE, _is_problem, _settings


@pytest.fixture
def client(tmp_path):
    with TestClient(create_app(_settings(tmp_path))) as c:
        yield c


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_pages_load_every_asset_from_the_service_itself(client, page):
    html = client.get(page)
    assert html.status_code == 200
    assert not re.search(r"https?://|//cdn", html.text), "a docs page must not load anything from another host"
    assets = re.findall(r'(?:src|href)="([^"]+)"', html.text)
    assert any(a.endswith(".js") for a in assets)
    for asset in assets:
        assert asset.startswith("/"), asset
        served = client.get(asset)
        assert served.status_code == 200 and len(served.content) > 1000, asset
    assert client.get("/openapi.json").status_code == 200


def test_no_cors_unless_origins_are_configured(client, tmp_path):
    preflight = {"Origin": "https://portal.example", "Access-Control-Request-Method": "POST"}
    assert "access-control-allow-origin" not in client.options("/v1/extract", headers=preflight).headers
    settings = _settings(tmp_path, VNEXTRACT_CORS_ORIGINS="https://portal.example, https://other.example")
    with TestClient(create_app(settings)) as c:
        allowed = c.options("/v1/extract", headers={**preflight, "Access-Control-Request-Headers": "content-type"})
        assert allowed.headers["access-control-allow-origin"] == "https://portal.example"
        answer = c.post("/v1/extract", json={"text": ARTICLE}, headers={"Origin": "https://portal.example"})
        assert answer.headers["access-control-allow-origin"] == "https://portal.example"
        assert "X-Request-ID" in answer.headers["access-control-expose-headers"]
        stranger = c.options("/v1/extract", headers={**preflight, "Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in stranger.headers


def test_a_wrong_method_is_405_with_allow(client):
    response = client.get("/v1/extract")
    _is_problem(response, 405)
    assert response.headers["allow"] == "POST"


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "text/html"])
def test_a_body_that_is_not_json_is_415(client, content_type):
    response = client.post("/v1/extract", content=ARTICLE.encode(), headers={"Content-Type": content_type})
    assert _is_problem(response, 415)["type"] == "urn:vnextract:problem:unsupported-media-type"
    assert response.headers["accept-post"] == "application/json"
    assert client.post("/v1/extract", content='{"text": "Ngày 28/7/2022."}'.encode(),
                       headers={"Content-Type": "application/json; charset=utf-8"}).status_code == 200


def test_openapi_documents_every_error_as_a_problem(client):
    schema = client.get("/openapi.json").json()
    errors = [(path, method, status, response) for path, operations in schema["paths"].items()
              for method, operation in operations.items() for status, response in operation["responses"].items()
              if status[0] in "45"]
    assert len(errors) > 20
    for path, method, status, response in errors:
        assert response["content"] == {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}, \
            (path, method, status)
    assert "HTTPValidationError" not in schema["components"]["schemas"]


def test_metrics_count_requests_per_route_and_time_extraction(client):
    record = client.post("/v1/extract", json={"text": ARTICLE}).json()
    assert client.post("/v1/articles", json={"text": ARTICLE}, headers={"X-API-Key": "key-one"}).status_code == 201
    assert client.get(f"/v1/articles/{record['id']}").status_code == 200
    assert client.get("/v1/articles/nope").status_code == 404
    text = client.get("/metrics").text
    assert 'vnextract_http_requests_total{method="POST",route="/v1/extract",status="200"} 1.0' in text
    # one series per route, whatever the id in the path
    assert 'vnextract_http_requests_total{method="GET",route="/v1/articles/{article_id}",status="200"} 1.0' in text
    assert 'vnextract_http_requests_total{method="GET",route="/v1/articles/{article_id}",status="404"} 1.0' in text
    assert 'vnextract_http_request_seconds_count{method="POST",route="/v1/extract"} 1.0' in text
    assert 'vnextract_extraction_seconds_count{task="record"} 2.0' in text
    assert "vnextract_extraction_queue_depth 0.0" in text
    assert "vnextract_extraction_worker_restarts_total 0.0" in text


def test_worker_metrics_count_restarts_and_leave_no_queue():
    metrics = Metrics()

    async def scenario():
        pool = ExtractionProcesses(1, metrics=metrics)
        await pool.start()
        try:
            (worker,) = pool._workers
            os.kill(worker.process.pid, signal.SIGKILL)
            with pytest.raises(WorkerFailed):
                await pool.run("record", {"text": ARTICLE})
            await pool.record({"text": ARTICLE})  # served by the replacement
        finally:
            await pool.close()

    asyncio.run(scenario())
    value = metrics.registry.get_sample_value
    assert value("vnextract_extraction_worker_restarts_total") == 1
    assert value("vnextract_extraction_seconds_count", {"task": "record"}) == 1
    assert value("vnextract_extraction_queue_depth") == 0


def test_every_response_carries_a_request_id_and_honours_a_sane_one(client):
    fresh = client.get("/healthz").headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", fresh)
    assert client.get("/healthz").headers["x-request-id"] != fresh
    assert client.get("/healthz", headers={"X-Request-ID": "portal-42.a:b"}).headers["x-request-id"] == "portal-42.a:b"
    for insane in ("a b", "x" * 200, "<script>"):
        assert client.get("/healthz", headers={"X-Request-ID": insane}).headers["x-request-id"] != insane
    assert "x-request-id" in client.get("/v1/nowhere").headers  # problems too
    assert "x-request-id" in client.post("/v1/extract", content=b"x", headers={"Content-Type": "text/plain"}).headers


def test_log_lines_made_during_a_request_carry_its_id(tmp_path, caplog):
    app = create_app(_settings(tmp_path))

    @app.get("/logs-something")
    async def logs_something() -> dict:
        logging.getLogger("vnextract.test").warning("inside")
        return {}

    with TestClient(app) as c, caplog.at_level(logging.WARNING, logger="vnextract.test"):
        answered = c.get("/logs-something", headers={"X-Request-ID": "req-7"})
    (record,) = [r for r in caplog.records if r.getMessage() == "inside"]
    assert answered.headers["x-request-id"] == record.request_id == "req-7"
    assert logging.getLogger().makeRecord("x", logging.INFO, "f", 1, "outside", None, None).request_id == "-"
    assert request_id.get() == "-"
    config = uvicorn_log_config()
    assert all("%(request_id)s" in f["fmt"] for f in config["formatters"].values())
