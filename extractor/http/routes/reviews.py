"""Reviews over the API: revisions of a stored record, its machine record, re-extraction, agreement.

Writes need a write key (X-API-Key), like every write. A correction only ever reaches the
article named in the path: its target is looked up in that article's record alone."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field

from ...record import Record
from ...review import Correction, CorrectionError, agreement
from ...review.reextract import NothingToReextract, as_replacement, reextract_payload
from ..dependencies import StoreDep, read_access, write_access
from ..problems import ProblemError, article_not_found, problems
from ..responses import json_response

router = APIRouter(tags=["reviews"])
reads = [Depends(read_access)]


class RevisionIn(Correction):
    reviewer: str = Field("api", min_length=1, max_length=200, description="Who makes the correction")


class Revision(BaseModel):
    article_id: str
    seq: int
    reviewer: str
    at: str
    action: str
    correction: dict[str, Any]
    before: Any
    after: Any


class Revisions(BaseModel):
    items: list[Revision]


class Reextracted(BaseModel):
    article_id: str
    conflicts: list[dict[str, Any]] = Field(description="Corrections the new rules disagree with (kept)")


async def revise(store: StoreDep, article_id: str, reviewer: str, correction: Correction) -> dict:
    """Store one correction as a revision (the pages' forms call this too)."""
    try:
        revision = await store.revise(article_id, reviewer, correction)
    except CorrectionError as e:
        raise ProblemError(422, str(e), "correction-refused") from e
    if revision is None:
        raise article_not_found(article_id)
    return revision


@router.post("/v1/articles/{article_id}/revisions", status_code=201, dependencies=[Depends(write_access)],
             response_model=Revision, responses=problems(400, 401, 403, 404, 408, 413, 415, 422, 503))
async def add_revision(article_id: str, body: RevisionIn, store: StoreDep) -> Response:
    """Correct a stored record: accept it, remove an item or mention, set values, or add a missed mention.
    The machine record is kept; GET /v1/articles/{id} serves the reviewed record from now on."""
    if "\\u0000" in body.model_dump_json():  # what the store could not keep (PostgreSQL refuses NUL in text)
        raise ProblemError(422, "the correction holds a NUL character (U+0000), which the store cannot keep",
                           "unstorable-correction")
    correction = Correction.model_validate(body.model_dump(exclude={"reviewer"}))
    return json_response(Revision(**await revise(store, article_id, body.reviewer, correction)), 201)


@router.get("/v1/articles/{article_id}/revisions", dependencies=reads, response_model=Revisions,
            responses=problems(401, 403, 404, 503))
async def list_revisions(article_id: str, store: StoreDep) -> Response:
    if await store.machine_json(article_id) is None:
        raise article_not_found(article_id)
    return json_response(Revisions(items=await store.revisions(article_id)))


@router.get("/v1/articles/{article_id}/machine", dependencies=reads, response_model=Record,
            responses=problems(401, 403, 404, 503))
async def machine_record(article_id: str, store: StoreDep) -> Response:
    """The record as extracted, before any review."""
    stored = await store.machine_json(article_id)
    if stored is None:
        raise article_not_found(article_id)
    return json_response(stored)


@router.post("/v1/articles/{article_id}/reextract", dependencies=[Depends(write_access)], response_model=Reextracted,
             responses=problems(401, 403, 404, 408, 409, 413, 415, 422, 503))
async def reextract_article(article_id: str, store: StoreDep, request: Request) -> Response:
    """Extract the stored article again with the current rules; reviewers' corrections are kept
    and the ones the new record disagrees with are listed."""
    stored = await store.machine(article_id)
    if stored is None:
        raise article_not_found(article_id)
    try:
        payload = reextract_payload(stored)
    except NothingToReextract as e:
        raise ProblemError(409, str(e), "nothing-to-reextract") from e
    fresh = as_replacement(stored, await request.app.state.extractor.record(payload))
    conflicts = await store.replace(fresh) or []
    return json_response(Reextracted(article_id=article_id, conflicts=[c.as_dict() for c in conflicts]))


@router.get("/v1/agreement", dependencies=reads, responses=problems(401, 403, 503))
async def get_agreement(store: StoreDep) -> dict[str, Any]:
    """Machine records against their reviewed records: precision and recall per field and per rule id."""
    return agreement(await store.reviewed_pairs())
