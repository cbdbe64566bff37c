"""Merge document mentions into documents (RECORD.md, Document).

Mentions of one symbol ("09/NQ-CĐVC" twice, "T.Ư" beside "TƯ") share a key; a bare
reference ("Chỉ thị số 05") joins the full symbol of the same type and serial when the article
gives one, else it is a document of its own with `number` "05".
"""
from __future__ import annotations

from functools import lru_cache

import regex

from ..doc import Doc, Span
from ..extractors.documents import fold
from ..resolve.names import Place, expand_name
from ..rulebook import Rulebook


_SPACES_DOTS = regex.compile(r"[\s.]+")
_LEADING_ZEROS = regex.compile(r"(?<!\d)0+(?=\d)")


_TERM = regex.compile(r"^(?P<code>.*?\p{L})(?P<term>\d{1,2})$")


def expand_issuer_code(code: str | None, rules: Rulebook) -> str | None:
    """The body an issuer code stands for, from rules/documents.yaml.

    >>> from extractor.rulebook import load_rules
    >>> [expand_issuer_code(c, load_rules()) for c in ("TW", "ubnd", "UBND-VX", "QH15", "XYZ")]
    ['Ban Chấp hành Trung ương', 'Ủy ban nhân dân', 'Ủy ban nhân dân', 'Quốc hội khóa 15', None]
    """
    if not code:
        return None
    table = rules.documents.issuers
    folded = _folded_issuers(rules)

    def lookup(part: str) -> str | None:
        return table.get(part) or folded.get(part.casefold())

    body = lookup(code) or lookup(code.split("-")[0])
    if body:
        return body
    m = _TERM.match(code)
    if m and (body := lookup(m.group("code"))):
        return rules.documents.issuer_term.format(body=body, term=m.group("term"))
    return None


@lru_cache(maxsize=8)
def _folded_issuers(rules: Rulebook) -> dict[str, str]:
    return {code.casefold(): body for code, body in rules.documents.issuers.items()}


def symbol_key(number: str) -> str:
    """The scorer's key: upper case, no spaces or dots, Đ as D, no leading zeros."""
    n = _SPACES_DOTS.sub("", number.upper()).replace("Đ", "D")
    return _LEADING_ZEROS.sub("", n)


def _serial_key(serial: str) -> str:
    return serial.lstrip("0").casefold() or "0"


def resolve_documents(doc: Doc, spans: list[Span], place: Place | None) -> list[dict]:
    """Documents as dicts of the record's fields plus `mentions` (spans in `doc.norm`)."""
    groups: dict[str, list[Span]] = {}
    order: list[str] = []
    full_by_type_serial: dict[tuple[str, str], str] = {}
    for sp in spans:
        v = sp.value
        if v["bare"]:
            continue
        key = symbol_key(v["number"])
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(sp)
        if v["type_code"]:
            full_by_type_serial.setdefault((fold(v["type_code"]), _serial_key(v["serial"])), key)
    for sp in spans:
        v = sp.value
        if not v["bare"]:
            continue
        code = fold(v["type_code"] or "")
        key = full_by_type_serial.get((code, _serial_key(v["serial"])))
        if key is None:
            key = f"{v['type_code']}:{_serial_key(v['serial'])}"
            if key not in groups:
                groups[key] = []
                order.append(key)
        groups[key].append(sp)
    docs = []
    rules = doc.rules
    for key in order:
        group = sorted(groups[key], key=lambda s: s.start)
        main = next((s for s in group if not s.value["bare"]), group[0])
        v = main.value

        def first(field: str):
            for s in [main, *group]:
                if s.value.get(field):
                    return s.value[field]
            return None

        word_code = first("word_code")
        code = v["type_code"]
        issuer = first("issuer")
        if issuer:
            issuer = expand_name(issuer, rules, place)
        docs.append({
            "number": v["number"],
            "type": type_name(code, word_code, v["party"], rules),
            "type_code": code,
            "serial": v["serial"],
            "year": v["year"],
            "issuer_code": v["issuer_code"],
            "issuer_code_expanded": expand_issuer_code(v["issuer_code"], rules),
            "issued_on": first("issued_on"),
            "issuer": issuer,
            "title": first("title"),
            "mentions": group,
        })
    return docs


@lru_cache(maxsize=8)
def _names_of_codes(rules: Rulebook) -> dict[str, str]:
    """Type code -> full type name, from rules/documents.yaml."""
    return {t.code: t.name for t in rules.documents.types}


def type_name(code: str | None, word_code: str | None, party: bool, rules: Rulebook) -> str | None:
    """The full type name: from the type word when written, else from the code table."""
    name_of_code = _names_of_codes(rules)
    if word_code and word_code != code and code is not None and name_of_code.get(word_code) != name_of_code.get(code):
        # "Quy định số 37-QĐ/TW": the cue word tells Quy định from Quyết định
        return name_of_code.get(word_code)
    if code is None:
        return name_of_code.get(word_code) if word_code else None
    if party and code in rules.documents.party_type_overrides:
        return rules.documents.party_type_overrides[code]
    return name_of_code.get(code)
