"""The keys the store matches names, documents and searches on.

Three different equalities, on purpose:

- `name_key`: the identity of a person, organisation or place across articles. Case and
  tone-mark placement don't matter ("Khánh Hoà" is "Khánh Hòa"), but the tones themselves do
  ("Lê" is not "Lệ"): the scorer's definition (`extractor.evaluate.canon`).
- `search_key`: what a reader types into a search box. Case and every diacritic are dropped
  ("cong doan" finds "Công đoàn"), so it only ever widens a search, never merges rows.
- `document_key`: the scorer's key for a numbered document, so "9/NQ-CDVC" is "09/NQ-CĐVC".
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache

import regex

from ..evaluate import canon
from ..resolve.documents import symbol_key

_MARKS = regex.compile(r"\p{Mn}+")
_NON_WORDS = regex.compile(r"[^\w]+")


# Names recur across an archive (the same bodies and places in article after article), so
# their keys are cached; a whole text's search key is not.
@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """Identity of a named entity: case- and tone-style-insensitive."""
    return canon(name)


@lru_cache(maxsize=65536)
def name_search_key(name: str) -> str:
    """`search_key` of a name."""
    return search_key(name)


def search_key(text: str) -> str:
    """Lower case, no diacritics ("đ" as "d"), words separated by single spaces."""
    bare = _MARKS.sub("", unicodedata.normalize("NFD", text)).replace("đ", "d").replace("Đ", "D")
    return _NON_WORDS.sub(" ", bare.casefold()).strip()


def search_words(query: str) -> list[str]:
    """The words of a full-text query, folded like the indexed text."""
    return search_key(query).split()


def document_key(number: str, type_code: str | None = None) -> str:
    """A symbol's key; a bare number ("05") is keyed by its type as well ("CT:5").

    A lookup key that already has that shape ("CT:5") keys to itself.
    """
    key = symbol_key(number)
    if regex.search(r"[A-Z]", key):
        return key
    return f"{symbol_key(type_code or '')}:{key}"
