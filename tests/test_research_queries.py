"""The worked queries of docs/research.md and docs/store.md run on both stores filled with
corpus/, and through DuckDB over the store and over a Parquet export, with the same answers."""
from __future__ import annotations

import datetime as dt
import json
import re
from functools import lru_cache
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from extractor import extract
from extractor.cli import app
from extractor.store import duck, open_store
from extractor.store.export import export_tables
from test_store import _fresh_url, backend  # noqa: F401  (each test runs on both backends)

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus" / "articles"


def worked_queries(doc: str) -> list[str]:
    """The ```sql blocks of a docs/ page."""
    return re.findall(r"```sql\n(.*?)```", (ROOT / "docs" / doc).read_text(encoding="utf-8"), re.S)


@lru_cache(maxsize=1)
def _corpus():
    return [extract(path) for path in sorted(CORPUS.iterdir())]


@pytest.fixture(scope="module")
def corpus_store(backend, tmp_path_factory):  # noqa: F811
    with _fresh_url(backend, tmp_path_factory.mktemp("corpus")) as url, open_store(url) as store:
        assert all(store.put_many(_corpus()))
        yield store


def _plain(value):
    """A cell as every engine can be compared on: dates as ISO text, JSON text as its value."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, str) and value[:1] in ("[", "{"):  # SQLite's JSON columns come back as text
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _answer(rows) -> list[tuple]:
    return [tuple(_plain(v) for v in row) for row in rows]


QUERIES = [("research.md", i) for i in range(5)] + [("store.md", i) for i in range(2)]


@pytest.mark.parametrize("doc, index", QUERIES)
def test_worked_queries_agree_on_the_store_and_in_duckdb(corpus_store, tmp_path, doc, index):
    sql = worked_queries(doc)[index]
    with corpus_store._engine.connect() as connection:
        direct = _answer(connection.execute(text(sql)).all())
    assert direct, f"{doc} query {index + 1} finds nothing on corpus/"
    assert _answer(duck.run(duck.over_store(corpus_store, sql), sql)[1]) == direct
    export_tables(corpus_store, "parquet", tmp_path)
    assert _answer(duck.run(duck.over_folder(tmp_path), sql)[1]) == direct


def test_the_pages_hold_their_queries():
    assert len(worked_queries("research.md")) == 5
    assert len(worked_queries("store.md")) == 2


def test_sql_command(corpus_store, tmp_path):
    if corpus_store._engine.dialect.name != "sqlite":
        pytest.skip("the command reads the same tables on both; once is enough")
    url = corpus_store._engine.url.render_as_string(hide_password=False)
    result = CliRunner().invoke(app, ["sql", "SELECT COUNT(*) AS n FROM articles", "--db", url, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"n": len(_corpus())}
    export_tables(corpus_store, "csv", tmp_path)
    result = CliRunner().invoke(app, ["sql", "SELECT SUM(recipients) AS r FROM awards", "--dir", str(tmp_path),
                                      "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "r" and int(result.stdout.splitlines()[1]) > 0
    bad = CliRunner().invoke(app, ["sql", "SELECT nonsense FROM nowhere", "--db", url])
    assert bad.exit_code == 2 and "nowhere" in bad.output
    empty = CliRunner().invoke(app, ["sql", "SELECT 1", "--dir", str(tmp_path / "missing")])
    assert empty.exit_code == 2


def test_the_data_dictionary_names_every_table_and_column():
    from extractor.store import schema

    page = (ROOT / "docs" / "store.md").read_text(encoding="utf-8")
    for table in [*schema.metadata.sorted_tables, *schema.views.sorted_tables]:
        assert f"**{table.name}**" in page, table.name
        for column in table.columns:
            assert re.search(rf"(?<![\w]){column.name}(?![\w])", page), f"{table.name}.{column.name}"


@pytest.mark.parametrize("sql", ["INSTALL sqlite", "select 1; force install httpfs from core", "LOAD postgres",
                                 "SELECT * FROM sqlite_scan('x.db', 't')"])
def test_duckdb_fetches_no_extension(sql):
    """DuckDB's scanners for SQLite and PostgreSQL are downloads: never attempted, refused at once."""
    import duckdb

    with pytest.raises((ValueError, duckdb.Error)) as refused:
        duck.run(duck.connect(), sql)
    assert "http" not in str(refused.value)
