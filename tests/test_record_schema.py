"""The record's JSON Schema: the file in docs/, GET /v1/schema and the pydantic model agree, and
real records validate against it."""
from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
from fastapi.testclient import TestClient

from conftest import CORPUS
from extractor import extract
from extractor.record_schema import record_json_schema
from service import create_app
from test_service import _settings

SHIPPED = Path(__file__).resolve().parent.parent / "docs" / "record.schema.json"
DOC = Path(__file__).resolve().parent.parent / "docs" / "record.md"


def test_the_shipped_schema_is_the_models():
    assert json.loads(SHIPPED.read_text(encoding="utf-8")) == record_json_schema(), \
        "docs/record.schema.json is stale: run `make schema`"


def test_the_service_serves_the_shipped_schema(tmp_path):
    with TestClient(create_app(_settings(tmp_path))) as client:
        response = client.get("/v1/schema")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/schema+json"
    assert response.json() == json.loads(SHIPPED.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", sorted((CORPUS / "articles").iterdir())[::6], ids=lambda p: p.name)
def test_records_validate_against_the_schema(path):
    schema = json.loads(SHIPPED.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(json.loads(extract(path).model_dump_json()), schema, cls=jsonschema.Draft202012Validator)


def test_a_wrong_record_does_not_validate():
    record = json.loads(extract("Ngày 28/7/2022, 2 tập thể được UBND tỉnh tặng Bằng khen.").model_dump_json())
    record["awards"][0]["award_kind"] = "medal"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(record, json.loads(SHIPPED.read_text(encoding="utf-8")))


def test_record_md_lists_exactly_the_fields_of_the_model():
    """Each section of docs/record.md opens with its object's fields, `{a, b, ...}`, and the top
    level is a table: both must be the model's fields, no more, no fewer."""
    text = DOC.read_text(encoding="utf-8")
    schema = record_json_schema()
    top = text[text.index("## Top level"):text.index("## Mention")]
    assert set(re.findall(r"^\| `(\w+)` \|", top, re.M)) == set(schema["properties"])
    for name, model in schema["$defs"].items():
        section = re.search(rf"^## {name}\n\n`\{{([^}}]+)\}}`", text, re.M)
        assert section, f"docs/record.md has no section for {name}"
        assert [f.strip() for f in section.group(1).split(",")] == list(model["properties"]), name
    kinds = set(re.findall(r"^\| `(\w+)` \|", text[text.index("`award_kind` is one of"):], re.M))
    assert kinds == set(schema["$defs"]["Award"]["properties"]["award_kind"]["enum"])
