"""The record's JSON Schema, generated from the pydantic model: shipped as docs/record.schema.json,
served at GET /v1/schema. `vnextract schema --out docs/record.schema.json` (`make schema`) rewrites it."""
from __future__ import annotations

import json
from typing import Any

from .record import SCHEMA_VERSION, Record

SCHEMA_ID = f"urn:vnextract:record:{SCHEMA_VERSION}"


def record_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one record, as `Record` validates it."""
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID,
            **Record.model_json_schema(mode="serialization")}


def record_json_schema_text() -> str:
    """The schema as the file in docs/ holds it: indented, non-ASCII kept, a final newline."""
    return json.dumps(record_json_schema(), ensure_ascii=False, indent=2) + "\n"
