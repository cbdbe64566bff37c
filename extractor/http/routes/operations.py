"""Liveness and readiness."""
from __future__ import annotations

from fastapi import APIRouter

from ..dependencies import StoreDep
from ..problems import ProblemError, problems

router = APIRouter(tags=["operations"])


@router.get("/healthz", responses=problems())
async def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz", responses=problems(503))
async def readyz(store: StoreDep) -> dict[str, str]:
    """The store answers."""
    if not await store.ping():
        raise ProblemError(503, "the store does not answer", "store-unavailable")
    return {"status": "ready"}
