"""extract() in worker processes (extractor/http/processes.py), alone and behind the service."""
from __future__ import annotations

import asyncio
import os
import signal

import pytest
from fastapi.testclient import TestClient

from extractor import extract
from extractor.errors import EmptyInput
from extractor.http.processes import ExtractionProcesses, WorkerFailed, run_task
from service import Settings, create_app

ARTICLE = ("Ngày 28/7/2022, Công đoàn Viên chức tỉnh Hải Dương tổ chức Hội nghị. 2 tập thể, 5 cá nhân được "
           "Công đoàn Viên chức Việt Nam tặng Bằng khen.")


def _run(coroutine_function):
    return asyncio.run(coroutine_function())


def test_workers_return_what_extract_returns():
    async def scenario():
        pool = ExtractionProcesses(2)
        await pool.start()
        try:
            records = await asyncio.gather(*(pool.record({"text": ARTICLE}) for _ in range(6)))
            tags = await pool.run("tags", {"text": ARTICLE})
        finally:
            await pool.close()
        return records, tags

    records, tags = _run(scenario)
    assert all(r == extract(ARTICLE) for r in records)
    assert tags == run_task("tags", {"text": ARTICLE})


def test_an_extraction_error_comes_back_as_itself_and_the_worker_stays():
    async def scenario():
        pool = ExtractionProcesses(1)
        await pool.start()
        try:
            with pytest.raises(EmptyInput, match="empty"):
                await pool.run("record", {"text": "   "})
            return await pool.record({"text": ARTICLE})
        finally:
            await pool.close()

    assert _run(scenario).awards[0].recipients == 7


def test_a_worker_that_dies_on_a_request_fails_it_and_is_replaced():
    async def scenario():
        pool = ExtractionProcesses(1)
        await pool.start()
        try:
            (worker,) = pool._workers
            request = asyncio.ensure_future(pool.run("record", {"text": ARTICLE * 3000}))  # a second or more
            await asyncio.sleep(0.2)
            os.kill(worker.process.pid, signal.SIGKILL)
            with pytest.raises(WorkerFailed):
                await request
            return await pool.record({"text": ARTICLE})  # served by the replacement
        finally:
            await pool.close()

    assert _run(scenario) == extract(ARTICLE)


def test_a_worker_that_died_idle_fails_no_request():
    async def scenario():
        pool = ExtractionProcesses(1)
        await pool.start()
        try:
            (worker,) = pool._workers
            os.kill(worker.process.pid, signal.SIGKILL)
            await asyncio.get_running_loop().run_in_executor(None, worker.process.join)
            record = await pool.record({"text": ARTICLE})  # waits for the replacement instead of failing
            (replacement,) = pool._workers
            return record, replacement is not worker
        finally:
            await pool.close()

    record, replaced = _run(scenario)
    assert record == extract(ARTICLE) and replaced


def test_a_worker_over_the_time_limit_is_replaced():
    async def scenario():
        pool = ExtractionProcesses(1, timeout=0.5)
        await pool.start()
        try:
            (worker,) = pool._workers
            os.kill(worker.process.pid, signal.SIGSTOP)  # a worker that never answers
            with pytest.raises(WorkerFailed, match="replaced"):
                await pool.run("record", {"text": ARTICLE})
            return await pool.record({"text": ARTICLE})
        finally:
            await pool.close()

    assert _run(scenario) == extract(ARTICLE)


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    folder = tmp_path_factory.mktemp("service")
    settings = Settings(DATABASE_URL=f"sqlite:///{folder / 'service.sqlite'}", VNEXTRACT_API_KEYS="key",
                        VNEXTRACT_EXTRACT_PROCESSES=2)
    with TestClient(create_app(settings)) as c:
        yield c


def test_the_service_extracts_in_its_workers(client):
    response = client.post("/v1/extract", json={"text": ARTICLE})
    assert response.status_code == 200
    assert response.json() == extract(ARTICLE).model_dump(mode="json")
    batch = client.post("/v1/extract/batch", json={"articles": [{"text": ARTICLE}, {"text": " "}, {"text": ARTICLE}]})
    results = batch.json()["results"]
    assert [r["record"] is not None for r in results] == [True, False, True]
    assert results[1]["problem"]["status"] == 422
    assert client.post("/v1/tag", json={"text": ARTICLE}).json()["tags"]["award_kinds"][0]["name"] == "Bằng khen"
    stored = client.post("/v1/articles", json={"text": ARTICLE}, headers={"X-API-Key": "key"})
    assert stored.status_code == 201 and client.get(stored.headers["Location"]).json()["id"] == stored.json()["id"]


def test_an_empty_article_is_a_problem_from_the_workers_too(client):
    response = client.post("/v1/extract", json={"text": "  "})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "E001"
