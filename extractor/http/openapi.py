"""The OpenAPI document as the service answers: every error body under application/problem+json."""
from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from .problems import PROBLEM_MEDIA_TYPE

_PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}


def problem_media_types(schema: dict[str, Any]) -> dict[str, Any]:
    """Each 4xx and 5xx response of each operation documented as a Problem, under
    application/problem+json only (FastAPI files response models under application/json, and
    its default 422 is a body this service never sends: its handlers answer with problems)."""
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            for status, response in operation.get("responses", {}).items():
                if status[:1] in ("4", "5"):
                    response["content"] = {PROBLEM_MEDIA_TYPE: {"schema": _PROBLEM_REF}}
    components = schema.get("components", {}).get("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
    return schema


def install_openapi(app: FastAPI) -> None:
    """Make app.openapi() return the document with problem media types (built once, then cached)."""
    make = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = problem_media_types(make())
        return app.openapi_schema

    app.openapi = openapi
