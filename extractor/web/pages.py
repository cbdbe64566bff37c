"""The review pages: search, article, document, organisation, person, try it, agreement, login.

Server-rendered (Jinja2, autoescaped; highlights built by `highlight.render`), a little plain
JavaScript for keyboard work and text selection, every asset shipped in this package. Pages
send a Content-Security-Policy that allows nothing but this server's own files, so even a
mistake in escaping could not run a script. Corrections go through the same store call as the
API's POST /v1/articles/{id}/revisions.
"""
from __future__ import annotations

import asyncio
import math
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, select_autoescape
from pydantic import ValidationError

from ..errors import ExtractionError
from ..record import Record
from ..review import EDITABLE, Correction, CorrectionError, agreement
from ..review.corrections import AWARD_KINDS, item_key
from ..store import ArticleQuery
from . import data, session
from .highlight import FAMILY_LABELS, FAMILY_PLURALS, marks_of, render

STATIC = Path(__file__).resolve().parent / "static"
PER_PAGE = 20
_FILTERS = ("q", "person", "organization", "document", "location", "award_kind", "published_from", "published_to",
            "mentioned_from", "mentioned_to")
_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'; connect-src 'self'")

_VALUE_FIELD = {"dates": "value", "documents": "number", "awards": "award"}

router = APIRouter(include_in_schema=False)
_templates = Environment(loader=PackageLoader("extractor.web", "templates"), autoescape=select_autoescape(default=True),
                         trim_blocks=True, lstrip_blocks=True)
_templates.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "sort_keys": True}
def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


_templates.globals.update(family_labels=FAMILY_LABELS, family_plurals=FAMILY_PLURALS, plural=_plural,
                          editable=EDITABLE, award_kinds=AWARD_KINDS, quote=quote, item_key=item_key)


def install_pages(app: FastAPI) -> None:
    """Serve the pages at / and their assets at /static, beside the API."""
    app.state.web_secret = session.server_secret()
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")


# ---- plumbing --------------------------------------------------------------------------------

def _reviewer(request: Request) -> session.Reviewer | None:
    return session.reviewer_of(request, request.app.state.web_secret, request.app.state.settings.api_keys)


def _page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    reviewer = _reviewer(request)
    html = _templates.get_template(template).render(
        request=request, reviewer=reviewer, csrf=session.csrf_token(request.app.state.web_secret, reviewer),
        path=request.url.path + (f"?{request.url.query}" if request.url.query else ""), **context)
    return HTMLResponse(html, status, headers={"Content-Security-Policy": _CSP, "X-Content-Type-Options": "nosniff",
                                                "Referrer-Policy": "same-origin"})


def _error(request: Request, status: int, message: str) -> HTMLResponse:
    return _page(request, "error.html", status, title="Error", message=message)


async def _call(request: Request, fn, *args: Any) -> Any:
    """A store call (or a page's data function over the store) off the event loop, on the store threads."""
    return await asyncio.get_running_loop().run_in_executor(request.app.state.store_threads, fn, *args)


async def _form(request: Request) -> dict[str, str]:
    """An urlencoded form (the body is bounded by the app's body limit)."""
    return dict(parse_qsl((await request.body()).decode("utf-8", "replace"), keep_blank_values=True))


def _local(path: str | None) -> str:
    """Only a path on this server to go back to (never //host or a scheme)."""
    return path if path and path.startswith("/") and not path.startswith("//") and "\\" not in path else "/"


# ---- search ----------------------------------------------------------------------------------

@router.get("/", response_class=HTMLResponse)
async def search_page(request: Request) -> HTMLResponse:
    params = request.query_params
    given = {k: params.get(k, "").strip() for k in _FILTERS}
    newest_first = params.get("sort", "newest") != "oldest"
    try:
        page = max(1, int(params.get("page", "1")))
    except ValueError:
        page = 1
    try:
        filters = ArticleQuery.model_validate({k: v for k, v in given.items() if v})
    except ValidationError as e:
        message = "; ".join(f"{'.'.join(map(str, err['loc'])) or 'filters'}: {err['msg']}" for err in e.errors())
        return _page(request, "search.html", 422, title="Search", given=given, error=message, records=[], total=0,
                     page=1, pages=1, newest_first=newest_first, page_link=None)
    records, total = await _call(request, request.app.state.store.search, filters, newest_first,
                                 (page - 1) * PER_PAGE, PER_PAGE)
    pages = max(1, math.ceil(total / PER_PAGE))

    def page_link(n: int) -> str:
        query = {k: v for k, v in given.items() if v} | {"sort": "newest" if newest_first else "oldest", "page": n}
        return "/?" + urlencode(query)

    return _page(request, "search.html", title="Search", given=given, records=records, total=total, page=page,
                 pages=pages, newest_first=newest_first, page_link=page_link, error=None)


# ---- an article ------------------------------------------------------------------------------

async def _article_context(request: Request, article_id: str) -> dict[str, Any] | None:
    store = request.app.state.store
    record: Record | None = await _call(request, store.get, article_id)
    if record is None:
        return None
    revisions = await _call(request, store.revisions, article_id)
    next_id = await _call(request, store.next_article_id, article_id)
    marks = marks_of(record)
    return {"record": record, "text_html": render(record.text or "", marks), "marks": marks,
            "revisions": revisions, "next_id": next_id if next_id != article_id else None,
            "title": record.title or article_id}


@router.get("/articles/{article_id}", response_class=HTMLResponse)
async def article_page(request: Request, article_id: str) -> HTMLResponse:
    context = await _article_context(request, article_id)
    if context is None:
        return _error(request, 404, f"No stored article has the id {article_id}.")
    saved = request.query_params.get("saved")
    return _page(request, "article.html", **context, message=f"Revision {saved} saved." if saved else None, error=None)


@router.post("/articles/{article_id}/review", response_class=HTMLResponse)
async def review_article(request: Request, article_id: str) -> Response:
    """A correction from the article page's forms (session cookie and CSRF token required)."""
    reviewer = _reviewer(request)
    if reviewer is None:
        return _error(request, 401, "Sign in with a write key to correct records.")
    form = await _form(request)
    if not session.same_site(request) or not session.csrf_ok(request.app.state.web_secret, reviewer, form.get("csrf")):
        return _error(request, 403, "This form post did not come from this site's page (CSRF check failed).")
    if form.get("article_id") != article_id:
        return _error(request, 400, "The form names another article than the page it was posted to.")
    try:
        correction = _correction(form)
        revision = await _call(request, request.app.state.store.revise, article_id, reviewer.name, correction)
    except (CorrectionError, ValidationError, ValueError) as e:
        context = await _article_context(request, article_id)
        if context is None:
            return _error(request, 404, f"No stored article has the id {article_id}.")
        return _page(request, "article.html", 422, **context, message=None, error=str(e))
    if revision is None:
        return _error(request, 404, f"No stored article has the id {article_id}.")
    anchor = f"#{form['return_to']}" if form.get("return_to", "").replace("-", "").isalnum() else ""
    return RedirectResponse(f"/articles/{quote(article_id)}?saved={revision['seq']}{anchor}", status_code=303)


def _correction(form: dict[str, str]) -> Correction:
    """A correction from form fields: action, family, target, mention, start, end, text, v.<field>."""
    values = {k[2:]: v for k, v in form.items() if k.startswith("v.")}
    if form.get("action") == "add":
        # the add form has one name-or-value box: it names what the family calls its value
        named = values.pop("name", "").strip()
        values = {k: v for k, v in values.items() if v.strip()}
        if named:
            values[_VALUE_FIELD.get(form.get("family", ""), "name")] = named
    fields: dict[str, Any] = {"action": form.get("action"), "values": values}
    for name in ("family", "target", "mention", "text"):
        if form.get(name):
            fields[name] = form[name]
    for name in ("start", "end"):
        if form.get(name, "").strip():
            fields[name] = int(form[name])
    return Correction.model_validate(fields)


# ---- documents, organisations, people ---------------------------------------------------------

@router.get("/documents/{number:path}", response_class=HTMLResponse)
async def document_page(request: Request, number: str) -> HTMLResponse:
    page = await _call(request, data.document_page, request.app.state.store, number)
    if page is None:
        return _error(request, 404, f"No stored article cites a document numbered {number}.")
    return _page(request, "document.html", title=page.view.number, page=page)


_ENTITY_PAGES = {"organization": (data.organization_page, "organisation"), "person": (data.person_page, "person")}


async def _entity_page(request: Request, kind: str, name: str) -> HTMLResponse:
    load, noun = _ENTITY_PAGES[kind]
    page = await _call(request, load, request.app.state.store, name)
    if not page.articles:
        return _error(request, 404, f"No stored article names the {noun} {name}.")
    return _page(request, "entity.html", title=name, page=page, kind=kind)


@router.get("/organizations/{name:path}", response_class=HTMLResponse)
async def organization_page(request: Request, name: str) -> HTMLResponse:
    return await _entity_page(request, "organization", name)


@router.get("/people/{name:path}", response_class=HTMLResponse)
async def person_page(request: Request, name: str) -> HTMLResponse:
    return await _entity_page(request, "person", name)


# ---- try it, agreement -----------------------------------------------------------------------

@router.get("/try", response_class=HTMLResponse)
async def try_page(request: Request) -> HTMLResponse:
    return _page(request, "try.html", title="Try it", record=None, text_html=None, given="", as_html=False, error=None)


@router.post("/try", response_class=HTMLResponse)
async def try_extract(request: Request) -> HTMLResponse:
    """Extract pasted text or HTML and show it highlighted; nothing is stored (so no session is needed)."""
    if not session.same_site(request):
        return _error(request, 403, "This form post did not come from this site's page.")
    form = await _form(request)
    given, as_html = form.get("article", ""), form.get("format") == "html"
    try:
        record = await request.app.state.extractor.record({"html" if as_html else "text": given})
    except ExtractionError as e:
        return _page(request, "try.html", 422, title="Try it", record=None, text_html=None, given=given,
                     as_html=as_html, error=e.message)
    marks = marks_of(record)
    return _page(request, "try.html", title="Try it", record=record, text_html=render(record.text or "", marks),
                 marks=marks, given=given, as_html=as_html, error=None)


@router.get("/agreement", response_class=HTMLResponse)
async def agreement_page(request: Request) -> HTMLResponse:
    figures = agreement(await _call(request, request.app.state.store.reviewed_pairs))
    return _page(request, "agreement.html", title="Agreement", figures=figures)


# ---- sessions --------------------------------------------------------------------------------

@router.get("/login", response_class=HTMLResponse)
async def login_page(request: Request) -> HTMLResponse:
    return _page(request, "login.html", title="Sign in", next=_local(request.query_params.get("next")), error=None)


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request) -> Response:
    form = await _form(request)
    target = _local(form.get("next"))
    if not session.same_site(request):
        return _error(request, 403, "This form post did not come from this site's page.")
    name, key = form.get("reviewer", "").strip()[:200], form.get("key", "")
    if not name or not session.valid_key(key, request.app.state.settings.api_keys):
        return _page(request, "login.html", 403, title="Sign in", next=target,
                     error="Give your name and a write key that the server accepts.")
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(session.COOKIE, session.make_cookie(request.app.state.web_secret, name, key),
                        max_age=session.LIFETIME, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https", path="/")
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    reviewer = _reviewer(request)
    form = await _form(request)
    if reviewer and not session.csrf_ok(request.app.state.web_secret, reviewer, form.get("csrf")):
        return _error(request, 403, "CSRF check failed.")
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(session.COOKIE, path="/")
    return response


__all__ = ["install_pages", "router"]
