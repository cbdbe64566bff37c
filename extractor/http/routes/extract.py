"""Extraction without storing: one article, a batch, and the portal's tags."""
from __future__ import annotations

import asyncio

from fastapi import APIRouter, Depends, Request, Response

from ...errors import ExtractionError
from ...record import Record
from ...tags import TaggedPost
from ..bodies import ArticleIn, BatchIn, BatchItem, BatchOut
from ..dependencies import extract_access
from ..problems import ProblemError, extraction_problem, make_problem, problems
from ..responses import json_response

router = APIRouter(dependencies=[Depends(extract_access)], tags=["extract"])


@router.post("/v1/extract", response_model=Record, responses=problems(400, 401, 403, 408, 413, 415, 422, 429, 503))
async def extract_article(article: ArticleIn, request: Request) -> Response:
    """The record of one article (nothing is stored)."""
    return json_response(await request.app.state.extractor.run("record", article.payload()))


@router.post("/v1/extract/batch", response_model=BatchOut, responses=problems(400, 401, 403, 408, 413, 422, 429, 503))
async def extract_batch(batch: BatchIn, request: Request) -> Response:
    """The records of up to 100 articles, extracted in parallel; an article that fails gets a
    problem in its place."""
    async def one(i: int, article: ArticleIn) -> BatchItem:
        instance = f"{request.url.path}#/articles/{i}"
        try:
            return BatchItem(record=await request.app.state.extractor.record(article.payload()))
        except ExtractionError as e:
            return BatchItem(problem=extraction_problem(e, instance))
        except ProblemError as e:
            return BatchItem(problem=make_problem(e.status, e.detail, instance, e.kind, e.title))

    return json_response(BatchOut(results=await asyncio.gather(*(one(i, a) for i, a in enumerate(batch.articles)))))


@router.post("/v1/tag", response_model=TaggedPost, responses=problems(400, 401, 403, 408, 413, 415, 422, 429, 503))
async def tag_post(article: ArticleIn, request: Request) -> Response:
    """A post's auto-tags (organisations, places, document types, award kinds) with their offsets."""
    return json_response(await request.app.state.extractor.run("tags", article.payload()))
