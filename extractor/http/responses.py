"""Responses serialised once."""
from __future__ import annotations

from fastapi import Response
from pydantic import BaseModel


def json_response(body: BaseModel | str | bytes, status_code: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A model (or JSON already made) as the response, serialised once by pydantic's own encoder.

    Returning a model instead would make FastAPI dump it, validate the dump against the response
    model and encode it again in Python: several times the cost of extracting a seed article.
    The routes still declare `response_model`, so the OpenAPI schema is unchanged.
    """
    content = body if isinstance(body, (str, bytes)) else body.model_dump_json()
    return Response(content, status_code=status_code, media_type="application/json", headers=headers)
