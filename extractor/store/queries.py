"""Every read the store answers besides loading records: filtered pages, documents, aggregates."""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import Column, ColumnElement, Connection, Table, distinct, exists, func, or_, select

from . import schema as s
from .filters import ArticleQuery
from .fulltext import matching_articles
from .identity import published_text
from .keys import document_key, search_key
from .views import Citation, DocumentView, OrganizationSummary, PersonSummary



def article_pks(connection: Connection, filters: ArticleQuery, after: int | None, limit: int) -> list[int]:
    """Up to `limit` articles matching the filters, in storage order, after the article `after`.

    Storage order never changes and new articles go to its end, so a cursor (the last pk of a
    page) gives the same next page however many articles are stored meanwhile.
    """
    conditions = _conditions(connection.dialect.name, filters)
    if after is not None:
        conditions.append(s.articles.c.pk > after)
    statement = select(s.articles.c.pk).where(*conditions).order_by(s.articles.c.pk).limit(limit)
    return list(connection.execute(statement).scalars())


def _conditions(dialect: str, f: ArticleQuery) -> list[ColumnElement[bool]]:
    article = s.articles.c
    out: list[ColumnElement[bool]] = []
    if f.q and (matching := matching_articles(dialect, f.q)) is not None:
        out.append(article.pk.in_(matching))
    if f.person:
        out.append(_linked_to(s.article_people.c.person_pk, s.people,
                              s.people.c.search_key.contains(search_key(f.person), autoescape=True)))
    if f.organization:
        out.append(_linked_to(s.article_organizations.c.organization_pk, s.organizations,
                              s.organizations.c.search_key.contains(search_key(f.organization), autoescape=True)))
    if f.location:
        out.append(_linked_to(s.article_locations.c.location_pk, s.locations,
                              s.locations.c.search_key == search_key(f.location)))
    if f.document:
        out.append(_linked_to(s.article_documents.c.document_pk, s.documents, _keyed(document_key(f.document))))
    if f.award_kind:
        out.append(exists().where(s.awards.c.article_pk == article.pk, s.awards.c.award_kind == f.award_kind))
    if f.published_from:
        out.append(article.published_on >= f.published_from)
    if f.published_to:
        out.append(article.published_on <= f.published_to)
    if f.mentioned_from or f.mentioned_to:
        # a mentioned date or period overlapping [from, to]
        days = s.article_dates.c
        overlap = [days.article_pk == article.pk]
        if f.mentioned_from:
            overlap.append(days.last_day >= f.mentioned_from)
        if f.mentioned_to:
            overlap.append(days.first_day <= f.mentioned_to)
        out.append(exists().where(*overlap))
    return out


def _keyed(key: str) -> ColumnElement[bool]:
    """Documents of a symbol key: the symbol itself, the same local symbol of any province
    ("…@province"), or a bare number of any article ("…#article")."""
    key_column = s.documents.c.key
    return or_(key_column == key, key_column.startswith(f"{key}@", autoescape=True),
               key_column.startswith(f"{key}#", autoescape=True))


def _linked_to(entity_pk: Column[int], entity: Table, condition: ColumnElement[bool]) -> ColumnElement[bool]:
    """The article has a link row (in the table of `entity_pk`) to an `entity` meeting the condition."""
    linked = select(entity_pk.table.c.article_pk).join(entity, entity.c.pk == entity_pk).where(condition)
    return s.articles.c.pk.in_(linked)


def document_view(connection: Connection, number: str) -> DocumentView | None:
    """The document a number names; of several (a local symbol in several provinces), the most cited."""
    document = connection.execute(
        select(s.documents).where(_keyed(document_key(number)))
        .order_by(s.documents.c.citations.desc(), s.documents.c.pk).limit(1)).mappings().first()
    if document is None:
        return None
    cited, article = s.article_documents, s.articles
    rows = connection.execute(
        select(cited, article.c.id, article.c.title.label("article_title"), article.c.published_at,
               article.c.published_precision, article.c.source)
        .join(article, article.c.pk == cited.c.article_pk)
        .where(cited.c.document_pk == document["pk"])
        .order_by(cited.c.article_pk, cited.c.ord)).mappings().all()
    mentions: dict[tuple[int, int], list[dict]] = defaultdict(list)
    for m in connection.execute(
            select(s.mentions).where(s.mentions.c.family == "documents",
                                     s.mentions.c.article_pk.in_({r["article_pk"] for r in rows}))
            .order_by(s.mentions.c.article_pk, s.mentions.c.entity_ord, s.mentions.c.ord)).mappings():
        mentions[(m["article_pk"], m["entity_ord"])].append(
            {"text": m["text"], "start": m["start"], "end": m["end"], "rule": m["rule"]})
    citations = [Citation(article_id=r["id"], title=r["article_title"],
                          published_at=published_text(r["published_at"], r["published_precision"]),
                          source=r["source"], number=r["number"], issued_on=_iso(r["issued_on"]), issuer=r["issuer"],
                          subject=r["title"], mentions=mentions[(r["article_pk"], r["ord"])]) for r in rows]
    return DocumentView(key=document["key"], number=document["number"], province=document["province"],
                        type=document["type"], type_code=document["type_code"], serial=document["serial"],
                        year=document["year"], issuer_code=document["issuer_code"],
                        issuer_code_expanded=document["issuer_code_expanded"], issued_on=_iso(document["issued_on"]),
                        issuer=document["issuer"], title=document["subject"],
                        disagreements=document["disagreements"] or {}, citations=citations)


def _iso(day) -> str | None:
    return day.isoformat() if day is not None else None


def people_summaries(connection: Connection, q: str | None, limit: int) -> list[PersonSummary]:
    link = s.article_people
    named = _most_named(connection, s.people, link, link.c.person_pk, q, limit)
    titles: dict[int, dict[str, None]] = defaultdict(dict)  # dicts keep first-seen order without repeats
    organizations: dict[int, dict[str, None]] = defaultdict(dict)
    for row in connection.execute(select(link.c.person_pk, link.c.titles, link.c.organization)
                                  .where(link.c.person_pk.in_([pk for pk, _, _ in named]))
                                  .order_by(link.c.article_pk, link.c.ord)):
        titles[row.person_pk].update(dict.fromkeys(row.titles))
        if row.organization:
            organizations[row.person_pk][row.organization] = None
    return [PersonSummary(name=name, articles=count, titles=list(titles[pk]), organizations=list(organizations[pk]))
            for pk, name, count in named]


def organization_summaries(connection: Connection, q: str | None, limit: int) -> list[OrganizationSummary]:
    link = s.article_organizations
    named = _most_named(connection, s.organizations, link, link.c.organization_pk, q, limit)
    abbreviations: dict[int, dict[str, None]] = defaultdict(dict)
    for row in connection.execute(select(link.c.organization_pk, link.c.abbreviation)
                                  .where(link.c.organization_pk.in_([pk for pk, _, _ in named]),
                                         link.c.abbreviation.is_not(None))
                                  .order_by(link.c.article_pk, link.c.ord)):
        abbreviations[row.organization_pk][row.abbreviation] = None
    return [OrganizationSummary(name=name, articles=count, abbreviations=list(abbreviations[pk]))
            for pk, name, count in named]


def _most_named(connection: Connection, entity: Table, link: Table, entity_pk, q: str | None,
                limit: int) -> list[tuple[int, str, int]]:
    """(pk, name, article count) of the entities whose name contains `q`, most named first."""
    articles = func.count(distinct(link.c.article_pk)).label("articles")
    statement = (select(entity.c.pk, entity.c.name, articles)
                 .join(link, entity_pk == entity.c.pk)
                 .group_by(entity.c.pk, entity.c.name)
                 .order_by(articles.desc(), entity.c.name, entity.c.pk)
                 .limit(limit))
    if q and (key := search_key(q)):
        statement = statement.where(entity.c.search_key.contains(key, autoescape=True))
    return [tuple(row) for row in connection.execute(statement)]
