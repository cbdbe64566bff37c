"""Full-text matching of `article_search`, the one place the two backends differ in a query.

Both index the folded title and text (keys.search_key), so a search ignores case and
diacritics alike on both. Every word of the query must occur.
"""
from __future__ import annotations

from sqlalchemy import ColumnElement, Select, select, text

from .keys import search_words
from .schema import article_search


def matching_articles(dialect: str, query: str) -> Select | None:
    """article_pk of every article whose text has all the query's words; None when it has none."""
    words = search_words(query)
    if not words:
        return None
    return select(article_search.c.article_pk).where(_match(dialect, words))


def _match(dialect: str, words: list[str]) -> ColumnElement[bool]:
    if dialect == "sqlite":
        # each word quoted, so nothing a reader types is read as FTS5 query syntax
        return text("article_search MATCH :fts").bindparams(fts=" ".join(f'"{w}"' for w in words))
    # the same expression as the GIN index, so the index serves it
    return text("to_tsvector('simple', article_search.body) @@ plainto_tsquery('simple', :fts)").bindparams(
        fts=" ".join(words))
