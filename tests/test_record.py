"""Records are built without per-object validation (assemble.py); here they are validated whole."""
from __future__ import annotations

import json

import pytest

from extractor import Record, extract

from conftest import CORPUS


@pytest.mark.parametrize("path", sorted((CORPUS / "articles").iterdir()), ids=lambda p: p.name)
def test_record_validates_and_round_trips(path):
    record = extract(path)
    again = Record.model_validate(json.loads(record.model_dump_json()))
    assert again == record
    assert record.id and record.schema_version
    for family, mention in record.mentions():
        assert record.text[mention.start:mention.end] == mention.text, family


def test_same_article_same_id():
    text = (CORPUS / "articles").glob("*.txt").__next__().read_text(encoding="utf-8")
    assert extract(text).id == extract(text.replace("\n", "\r\n")).id
