"""The store, against SQLite and PostgreSQL alike (every test runs on both backends).

PostgreSQL tests skip, saying why, when no server answers at VNEXTRACT_TEST_PG_URL (default
postgresql://postgres@127.0.0.1:5432/test); with CI set they fail instead. Each test gets a schema
of its own, dropped afterwards, so runs are repeatable and never see each other's rows.
"""
from __future__ import annotations

import json
import os
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from extractor import Record, extract
from extractor.store import ArticleQuery, InvalidCursor, StoreUnavailable, open_store
from extractor.store import schema, writer
from extractor.store.engine import make_engine
from extractor.store.keys import document_key, name_key, search_key

CORPUS = Path(__file__).resolve().parent.parent / "corpus" / "articles"
PG_URL = os.environ.get("VNEXTRACT_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")


# ---- backends --------------------------------------------------------------------------------

def _with_query(url: str, parameter: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{parameter}"


@lru_cache(maxsize=1)
def _postgres_unreachable() -> str | None:
    """Why PostgreSQL can't be used, or None when it answers."""
    engine = make_engine(_with_query(PG_URL, "connect_timeout=3"))
    try:
        with engine.connect():
            return None
    except Exception as e:  # any failure to connect is a reason to skip
        return f"{type(e).__name__}: {e}".splitlines()[0]
    finally:
        engine.dispose()


@contextmanager
def _postgres_schema():
    reason = _postgres_unreachable()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL at {PG_URL} is unreachable and CI is set, "
                        f"so its store tests may not skip: {reason}")
        pytest.skip(f"PostgreSQL at {PG_URL} is unreachable: {reason}")
    name = f"vnx_test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(PG_URL)
    with admin.begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {name}")
    try:
        yield _with_query(PG_URL, f"options={quote(f'-csearch_path={name}')}")
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA {name} CASCADE")
        admin.dispose()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def backend(request) -> str:
    return request.param


@contextmanager
def _fresh_url(backend: str, folder: Path):
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'store.sqlite'}"
    else:
        with _postgres_schema() as url:
            yield url


@pytest.fixture
def store_url(backend, tmp_path):
    with _fresh_url(backend, tmp_path) as url:
        yield url


@pytest.fixture
def store(store_url):
    """An empty store of its own, for tests that write."""
    with open_store(store_url) as opened:
        yield opened


@pytest.fixture(scope="module")
def filled(backend, tmp_path_factory):
    """One store holding three articles, shared by the tests that only read."""
    with _fresh_url(backend, tmp_path_factory.mktemp("filled")) as url, open_store(url) as opened:
        for record in (hai_duong(), thai_nguyen(), bare()):
            assert opened.put(record)
        yield opened


# ---- records ---------------------------------------------------------------------------------

def _at(text: str, phrase: str, nth: int = 0) -> dict:
    start = -1
    for _ in range(nth + 1):
        start = text.index(phrase, start + 1)
    return {"text": phrase, "start": start, "end": start + len(phrase)}


def _record(id_: str, text: str, *, title: str | None = None, published_at: str | None = None,
            people=(), organizations=(), locations=(), documents=(), awards=(), dates=()) -> Record:
    return Record.model_validate({
        "id": id_, "source": {"url": f"https://example.org/{id_}"}, "title": title, "published_at": published_at,
        "authors": ["Minh Quang"], "text": text, "rules_version": "test",
        "people": [{"name": name, "titles": titles, "organization": org, "mentions": [_at(text, m) for m in mentions]}
                   for name, titles, org, mentions in people],
        "organizations": [{"name": name, "text": mentions[0], "abbreviation": abbr,
                           "mentions": [_at(text, m) for m in mentions]} for name, abbr, mentions in organizations],
        "locations": [{"name": name, "kind": "province", "mentions": [_at(text, m) for m in mentions]}
                      for name, mentions in locations],
        "documents": [{"number": number, "type": "Nghị quyết", "type_code": "NQ", "serial": number.split("/")[0],
                       "issuer": issuer, "issued_on": issued_on, "mentions": [_at(text, m) for m in mentions]}
                      for number, issuer, issued_on, mentions in documents],
        "awards": [{"award": award, "award_kind": kind, "collectives": c, "individuals": i,
                    "recipients": (c or 0) + (i or 0), "rule": "awards.test", **_at(text, phrase)}
                   for award, kind, c, i, phrase in awards],
        "dates": [{**_at(text, phrase), "value": value, "end_value": end, "granularity": granularity}
                  for phrase, value, end, granularity in dates],
    })


HAI_DUONG_TEXT = ("Ngày 28/7/2022, Công đoàn Viên chức tỉnh Hải Dương tổ chức Hội nghị tổng kết. Thực hiện Nghị quyết "
                  "số 09/NQ-CĐVC, 2 tập thể, 5 cá nhân được tặng Bằng khen. Bà Nguyễn Thị Thanh Bình phát biểu.")
THAI_NGUYEN_TEXT = ("Liên đoàn Lao động tỉnh Thái Nguyên triển khai Nghị quyết 9/NQ-CDVC và Nghị quyết số 02-NQ/TW "
                    "nhiệm kỳ 2023-2028. Ông Trần Văn Hoà và bà Nguyễn Thị Thanh Bình dự. 3 tập thể nhận Cờ thi đua.")


def hai_duong() -> Record:
    t = HAI_DUONG_TEXT
    return _record(
        "hai-duong", t, title="Công đoàn Viên chức tỉnh Hải Dương tổng kết", published_at="2022-08-08T08:43:00+07:00",
        people=[("Nguyễn Thị Thanh Bình", ["Chủ tịch"], "Công đoàn Viên chức tỉnh Hải Dương",
                 ["Nguyễn Thị Thanh Bình"])],
        organizations=[("Công đoàn Viên chức tỉnh Hải Dương", None, ["Công đoàn Viên chức tỉnh Hải Dương"])],
        locations=[("Hải Dương", ["Hải Dương"])],
        documents=[("09/NQ-CĐVC", None, None, ["Nghị quyết số 09/NQ-CĐVC"])],
        awards=[("Bằng khen", "bang_khen", 2, 5, "2 tập thể, 5 cá nhân được tặng Bằng khen")],
        dates=[("28/7/2022", "2022-07-28", None, "day")])


def thai_nguyen() -> Record:
    t = THAI_NGUYEN_TEXT
    return _record(
        "thai-nguyen", t, title="Triển khai nghị quyết", published_at="2021-03-01",
        people=[("Trần Văn Hoà", ["Phó Chủ tịch", "Ủy viên Ban Thường vụ"], None, ["Trần Văn Hoà"]),
                ("Nguyễn Thị Thanh Bình", ["Ủy viên"], "Liên đoàn Lao động tỉnh Thái Nguyên",
                 ["Nguyễn Thị Thanh Bình"])],
        organizations=[("Liên đoàn Lao động tỉnh Thái Nguyên", "LĐLĐ", ["Liên đoàn Lao động tỉnh Thái Nguyên"])],
        locations=[("Thái Nguyên", ["Thái Nguyên"])],
        documents=[("9/NQ-CDVC", "Ban Chấp hành Công đoàn Viên chức Việt Nam", "2017-08-03", ["Nghị quyết 9/NQ-CDVC"]),
                   ("02-NQ/TW", None, None, ["Nghị quyết số 02-NQ/TW"])],
        awards=[("Cờ thi đua", "co_thi_dua", 3, None, "3 tập thể nhận Cờ thi đua")],
        dates=[("nhiệm kỳ 2023-2028", "2023", "2028", "year")])


def bare() -> Record:
    return _record("bare", "Hội nghị tập huấn nghiệp vụ văn thư.")


def _ids(records: list[Record]) -> list[str]:
    return [r.id for r in records]


# ---- writing and reading ---------------------------------------------------------------------

def test_records_come_back_exactly_as_stored(store):
    records = [hai_duong(), thai_nguyen(), bare()]
    assert [store.put(r) for r in records] == [True, True, True]
    for record in records:
        assert store.get(record.id) == record
    assert list(store.iter_records(batch=2)) == records
    assert store.get("no-such-id") is None


def test_extracted_articles_come_back_exactly_as_stored(store):
    records = [extract(CORPUS / name) for name in
               ("a02_yen-bai_so-ket-nghi-quyet-6b.txt", "b09_khanh-hoa_sang-kien-vien-chuc.html",
                "c09_ben-tre_so-ket-chi-thi-05.txt")]
    for record in records:
        assert store.put(record)
    for record in records:
        assert store.get(record.id) == record
    assert store.count() == 3


def test_rows_without_their_record_json_are_rebuilt_from_the_tables(store):
    """Rows stored before migration 0002 carry no record JSON; they read back the same."""
    records = [extract(CORPUS / "a02_yen-bai_so-ket-nghi-quyet-6b.txt"), hai_duong()]
    for record in records:
        store.put(record)
    with store._engine.begin() as connection:
        connection.execute(schema.articles.update().values(record_json=None))
    for record in records:
        assert store.get(record.id) == record


def test_the_same_article_twice_is_one_row(store):
    assert store.put(hai_duong()) is True
    assert store.put(hai_duong()) is False
    assert store.count() == 1
    assert len(list(store.rows(schema.people))) == 1
    assert len(list(store.rows(schema.mentions))) == 4  # one each of a person, organisation, place, document


def test_entities_are_shared_between_articles(filled):
    people = {row["name"] for row in filled.rows(schema.people)}
    assert people == {"Nguyễn Thị Thanh Bình", "Trần Văn Hoà"}
    documents = {row["key"]: row["number"] for row in filled.rows(schema.documents)}
    assert documents == {"9/NQ-CDVC": "09/NQ-CĐVC", "2-NQ/TW": "02-NQ/TW"}


def test_a_failure_midway_leaves_nothing_stored(store, monkeypatch):
    def fail(*_args):
        raise RuntimeError("disk full")

    # dates are turned into rows after the article, its search entry and its entities are written
    monkeypatch.setattr(writer, "_days_covered", fail)
    with pytest.raises(RuntimeError, match="disk full"):
        store.put(hai_duong())
    assert store.count() == 0
    for table in schema.metadata.sorted_tables:
        if table is not schema.article_search:
            assert list(store.rows(table)) == [], table.name
    assert store.query(ArticleQuery(q="tổng kết"))[0] == []
    monkeypatch.undo()
    assert store.put(hai_duong()) is True
    assert store.get("hai-duong") == hai_duong()


def test_concurrent_writers(store):
    """Writers racing on the same new entities, and on the same article, end with one row each."""
    copies = [thai_nguyen().model_copy(update={"id": f"copy-{i}"}) for i in range(8)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert all(pool.map(store.put, copies))
        assert sorted(pool.map(store.put, [hai_duong()] * 4)) == [False, False, False, True]
    assert store.count() == 9
    # the two Bình hold titles in two provinces (identity.person_identity)
    assert sorted(row["name"] for row in store.rows(schema.people)) == [
        "Nguyễn Thị Thanh Bình", "Nguyễn Thị Thanh Bình", "Trần Văn Hoà"]
    assert len(list(store.rows(schema.documents))) == 2


# ---- filters ---------------------------------------------------------------------------------

@pytest.mark.parametrize("filters, expected", [
    ({}, ["hai-duong", "thai-nguyen", "bare"]),
    ({"q": "tổng kết"}, ["hai-duong"]),
    ({"q": "TONG KET"}, ["hai-duong"]),  # case and diacritics ignored
    ({"q": "nghị quyết thái nguyên"}, ["thai-nguyen"]),  # every word, anywhere
    ({"q": "văn thư"}, ["bare"]),
    ({"q": "\"OR*"}, []),  # query syntax is not interpreted
    ({"person": "thanh bình"}, ["hai-duong", "thai-nguyen"]),
    ({"person": "HOA"}, ["thai-nguyen"]),
    ({"organization": "lien doan lao dong"}, ["thai-nguyen"]),
    ({"organization": "_"}, []),  # LIKE wildcards are literal
    ({"document": "9/NQ-CDVC"}, ["hai-duong", "thai-nguyen"]),
    ({"document": "09/NQ-CĐVC"}, ["hai-duong", "thai-nguyen"]),
    ({"document": "2-NQ/TW"}, ["thai-nguyen"]),
    ({"location": "hai duong"}, ["hai-duong"]),
    ({"location": "Hải"}, []),  # a place is matched by its whole name
    ({"award_kind": "co_thi_dua"}, ["thai-nguyen"]),
    ({"award_kind": "huan_chuong"}, []),
    ({"published_from": "2022-01-01"}, ["hai-duong"]),
    ({"published_to": "2021-12-31"}, ["thai-nguyen"]),
    ({"published_from": "2022-08-08", "published_to": "2022-08-08"}, ["hai-duong"]),
    ({"mentioned_from": "2022-07-01", "mentioned_to": "2022-07-31"}, ["hai-duong"]),
    ({"mentioned_from": "2025-01-01", "mentioned_to": "2025-01-31"}, ["thai-nguyen"]),  # inside 2023-2028
    ({"mentioned_to": "2022-12-31"}, ["hai-duong"]),
    ({"document": "9/NQ-CDVC", "published_from": "2022-01-01"}, ["hai-duong"]),
    ({"person": "bình", "location": "thái nguyên"}, ["thai-nguyen"]),
])
def test_filters(filled, filters, expected):
    assert _ids(filled.query(ArticleQuery(**filters), limit=100)[0]) == expected


def test_reversed_ranges_are_refused():
    with pytest.raises(ValueError, match="published_from is after published_to"):
        ArticleQuery(published_from="2022-02-01", published_to="2022-01-01")


# ---- pages -----------------------------------------------------------------------------------

def test_cursor_pages_are_stable_while_articles_arrive(store):
    for i in range(5):
        store.put(_record(f"r{i}", f"Bài số {i} về công đoàn."))
    first, cursor = store.query(limit=2)
    assert _ids(first) == ["r0", "r1"]
    store.put(_record("late", "Bài đến muộn về công đoàn."))
    second, cursor2 = store.query(cursor=cursor, limit=2)
    assert _ids(second) == ["r2", "r3"]
    assert _ids(store.query(cursor=cursor, limit=2)[0]) == ["r2", "r3"]  # the same cursor, the same page
    third, cursor3 = store.query(cursor=cursor2, limit=2)
    assert _ids(third) == ["r4", "late"]
    assert cursor3 is None


def test_pages_of_a_filtered_query(filled):
    ids, cursor = [], None
    while True:
        page, cursor = filled.query(ArticleQuery(person="bình"), cursor=cursor, limit=1)
        ids += _ids(page)
        if cursor is None:
            break
    assert ids == ["hai-duong", "thai-nguyen"]


@pytest.mark.parametrize("cursor", ["garbage", "eHl6", "!!"])
def test_a_cursor_the_store_did_not_give_is_refused(filled, cursor):
    with pytest.raises(InvalidCursor):
        filled.query(cursor=cursor)


# ---- documents and aggregates ----------------------------------------------------------------

def test_a_document_by_any_spelling_of_its_number(filled):
    document = filled.document("9/NQ-CDVC")
    assert document is not None
    assert document.number == "09/NQ-CĐVC"
    assert document.issued_on == "2017-08-03"  # only the second article gives it
    assert [(c.article_id, c.number) for c in document.citations] == [("hai-duong", "09/NQ-CĐVC"),
                                                                        ("thai-nguyen", "9/NQ-CDVC")]
    citation = document.citations[1]
    assert citation.mentions[0].text == THAI_NGUYEN_TEXT[citation.mentions[0].start:citation.mentions[0].end]
    assert filled.document("09 / nq-cđvc").key == "9/NQ-CDVC"
    assert filled.document("10/NQ-CĐVC") is None


def test_people_aggregate_titles_across_articles(filled):
    # the two articles' Nguyễn Thị Thanh Bình hold titles in two provinces: namesakes, kept apart
    binhs = filled.people("NGUYEN THI THANH BINH")
    assert sorted((b.name, b.articles, b.titles, b.organizations) for b in binhs) == [
        ("Nguyễn Thị Thanh Bình", 1, ["Chủ tịch"], ["Công đoàn Viên chức tỉnh Hải Dương"]),
        ("Nguyễn Thị Thanh Bình", 1, ["Ủy viên"], ["Liên đoàn Lao động tỉnh Thái Nguyên"])]
    assert sorted(p.name for p in filled.people()) == ["Nguyễn Thị Thanh Bình", "Nguyễn Thị Thanh Bình", "Trần Văn Hoà"]
    assert [p.name for p in filled.people("hòa")] == ["Trần Văn Hoà"]
    assert filled.people("nobody") == []


def test_organizations_aggregate(filled):
    [ldld] = filled.organizations("liên đoàn")
    assert (ldld.name, ldld.articles, ldld.abbreviations) == ("Liên đoàn Lao động tỉnh Thái Nguyên", 1, ["LĐLĐ"])
    assert len(filled.organizations()) == 2
    assert len(filled.organizations(limit=1)) == 1


# ---- the database ----------------------------------------------------------------------------

def test_migrations_create_exactly_the_declared_schema(store_url):
    open_store(store_url).close()
    engine = make_engine(store_url)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), schema.metadata)
    engine.dispose()
    # SQLite's FTS5 table has shadow tables and no declared columns: it is checked by the search tests
    assert [d for d in differences if "article_search" not in repr(d)] == []


def test_opening_twice_migrates_once(store_url):
    with open_store(store_url) as first:
        first.put(bare())
    with open_store(store_url) as second:
        assert second.count() == 1 and second.ping()


def test_an_unreachable_database_is_reported():
    with pytest.raises(StoreUnavailable, match="cannot open the store"):
        open_store("postgresql://postgres@127.0.0.1:1/test")


@pytest.mark.parametrize("url", ["mysql://root@localhost/db", "sqlite://", "sqlite:///:memory:"])
def test_unsupported_urls_are_refused(url):
    with pytest.raises(ValueError):
        open_store(url)


# ---- keys ------------------------------------------------------------------------------------

def test_keys():
    assert document_key("09/NQ-CĐVC") == document_key("9/NQ-CDVC") == document_key("9 / nq-cđvc") == "9/NQ-CDVC"
    assert document_key("05", "CT") == "CT:5" == document_key("CT:5")
    assert search_key("Công đoàn Viên chức, tỉnh Hải Dương") == "cong doan vien chuc tinh hai duong"
    assert name_key("Khánh Hoà") == name_key("KHÁNH HÒA") != name_key("Khánh Hòa Lệ")
    assert name_key("Lê") != name_key("Lệ")


def test_a_document_keeps_its_issuer_code_spelled_out(store):
    record = extract(CORPUS / "a02_yen-bai_so-ket-nghi-quyet-6b.txt")
    stored = next(d for d in record.documents if d.issuer_code == "BCH")
    assert stored.issuer_code_expanded == "Ban Chấp hành"
    store.put(record)
    assert store.document(stored.number).issuer_code_expanded == "Ban Chấp hành"


def test_records_stored_before_migration_0003_read_back_with_the_new_field(store_url):
    """A store at revision 0002 holding a record without `issuer_code_expanded` upgrades in place."""
    from alembic import command
    from alembic.config import Config

    from extractor.store.engine import MIGRATIONS

    record = extract(CORPUS / "a02_yen-bai_so-ket-nghi-quyet-6b.txt")
    old_json = record.model_dump_json(exclude={"documents": {"__all__": {"issuer_code_expanded"}}})
    assert "issuer_code_expanded" not in old_json
    engine = make_engine(store_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0002")
        connection.execute(schema.articles.insert().values(
            id=record.id, schema_version=record.schema_version, title=record.title, source=record.source,
            authors=record.authors, text=record.text, rules_version=record.rules_version, record_json=old_json))
    engine.dispose()
    with open_store(store_url) as upgraded:  # opening migrates to the newest revision
        back = upgraded.get(record.id)
        assert back.documents and all(d.issuer_code_expanded is None for d in back.documents)
        assert back == record.model_copy(update={"documents": [
            d.model_copy(update={"issuer_code_expanded": None}) for d in record.documents]})
        assert json.loads(upgraded.get_json(record.id)) == json.loads(back.model_dump_json())


def test_pages_as_json_are_the_records(filled):
    records, cursor = filled.query(limit=2)
    as_json, json_cursor = filled.query_json(limit=2)
    assert json_cursor == cursor
    assert [Record.model_validate_json(j.decode()) for j in as_json] == records
    assert filled.get_json("no-such-id") is None


def test_put_many_stores_a_lot_in_one_go_and_tells_which_were_new(store):
    corpus = [extract(p) for p in sorted(CORPUS.glob("*.txt"))[:6]]
    assert store.put(corpus[0]) is True
    assert store.put_many([*corpus, corpus[3]]) == [False, True, True, True, True, True, False]
    assert store.count() == 6
    for record in corpus:
        assert store.get(record.id) == record
    # the entity tables hold each entity once, however many articles of the lot name it
    keys = [row["name_key"] for row in store.rows(schema.organizations)]
    assert len(keys) == len(set(keys))


def test_a_row_the_database_refuses_mid_write_is_a_database_error_and_leaves_nothing(tmp_path, monkeypatch):
    """PostgreSQL takes the bulk of a record's rows by COPY, outside SQLAlchemy's statements:
    its refusals must still reach callers as SQLAlchemy errors (the batch tells a refused record
    from a lost database by them), and roll the whole write back."""
    from sqlalchemy.exc import DataError

    with _fresh_url("postgresql", tmp_path) as url, open_store(url) as store:
        monkeypatch.setattr(writer, "_json_text", lambda _value: "{not json")  # a person's titles
        with pytest.raises(DataError, match="json"):
            store.put(hai_duong())
        monkeypatch.undo()
        assert store.count() == 0
        assert all(list(store.rows(table)) == [] for table in schema.metadata.sorted_tables
                   if table is not schema.article_search)
        assert store.put(hai_duong()) is True
        assert store.get("hai-duong") == hai_duong()


def test_put_many_is_all_or_nothing(store, monkeypatch):
    records = [extract(p) for p in sorted(CORPUS.glob("*.txt"))[:3]]

    def fail(*_args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(writer, "_days_covered", fail)
    with pytest.raises(RuntimeError, match="disk full"):
        store.put_many(records)
    monkeypatch.undo()
    assert store.count() == 0
    assert store.put_many(records) == [True, True, True]
