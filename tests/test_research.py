"""The store as researchers use it: typed columns, one row per document, linked and dated awards,
the migration that brings old stores there, and exports that load without conversions.
Every test runs on SQLite and PostgreSQL (fixtures of test_store.py)."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select, text

from extractor import Record
from extractor.store import open_store, schema
from extractor.store.engine import make_engine
from test_store import _fresh_url, backend, store_url  # noqa: F401  (fixtures: each test runs on both backends)

VN = dt.timezone(dt.timedelta(hours=7))

HD = ("Ngày 05/3/2024, UBND tỉnh Hải Dương ban hành Quyết định số 01/2024/QĐ-UBND. Công đoàn Viên chức tỉnh "
      "Hải Dương thực hiện Nghị quyết số 09/NQ-CĐVC. Ngày 10/3/2024, 2 tập thể, 5 cá nhân được Chủ tịch Ủy ban "
      "nhân dân tỉnh Hải Dương tặng Bằng khen.")
TB = ("Ủy ban nhân dân tỉnh Thái Bình ban hành Quyết định số 01/2024/QĐ-UBND. Công đoàn Viên chức tỉnh Thái Bình "
      "thực hiện Nghị quyết 09/NQ-CĐVC. 3 tập thể được Công đoàn Viên chức tỉnh Thái Bình tặng Giấy khen.")
TN = ("Liên đoàn Lao động tỉnh Thái Nguyên quán triệt Nghị quyết 9/NQ-CDVC và Nghị quyết số 02-NQ/TW. "
      "4 cá nhân được Công ty tặng Giấy khen. 6 tập thể được Tổng Liên đoàn Lao động Việt Nam tặng Cờ thi đua.")


def _at(body: str, phrase: str) -> dict:
    start = body.index(phrase)
    return {"text": phrase, "start": start, "end": start + len(phrase)}


def _record(id_: str, body: str, published_at: str, province: str, current: str, organizations: list[str],
            documents: list[dict], awards: list[tuple], dates: list[tuple]) -> Record:
    return Record.model_validate({
        "id": id_, "source": {"url": f"https://example.org/{id_}"}, "title": f"Tin {id_}",
        "published_at": published_at, "authors": ["Minh Quang", "Thu Hà"], "text": body, "rules_version": "test",
        "locations": [{"name": province, "kind": "province", "current": current,
                       "mentions": [_at(body, province)]}],
        "organizations": [{"name": name, "text": name, "mentions": [_at(body, name)]} for name in organizations],
        "documents": [{**d, "mentions": [_at(body, d["number"])]} for d in documents],
        "awards": [{"award": award, "award_kind": kind, "giver": giver, "collectives": c, "individuals": i,
                    "recipients": (c or 0) + (i or 0), **_at(body, phrase)} for award, kind, giver, c, i, phrase in awards],
        "dates": [{**_at(body, phrase), "value": value, "granularity": "day"} for phrase, value in dates],
    })


def records() -> list[Record]:
    ubnd = {"number": "01/2024/QĐ-UBND", "type": "Quyết định", "type_code": "QĐ", "serial": "01", "year": 2024,
            "issuer_code": "UBND"}
    cdvc = {"number": "09/NQ-CĐVC", "type": "Nghị quyết", "type_code": "NQ", "serial": "09", "issuer_code": "CĐVC"}
    return [
        _record("hd", HD, "2024-03-20T09:15:00+07:00", "Hải Dương", "Hải Phòng",
                ["Ủy ban nhân dân tỉnh Hải Dương", "Công đoàn Viên chức tỉnh Hải Dương"],
                [{**ubnd, "issued_on": "2024-03-05", "issuer": "Ủy ban nhân dân tỉnh Hải Dương"},
                 {**cdvc, "issued_on": "2017-08-03"}],
                [("Bằng khen", "bang_khen", "Chủ tịch Ủy ban nhân dân tỉnh Hải Dương", 2, 5, "2 tập thể, 5 cá nhân")],
                [("05/3/2024", "2024-03-05"), ("10/3/2024", "2024-03-10")]),
        _record("tb", TB, "2024-05-02", "Thái Bình", "Hưng Yên",
                ["Ủy ban nhân dân tỉnh Thái Bình", "Công đoàn Viên chức tỉnh Thái Bình"],
                [ubnd, {**cdvc, "issued_on": "2017-08-03"}],
                [("Giấy khen", "giay_khen", "Công đoàn Viên chức tỉnh Thái Bình", 3, None, "3 tập thể")], []),
        _record("tn", TN, "2025-08-01T14:05:00+07:00", "Thái Nguyên", "Thái Nguyên",
                ["Liên đoàn Lao động tỉnh Thái Nguyên"],
                [{**cdvc, "number": "9/NQ-CDVC", "issued_on": "2017-08-30"},
                 {"number": "02-NQ/TW", "type": "Nghị quyết", "type_code": "NQ", "serial": "02", "issuer_code": "TW"}],
                [("Giấy khen", "giay_khen", "Công ty", None, 4, "4 cá nhân"),
                 ("Cờ thi đua", "co_thi_dua", "Tổng Liên đoàn Lao động Việt Nam", 6, None, "6 tập thể")], []),
    ]


@pytest.fixture(scope="module")
def research(backend, tmp_path_factory):  # noqa: F811
    with _fresh_url(backend, tmp_path_factory.mktemp("research")) as url, open_store(url) as store:
        for record in records():
            assert store.put(record)
        yield store


def _rows(store, statement) -> list[dict]:
    with store._engine.connect() as connection:
        return [dict(row) for row in connection.execute(statement).mappings()]


# ---- 1. types --------------------------------------------------------------------------------

def test_publication_times_are_timestamps_with_their_precision(research):
    a = schema.articles.c
    rows = {r["id"]: r for r in _rows(research, select(a.id, a.published_at, a.published_precision, a.published_on,
                                                         a.authors, a.province, a.province_current,
                                                         a.province_code))}
    assert rows["hd"]["published_at"] == dt.datetime(2024, 3, 20, 9, 15, tzinfo=VN)
    assert rows["hd"]["published_precision"] == "minute"
    assert rows["tb"]["published_at"] == dt.datetime(2024, 5, 2, tzinfo=VN)
    assert (rows["tb"]["published_precision"], rows["tb"]["published_on"]) == ("day", dt.date(2024, 5, 2))
    assert rows["hd"]["authors"] == ["Minh Quang", "Thu Hà"]
    assert (rows["hd"]["province"], rows["hd"]["province_current"]) == ("Hải Dương", "Hải Phòng")
    assert rows["hd"]["province_code"] == 31  # Hải Phòng's code in the official list
    for record in records():  # and the records read back unchanged
        assert research.get(record.id) == record


def test_lists_are_jsonb_on_postgresql(research):
    if research._engine.dialect.name != "postgresql":
        pytest.skip("SQLite keeps JSON as text")
    with research._engine.connect() as connection:
        kinds = connection.execute(text(
            "SELECT jsonb_typeof(authors), jsonb_array_length(authors) FROM articles ORDER BY pk")).all()
    assert kinds == [("array", 2)] * 3


# ---- 2. documents ----------------------------------------------------------------------------

def test_one_row_per_document_keyed_by_province_where_the_symbol_is_local(research):
    d = schema.documents.c
    rows = {r["key"]: r for r in _rows(research, select(schema.documents))}
    assert set(rows) == {"1/2024/QD-UBND@hai duong", "1/2024/QD-UBND@thai binh", "9/NQ-CDVC", "2-NQ/TW"}
    assert rows["1/2024/QD-UBND@hai duong"]["province"] == "Hải Dương"
    assert rows["1/2024/QD-UBND@hai duong"]["issued_on"] == dt.date(2024, 3, 5)
    assert rows["1/2024/QD-UBND@thai binh"]["issued_on"] is None
    cdvc = rows["9/NQ-CDVC"]
    assert (cdvc["citations"], cdvc["type"], cdvc["type_code"], cdvc["issuer_code"]) == (
        3, "Nghị quyết", "NQ", "CĐVC")
    assert cdvc["issued_on"] == dt.date(2017, 8, 3)  # two citations against one
    assert cdvc["disagreements"] == {"issued_on": ["2017-08-03", "2017-08-30"]}
    assert rows["2-NQ/TW"]["disagreements"] is None
    assert _rows(research, select(d.key).where(d.citations != 1, d.key.like("1/%"))) == []


def test_a_document_by_number_and_its_citations(research):
    view = research.document("9/NQ-CDVC")
    assert (view.issued_on, view.disagreements) == ("2017-08-03", {"issued_on": ["2017-08-03", "2017-08-30"]})
    assert [c.article_id for c in view.citations] == ["hd", "tb", "tn"]
    assert research.document("01/2024/QĐ-UBND").province in ("Hải Dương", "Thái Bình")
    assert [r.id for r in research.query(filters=_query(document="01/2024/QĐ-UBND"))[0]] == ["hd", "tb"]


def _query(**filters):
    from extractor.store import ArticleQuery

    return ArticleQuery(**filters)


def test_bare_numbers_stay_documents_of_their_own_article(store_url):
    bare = {"number": "05", "type": "Chỉ thị", "type_code": "CT"}
    with open_store(store_url) as store:
        for id_ in ("b1", "b2"):
            body = "Thực hiện Chỉ thị số 05 của cấp trên."
            store.put(Record.model_validate({"id": id_, "text": body, "documents": [
                {**bare, "mentions": [_at(body, "05")]}]}))
        assert sorted(r["key"] for r in _rows(store, select(schema.documents.c.key))) == ["CT:5#b1", "CT:5#b2"]


def test_citations_and_co_citations(research):
    citations = _rows(research, select(schema.citations))
    assert len(citations) == 6 and all(c["text"] == "09/NQ-CĐVC" or c["text"] != "" for c in citations)
    keys = {r["pk"]: r["key"] for r in _rows(research, select(schema.documents.c.pk, schema.documents.c.key))}
    pairs = {frozenset((keys[r["document_pk"]], keys[r["other_document_pk"]])): r["articles"]
             for r in _rows(research, select(schema.co_citations))}
    assert pairs == {frozenset(("9/NQ-CDVC", "1/2024/QD-UBND@hai duong")): 1,
                     frozenset(("9/NQ-CDVC", "1/2024/QD-UBND@thai binh")): 1,
                     frozenset(("9/NQ-CDVC", "2-NQ/TW")): 1}


def test_graphml_export(research, tmp_path):
    import xml.etree.ElementTree as ET

    from extractor.store.export import export_tables

    [path] = export_tables(research, "graphml", tmp_path)
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    graph = ET.parse(path).getroot().find("g:graph", ns)
    assert len(graph.findall("g:node", ns)) == 4
    assert len(graph.findall("g:edge", ns)) == 3


# ---- 3. awards -------------------------------------------------------------------------------

def _awards(store) -> dict[str, dict]:
    a, o, p, art = schema.awards.c, schema.organizations.c, schema.positions, schema.articles.c
    body = schema.organizations.alias("body")
    statement = (select(art.id, a.giver, a.giver_match, o.name.label("organization"), p.c.name.label("position"),
                        p.c.title, body.c.name.label("body"), a.conferred_on, a.conferred_on_source)
                 .join(schema.articles, art.pk == a.article_pk)
                 .outerjoin(schema.organizations, o.pk == a.giver_organization_pk)
                 .outerjoin(p, p.c.pk == a.giver_position_pk)
                 .outerjoin(body, body.c.pk == p.c.organization_pk))
    return {f"{r['id']}:{r['giver']}": r for r in _rows(store, statement)}


def test_awards_point_at_their_giver_and_carry_a_date(research):
    awards = _awards(research)
    chairman = awards["hd:Chủ tịch Ủy ban nhân dân tỉnh Hải Dương"]
    assert (chairman["giver_match"], chairman["title"], chairman["body"], chairman["organization"]) == (
        "position", "Chủ tịch", "Ủy ban nhân dân tỉnh Hải Dương", None)
    assert (chairman["conferred_on"], chairman["conferred_on_source"]) == (dt.date(2024, 3, 10), "sentence")
    union = awards["tb:Công đoàn Viên chức tỉnh Thái Bình"]
    assert (union["giver_match"], union["organization"]) == ("organization", "Công đoàn Viên chức tỉnh Thái Bình")
    assert (union["conferred_on"], union["conferred_on_source"]) == (dt.date(2024, 5, 2), "published")
    assert awards["tn:Công ty"]["giver_match"] == "unresolved" and awards["tn:Công ty"]["organization"] is None
    national = awards["tn:Tổng Liên đoàn Lao động Việt Nam"]
    assert (national["giver_match"], national["organization"]) == ("organization", "Tổng Liên đoàn Lao động Việt Nam")


# ---- the migration ---------------------------------------------------------------------------

def _store_at_0003(url: str, stored: list[Record]) -> None:
    """A store at revision 0003 holding the records as that revision stored them."""
    import sqlalchemy as sa
    from alembic import command
    from alembic.config import Config

    from extractor.store.engine import MIGRATIONS
    from extractor.store.keys import document_key, name_key, search_key

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    engine = make_engine(url)
    columns = {
        "articles": ("id", "schema_version", "title", "published_at", "published_on", "source", "authors", "text",
                     "rules_version", "record_json"),
        "documents": ("key", "number"),
        "article_documents": ("article_pk", "ord", "document_pk", "number", "type", "type_code", "serial", "year",
                              "issuer_code", "issuer_code_expanded", "issued_on", "issuer", "title"),
        "awards": ("article_pk", "ord", "award", "award_kind", "grade", "giver", "collectives", "individuals",
                   "recipients", "approximate", "text", "start", "end", "rule"),
        "people": ("name", "name_key", "search_key"),
        "organizations": ("name", "name_key", "search_key"),
        "article_people": ("article_pk", "ord", "person_pk", "titles", "organization"),
        "article_organizations": ("article_pk", "ord", "organization_pk", "text", "abbreviation"),
    }
    json_columns = {"source", "authors", "titles"}
    tables = {name: sa.table(name, sa.column("pk"), *(sa.column(c, sa.JSON if c in json_columns else None)
                                                    for c in cols)) for name, cols in columns.items()}
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0003")
        documents: dict[str, int] = {}
        entities: dict[tuple[str, str], int] = {}
        for record in stored:
            article_pk = connection.execute(tables["articles"].insert().returning(tables["articles"].c.pk).values(
                **record.model_dump(include={"id", "schema_version", "title", "published_at", "source", "authors",
                                             "text", "rules_version"}),
                published_on=dt.date.fromisoformat(record.published_at[:10]),
                record_json=record.model_dump_json())).scalar_one()
            for ord_, d in enumerate(record.documents):
                key = document_key(d.number, d.type_code)
                if key not in documents:
                    documents[key] = connection.execute(tables["documents"].insert().returning(
                        tables["documents"].c.pk).values(key=key, number=d.number)).scalar_one()
                connection.execute(tables["article_documents"].insert().values(
                    article_pk=article_pk, ord=ord_, document_pk=documents[key],
                    **d.model_dump(exclude={"mentions"})))
            for ord_, a in enumerate(record.awards):
                connection.execute(tables["awards"].insert().values(article_pk=article_pk, ord=ord_, **a.model_dump()))
            for family, entity, link, column in (("people", "people", "article_people", "person_pk"),
                                                 ("organizations", "organizations", "article_organizations",
                                                  "organization_pk")):
                for ord_, e in enumerate(getattr(record, family)):
                    key = name_key(e.name)  # revision 0003 keyed people and organisations by name alone
                    if (family, key) not in entities:
                        entities[(family, key)] = connection.execute(tables[entity].insert().returning(
                            tables[entity].c.pk).values(name=e.name, name_key=key,
                                                        search_key=search_key(e.name))).scalar_one()
                    fields = ({"titles": e.titles, "organization": e.organization} if family == "people"
                              else {"text": e.text, "abbreviation": e.abbreviation})
                    connection.execute(tables[link].insert().values(
                        article_pk=article_pk, ord=ord_, **{column: entities[(family, key)]}, **fields))
    engine.dispose()


def _counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    with engine.connect() as connection:
        counts = {t: connection.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar_one()
                  for t in ("articles", "article_documents", "awards", "documents", "people", "organizations",
                            "article_people", "article_organizations")}
    engine.dispose()
    return counts


def test_the_migration_types_rekeys_and_links_an_old_store_as_a_new_one_would(backend, tmp_path):  # noqa: F811
    (tmp_path / "old").mkdir(), (tmp_path / "new").mkdir()
    with _fresh_url(backend, tmp_path / "old") as old_url, _fresh_url(backend, tmp_path / "new") as new_url:
        stored = records() + identities()
        _store_at_0003(old_url, stored)
        before = _counts(old_url)
        assert before == {"articles": 6, "article_documents": 6, "awards": 4, "documents": 3, "people": 1,
                          "organizations": 9, "article_people": 3, "article_organizations": 11}
        with open_store(old_url) as migrated, open_store(new_url) as fresh:
            for record in stored:
                fresh.put(record)
            after = _counts(old_url)
            # every article, citation, award and link is still there; the local symbol is now two
            # documents, the namesakes two people, "Sở Y tế" of two provinces two organisations
            # (and givers not named as organisations have rows of their own)
            assert {**after, "documents": 3, "people": 1, "organizations": 9} == before
            assert (after["documents"], after["people"], after["organizations"]) == (4, 2, 11)
            for table, order in ((schema.articles, "id"), (schema.documents, "key"), (schema.people, "name_key"),
                                 (schema.organizations, "name_key"), (schema.positions, "name_key")):
                columns = [c for c in table.c if c.name != "record_json" and not c.name.endswith("pk")]
                assert (_rows(migrated, select(*columns).order_by(table.c[order]))
                        == _rows(fresh, select(*columns).order_by(table.c[order])))
            assert _awards(migrated) == _awards(fresh)
            assert (sorted(tuple(r.values()) for r in _rows(migrated, select(schema.organization_aliases.c.alias,
                                                                    schema.organization_aliases.c.kind)))
                    == sorted(tuple(r.values()) for r in _rows(fresh, select(schema.organization_aliases.c.alias,
                                                                      schema.organization_aliases.c.kind))))
            for record in stored:
                assert migrated.get(record.id) == record


# ---- exports ---------------------------------------------------------------------------------

def test_exports_load_typed_in_duckdb_and_pandas(research, tmp_path):
    duckdb = pytest.importorskip("duckdb")
    pd = pytest.importorskip("pandas")
    from extractor.store.export import export_tables

    for fmt in ("parquet", "csv", "jsonl"):
        export_tables(research, fmt, tmp_path / fmt)
    connection = duckdb.connect()
    connection.execute("SET autoinstall_known_extensions = false")
    parquet, csv, jsonl = (f"{tmp_path / fmt}/%s.{fmt}" for fmt in ("parquet", "csv", "jsonl"))

    def types(path: str, table: str, *columns: str) -> list[str]:
        relation = connection.sql(f"SELECT {', '.join(columns)} FROM '{path % table}'")
        return [str(t) for t in relation.types]

    assert types(parquet, "articles", "published_at", "published_on", "authors", "source") == [
        "TIMESTAMP WITH TIME ZONE", "DATE", "VARCHAR[]", "MAP(VARCHAR, VARCHAR)"]
    assert types(parquet, "awards", "recipients", "conferred_on", "approximate") == ["BIGINT", "DATE", "BOOLEAN"]
    assert types(parquet, "documents", "year", "issued_on", "citations") == ["BIGINT", "DATE", "BIGINT"]
    assert types(csv, "articles", "published_at", "published_on") == ["TIMESTAMP WITH TIME ZONE", "DATE"]
    assert types(csv, "awards", "recipients", "conferred_on") == ["BIGINT", "DATE"]
    assert types(jsonl, "articles", "authors", "published_on") == ["VARCHAR[]", "DATE"]
    assert connection.execute(f"SELECT SUM(recipients) FROM '{parquet % 'awards'}'").fetchone()[0] == 20

    articles = pd.read_parquet(tmp_path / "parquet" / "articles.parquet")
    assert str(articles["published_at"].dtype).startswith("datetime64") and "+07:00" in str(articles["published_at"].dtype)
    assert list(articles.loc[0, "authors"]) == ["Minh Quang", "Thu Hà"]
    awards = pd.read_parquet(tmp_path / "parquet" / "awards.parquet")
    assert str(awards["collectives"].dtype) == "Int64" and awards["collectives"].isna().sum() == 1
    documents = pd.read_parquet(tmp_path / "parquet" / "documents.parquet")
    assert str(documents["year"].dtype) == "Int64"
    assert awards["recipients"].sum() == 20


# ---- 4. identities across articles -----------------------------------------------------------

def test_the_gazetteers_current_units_are_the_official_list():
    """rules/gazetteer.yaml keeps the units before the merger by hand (no package lists them);
    the units after it must be exactly those of vietnam-provinces."""
    from extractor.rulebook import load_rules
    from extractor.store.units import official_provinces

    units = load_rules().gazetteer.units
    assert {u.current for u in units} == set(official_provinces()) and len(official_provinces()) == 34
    assert {u.name for u in units if u.existed.get("until") is None} == set(official_provinces())


def _person_record(id_: str, published_at: str, province: str, current: str, person: str, titles: list[str],
                   organization: str | None, organizations: list[tuple[str, str, str | None]]) -> Record:
    body = f"Hội nghị tại {province}. {' '.join(written for _, written, _ in organizations)}. Ông {person} phát biểu."
    return Record.model_validate({
        "id": id_, "published_at": published_at, "text": body,
        "locations": [{"name": province, "kind": "province", "current": current, "mentions": [_at(body, province)]}],
        "organizations": [{"name": name, "text": written, "abbreviation": abbreviation,
                           "mentions": [_at(body, written)]} for name, written, abbreviation in organizations],
        "people": [{"name": person, "titles": titles, "organization": organization,
                    "mentions": [_at(body, person)]}],
    })


def identities() -> list[Record]:
    return [
        # the same Chairman of Hải Dương's union before the merger, and of the merged Hải Phòng after it
        _person_record("p1", "2024-03-01", "Hải Dương", "Hải Phòng", "Nguyễn Văn Hải", ["Chủ tịch"],
                       "Liên đoàn Lao động tỉnh Hải Dương",
                       [("Liên đoàn Lao động tỉnh Hải Dương", "LĐLĐ tỉnh", "LĐLĐ"), ("Sở Y tế", "Sở Y tế", None)]),
        _person_record("p2", "2025-09-01", "Hải Phòng", "Hải Phòng", "Nguyễn Văn Hải", ["Phó Chủ tịch"],
                       "Liên đoàn Lao động thành phố Hải Phòng",
                       [("Liên đoàn Lao động thành phố Hải Phòng", "LĐLĐ thành phố", "LĐLĐ"),
                        ("Bộ Y tế", "Bộ Y tế", None)]),
        # a namesake in another province, and another province's Sở Y tế
        _person_record("p3", "2024-05-01", "Thái Bình", "Hưng Yên", "Nguyễn Văn Hải", ["Bí thư"], None,
                       [("Sở Y tế", "Sở Y tế", None), ("Bộ Y tế", "Bộ Y tế", None)]),
    ]


@pytest.fixture
def identified(store_url):
    with open_store(store_url) as store:
        assert store.put_many(identities()) == [True] * 3
        yield store


def test_organizations_are_keyed_by_name_and_place_with_aliases(identified):
    o = schema.organizations.c
    rows = {r["name_key"]: r for r in _rows(identified, select(schema.organizations))}
    health = sorted((r["name"], r["province"]) for r in rows.values() if r["name"] == "Sở Y tế")
    assert health == [("Sở Y tế", "Hải Dương"), ("Sở Y tế", "Thái Bình")]  # one per province
    assert [r["province"] for r in rows.values() if r["name"] == "Bộ Y tế"] == [None]  # national: one
    union = next(r for r in rows.values() if r["name"] == "Liên đoàn Lao động tỉnh Hải Dương")
    assert (union["province"], union["province_current"]) == ("Hải Dương", "Hải Phòng")
    aliases = {(r["alias"], r["kind"]) for r in _rows(identified, select(schema.organization_aliases)
                                                         .join(schema.organizations, o.pk == schema.organization_aliases.c.organization_pk)
                                                         .where(o.name == "Liên đoàn Lao động tỉnh Hải Dương"))}
    assert aliases == {("LĐLĐ", "abbreviation"), ("LĐLĐ tỉnh", "written")}
    # old and new units group together by the current one
    current = _rows(identified, select(o.province_current, o.name).where(o.name.like("Liên đoàn%"))
                    .order_by(o.name))
    assert {r["province_current"] for r in current} == {"Hải Phòng"}


def test_people_are_keyed_by_name_and_province_and_their_titles_line_up(identified):
    people = sorted((r["name"], r["province_current"]) for r in _rows(identified, select(schema.people)))
    assert people == sorted([("Nguyễn Văn Hải", "Hải Phòng"), ("Nguyễn Văn Hải", "Hưng Yên")])
    hai = identified.person("Nguyễn Văn Hải")  # the most named of the namesakes
    assert [(t.published_on, t.titles) for t in hai.titles] == [("2024-03-01", ["Chủ tịch"]),
                                                                 ("2025-09-01", ["Phó Chủ tịch"])]
    assert len(hai.namesakes) == 1 and identified.person(hai.namesakes[0]).titles[0].titles == ["Bí thư"]
    assert identified.person(hai.key).key == hai.key
    assert identified.person("Nobody") is None


def test_an_organization_with_its_articles_people_and_awards(identified):
    view = identified.organization("LĐLĐ tỉnh")  # by an alias
    assert view.name == "Liên đoàn Lao động tỉnh Hải Dương"
    assert [a.id for a in view.articles] == ["p1"] and view.article_count == 1
    assert [p.name for p in view.people] == ["Nguyễn Văn Hải"]
    assert identified.organization(view.key).key == view.key
    assert identified.organization("Không có") is None


def test_organizations_and_people_over_http_and_the_command_line(tmp_path):
    from fastapi.testclient import TestClient
    from typer.testing import CliRunner

    from extractor.cli import app
    from service import Settings, create_app

    url = f"sqlite:///{tmp_path / 'service.sqlite'}"
    with open_store(url) as store:
        store.put_many(identities())
    settings = Settings(DATABASE_URL=url, VNEXTRACT_EXTRACT_PROCESSES=0)
    with TestClient(create_app(settings)) as client:
        organization = client.get("/v1/organizations/Sở Y tế")
        assert organization.status_code == 200 and organization.json()["name"] == "Sở Y tế"
        person = client.get("/v1/people/Nguyễn Văn Hải").json()
        assert [t["titles"] for t in person["titles"]] == [["Chủ tịch"], ["Phó Chủ tịch"]]
        assert client.get(f"/v1/people/{person['key']}").json()["key"] == person["key"]
        missing = client.get("/v1/people/Không Ai")
        assert missing.status_code == 404 and missing.headers["content-type"] == "application/problem+json"
    shown = CliRunner().invoke(app, ["query", "--db", url, "--person-key", "Nguyễn Văn Hải", "--format", "json"])
    assert shown.exit_code == 0, shown.output
    assert [t["titles"] for t in json.loads(shown.stdout)["titles"]] == [["Chủ tịch"], ["Phó Chủ tịch"]]
    shown = CliRunner().invoke(app, ["query", "--db", url, "--organization-key", "Bộ Y tế", "--format", "json"])
    assert json.loads(shown.stdout)["article_count"] == 2
    assert CliRunner().invoke(app, ["query", "--db", url, "--person-key", "Không Ai"]).exit_code == 2
