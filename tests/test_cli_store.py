"""The store commands: ingest, query, export (and files that pyarrow reads back)."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from extractor.cli import app
from extractor.store.schema import EXPORTED_TABLES

CORPUS = Path(__file__).resolve().parent.parent / "corpus" / "articles"
ARTICLES = ["a02_yen-bai_so-ket-nghi-quyet-6b.txt", "b09_khanh-hoa_sang-kien-vien-chuc.html",
            "d00_hai-duong_dai-hoi-cdvc.txt"]


@pytest.fixture
def articles(tmp_path) -> Path:
    """Three corpus articles, an empty file and a binary one."""
    folder = tmp_path / "articles"
    folder.mkdir()
    for name in ARTICLES:
        shutil.copy(CORPUS / name, folder / name)
    (folder / "empty.txt").write_text("")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 4)
    return folder


@pytest.fixture
def db(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'cli.sqlite'}"


def _run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(app, list(args), env=env)


@pytest.fixture
def ingested(articles, db) -> str:
    _run("ingest", str(articles), "--db", db)
    return db


def test_ingest_reports_and_skips_bad_files(articles, db, tmp_path):
    """ingest is a batch run into the store: its errors file, its ledger, its summary."""
    first = _run("ingest", str(articles), "--db", db)
    assert first.exit_code == 1
    assert first.stdout.strip().splitlines()[-1].startswith("done 3, skipped 0 as already done, failed 2")
    errors = tmp_path / "cli.sqlite.errors.jsonl"
    assert f"2 article(s) failed; each is listed with its reason in {errors}" in first.stderr
    assert {Path(json.loads(line)["source"]["path"]).name for line in errors.read_text().splitlines()} == {
        "empty.txt", "binary.txt"}
    again = _run("ingest", str(articles), "--db", db)
    assert again.exit_code == 0
    assert again.stdout.strip().splitlines()[-1].startswith("done 0, skipped 5 as already done, failed 0")
    shutil.copy(articles / ARTICLES[0], articles / "copy.txt")  # the same article under another name
    copy = _run("ingest", str(articles), "--db", db)
    assert copy.stdout.strip().splitlines()[-1].startswith("done 1 (1 already in the target by id), skipped 5")


def test_ingest_refuses_a_store_it_cannot_open(articles, tmp_path):
    result = _run("ingest", str(articles), "--db", f"sqlite:///{tmp_path / 'no' / 'such' / 'dir.sqlite'}")
    assert result.exit_code == 2


def test_ingest_and_query_take_the_database_from_the_environment(articles, db):
    env = {"DATABASE_URL": db}
    assert _run("ingest", str(articles / ARTICLES[0]), env=env).exit_code == 0
    page = json.loads(_run("query", "--format", "json", env=env).stdout)
    assert len(page["items"]) == 1


def test_query_table(ingested):
    result = _run("query", "--db", ingested, "--limit", "2")
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert lines[0].split()[:2] == ["id", "published"]
    assert len(lines) == 4  # header, two articles, the footer
    assert "next page: --cursor" in lines[-1]


def test_query_json_pages_and_filters(ingested):
    first = json.loads(_run("query", "--db", ingested, "--limit", "2", "--format", "json").stdout)
    rest = json.loads(_run("query", "--db", ingested, "--cursor", first["next_cursor"], "--format", "json").stdout)
    assert len(first["items"]) == 2 and len(rest["items"]) == 1 and rest["next_cursor"] is None
    cited = json.loads(_run("query", "--db", ingested, "--document", "9/NQ-CDVC", "--format", "json").stdout)
    assert [r["source"]["path"].rsplit("/", 1)[-1] for r in cited["items"]] == [ARTICLES[1]]
    dated = json.loads(_run("query", "--db", ingested, "--published-from", "2100-01-01", "--format", "json").stdout)
    assert dated["items"] == []


@pytest.mark.parametrize("args", [["--published-from", "someday"], ["--award-kind", "medal"], ["--cursor", "nope"],
                                  ["--published-from", "2022-02-01", "--published-to", "2022-01-01"]])
def test_query_refuses_bad_filters(ingested, args):
    result = _run("query", "--db", ingested, *args)
    assert result.exit_code == 2
    assert "Invalid value" in result.output


def test_export_parquet(ingested, tmp_path):
    out = tmp_path / "parquet"
    result = _run("export", "--db", ingested, "--format", "parquet", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{t.name}.parquet" for t in EXPORTED_TABLES)
    articles = pq.read_table(out / "articles.parquet")
    assert articles.num_rows == 3
    assert articles.schema.field("published_on").type == pa.date32()
    assert all(dict(s)["path"] for s in articles.column("source").to_pylist())  # a map, not JSON text
    assert articles.schema.field("authors").type == pa.list_(pa.string())
    assert articles.schema.field("published_at").type == pa.timestamp("us", tz="+07:00")
    assert pq.read_table(out / "mentions.parquet").num_rows > 0
    dates = pq.read_table(out / "article_dates.parquet")
    assert dates.schema.field("year_inferred").type == pa.bool_()


def test_export_csv_and_jsonl(ingested, tmp_path):
    assert _run("export", "--db", ingested, "--format", "csv", "--out", str(tmp_path / "csv")).exit_code == 0
    assert _run("export", "--db", ingested, "--format", "jsonl", "--out", str(tmp_path / "jsonl")).exit_code == 0
    for table in EXPORTED_TABLES:
        from_csv = pa_csv.read_csv(tmp_path / "csv" / f"{table.name}.csv")
        lines = (tmp_path / "jsonl" / f"{table.name}.jsonl").read_text(encoding="utf-8").splitlines()
        assert from_csv.column_names == [c.name for c in table.columns]
        assert from_csv.num_rows == len(lines)
    article = json.loads((tmp_path / "jsonl" / "articles.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert isinstance(article["authors"], list) and "published_on" in article


def test_serve_runs_the_app_with_the_store_given(monkeypatch, db):
    import uvicorn

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app, log_config, **kwargs: calls.append((app, kwargs)))
    monkeypatch.setenv("DATABASE_URL", "sqlite:///elsewhere.sqlite")  # restored after the test; --db wins
    monkeypatch.setenv("VNEXTRACT_EXTRACT_PROCESSES", "7")  # restored after the test; --processes wins
    assert _run("serve", "--port", "8123", "--db", db, "--processes", "3").exit_code == 0
    from extractor.http.slow_clients import HeadTimeoutProtocol

    ((app, options),) = calls
    protocol = options.pop("http")  # slow request heads are cut off (docs/security.md)
    assert (app, options) == ("extractor.http:create_app", {"factory": True, "host": "127.0.0.1", "port": 8123,
                                                           "log_level": "info"})
    assert issubclass(protocol, HeadTimeoutProtocol) and protocol.head_timeout == 10.0
    assert os.environ["DATABASE_URL"] == db
    assert os.environ["VNEXTRACT_EXTRACT_PROCESSES"] == "3"
