"""Every read the store answers besides loading records: filtered pages, documents, aggregates."""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import Column, ColumnElement, Connection, Table, distinct, exists, func, or_, select

from . import schema as s
from .filters import ArticleQuery
from .fulltext import matching_articles
from .identity import published_text
from .keys import document_key, name_key, search_key
from .views import (Alias, ArticleRef, AwardGiven, Citation, DocumentIssued, DocumentView, OrganizationSummary,
                    OrganizationView, PersonRef, PersonSummary, PersonView, TitlesAt)



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


def search_pks(connection: Connection, filters: ArticleQuery, newest_first: bool, offset: int,
               limit: int) -> tuple[list[int], int]:
    """A page of matching articles by publication day (undated last, then storage order), and how many match.

    For the review pages, which show counts and numbered pages; API clients page by cursor."""
    conditions = _conditions(connection.dialect.name, filters)
    total = connection.execute(select(func.count()).select_from(s.articles).where(*conditions)).scalar_one()
    day = s.articles.c.published_on
    order = [day.is_(None), day.desc() if newest_first else day.asc(), s.articles.c.pk]
    pks = connection.execute(select(s.articles.c.pk).where(*conditions).order_by(*order)
                             .offset(offset).limit(limit)).scalars()
    return list(pks), total


def neighbour_id(connection: Connection, article_id: str) -> str | None:
    """The id of the article stored after this one (the first one after the last)."""
    pk = select(s.articles.c.pk).where(s.articles.c.id == article_id).scalar_subquery()
    after = connection.execute(select(s.articles.c.id).where(s.articles.c.pk > pk).order_by(s.articles.c.pk)
                               .limit(1)).scalar_one_or_none()
    return after or connection.execute(select(s.articles.c.id).order_by(s.articles.c.pk).limit(1)).scalar_one_or_none()


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


def _entity_by_key(connection: Connection, table: Table, link_column: Column, key: str) -> tuple[dict | None, list[str]]:
    """The entity a key names: the stored key itself, else a name (of several namesakes, the most
    named); and the keys of the other namesakes."""
    exact = connection.execute(select(table).where(table.c.name_key == key)).mappings().first()
    folded = name_key(key.split("@", 1)[0])
    articles = func.count(distinct(link_column.table.c.article_pk))
    candidates = connection.execute(
        select(table, articles.label("articles")).outerjoin(link_column.table, link_column == table.c.pk)
        .where(or_(table.c.name_key == folded, table.c.name_key.startswith(f"{folded}@", autoescape=True)))
        .group_by(*table.c).order_by(articles.desc(), table.c.pk)).mappings().all()
    chosen = dict(exact) if exact else (dict(candidates[0]) if candidates else None)
    if chosen is None:
        return None, []
    return chosen, [c["name_key"] for c in candidates if c["pk"] != chosen["pk"]]


def organization_view(connection: Connection, key: str, limit: int = 100) -> OrganizationView | None:
    org, _ = _entity_by_key(connection, s.organizations, s.article_organizations.c.organization_pk, key)
    if org is None:
        alias = connection.execute(select(s.organization_aliases.c.organization_pk)
                                   .where(s.organization_aliases.c.alias_key == name_key(key))
                                   .order_by(s.organization_aliases.c.organization_pk).limit(1)).scalar()
        if alias is None:
            return None
        org = dict(connection.execute(select(s.organizations).where(s.organizations.c.pk == alias)).mappings().one())
    pk, a = org["pk"], s.articles.c
    aliases = [Alias(alias=r.alias, kind=r.kind) for r in connection.execute(
        select(s.organization_aliases).where(s.organization_aliases.c.organization_pk == pk)
        .order_by(s.organization_aliases.c.alias_key))]
    link = s.article_organizations
    linked = select(link.c.article_pk).where(link.c.organization_pk == pk)
    count = connection.execute(select(func.count(distinct(link.c.article_pk))).where(link.c.organization_pk == pk)).scalar()
    articles = [ArticleRef(id=r.id, title=r.title, published_on=_iso(r.published_on)) for r in connection.execute(
        select(a.id, a.title, a.published_on).where(a.pk.in_(linked))
        .order_by(a.published_on.desc().nulls_last(), a.pk.desc()).limit(limit))]
    aw, pos = s.awards.c, s.positions
    given = connection.execute(
        select(a.id, aw.award, aw.award_kind, aw.recipients, aw.conferred_on, aw.conferred_on_source,
               pos.c.name.label("position"))
        .join(s.articles, a.pk == aw.article_pk).outerjoin(pos, pos.c.pk == aw.giver_position_pk)
        .where(or_(aw.giver_organization_pk == pk, pos.c.organization_pk == pk))
        .order_by(aw.conferred_on.desc().nulls_last(), aw.article_pk, aw.ord).limit(limit))
    awards = [AwardGiven(article_id=r.id, award=r.award, award_kind=r.award_kind, recipients=r.recipients,
                         conferred_on=_iso(r.conferred_on), conferred_on_source=r.conferred_on_source,
                         position=r.position) for r in given]
    names = [org["name"], *(x.alias for x in aliases)]
    d = s.documents.c
    documents = [DocumentIssued(key=r.key, number=r.number, type=r.type, issued_on=_iso(r.issued_on),
                                citations=r.citations) for r in connection.execute(
        select(d.key, d.number, d.type, d.issued_on, d.citations).where(d.issuer.in_(names))
        .order_by(d.issued_on.desc().nulls_last(), d.key).limit(limit))]
    ap, pe = s.article_people, s.people
    person_articles = func.count(distinct(ap.c.article_pk))
    people = [PersonRef(key=r.name_key, name=r.name, articles=r.articles) for r in connection.execute(
        select(pe.c.name_key, pe.c.name, person_articles.label("articles")).join(ap, ap.c.person_pk == pe.c.pk)
        .where(ap.c.organization.in_(names)).group_by(pe.c.pk, pe.c.name_key, pe.c.name)
        .order_by(person_articles.desc(), pe.c.name).limit(limit))]
    return OrganizationView(key=org["name_key"], name=org["name"], province=org["province"],
                            province_current=org["province_current"], aliases=aliases, article_count=count,
                            articles=articles, awards_given=awards, documents_issued=documents, people=people)


def person_view(connection: Connection, key: str) -> PersonView | None:
    person, namesakes = _entity_by_key(connection, s.people, s.article_people.c.person_pk, key)
    if person is None:
        return None
    ap, a = s.article_people.c, s.articles.c
    rows = connection.execute(
        select(a.id, a.published_on, ap.titles, ap.organization).join(s.articles, a.pk == ap.article_pk)
        .where(ap.person_pk == person["pk"]).order_by(a.published_on.nulls_last(), a.pk, ap.ord))
    titles = [TitlesAt(published_on=_iso(r.published_on), article_id=r.id, titles=r.titles,
                       organization=r.organization) for r in rows]
    return PersonView(key=person["name_key"], name=person["name"], province=person["province"],
                      province_current=person["province_current"], namesakes=namesakes, titles=titles)
