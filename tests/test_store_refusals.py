"""A record the store refuses fails alone, through the one retry-a-record-at-a-time path
(`put_or_refuse`), whether the workers or the run write the store."""
from __future__ import annotations

import json

import pytest

from extractor import Record, extract
from extractor.batch import BatchSettings, run_batch
from extractor.batch.targets import sidecar_path
from extractor.batch.work import STORE_REFUSED, put_or_refuse, process_chunk
from extractor.batch.inputs import Article
from extractor.options import ExtractOptions
from extractor.store import Store, StoreUnavailable, open_store
from test_batch import variants, write_folder

REFUSED_IDS: set[str] = set()


def _record(id_: str) -> Record:
    return Record(id=id_, title="ok", text="Bài viết.")


@pytest.fixture
def refusing_store(monkeypatch):
    """Stores refuse any lot holding a record whose id is in REFUSED_IDS, as a database refuses a value."""
    put_many = Store.put_many

    def refusing(self, records):
        if any(r.id in REFUSED_IDS for r in records):
            raise ValueError("the database refuses this value")
        return put_many(self, records)

    monkeypatch.setattr(Store, "put_many", refusing)
    yield REFUSED_IDS
    REFUSED_IDS.clear()


def test_only_the_refused_record_fails(tmp_path, refusing_store):
    store = open_store(f"sqlite:///{tmp_path / 's.sqlite'}")
    refusing_store.add("b")
    results = put_or_refuse(store, [_record("a"), _record("b"), _record("c"), _record("a")])
    assert results[0] is True and results[2] is True and results[3] is False
    assert isinstance(results[1], ValueError)
    assert sorted(r.id for r in store.iter_records()) == ["a", "c"]


def test_an_unreachable_store_is_raised_not_refused():
    class Down:
        def put_many(self, records):
            raise StoreUnavailable("down")

    with pytest.raises(StoreUnavailable):
        put_or_refuse(Down(), [_record("a")])


def test_workers_writing_the_store_fail_the_refused_article_alone(tmp_path, refusing_store):
    texts = variants(3)
    refusing_store.add(extract(texts[2]).id)
    items = [Article(f"feed#{i}", text, {"line": i}, html=False) for i, text in enumerate(texts)]
    outcomes = process_chunk(items, ExtractOptions(), store_url=f"sqlite:///{tmp_path / 'w.sqlite'}")
    assert [type(o).__name__ for o in outcomes] == ["Stored", "Stored", "Failed"]
    assert outcomes[2].code == STORE_REFUSED and outcomes[2].source == {"line": 2}


def test_a_run_writing_sqlite_lists_a_refused_article_as_failed(tmp_path, refusing_store):
    texts = variants(5)
    refusing_store.add(extract(texts[2]).id)
    src = write_folder(tmp_path / "in", texts)
    out = f"sqlite:///{tmp_path / 'run.sqlite'}"
    tally = run_batch(BatchSettings(inputs=[src], out=out, jobs=1))
    assert (tally.done, tally.failed) == (4, 1)
    errors = [json.loads(line) for line in sidecar_path(out, "errors.jsonl").read_text().splitlines()]
    assert [(e["key"].endswith("0002.txt"), e["code"]) for e in errors] == [(True, STORE_REFUSED)]
    assert open_store(out).count() == 4
    again = run_batch(BatchSettings(inputs=[src], out=out, jobs=1))
    assert (again.done, again.skipped, again.failed) == (0, 5, 0)  # the refusal is finished, not retried
