"""What the organisation, person and document pages show, over the store's query API.

Every page's data comes through a function here, so they can be re-pointed at richer store
views (awards linked to organisations, identities) without touching the pages. Today they read
the records of the articles that name the entity (at most MAX_ARTICLES) and pick out what
concerns it; names match with the scorer's definitions (`org_similarity`, `canon`).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..evaluate import canon, org_similarity
from ..record import Award, Record
from ..store import ArticleQuery, DocumentView, Store
from ..store.keys import document_key

MAX_ARTICLES = 100
_SAME_NAME = 0.85


@dataclass
class EntityPage:
    name: str
    articles: list[Record] = field(default_factory=list)
    awards_given: list[tuple[Record, Award]] = field(default_factory=list)
    awards_received: list[tuple[Record, Award]] = field(default_factory=list)
    #: each document once, with the articles citing it
    documents_issued: list[tuple[Any, list[Record]]] = field(default_factory=list)
    #: (published_at, titles, record) for a person, oldest first
    titles: list[tuple[str | None, list[str], Record]] = field(default_factory=list)
    more: bool = False


@dataclass
class DocumentPage:
    view: DocumentView
    #: (number, how many citing articles also cite it)
    cited_beside: list[tuple[str, int]]


def _by_date(records: list[Record]) -> list[Record]:
    return sorted(records, key=lambda r: (r.published_at is None, r.published_at or ""))


def organization_page(store: Store, name: str) -> EntityPage:
    records, total = store.search(ArticleQuery(organization=name), newest_first=False, limit=MAX_ARTICLES)
    page = EntityPage(name=name, more=total > len(records))
    issued: dict[str, tuple[Any, list[Record]]] = {}
    for record in _by_date(records):
        named = [o for o in record.organizations if org_similarity(o.name, name) >= _SAME_NAME]
        if not named:
            continue
        page.articles.append(record)
        spans = [(m.start, m.end) for o in named for m in o.mentions]
        for award in record.awards:
            if award.giver and org_similarity(award.giver, name) >= _SAME_NAME:
                page.awards_given.append((record, award))
            elif any(award.start <= s and e <= award.end for s, e in spans):
                page.awards_received.append((record, award))
        for d in record.documents:
            if d.issuer and org_similarity(d.issuer, name) >= _SAME_NAME:
                issued.setdefault(document_key(d.number, d.type_code), (d, []))[1].append(record)
    page.documents_issued = list(issued.values())
    return page


def person_page(store: Store, name: str) -> EntityPage:
    records, total = store.search(ArticleQuery(person=name), newest_first=False, limit=MAX_ARTICLES)
    page = EntityPage(name=name, more=total > len(records))
    key = canon(name)
    for record in _by_date(records):
        named = [p for p in record.people if canon(p.name) == key]
        if not named:
            continue
        page.articles.append(record)
        page.titles.append((record.published_at, [t for p in named for t in p.titles], record))
        spans = [(m.start, m.end) for p in named for m in p.mentions]
        for award in record.awards:
            if award.giver and canon(award.giver) == key:
                page.awards_given.append((record, award))
            elif any(award.start <= s and e <= award.end for s, e in spans):
                page.awards_received.append((record, award))
    return page


def document_page(store: Store, number: str) -> DocumentPage | None:
    view = store.document(number)
    if view is None:
        return None
    beside: Counter[str] = Counter()
    spelled: dict[str, str] = {}
    for citation in view.citations[:MAX_ARTICLES]:
        record = store.get(citation.article_id)
        for d in record.documents if record else []:
            key = document_key(d.number, d.type_code)
            if key != view.key:
                beside[key] += 1
                spelled.setdefault(key, d.number)
    return DocumentPage(view, [(spelled[k], n) for k, n in beside.most_common()])
