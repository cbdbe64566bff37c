"""The store: extracted records in SQLite (default) or PostgreSQL, queryable by entity, date and text.

>>> store = open_store("sqlite:///vnextract.sqlite")      # doctest: +SKIP
>>> store.put(extract(text))                              # doctest: +SKIP
True
"""
from .filters import ArticleQuery, InvalidCursor
from .store import DEFAULT_PAGE, DEFAULT_URL, MAX_PAGE, Store, StoreUnavailable, open_store
from .writer import UnstorableRecord
from .views import Citation, DocumentView, OrganizationSummary, OrganizationView, PersonSummary, PersonView

__all__ = ["open_store", "Store", "StoreUnavailable", "UnstorableRecord", "ArticleQuery", "InvalidCursor", "DocumentView", "Citation",
           "PersonSummary", "OrganizationSummary", "OrganizationView", "PersonView", "MAX_PAGE", "DEFAULT_PAGE", "DEFAULT_URL"]
