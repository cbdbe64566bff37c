"""Each pipeline step reads and writes only what its `Step` declares (extractor/pipeline.py).

Steps run in order on a Doc that logs every field read and written, `spans` and `context`
entries included, so an undeclared dependency between steps fails here rather than as a
silent change of results when the order changes."""
from __future__ import annotations

from dataclasses import fields

import pytest

from extractor.doc import Doc
from extractor.options import ExtractOptions
from extractor.pipeline import STEPS

from conftest import CORPUS

# configuration, and the work budget every step spends (budget.py): not data another step produces
ALWAYS = {"rules", "options", "budget"}
DOC_FIELDS = {f.name for f in fields(Doc)}


class _Log:
    def __init__(self) -> None:
        self.reads: set[str] = set()
        self.writes: set[str] = set()


class _Entries(dict):
    """`spans` / `context`: reads and writes of each key are logged as "spans.<key>"."""

    def __init__(self, data, prefix: str, log: _Log):
        super().__init__(data)
        self.prefix, self.log = prefix, log

    def __getitem__(self, key):
        self.log.reads.add(f"{self.prefix}.{key}")
        return super().__getitem__(key)

    def get(self, key, default=None):
        self.log.reads.add(f"{self.prefix}.{key}")
        return super().get(key, default)

    def __setitem__(self, key, value):
        self.log.writes.add(f"{self.prefix}.{key}")
        super().__setitem__(key, value)

    def __iter__(self):
        raise AssertionError(f"a step iterates over every {self.prefix} entry; name the ones it reads")


class _TracingDoc(Doc):
    def __getattribute__(self, name):
        log = object.__getattribute__(self, "__dict__").get("_log")
        if log is not None and name in DOC_FIELDS and name not in ("spans", "context"):
            log.reads.add(name)
        return object.__getattribute__(self, name)

    def __setattr__(self, name, value):
        log = self.__dict__.get("_log")
        if log is not None and name in DOC_FIELDS:
            if name in ("spans", "context"):
                raise AssertionError(f"a step replaces doc.{name}")
            log.writes.add(name)
        object.__setattr__(self, name, value)


def _articles() -> list[str]:
    paths = sorted(p for p in (CORPUS / "articles").iterdir() if p.suffix == ".txt")
    return [paths[i].read_text(encoding="utf-8") for i in (0, 7, 15, 30)]


def _traced(text: str, rules) -> _TracingDoc:
    base = Doc.from_text(text, rules, ExtractOptions())
    return _TracingDoc(**{f.name: getattr(base, f.name) for f in fields(Doc)})


def _run(step, doc: _TracingDoc) -> _Log:
    log = _Log()
    doc.__dict__["_log"] = log
    doc.__dict__["spans"] = _Entries(doc.spans, "spans", log)
    doc.__dict__["context"] = _Entries(doc.context, "context", log)
    try:
        step.run(doc)
    finally:
        doc.__dict__["_log"] = None
    return log


def _check(step, log: _Log) -> None:
    undeclared_reads = log.reads - set(step.reads) - set(step.writes) - ALWAYS
    undeclared_writes = log.writes - set(step.writes)
    assert not undeclared_reads, f"step {step.name} reads {sorted(undeclared_reads)} it does not declare"
    assert not undeclared_writes, f"step {step.name} writes {sorted(undeclared_writes)} it does not declare"
    unused = set(step.writes) - log.writes
    assert not unused, f"step {step.name} declares writes it never makes: {sorted(unused)}"


@pytest.mark.parametrize("text", _articles(), ids=lambda t: t.splitlines()[0][:30])
def test_each_step_reads_and_writes_what_it_declares(text, rules):
    doc = _traced(text, rules)
    for step in STEPS:
        _check(step, _run(step, doc))


def test_an_undeclared_read_is_caught(rules):
    """The check can fail: the awards step declared as reading only the body."""
    from dataclasses import replace

    doc = _traced(_articles()[0], rules)
    for step in STEPS[:-1]:
        _run(step, doc)
    narrowed = replace(STEPS[-1], reads=("body",))
    with pytest.raises(AssertionError, match="spans.organizations"):
        _check(narrowed, _run(narrowed, doc))
