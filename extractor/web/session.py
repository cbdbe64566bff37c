"""Reviewers in the browser: a signed session cookie from a valid write key, and CSRF tokens.

The API takes its write key in X-API-Key; a page cannot send that header with a form, so the
login form trades a valid key for a cookie (HttpOnly, SameSite=Strict) that names the reviewer
and a fingerprint of the key, signed with the server's secret. A session ends when its key is
removed from VNEXTRACT_API_KEYS. Every form post carries a CSRF token derived from the session,
and posts whose Origin or Sec-Fetch-Site says they come from another site are refused.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import dataclass

from starlette.requests import Request

COOKIE = "vnx_session"
#: How long a session lasts, in seconds.
LIFETIME = 12 * 3600


@dataclass(frozen=True)
class Reviewer:
    name: str
    token: str  # the cookie's value, which CSRF tokens are derived from


def server_secret() -> bytes:
    """VNEXTRACT_SESSION_SECRET, else a secret of this process (sessions end when it restarts)."""
    configured = os.environ.get("VNEXTRACT_SESSION_SECRET")
    return configured.encode() if configured else secrets.token_bytes(32)


def key_fingerprint(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def valid_key(presented: str, keys: list[str]) -> bool:
    matched = False
    for key in keys:  # every key compared, in constant time each
        matched |= hmac.compare_digest(presented.encode(), key.encode())
    return bool(presented) and matched


def _sign(secret: bytes, payload: str) -> str:
    return hmac.new(secret, payload.encode(), hashlib.sha256).hexdigest()


def make_cookie(secret: bytes, reviewer: str, key: str) -> str:
    payload = base64.urlsafe_b64encode(json.dumps(
        {"r": reviewer, "k": key_fingerprint(key), "e": int(time.time()) + LIFETIME}).encode()).decode()
    return f"{payload}.{_sign(secret, payload)}"


def reviewer_of(request: Request, secret: bytes, keys: list[str]) -> Reviewer | None:
    """The reviewer of a valid session cookie, or None."""
    cookie = request.cookies.get(COOKIE, "")
    payload, _, signature = cookie.rpartition(".")
    if not payload or not hmac.compare_digest(signature, _sign(secret, payload)):
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(payload.encode()))
    except ValueError:
        return None
    if data.get("e", 0) < time.time() or data.get("k") not in {key_fingerprint(k) for k in keys}:
        return None
    return Reviewer(str(data.get("r")), cookie)


def csrf_token(secret: bytes, reviewer: Reviewer | None) -> str:
    return _sign(secret, "csrf:" + reviewer.token) if reviewer else ""


def csrf_ok(secret: bytes, reviewer: Reviewer, presented: str | None) -> bool:
    return bool(presented) and hmac.compare_digest(presented, csrf_token(secret, reviewer))


def same_site(request: Request) -> bool:
    """False for a request a browser says comes from another site."""
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    if origin is None:  # old browsers and same-origin GET-like posts send none
        return True
    host = request.headers.get("host", "")
    return origin in (f"http://{host}", f"https://{host}")
