"""What the store derives from a record to tie it to other articles: typed publication time, the
article's province, document identities, award givers and conferral dates.

Pure functions of one record and the rules (no database), so a bulk run derives them in its
worker processes and the migration that backfills old rows uses the very same code.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import regex

from ..record import Award, Document, Record
from ..rulebook import Rulebook, load_rules
from .keys import document_key, name_key, search_key

#: Vietnam time: a dateline without an offset is read in it, and days are counted in it.
VIETNAM = dt.timezone(dt.timedelta(hours=7))
Precision = Literal["day", "minute"]
_SENTENCE_END = regex.compile(r"[.!?;](?=\s)|\n")
_LETTERS = regex.compile(r"[A-Z]")


@dataclass(frozen=True)
class Published:
    at: dt.datetime | None
    precision: Precision | None
    day: dt.date | None


def published(published_at: str | None) -> Published:
    """`published_at` as a timestamp with time zone, its precision and its day (in its own zone).

    >>> published("2012-03-16")
    Published(at=datetime.datetime(2012, 3, 16, 0, 0, tzinfo=datetime.timezone(datetime.timedelta(seconds=25200))), precision='day', day=datetime.date(2012, 3, 16))
    >>> published("2014-05-07T15:46:26+07:00").precision
    'minute'
    """
    if not published_at:
        return Published(None, None, None)
    try:
        if len(published_at) == 10:
            day = dt.date.fromisoformat(published_at)
            return Published(dt.datetime(day.year, day.month, day.day, tzinfo=VIETNAM), "day", day)
        at = dt.datetime.fromisoformat(published_at)
    except ValueError:
        return Published(None, None, None)
    if at.tzinfo is None:
        at = at.replace(tzinfo=VIETNAM)
    return Published(at, "minute", at.date())


def published_text(at: dt.datetime | None, precision: str | None) -> str | None:
    """The record's `published_at` back from the stored timestamp (rows rebuilt from the tables)."""
    if at is None:
        return None
    if at.tzinfo is None:  # SQLite keeps UTC without its zone
        at = at.replace(tzinfo=dt.timezone.utc)
    local = at.astimezone(VIETNAM)
    return local.date().isoformat() if precision == "day" else local.isoformat()


def article_province(record: Record) -> tuple[str | None, str | None]:
    """The province (or centrally-governed city) the article is about, as named and as it is now
    (after the 2025 merger): the most mentioned one, the first named on a tie."""
    units = [loc for loc in record.locations if loc.kind in ("province", "city")]
    if not units:
        return None, None

    def weight(loc) -> tuple[int, int]:
        first = min((m.start for m in loc.mentions), default=1 << 60)
        return -len(loc.mentions), first

    top = min(units, key=weight)
    return top.name, top.current or top.name


def document_identity(document: Document, record: Record, province: str | None,
                      rules: Rulebook | None = None) -> tuple[str, str | None]:
    """(key, province) of a cited document, one key per document across articles.

    The symbol alone is the key where it is unique nationally. A local symbol ("01/2024/QĐ-UBND")
    is unique only with its province: the province named in the citation's issuer, else the
    article's. A bare reference ("Quyết định số 05") cannot be told from another article's
    "Quyết định số 05", so it stays a document of its own article until resolved.

    >>> from extractor.record import Document, Record
    >>> r = Record(id="a1")
    >>> document_identity(Document(number="01/2024/QĐ-UBND", issuer_code="UBND"), r, "Hải Dương")
    ('1/2024/QD-UBND@hai duong', 'Hải Dương')
    >>> document_identity(Document(number="05", type_code="QĐ"), r, "Hải Dương")
    ('QD:5#a1', None)
    >>> document_identity(Document(number="02-NQ/TW", issuer_code="TW"), r, "Hải Dương")
    ('2-NQ/TW', None)
    """
    key = document_key(document.number, document.type_code)
    if ":" in key and not _LETTERS.search(key.split(":", 1)[1]):
        return f"{key}#{record.id}", None
    if not _is_local(document.issuer_code, rules or load_rules()):
        return key, None
    named = _place_in(document.issuer, record) if document.issuer else None
    place = named or province
    return (f"{key}@{search_key(place)}", place) if place else (key, None)


def _is_local(issuer_code: str | None, rules: Rulebook) -> bool:
    if not issuer_code:
        return False
    return issuer_code.split("-")[0].casefold() in _local_codes(rules)


@lru_cache(maxsize=8)
def _local_codes(rules: Rulebook) -> frozenset[str]:
    return frozenset(code.casefold() for code in rules.store.local_issuers)


def _place_in(name: str, record: Record) -> str | None:
    """The province of the record's locations that `name` names, if any."""
    folded = name_key(name)
    for loc in record.locations:
        if loc.kind in ("province", "city") and regex.search(rf"(?<!\w){regex.escape(name_key(loc.name))}(?!\w)", folded):
            return loc.name
    return None


# ---- award givers --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Giver:
    """Who gave an award: an organisation, or a position ("Chủ tịch") of a body ("Ủy ban nhân
    dân tỉnh X"); `match` says which, or "unresolved" for a giver too vague to be one body."""

    match: Literal["organization", "position", "unresolved"] | None
    organization: str | None = None
    position: str | None = None
    title: str | None = None


def award_giver(award: Award, record: Record, rules: Rulebook | None = None) -> Giver:
    """The giver of an award tied to an organisation or a position.

    >>> from extractor.record import Award, Organization, Record
    >>> r = Record(id="x", organizations=[Organization(name="Công đoàn Viên chức tỉnh Hải Dương", text="")])
    >>> a = Award(award="Bằng khen", award_kind="bang_khen", giver="Chủ tịch Ủy ban nhân dân tỉnh Cao Bằng",
    ...           text="", start=0, end=0)
    >>> award_giver(a, r)
    Giver(match='position', organization='Ủy ban nhân dân tỉnh Cao Bằng', position='Chủ tịch Ủy ban nhân dân tỉnh Cao Bằng', title='Chủ tịch')
    >>> award_giver(a.model_copy(update={"giver": "Công ty"}), r).match
    'unresolved'
    >>> award_giver(a.model_copy(update={"giver": "Giám đốc Sở Y tế tỉnh Cao Bằng"}), r).organization
    'Sở Y tế tỉnh Cao Bằng'
    """
    giver = award.giver
    if not giver:
        return Giver(None)
    rules = rules or load_rules()
    named = {name_key(o.name): o.name for o in record.organizations}
    if name_key(giver) in named:
        return Giver("organization", named[name_key(giver)])
    title = _title_of(giver, rules)
    if title:
        body = giver[len(title):].strip()
        organization = named.get(name_key(body)) or (body if _specific(body, record, rules) else None)
        return Giver("position", organization, giver, title)
    if _specific(giver, record, rules):
        return Giver("organization", giver)
    return Giver("unresolved")


def _title_of(giver: str, rules: Rulebook) -> str | None:
    """The longest title the giver starts with ("Giám đốc Sở Y tế" is "Giám đốc" of "Sở Y tế")."""
    folded = giver.casefold()
    fitting = [t for t in _titles(rules) if folded == t.casefold() or folded.startswith(t.casefold() + " ")]
    return giver[:len(max(fitting, key=len))] if fitting else None


@lru_cache(maxsize=8)
def _titles(rules: Rulebook) -> tuple[str, ...]:
    """The people rules' titles, less those naming their body's head too ("Giám đốc Sở",
    "Chủ tịch Công đoàn"): for a giver, the body is the organisation, head word included."""
    heads = {w.casefold() for head in rules.organizations.heads for w in head.words}
    return tuple(t for t in rules.people.titles
                 if not any(t.casefold().endswith(" " + h) for h in heads))


def _specific(name: str, record: Record, rules: Rulebook) -> bool:
    """Whether a name stands for one body: it names a place or is a national body."""
    if len(name.split()) < 2:
        return False
    if _national(name, rules) or province_named(name, rules):
        return True
    folded = name_key(name)
    return any(regex.search(rf"(?<!\w){regex.escape(name_key(loc.name))}(?!\w)", folded) for loc in record.locations)


# ---- conferral dates -----------------------------------------------------------------------------

def conferral_date(award: Award, record: Record, day: dt.date | None) -> tuple[dt.date | None, str | None]:
    """(date, where it came from) of a conferral: the day-date of its own sentence nearest to it
    ("sentence"), else the article's publication day ("published")."""
    text = record.text
    if text:
        start = max((m.end() for m in _SENTENCE_END.finditer(text, 0, award.start)), default=0)
        end_match = _SENTENCE_END.search(text, award.end)
        end = end_match.start() if end_match else len(text)
        inside = [d for d in record.dates if d.granularity == "day" and start <= d.start and d.end <= end]
        if inside:
            nearest = min(inside, key=lambda d: abs(d.start - award.start))
            try:
                return dt.date.fromisoformat(nearest.value), "sentence"
            except ValueError:
                pass
    return (day, "published") if day else (None, None)


# ---- organisations and people across articles ----------------------------------------------------

@dataclass(frozen=True)
class Place:
    """A province as named (as it was) and as it is since the 2025 merger."""

    name: str
    current: str


def organization_identity(name: str, province: Place | None, rules: Rulebook | None = None) -> tuple[str, Place | None]:
    """(key, place) of an organisation across articles: its canonical name, and its place.

    A name that names its province, or a national body, is one organisation wherever it is
    named. A name with no place ("Sở Y tế", "Liên đoàn Lao động huyện Tân Phú", "Công đoàn cơ
    sở") is a different body in every province, so its key carries the article's province.

    >>> organization_identity("Công đoàn Viên chức tỉnh Hải Dương", None)
    ('công đoan2 viên chưc1 tinh3 hai3 dương', Place(name='Hải Dương', current='Hải Phòng'))
    >>> organization_identity("Sở Y tế", Place("Thái Bình", "Hưng Yên"))[0]
    'sơ3 y tê1@thai binh'
    >>> organization_identity("Bộ Y tế", Place("Thái Bình", "Hưng Yên"))
    ('bô5 y tê1', None)
    """
    rules = rules or load_rules()
    key = name_key(name)
    named = province_named(name, rules)
    if named:
        return key, named
    if _national(name, rules) or province is None:
        return key, None
    return f"{key}@{search_key(province.name)}", province


def person_identity(name: str, organization: str | None, titles: list[str], province: Place | None,
                    rules: Rulebook | None = None) -> tuple[str, Place | None]:
    """(key, place) of a person across articles: the name and the province (as it is now) of the
    body in their titles, else of the article. Namesakes of two provinces stay two people; one
    person's titles over the years, before and after the merger, line up under one key.

    >>> person_identity("Nguyễn Văn An", "Liên đoàn Lao động tỉnh Hải Dương", [], None)
    ('nguyên4 văn an@hai phong', Place(name='Hải Dương', current='Hải Phòng'))
    >>> person_identity("Nguyễn Văn An", None, ["Chủ tịch"], Place("Thái Bình", "Hưng Yên"))[0]
    'nguyên4 văn an@hung yen'
    >>> person_identity("Nguyễn Văn An", "Công đoàn Viên chức Việt Nam", [], Place("Thái Bình", "Hưng Yên"))[0]
    'nguyên4 văn an'
    """
    rules = rules or load_rules()
    key = name_key(name)
    if any(text and _national(text, rules) for text in (organization, *titles)):
        return key, None  # an officer of a national body is one person in every province's news
    place = None
    for text in (organization, *titles):
        if text and (place := province_named(text, rules)):
            break
    place = place or province
    return (f"{key}@{search_key(place.current)}", place) if place else (key, None)


def province_named(name: str, rules: Rulebook | None = None) -> Place | None:
    """The province (or centrally-governed city) a name names, whole words, if any."""
    units = _units(rules or load_rules())
    match = units.pattern.search(name_key(name))
    return units.places[match.group(0)] if match else None


@dataclass(frozen=True)
class _Units:
    pattern: regex.Pattern
    places: dict[str, Place]


@lru_cache(maxsize=8)
def _units(rules: Rulebook) -> _Units:
    places: dict[str, Place] = {}
    for unit in rules.gazetteer.units:
        for written in (unit.name, *unit.aliases):
            places.setdefault(name_key(written), Place(unit.name, unit.current))
    words = "|".join(regex.escape(k) for k in sorted(places, key=len, reverse=True))
    return _Units(regex.compile(rf"(?<!\w)(?:{words})(?!\w)"), places)


@lru_cache(maxsize=8)
def _national_pattern(rules: Rulebook) -> regex.Pattern:
    def alternatives(names: list[str]) -> str:
        return "|".join(regex.escape(name_key(n)) for n in sorted(names, key=len, reverse=True))

    return regex.compile(rf"^(?:{alternatives(rules.store.national_heads)})(?!\w)"
                         rf"|(?<!\w)(?:{alternatives(rules.store.national_words)})(?!\w)")


def _national(name: str, rules: Rulebook) -> bool:
    return bool(_national_pattern(rules).search(name_key(name)))


def article_place(record: Record) -> Place | None:
    """`article_province` as a Place."""
    name, current = article_province(record)
    return Place(name, current) if name else None
