"""`vnextract batch`: every kind of input, every target, resuming after kill -9, Dask, progress."""
from __future__ import annotations

import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tarfile
import time
import uuid
import zipfile
from pathlib import Path

import pytest

from extractor.batch import BatchSettings, run_batch
from extractor.batch.durable import AppendOnlyJsonl, CorruptFile
from extractor.batch.targets import sidecar_path
from conftest import to_windows_1258
from test_legacy import to_tcvn3, to_vni

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT / "corpus" / "articles"
SHORT_ARTICLES = ["d04_nam-dinh_tet-sum-vay.txt", "c07_long-an_cong-doan-y-te.txt", "b11_kon-tum_tap-huan-van-thu.txt"]


def variants(count: int) -> list[str]:
    """`count` articles with distinct ids: short corpus articles, each with a numbered closing line."""
    bases = [(ARTICLES / name).read_text(encoding="utf-8") for name in SHORT_ARTICLES]
    return [f"{bases[i % len(bases)].rstrip()}\n\nBài số {i}.\n" for i in range(count)]


def write_folder(folder: Path, texts: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i, text in enumerate(texts):
        (folder / f"{i:04d}.txt").write_text(text, encoding="utf-8")
    return folder


def store_or_skip():
    """The store is built beside this work; until it is there, the store tests wait for it."""
    store = pytest.importorskip("extractor.store")
    if not hasattr(store, "open_store"):
        pytest.skip("extractor.store has no open_store yet")
    return store


@pytest.fixture
def postgres_url():
    """A fresh schema in the test PostgreSQL (whose store the workers write themselves)."""
    sqlalchemy = pytest.importorskip("sqlalchemy")
    store_or_skip()
    base = os.environ.get("VNEXTRACT_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    schema = f"batch_{uuid.uuid4().hex[:10]}"
    engine = sqlalchemy.create_engine(base)
    try:
        with engine.begin() as c:
            c.execute(sqlalchemy.text(f"CREATE SCHEMA {schema}"))
    except sqlalchemy.exc.OperationalError:
        pytest.skip("no PostgreSQL to test against")
    yield f"{base}?options=-csearch_path%3D{schema}"
    with engine.begin() as c:
        c.execute(sqlalchemy.text(f"DROP SCHEMA {schema} CASCADE"))
    engine.dispose()


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def finished_keys(ledger: Path) -> int:
    if not ledger.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{ledger}?mode=ro", uri=True) as db:
            return db.execute("SELECT count(*) FROM finished").fetchone()[0]
    except sqlite3.OperationalError:  # the table is not created yet
        return 0


def run(inputs: list[Path], out: Path | str, **settings) -> tuple:
    stream = io.StringIO()
    tally = run_batch(BatchSettings(inputs=inputs, out=str(out), **{"jobs": 1, **settings}), stream=stream)
    return tally, stream.getvalue()


def _html(text: str) -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in text.split("\n\n"))
    return f"<html><head><title>t</title></head><body><article>{paragraphs}</article></body></html>"


def _warc(path: Path, pages: list[tuple[str, str]]) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as f:
        writer = WARCWriter(f, gzip=True)
        for url, html in pages:
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(html.encode()),
                                                          http_headers=headers))
        image = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record("https://x.vn/a.png", "response",
                                                      payload=io.BytesIO(b"\x89PNG"), http_headers=image))
        writer.write_record(writer.create_warc_record("https://x.vn/1", "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")))


def test_every_kind_of_input_and_encoding_into_jsonl(tmp_path):
    texts = variants(10)
    src = tmp_path / "in"
    (src / "old").mkdir(parents=True)
    (src / "a.txt").write_text(texts[0], encoding="utf-8")
    (src / "b.html").write_text(_html(texts[1]), encoding="utf-8")
    (src / "old" / "tcvn3.txt").write_bytes(to_tcvn3(texts[2]))
    (src / "old" / "vni.txt").write_bytes(to_vni(texts[3]))
    (src / "old" / "cp1258.txt").write_bytes(to_windows_1258(texts[4]))
    (src / "old" / "utf16.txt").write_bytes(texts[5].encode("utf-16"))
    (src / "old" / "mixed.txt").write_bytes(to_tcvn3(texts[6][:600]) + to_vni(texts[6][600:]))
    (src / "empty.txt").write_bytes(b"\n")
    lines = [{"text": texts[7], "url": "https://x.vn/7"}, {"html": _html(texts[8]), "url": "https://x.vn/8"}]
    (src / "feed.jsonl").write_text("\n".join([*map(json.dumps, lines), "not json", '{"title": "no text"}']) + "\n")
    with zipfile.ZipFile(src / "pack.zip", "w") as z:
        z.writestr("2020/z.txt", texts[9])
        z.writestr("2020/notes.csv", "a,b")
    with tarfile.open(src / "pack.tar.gz", "w:gz") as t:
        data = texts[0].replace("Bài số 0", "Bài số 100").encode()
        info = tarfile.TarInfo("t/one.txt")
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))
    _warc(src / "crawl.warc.gz", [("https://x.vn/w", _html(texts[1].replace("Bài số 1", "Bài số 101")))])

    out = tmp_path / "out.jsonl"
    tally, _ = run([src], out)

    records = read_jsonl(out)
    assert len(records) == tally.done == 11 and len({r["id"] for r in records}) == 11
    by_name = {Path(r["source"]["path"]).name + r["source"].get("member", ""): r for r in records}
    assert {name: by_name[name]["encoding"] for name in ("tcvn3.txt", "vni.txt", "cp1258.txt", "utf16.txt")} == {
        "tcvn3.txt": "tcvn3", "vni.txt": "vni-windows", "cp1258.txt": "windows-1258", "utf16.txt": "utf-16"}
    assert by_name["pack.zip2020/z.txt"]["source"]["member"] == "2020/z.txt"
    assert {r["source"].get("url") for r in records} >= {"https://x.vn/7", "https://x.vn/8", "https://x.vn/w"}
    errors = read_jsonl(sidecar_path(str(out), "errors.jsonl"))
    assert sorted((Path(e["source"]["path"]).name, e["code"]) for e in errors) == [
        ("empty.txt", "E001"), ("feed.jsonl", "B001"), ("feed.jsonl", "B001"), ("mixed.txt", "E003")]
    assert tally.failed == 4 and all(e["reason"] and e["key"] for e in errors)


@pytest.mark.parametrize("target", ["out.jsonl", "sqlite", "postgresql"])
def test_a_killed_run_resumes_with_every_article_exactly_once(tmp_path, target, request):
    if target == "sqlite":
        store_module = store_or_skip()
        target = f"sqlite:///{tmp_path / 'store.db'}"
    elif target == "postgresql":
        store_module = store_or_skip()
        target = request.getfixturevalue("postgres_url")
    count = 240 if target.endswith(".jsonl") else 100  # a store write costs more than an extraction
    src = write_folder(tmp_path / "in", variants(count))
    out = target if "://" in target else str(tmp_path / target)
    command = [sys.executable, "-m", "extractor", "batch", str(src), "--out", out, "--jobs", "2", "--flush-every", "4"]
    ledger = tmp_path / sidecar_path(out, "ledger.sqlite")  # a server's ledger goes in the working folder

    first = subprocess.Popen(command, cwd=tmp_path, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while finished_keys(ledger) < 12:
        assert first.poll() is None, first.stderr.read().decode()[-2000:]
        assert time.monotonic() < deadline
        time.sleep(0.02)
    os.killpg(first.pid, signal.SIGKILL)  # the run, its fork server and its workers, mid-write maybe
    first.wait()
    killed_at = finished_keys(ledger)
    assert 12 <= killed_at < count, "the run was not killed part-way"
    if target.endswith(".jsonl"):
        with open(out, "ab") as f:  # as a crash in the middle of a write leaves it
            f.write(b'{"schema_version": "1.0", "id": "torn')

    second = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert second.returncode == 0, second.stderr[-2000:]
    assert f"skipped {killed_at} as already done" in second.stdout
    assert finished_keys(ledger) == count
    if target.endswith(".jsonl"):
        ids = [r["id"] for r in read_jsonl(Path(out))]
    else:
        ids = [r.id for r in store_module.open_store(out).iter_records()]
    assert len(ids) == len(set(ids)) == count


def test_parquet_target_resumes_without_duplicates(tmp_path):
    import pyarrow.parquet as pq

    texts = variants(12)
    first_half = write_folder(tmp_path / "in" / "a", texts[:6])
    write_folder(tmp_path / "in" / "b", texts[6:])
    out = tmp_path / "parquet"
    assert run([first_half], out, jobs=1)[0].done == 6
    (out / ".part-cut-short.parquet.tmp").write_bytes(b"PAR1")  # a write the crash cut short
    (tmp_path / "in" / "c").mkdir()
    (tmp_path / "in" / "c" / "again.txt").write_text(texts[0], encoding="utf-8")  # same article, other file
    tally, _ = run([tmp_path / "in"], out, jobs=1)
    assert (tally.skipped, tally.done, tally.duplicates) == (6, 7, 1)
    table = pq.read_table(out)
    assert table.num_rows == len(set(table.column("id").to_pylist())) == 12
    assert not list(out.glob("*.tmp"))
    assert json.loads(table.column("record")[0].as_py())["id"] == table.column("id")[0].as_py()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_store_target_is_idempotent(tmp_path, backend, request, monkeypatch):
    monkeypatch.chdir(tmp_path)  # where a server store's ledger goes by default
    store_module = store_or_skip()
    url = f"sqlite:///{tmp_path / 'store.db'}" if backend == "sqlite" else request.getfixturevalue("postgres_url")
    src = write_folder(tmp_path / "in", variants(5))
    (tmp_path / "in" / "again.txt").write_text(variants(1)[0], encoding="utf-8")  # a second copy of article 0
    first, _ = run([src], url, jobs=2)
    assert (first.done, first.duplicates) == (6, 1)
    tally, _ = run([src], url, ledger=tmp_path / "fresh-ledger.sqlite")  # a lost ledger: everything again
    assert (tally.done, tally.duplicates, tally.skipped) == (6, 6, 0)
    with store_module.open_store(url) as store:
        assert store.count() == 5


def test_dask_local_cluster(tmp_path):
    pytest.importorskip("distributed")
    src = write_folder(tmp_path / "in", variants(24))
    out = tmp_path / "out.jsonl"
    tally, _ = run([src], out, jobs=2, dask="local")
    assert tally.done == 24 and tally.failed == 0
    assert len({r["id"] for r in read_jsonl(out)}) == 24


def test_progress_lines_and_summary_when_not_on_a_terminal(tmp_path):
    src = write_folder(tmp_path / "in", variants(3))
    tally, printed = run([src], tmp_path / "out.jsonl", progress_seconds=0, chunk_size=1)
    assert "batch: 1/3 articles, 0 failed" in printed and "ETA" in printed
    again, _ = run([src], tmp_path / "out.jsonl")
    assert again.summary().startswith("done 0, skipped 3 as already done, failed 0, ")
    assert tally.summary().startswith("done 3, skipped 0 as already done, failed 0, ") and "articles/s" in tally.summary()


def test_an_article_that_breaks_the_extractor_is_an_error_line_not_a_stop(tmp_path, monkeypatch):
    import extractor.batch.work as work

    real = work.extract

    def flaky(content, **kw):
        if "Bài số 1." in (content.decode() if isinstance(content, bytes) else content):
            raise RuntimeError("a bug")
        return real(content, **kw)

    monkeypatch.setattr(work, "extract", flaky)
    src = write_folder(tmp_path / "in", variants(3))
    tally, _ = run([src], tmp_path / "out.jsonl")
    assert (tally.done, tally.failed) == (2, 1)
    [error] = read_jsonl(tmp_path / "out.jsonl.errors.jsonl")
    assert error["code"] == "B002" and error["reason"] == "RuntimeError: a bug"


def test_jsonl_repair_cuts_a_torn_end_and_refuses_damage_in_the_middle(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_bytes(b'{"id": "a"}\n{"id": "b"}\n{"id": "c')
    f = AppendOnlyJsonl(path, "id")
    assert f.keys == {"a", "b"}
    assert f.append([("b", b'{"id": "b"}'), ("c", b'{"id": "c"}'), ("c", b'{"id": "c"}')]) == 1
    f.close()
    assert path.read_bytes() == b'{"id": "a"}\n{"id": "b"}\n{"id": "c"}\n'
    path.write_bytes(b'{"id": "a"}\nnot json\n{"id": "c"}\n')
    with pytest.raises(CorruptFile, match="line 2"):
        AppendOnlyJsonl(path, "id")


def test_ledger_and_errors_go_beside_the_target():
    assert sidecar_path("out/x.jsonl", "ledger.sqlite") == Path("out/x.jsonl.ledger.sqlite")
    assert sidecar_path("out/pq", "errors.jsonl") == Path("out/pq/_errors.jsonl")
    assert sidecar_path("sqlite:////data/s.db", "ledger.sqlite") == Path("/data/s.db.ledger.sqlite")
    assert sidecar_path("postgresql+psycopg://u@h/db", "ledger.sqlite").name.startswith("vnextract-batch-")
