"""Re-extracting a stored article with the rules of now, from the text its record keeps.

The new record keeps the article's id and source, so it replaces the machine record of the same
article (`Store.replace`), whose revisions are then re-applied."""
from __future__ import annotations

from typing import Any

from ..record import Record


class NothingToReextract(ValueError):
    """The stored record keeps no text to extract again."""


def reextract_payload(stored: Record) -> dict[str, Any]:
    """The article as `extract` takes it again (the service's worker payload)."""
    if not stored.text:
        raise NothingToReextract(f"article {stored.id} was stored without its text; extract it from its source again")
    payload: dict[str, Any] = {"text": stored.text}
    if stored.published_at:
        payload["published_at"] = stored.published_at[:10]
    return payload


def as_replacement(stored: Record, fresh: Record) -> Record:
    """The fresh record as the stored article's machine record: same id and source."""
    return fresh.model_copy(update={"id": stored.id, "source": stored.source, "review": None})


def reextract(stored: Record) -> Record:
    """The stored article extracted again, in this process."""
    from ..api import extract
    from ..options import ExtractOptions

    payload = reextract_payload(stored)
    options = ExtractOptions(published_at=payload.get("published_at"))
    return as_replacement(stored, extract(payload["text"], html=False, options=options))
