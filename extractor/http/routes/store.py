"""The store: articles in and out, documents, people and organisations."""
from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from ...record import Record
from ...store import ArticleQuery, DocumentView, OrganizationView, PersonView
from ...store.filters import SearchTerm
from ..bodies import ArticleIn, ArticlePage, ArticlePageQuery, Organizations, People
from ..dependencies import StoreDep, read_access, write_access
from ..problems import article_not_found, found, problems
from ..responses import json_response

router = APIRouter(tags=["store"])
reads = [Depends(read_access)]


@router.post("/v1/articles", status_code=201, dependencies=[Depends(write_access)], response_model=Record,
             responses={200: {"model": Record, "description": "Stored already; the stored record"},
                        **problems(400, 401, 403, 408, 413, 415, 422, 503)})
async def store_article(article: ArticleIn, store: StoreDep, request: Request) -> Response:
    """Extract and store an article: 201 when new, 200 when the same article is stored already."""
    record = await request.app.state.extractor.record(article.payload())
    headers = {"Location": f"/v1/articles/{record.id}"}
    if await store.put(record):
        return json_response(record, 201, headers)
    return json_response(await store.get_json(record.id) or record, 200, headers)


@router.get("/v1/articles", dependencies=reads, response_model=ArticlePage, responses=problems(400, 401, 403, 422, 503))
async def list_articles(params: Annotated[ArticlePageQuery, Query()], store: StoreDep) -> Response:
    """Stored articles matching every filter given, a page at a time, in storage order."""
    filters = ArticleQuery.model_validate(params.model_dump(exclude={"cursor", "limit"}))
    items, next_cursor = await store.query_json(filters, params.cursor, params.limit)
    # the page is written around the records' stored JSON, which is never parsed here
    return json_response(b'{"items":[' + b",".join(items) + b'],"next_cursor":' + json.dumps(next_cursor).encode() + b"}")


@router.get("/v1/articles/{article_id}", dependencies=reads, response_model=Record, responses=problems(401, 403, 404, 503))
async def get_article(article_id: str, store: StoreDep) -> Response:
    stored = await store.get_json(article_id)
    if stored is None:
        raise article_not_found(article_id)
    return json_response(stored)


@router.get("/v1/documents/{number:path}", dependencies=reads, response_model=DocumentView,
            responses=problems(401, 403, 404, 503))
async def get_document(number: str, store: StoreDep) -> Response:
    """A document and every stored article citing it; "9/NQ-CDVC" finds "09/NQ-CĐVC"."""
    return json_response(found(await store.document(number),
                               f"no stored article cites a document numbered {number!r}", "document-not-found"))


@router.get("/v1/people", dependencies=reads, response_model=People, responses=problems(401, 403, 422, 503))
async def list_people(store: StoreDep, q: Annotated[SearchTerm | None, Query(description="Part of the name")] = None,
                      limit: Annotated[int, Query(ge=1, le=500)] = 50) -> Response:
    """People named in stored articles, most-named first, with their titles (case and diacritics ignored)."""
    return json_response(People(items=await store.people(q, limit)))


@router.get("/v1/organizations", dependencies=reads, response_model=Organizations,
            responses=problems(401, 403, 422, 503))
async def list_organizations(store: StoreDep, q: Annotated[SearchTerm | None, Query(description="Part of the name")] = None,
                             limit: Annotated[int, Query(ge=1, le=500)] = 50) -> Response:
    """Organisations named in stored articles, most-named first (case and diacritics ignored)."""
    return json_response(Organizations(items=await store.organizations(q, limit)))


@router.get("/v1/organizations/{key:path}", dependencies=reads, response_model=OrganizationView,
            responses=problems(401, 403, 404, 503))
async def get_organization(key: str, store: StoreDep) -> Response:
    """An organisation by key, name or alias: its articles, the awards it gave (itself or through its
    positions), the documents it issued and the people whose titles name it. The records name no
    recipients of awards, so awards received cannot be told."""
    return json_response(found(await store.organization(key), f"no stored article names an organisation {key!r}",
                               "organization-not-found"))


@router.get("/v1/people/{key:path}", dependencies=reads, response_model=PersonView,
            responses=problems(401, 403, 404, 503))
async def get_person(key: str, store: StoreDep) -> Response:
    """A person by key or name (of namesakes in several provinces, the most named; the others are
    listed): their titles over time."""
    return json_response(found(await store.person(key), f"no stored article names a person {key!r}",
                               "person-not-found"))
