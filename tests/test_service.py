"""The HTTP service, in process (FastAPI's TestClient), on a SQLite store of its own per test."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from extractor import Record
from service import MAX_BATCH, Settings, create_app

WRITE_KEY = "key-one"
ARTICLE = ("Ngày 28/7/2022, Công đoàn Viên chức tỉnh Hải Dương tổ chức Hội nghị tổng kết. Thực hiện Nghị quyết số "
           "09/NQ-CĐVC ngày 03/8/2017 của Ban Chấp hành Công đoàn Viên chức Việt Nam, 2 tập thể, 5 cá nhân được "
           "Công đoàn Viên chức Việt Nam tặng Bằng khen. Đồng chí Nguyễn Thị Thanh Bình, Chủ tịch Công đoàn Viên "
           "chức tỉnh phát biểu.")
OTHER_ARTICLE = ("Sáng 21/6/2023, Liên đoàn Lao động tỉnh Thái Nguyên tổ chức tập huấn nghiệp vụ cho 120 cán bộ "
                 "công đoàn cơ sở.")
PAGE = ("<html><head><title>Tin ngành</title></head><body><article><h1>Hội nghị tổng kết</h1>"
        f"<p>{ARTICLE}</p></article></body></html>")


def _settings(tmp_path, **overrides) -> Settings:
    # extraction inline (no worker processes) unless a test asks for them: see the worker tests below
    values = {"DATABASE_URL": f"sqlite:///{tmp_path / 'service.sqlite'}", "VNEXTRACT_API_KEYS": f"{WRITE_KEY}, key-two",
              "VNEXTRACT_EXTRACT_PROCESSES": 0}
    return Settings(**{**values, **overrides})


@pytest.fixture
def client(tmp_path):
    with TestClient(create_app(_settings(tmp_path))) as c:
        yield c


def _store(client, text: str = ARTICLE, **fields):
    return client.post("/v1/articles", json={"text": text, **fields}, headers={"X-API-Key": WRITE_KEY})


def _is_problem(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert {"type", "title", "status", "detail", "instance"} <= problem.keys()
    assert problem["status"] == status and problem["detail"]
    return problem


# ---- extraction ------------------------------------------------------------------------------

def test_extract_returns_the_record(client):
    response = client.post("/v1/extract", json={"text": ARTICLE, "url": "https://example.org/a"})
    assert response.status_code == 200
    record = response.json()
    assert record["source"] == {"url": "https://example.org/a"}
    assert "09/NQ-CĐVC" in [d["number"] for d in record["documents"]]
    assert client.get("/v1/articles").json()["items"] == []  # nothing stored


def test_published_at_dates_an_article_without_a_dateline(client):
    body = {"text": "Chiều 21/6, hội nghị khai mạc.", "published_at": "2023-06-30"}
    record = client.post("/v1/extract", json=body).json()
    assert record["dates"][0]["value"] == "2023-06-21"


def test_batch_gives_a_record_or_a_problem_per_article(client):
    response = client.post("/v1/extract/batch", json={"articles": [{"text": ARTICLE}, {"text": "   "}, {"html": PAGE}]})
    assert response.status_code == 200
    first, second, third = response.json()["results"]
    assert first["record"]["id"] and first["problem"] is None
    assert second["record"] is None
    assert second["problem"]["status"] == 422 and second["problem"]["code"] == "E001"
    assert second["problem"]["instance"] == "/v1/extract/batch#/articles/1"
    assert third["record"]["source"]["format"] == "html"


def test_a_batch_over_the_limit_is_refused(client):
    problem = _is_problem(client.post("/v1/extract/batch", json={"articles": [{"text": "a"}] * (MAX_BATCH + 1)}), 422)
    assert "articles" in problem["detail"]


# ---- tags ------------------------------------------------------------------------------------

def test_tags_point_into_the_text_sent(client):
    response = client.post("/v1/tag", json={"text": ARTICLE})
    assert response.status_code == 200
    body = response.json()
    tags = body["tags"]
    assert tags["organizations"]
    assert ("Hải Dương", "province") in [(t["name"], t["code"]) for t in tags["places"]]
    assert ("Nghị quyết", "NQ") in [(t["name"], t["code"]) for t in tags["document_types"]]
    assert ("Bằng khen", "bang_khen") in [(t["name"], t["code"]) for t in tags["award_kinds"]]
    assert body["text"] is None
    for family in tags.values():
        for tag in family:
            assert tag["mentions"]
            for m in tag["mentions"]:
                assert ARTICLE[m["start"]:m["end"]] == m["text"]


def test_tags_of_html_point_into_the_text_returned(client):
    body = client.post("/v1/tag", json={"html": PAGE}).json()
    assert body["tags"]["organizations"]
    for family in body["tags"].values():
        for tag in family:
            for m in tag["mentions"]:
                assert body["text"][m["start"]:m["end"]] == m["text"]


# ---- the store -------------------------------------------------------------------------------

def test_storing_the_same_article_twice_keeps_one_row(client):
    first = _store(client)
    assert first.status_code == 201
    article_id = first.json()["id"]
    assert first.headers["location"] == f"/v1/articles/{article_id}"
    again = _store(client)
    assert again.status_code == 200
    assert again.json() == first.json()
    assert [r["id"] for r in client.get("/v1/articles").json()["items"]] == [article_id]
    assert client.get(f"/v1/articles/{article_id}").json() == first.json()


def test_an_unknown_article_is_a_problem(client):
    assert _is_problem(client.get("/v1/articles/nope"), 404)["type"].endswith("article-not-found")


def test_articles_are_filtered_and_paged(client):
    ids = [_store(client, text).json()["id"] for text in (ARTICLE, OTHER_ARTICLE, "Hội nghị tập huấn văn thư.")]
    seen, cursor = [], None
    while True:
        page = client.get("/v1/articles", params={"limit": 2, **({"cursor": cursor} if cursor else {})}).json()
        seen += [r["id"] for r in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ids
    assert [r["id"] for r in client.get("/v1/articles", params={"document": "9/NQ-CDVC"}).json()["items"]] == ids[:1]
    assert [r["id"] for r in client.get("/v1/articles", params={"q": "tap huan"}).json()["items"]] == ids[1:]
    combined = {"award_kind": "bang_khen", "location": "Hải Dương", "mentioned_from": "2022-07-28"}
    assert [r["id"] for r in client.get("/v1/articles", params=combined).json()["items"]] == ids[:1]


@pytest.mark.parametrize("params, status", [
    ({"cursor": "not-a-cursor"}, 400),
    ({"limit": 0}, 422),
    ({"limit": 101}, 422),
    ({"award_kind": "medal"}, 422),
    ({"published_from": "yesterday"}, 422),
    ({"published_from": "2023-01-01", "published_to": "2022-01-01"}, 422),
    ({"colour": "red"}, 422),  # a misspelt filter is an error, not an unfiltered list
])
def test_bad_list_parameters_are_problems(client, params, status):
    _is_problem(client.get("/v1/articles", params=params), status)


@pytest.mark.parametrize("path", ["/v1/documents/9/NQ-CDVC", "/v1/documents/9%2FNQ-CDVC", "/v1/documents/09/NQ-CĐVC"])
def test_a_document_and_the_articles_citing_it(client, path):
    article_id = _store(client).json()["id"]
    response = client.get(path)
    assert response.status_code == 200
    document = response.json()
    assert (document["number"], document["type_code"], document["issued_on"]) == ("09/NQ-CĐVC", "NQ", "2017-08-03")
    assert [c["article_id"] for c in document["citations"]] == [article_id]


def test_an_uncited_document_is_a_problem(client):
    _is_problem(client.get("/v1/documents/99/QĐ-UBND"), 404)


def test_people_and_organizations(client):
    # stored directly, so that only the endpoints are tested here (the aggregates are in test_store.py)
    text = "Bà Nguyễn Thị Thanh Bình, Chủ tịch Liên đoàn Lao động tỉnh Thái Nguyên, dự hội nghị."
    person = {"name": "Nguyễn Thị Thanh Bình", "titles": ["Chủ tịch"], "mentions": [_span(text, "Nguyễn Thị Thanh Bình")]}
    org = {"name": "Liên đoàn Lao động tỉnh Thái Nguyên", "text": "Liên đoàn Lao động tỉnh Thái Nguyên",
           "mentions": [_span(text, "Liên đoàn Lao động tỉnh Thái Nguyên")]}
    for i in range(2):
        client.app.state.store.put(Record(id=f"r{i}", text=text, people=[person], organizations=[org]))
    people = client.get("/v1/people", params={"q": "THANH BINH"}).json()["items"]
    assert people == [{"name": "Nguyễn Thị Thanh Bình", "articles": 2, "titles": ["Chủ tịch"], "organizations": []}]
    assert client.get("/v1/people", params={"q": "nobody"}).json()["items"] == []
    organizations = client.get("/v1/organizations", params={"q": "liên đoàn lao động"}).json()["items"]
    assert organizations == [{"name": "Liên đoàn Lao động tỉnh Thái Nguyên", "articles": 2, "abbreviations": []}]
    assert len(client.get("/v1/organizations", params={"limit": 1}).json()["items"]) == 1


def _span(text: str, phrase: str) -> dict:
    start = text.index(phrase)
    return {"text": phrase, "start": start, "end": start + len(phrase)}


# ---- access ----------------------------------------------------------------------------------

def test_writes_need_a_key(client):
    assert _is_problem(client.post("/v1/articles", json={"text": ARTICLE}), 401)["title"] == "API key missing"
    refused = client.post("/v1/articles", json={"text": ARTICLE}, headers={"X-API-Key": "key-three"})
    assert _is_problem(refused, 403)["title"] == "API key refused"
    assert client.post("/v1/articles", json={"text": ARTICLE}, headers={"X-API-Key": "key-two"}).status_code == 201


def test_reads_need_a_key_when_configured(tmp_path):
    settings = _settings(tmp_path, VNEXTRACT_READ_KEYS_REQUIRED="true")
    with TestClient(create_app(settings)) as c:
        _is_problem(c.get("/v1/articles"), 401)
        _is_problem(c.post("/v1/extract", json={"text": ARTICLE}), 401)
        _is_problem(c.post("/v1/tag", json={"text": ARTICLE}, headers={"X-API-Key": "wrong"}), 403)
        assert c.get("/v1/articles", headers={"X-API-Key": WRITE_KEY}).status_code == 200
        assert c.get("/healthz").status_code == 200


def test_without_configured_keys_nothing_can_be_written(tmp_path):
    with TestClient(create_app(_settings(tmp_path, VNEXTRACT_API_KEYS=""))) as c:
        _is_problem(c.post("/v1/articles", json={"text": ARTICLE}, headers={"X-API-Key": "anything"}), 403)


# ---- problems --------------------------------------------------------------------------------

@pytest.mark.parametrize("body", [
    b"{not json",
    b"[]",
    b"{}",
    b'{"text": "a", "html": "<p>a</p>"}',
    b'{"text": 12}',
    b'{"text": "a", "published_at": "last week"}',
])
def test_malformed_bodies_are_422_problems(client, body):
    problem = _is_problem(client.post("/v1/extract", content=body, headers={"content-type": "application/json"}), 422)
    assert problem["type"] == "urn:vnextract:problem:invalid-request"
    assert problem["instance"] == "/v1/extract"
    assert problem["errors"]


@pytest.mark.parametrize("text", ["", "   \n\t "])
def test_empty_text_is_a_problem(client, text):
    problem = _is_problem(client.post("/v1/extract", json={"text": text}), 422)
    assert (problem["code"], problem["type"]) == ("E001", "urn:vnextract:problem:empty-input")


def test_bodies_over_the_limit_are_413(tmp_path):
    with TestClient(create_app(_settings(tmp_path, VNEXTRACT_MAX_BODY_BYTES=1000))) as c:
        declared = c.post("/v1/extract", json={"text": "á" * 1000})
        assert "1000 bytes" in _is_problem(declared, 413)["detail"]

        def chunks():  # no Content-Length: the size is counted as the body arrives
            for _ in range(10):
                yield b'{"text": "' + b"a" * 200 + b'"}'

        _is_problem(c.post("/v1/extract", content=chunks(), headers={"content-type": "application/json"}), 413)
        assert c.post("/v1/extract", json={"text": ARTICLE[:200]}).status_code == 200


def test_unknown_paths_are_problems(client):
    assert _is_problem(client.get("/v2/nothing"), 404)["type"] == "about:blank"
    _is_problem(client.delete("/v1/extract"), 405)


# ---- operations ------------------------------------------------------------------------------

def test_health_and_readiness(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ready"}


def test_not_ready_when_the_store_does_not_answer(client, monkeypatch):
    monkeypatch.setattr(client.app.state.store, "ping", lambda: False)
    _is_problem(client.get("/readyz"), 503)


def test_docs(client):
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/v1/extract", "/v1/extract/batch", "/v1/articles", "/v1/articles/{article_id}", "/v1/documents/{number}",
            "/v1/people", "/v1/organizations", "/v1/tag", "/healthz", "/readyz"} <= paths.keys()


def test_the_store_is_opened_by_the_lifespan_not_on_import():
    import service

    assert not hasattr(service.app.state, "store")


def test_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@db/vnextract")
    monkeypatch.setenv("VNEXTRACT_API_KEYS", " alpha, beta ,,")
    monkeypatch.setenv("VNEXTRACT_READ_KEYS_REQUIRED", "true")
    monkeypatch.setenv("VNEXTRACT_MAX_BODY_BYTES", "5000")
    settings = Settings()
    assert settings.database_url == "postgresql://postgres@db/vnextract"
    assert settings.api_keys == ["alpha", "beta"]
    assert settings.read_keys_required is True
    assert settings.max_body_bytes == 5000


def test_the_latency_benchmark_serves_over_loopback_and_stops(tmp_path):
    from extractor.latency import run_latency_benchmark

    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    levels = run_latency_benchmark([article], [article], processes=1, requests_per_level=2, seconds_per_level=5)
    assert [(lv.endpoint, lv.clients) for lv in levels][:3] == [("POST /v1/extract", 1), ("POST /v1/extract", 8),
                                                                ("POST /v1/extract", 32)]
    assert len(levels) == 9
    assert all(lv.failures == 0 and lv.requests >= 2 for lv in levels)
