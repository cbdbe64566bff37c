"""What a client can send that is wrong: every case a 4xx problem (or handled), never a 500, and the
same answer from a SQLite store and a PostgreSQL one (issue 14).

Run alone with `pytest tests/test_bad_input.py -v`; docs/security.md lists what is refused and why.
"""
from __future__ import annotations

import base64
import http.client
import json

import pytest
from fastapi.testclient import TestClient

from extractor import Record
from extractor.store import InvalidCursor, UnstorableRecord, open_store
from extractor.store.filters import MAX_TERM, decode_cursor, encode_cursor
from service import Settings, create_app
from test_faults import serving
from test_store import _fresh_url

KEY = "key-one"
ARTICLE = ("Ngày 28/7/2022, Công đoàn Viên chức tỉnh Hải Dương tặng Bằng khen cho 2 tập thể. Đồng chí Nguyễn Thị "
           "Thanh Bình, Chủ tịch Công đoàn Viên chức tỉnh phát biểu.")
LONG = "a" * 50_000


def _cursor(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _json(value) -> bytes:
    return json.dumps(value).encode()


# (case, method, path, raw JSON body or None, status, problem type ending) -- every status a 4xx or a 2xx
CASES = [
    ("lone surrogate in text", "POST", "/v1/extract", b'{"text": "Ng\\u00e0y 1/1/2020 \\udcff"}', 422, "invalid-text"),
    ("lone surrogate in html", "POST", "/v1/tag", b'{"html": "<p>Ng\\u00e0y 1/1/2020 \\ud800</p>"}', 422, "invalid-text"),
    ("lone surrogate, stored", "POST", "/v1/articles", b'{"text": "Ng\\u00e0y 1/1/2020 \\udcff"}', 422, "invalid-text"),
    ("surrogate pair (one character)", "POST", "/v1/extract", b'{"text": "Ng\\u00e0y 1/1/2020 \\ud83d\\ude00"}', 200, None),
    ("NUL in text, stored", "POST", "/v1/articles", _json({"text": "Ngày 1/1/2020 a\x00b"}), 422, "unstorable-record"),
    ("NUL in url, stored", "POST", "/v1/articles", _json({"text": "Ngày 1/1/2020", "url": "http://x/\x00"}), 422,
     "unstorable-record"),
    ("NUL in text, extracted only", "POST", "/v1/extract", _json({"text": "Ngày 1/1/2020 a\x00b"}), 200, None),
    ("control characters, stored", "POST", "/v1/articles", _json({"text": "Ngày 2/1/2020 \x01\x02\x1b[31m\x7f"}), 201,
     None),
    ("unknown field", "POST", "/v1/extract", _json({"text": ARTICLE, "colour": "red"}), 422, "invalid-request"),
    ("unknown field in a batch", "POST", "/v1/extract/batch", _json({"articles": [{"text": ARTICLE, "txt": 1}]}), 422,
     "invalid-request"),
    ("published_at as a number", "POST", "/v1/extract", _json({"text": ARTICLE, "published_at": 0}), 422,
     "invalid-request"),
    ("NUL in a document filter", "GET", "/v1/articles?document=a%00b", None, 422, "invalid-request"),
    ("NUL in q", "GET", "/v1/articles?q=a%00b", None, 422, "invalid-request"),
    ("escape character in person", "GET", "/v1/articles?person=a%1Bb", None, 422, "invalid-request"),
    ("NUL in a document number", "GET", "/v1/documents/a%00b", None, 404, "document-not-found"),
    ("NUL in an article id", "GET", "/v1/articles/a%00b", None, 404, "article-not-found"),
    ("NUL in a people search", "GET", "/v1/people?q=a%00b", None, 422, "invalid-request"),
    ("cursor not base64", "GET", "/v1/articles?cursor=%C3%A9", None, 400, "invalid-cursor"),
    ("cursor of 31 nines", "GET", "/v1/articles?cursor=" + _cursor(b"a" + b"9" * 31), None, 400, "invalid-cursor"),
    ("cursor with other digits", "GET", "/v1/articles?cursor=" + _cursor("a١٢".encode()), None, 400, "invalid-cursor"),
    ("50,000-character people search", "GET", "/v1/people?q=" + LONG, None, 422, "invalid-request"),
    ("50,000-character organisation search", "GET", "/v1/organizations?q=" + LONG, None, 422, "invalid-request"),
    ("50,000-character person filter", "GET", "/v1/articles?person=" + LONG, None, 422, "invalid-request"),
    ("50,000-character organisation filter", "GET", "/v1/articles?organization=" + LONG, None, 422, "invalid-request"),
    ("50,000-character q", "GET", "/v1/articles?q=" + LONG, None, 422, "invalid-request"),
    ("LIKE wildcards in a search", "GET", "/v1/people?q=" + "%25_" * 200, None, 200, None),
    ("the longest search term", "GET", "/v1/organizations?q=" + "a" * MAX_TERM, None, 200, None),
    ("published_to=0", "GET", "/v1/articles?published_to=0", None, 422, "invalid-request"),
    ("mentioned_from=-1", "GET", "/v1/articles?mentioned_from=-1", None, 422, "invalid-request"),
    ("published_from=2023-02-30", "GET", "/v1/articles?published_from=2023-02-30", None, 422, "invalid-request"),
]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def client(request, tmp_path_factory):
    with _fresh_url(request.param, tmp_path_factory.mktemp("bad")) as url:
        settings = Settings(DATABASE_URL=url, VNEXTRACT_API_KEYS=KEY, VNEXTRACT_EXTRACT_PROCESSES=0)
        with TestClient(create_app(settings)) as c:  # server exceptions raised: a 500 would fail the test
            assert c.post("/v1/articles", json={"text": ARTICLE}, headers={"X-API-Key": KEY}).status_code == 201
            yield c


@pytest.mark.parametrize("case, method, path, body, status, kind", CASES, ids=[c[0] for c in CASES])
def test_bad_input_gets_a_problem_not_a_500(client, case, method, path, body, status, kind):
    response = client.request(method, path, content=body,
                              headers={"X-API-Key": KEY, "content-type": "application/json"})
    assert response.status_code == status, response.text
    if kind:
        assert response.headers["content-type"] == "application/problem+json"
        problem = response.json()
        assert problem["type"].endswith(kind) and problem["detail"] and problem["status"] == status


def test_the_problem_names_what_is_wrong(client):
    unknown = client.post("/v1/extract", json={"text": ARTICLE, "colour": "red", "txt": 1}).json()
    assert "colour" in unknown["detail"] and "txt" in unknown["detail"]
    surrogate = client.post("/v1/extract", content=b'{"text": "ab \\udcff"}',
                            headers={"content-type": "application/json"}).json()
    assert surrogate["detail"] == "text: character 3 is a lone surrogate (\\udcff without its pair), which is not text"
    long = client.get("/v1/people", params={"q": LONG}).json()
    assert f"at most {MAX_TERM} characters" in long["detail"]
    day = client.get("/v1/articles", params={"published_to": "0"}).json()
    assert "published_to" in day["detail"] and "YYYY-MM-DD" in day["detail"]


def test_a_lone_surrogate_fails_its_article_not_the_batch(client):
    body = b'{"articles": [{"text": "Ng\\u00e0y 1/1/2020"}, {"text": "Ng\\u00e0y 1/1/2020 \\udcff"}, {"text": " "}]}'
    response = client.post("/v1/extract/batch", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 200
    first, second, third = response.json()["results"]
    assert first["record"]["dates"][0]["value"] == "2020-01-01"
    assert second["record"] is None and second["problem"]["status"] == 422
    assert second["problem"]["instance"] == "/v1/extract/batch#/articles/1"
    assert second["problem"]["type"].endswith("invalid-text")
    assert third["problem"]["code"] == "E001"


def test_nothing_refused_was_stored(client):
    page = client.get("/v1/articles", params={"limit": 100}).json()
    texts = [r["text"] for r in page["items"]]
    assert len(texts) == 2 and not any("\x00" in t for t in texts)  # the article and the control characters


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_store_refuses_a_nul_on_every_backend(backend, tmp_path):
    with _fresh_url(backend, tmp_path) as url, open_store(url) as store:
        text = "Bài có ký tự\x00 lạ"
        with pytest.raises(UnstorableRecord, match="NUL"):
            store.put(Record(id="nul", text=text))
        with pytest.raises(UnstorableRecord):
            store.put_many([Record(id="ok", text="Bài thường."), Record(id="nul", text=text)])
        assert store.count() == 0
        assert store.put(Record(id="backslash", text="a literal \\u0000 is six characters"))  # not a NUL
        assert store.get("a\x00b") is None and store.get_json("a\x00b") is None and store.document("1/\x00") is None


def test_cursors_are_exactly_what_the_store_hands_out():
    assert decode_cursor(encode_cursor(123456789)) == 123456789
    for raw in (b"a" + b"9" * 19, "a١٢".encode(), b"a", b"a12 ", b"b12", "é".encode()):
        with pytest.raises(InvalidCursor):
            decode_cursor(_cursor(raw))
    for cursor in ("é", "%", "a" * 5):
        with pytest.raises(InvalidCursor):
            decode_cursor(cursor)


# ---- an unexpected error, on a real server and one keep-alive connection ---------------------------

def test_an_unexpected_error_is_a_problem_and_keeps_the_connection(tmp_path):
    app = create_app(Settings(DATABASE_URL=f"sqlite:///{tmp_path / 's.sqlite'}", VNEXTRACT_EXTRACT_PROCESSES=0))

    async def broken() -> None:
        raise RuntimeError("a bug")

    app.add_api_route("/broken", broken)
    with serving(app) as port:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/broken")
        failed = connection.getresponse()
        problem = json.loads(failed.read())
        assert failed.status == 500 and failed.getheader("content-type") == "application/problem+json"
        assert problem == {"type": "about:blank", "title": "Internal Server Error", "status": 500,
                           "detail": "the server failed to handle the request", "instance": "/broken"}
        assert failed.getheader("connection") != "close"
        sock = connection.sock
        connection.request("GET", "/healthz")  # the same connection: http.client reconnects only if it was closed
        after = connection.getresponse()
        assert after.status == 200 and json.loads(after.read()) == {"status": "ok"}
        assert connection.sock is sock
        connection.close()
