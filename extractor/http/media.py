"""415 for a request body the API cannot read: every body of the /v1 API is JSON."""
from __future__ import annotations

import email.message

from starlette.types import ASGIApp, Receive, Scope, Send

from .problems import make_problem, problem_response

API_PREFIX = "/v1/"
ACCEPTED = "application/json"


def is_json(content_type: str) -> bool:
    """application/json, or a +json type (application/merge-patch+json, ...), any charset."""
    message = email.message.Message()
    message["content-type"] = content_type
    subtype = message.get_content_subtype()
    return message.get_content_maintype() == "application" and (subtype == "json" or subtype.endswith("+json"))


class JsonBodiesOnly:
    """A body sent to the API with another content type (text/plain, a form, none) gets 415 and
    `Accept-Post: application/json`, instead of a validation error about a body it never read.
    Pages outside /v1 (a web UI's forms) are left alone."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in ("POST", "PUT", "PATCH") \
                and scope["path"].startswith(API_PREFIX):
            headers = dict(scope["headers"])
            has_body = headers.get(b"content-length", b"0") not in (b"0", b"") or b"transfer-encoding" in headers
            content_type = headers.get(b"content-type", b"").decode("latin-1")
            if has_body and not is_json(content_type):
                response = problem_response(make_problem(
                    415, f"the body must be JSON ({ACCEPTED}); it was sent as {content_type or 'no content type'}",
                    scope["path"], "unsupported-media-type", "Unsupported media type"))
                response.headers["Accept-Post"] = ACCEPTED
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
