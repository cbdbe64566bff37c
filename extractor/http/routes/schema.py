"""The record's JSON Schema (the file docs/record.schema.json holds)."""
from __future__ import annotations

from fastapi import APIRouter, Response

from ...record_schema import record_json_schema_text

router = APIRouter(tags=["schema"])
_SCHEMA = record_json_schema_text().encode()


@router.get("/v1/schema", response_class=Response,
            responses={200: {"description": "JSON Schema (draft 2020-12) of a record",
                             "content": {"application/schema+json": {}}}})
async def record_schema() -> Response:
    """The JSON Schema of the record every extraction returns, generated from the library's model."""
    return Response(_SCHEMA, media_type="application/schema+json")
