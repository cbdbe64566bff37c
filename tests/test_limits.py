"""Who may extract: a key when the settings ask for one, and a limit on each anonymous client's
concurrent extractions (issue 14)."""
from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient

from service import Settings, create_app

KEY = "key-one"
ARTICLE = "Ngày 28/7/2022, 2 tập thể được Công đoàn Viên chức Việt Nam tặng Bằng khen."


def _settings(tmp_path, **overrides) -> Settings:
    return Settings(**{"DATABASE_URL": f"sqlite:///{tmp_path / 's.sqlite'}", "VNEXTRACT_API_KEYS": KEY,
                       "VNEXTRACT_EXTRACT_PROCESSES": 0, **overrides})


class HeldExtractions:
    """Stands in for the extraction workers: every extraction waits until the test releases it."""

    def __init__(self):
        self.release = threading.Event()
        self.running = 0

    async def run(self, task: str, article: dict) -> bytes:
        self.running += 1
        try:
            while not self.release.is_set():
                await asyncio.sleep(0.01)
            return b'{"tags": {}}' if task == "tags" else b"{}"
        finally:
            self.running -= 1

    async def close(self) -> None:
        """Nothing to stop."""


def test_an_anonymous_client_has_a_few_extractions_at_a_time(tmp_path):
    with TestClient(create_app(_settings(tmp_path, VNEXTRACT_ANONYMOUS_EXTRACTIONS=2))) as client, \
            ThreadPoolExecutor(4) as threads:
        held = client.app.state.extractor = HeldExtractions()
        first = [threads.submit(client.post, "/v1/extract", json={"text": ARTICLE}) for _ in range(2)]
        deadline = time.monotonic() + 10
        while held.running < 2:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        refused = client.post("/v1/tag", json={"text": ARTICLE})
        assert refused.status_code == 429 and refused.headers["retry-after"] == "1"
        assert refused.json()["type"] == "urn:vnextract:problem:too-many-extractions"
        keyed = threads.submit(client.post, "/v1/extract", json={"text": ARTICLE}, headers={"X-API-Key": KEY})
        while held.running < 3:  # a client with a key is not counted
            assert time.monotonic() < deadline
            time.sleep(0.01)
        assert client.get("/v1/articles").status_code == 200  # reads are not extractions
        held.release.set()
        assert [f.result().status_code for f in (*first, keyed)] == [200, 200, 200]
        assert client.post("/v1/extract", json={"text": ARTICLE}).status_code == 200  # the slots are free again
        assert not client.app.state.anonymous_extractions


def test_extraction_can_require_a_key(tmp_path):
    with TestClient(create_app(_settings(tmp_path, VNEXTRACT_EXTRACT_KEYS_REQUIRED=True))) as client:
        for path in ("/v1/extract", "/v1/tag"):
            assert client.post(path, json={"text": ARTICLE}).status_code == 401
            assert client.post(path, json={"text": ARTICLE}, headers={"X-API-Key": "nope"}).status_code == 403
            assert client.post(path, json={"text": ARTICLE}, headers={"X-API-Key": KEY}).status_code == 200
        assert client.post("/v1/extract/batch", json={"articles": [{"text": ARTICLE}]}).status_code == 401
        assert client.get("/v1/articles").status_code == 200  # reads stay open
        security = {(path, method): operation.get("security")
                    for path, operations in client.get("/openapi.json").json()["paths"].items()
                    for method, operation in operations.items()}
        assert security[("/v1/extract", "post")] == [{"APIKeyHeader": []}]
        assert security[("/v1/articles", "get")] == [{}, {"APIKeyHeader": []}]  # a key is optional there
        assert security[("/v1/articles", "post")] == [{"APIKeyHeader": []}]


def test_without_settings_a_key_is_optional_for_extraction_and_documented_so(tmp_path):
    with TestClient(create_app(_settings(tmp_path))) as client:
        operation = client.get("/openapi.json").json()["paths"]["/v1/extract"]["post"]
        assert operation["security"] == [{}, {"APIKeyHeader": []}]
        assert {"400", "408", "413", "422", "429", "500", "503"} <= operation["responses"].keys()


def test_an_article_over_the_cpu_limit_gets_a_problem_and_the_worker_serves_the_next(tmp_path):
    """VNEXTRACT_EXTRACT_CPU_SECONDS bounds the CPU one request may use (issue 14: no request
    within the size limits may use more than 5 s); the worker is not lost for it."""
    long_article = "\n".join(f"Ngày {d % 28 + 1}/{d % 12 + 1}/20{d % 25:02d}, ông Nguyễn Văn An dự hội nghị."
                             for d in range(6000))
    settings = _settings(tmp_path, VNEXTRACT_EXTRACT_PROCESSES=1, VNEXTRACT_EXTRACT_CPU_SECONDS=0.05)
    with TestClient(create_app(settings)) as client:
        over = client.post("/v1/extract", json={"text": long_article})
        assert over.status_code == 503, over.text
        assert over.json()["code"] == "E008" and over.headers["content-type"] == "application/problem+json"
        short = client.post("/v1/extract", json={"text": ARTICLE})
        assert short.status_code == 200 and short.json()["awards"][0]["collectives"] == 2


def test_the_cpu_limit_defaults_to_five_seconds(tmp_path):
    assert Settings().extract_cpu_seconds == 5.0
