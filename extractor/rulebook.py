"""Load and validate the rule data in rules/*.yaml into typed tables, once per process.

Every file has a schema (pydantic, extra="forbid"), so a misspelt key fails at load time
instead of being ignored (the dateparser lesson). `rules_version` is a hash of the files,
stored with every record so a result can be traced to the rules that made it.
"""
from __future__ import annotations

import hashlib
import unicodedata
from functools import cached_property, lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RuleId(_Strict):
    id: str
    regex: str | None = None


class PageClasses(_Strict):
    """Words of the class names HTML themes give the article's parts (rules/chrome.yaml)."""
    title: list[str] = []
    lead: list[str] = []
    content: list[str] = []


class ChromeRules(_Strict):
    lines: list[RuleId]
    tail_markers: list[RuleId]
    section_labels: list[str]
    not_headlines: list[RuleId]
    headline_marks: list[RuleId]
    lead_openers: list[RuleId] = []
    glued_datelines: list[RuleId] = []
    glued_menus: list[RuleId] = []
    glued_tail_markers: list[RuleId] = []
    page_classes: PageClasses = PageClasses()


class DatelineRules(_Strict):
    formats: list[RuleId]
    labels: list[str]
    weak_labels: list[str]
    weekdays: list[str]
    afternoon_markers: list[str]
    morning_markers: list[str]
    two_digit_year_pivot: int
    header_lines: int
    max_leftover_words: int
    counters: list[RuleId] = []


class BylineRules(_Strict):
    prefixes: list[str]
    degrees: list[str]
    suffix_regex: str
    collective_authors: list[str]
    author_separators: list[str]
    not_authors: list[str]
    max_words: int
    unit_heads: list[str]
    max_unit_words: int = 12
    unit_lower_words: list[str] = []


class DateWords(_Strict):
    day: list[str]
    month: list[str]
    year: list[str]


class DateRules(_Strict):
    words: DateWords
    day_cues: list[str]
    range_joiners: list[str]
    period_cues: list[str]
    not_followed_by: list[str]
    min_year: int
    max_year: int
    work_period_cues: list[str] = []
    max_months_ahead_of_dateline: int
    patterns: list[RuleId]


class NumberRules(_Strict):
    units: dict[str, int]
    tens: dict[str, int]
    multipliers: dict[str, int]
    vague: list[str]
    bounds: list[str]


class DocumentType(_Strict):
    code: str
    name: str
    words: list[str]
    bare: bool


class DocumentGrammar(_Strict):
    issued: list[str]
    issuer: list[str]
    title: list[str]
    issuer_stops: list[str]
    law_words: list[str]
    letter_words: list[str]


class DocumentRules(_Strict):
    grammar: DocumentGrammar
    types: list[DocumentType]
    party_type_overrides: dict[str, str]
    issuer_term: str
    issuers: dict[str, str]
    not_a_number_before: list[str]
    number_words: list[str]
    patterns: list[RuleId]


class AwardKind(_Strict):
    kind: Literal["bang_khen", "giay_khen", "co_thi_dua", "huan_chuong", "huy_chuong", "ky_niem_chuong",
                  "bang_lao_dong_sang_tao", "danh_hieu", "giai_thuong", "khen_thuong", "khac"]
    canonical: str
    words: list[str]
    name: Literal["none", "quoted", "quoted_required", "capitalized", "quoted_or_capitalized"]


class AwardGrammar(_Strict):
    of: list[str]
    passive: list[str]
    adverbs: list[str]
    to_recipients: list[str]
    joiners: list[str]
    subset: list[str]
    decision: list[str]
    event_verbs: list[str]
    reason: list[str]
    again: list[str]
    certificate_verbs: list[str]
    events: list[str]
    by: list[str]
    bare_prize_after: list[str]
    not_counts: list[str] = []
    certificate_passive: list[str] = []
    held: list[str] = []
    same_decision: list[str] = []
    caption_credit: list[str] = []   # regexes: a photo credit that marks a line as a caption


class AwardRules(_Strict):
    grammar: AwardGrammar
    kinds: list[AwardKind]
    grades: list[str]
    individuals: list[str]
    collectives: list[str]
    # recipients that are neither ("10 dự án"): the count is the total, both parts null
    other_recipients: list[str] = []
    undivided: list[str]
    verbs: list[str]
    giver_verbs: list[str]
    delegation: list[str]
    negatives: list[str]
    giver_lead: list[str]
    person_marks: list[str]
    name_stops: list[str]
    giver_stops: list[str]
    certificate_kinds: list[str]
    giver_references: dict[str, str]
    not_givers: list[str] = []
    patterns: list[RuleId]


class Level(_Strict):
    word: str
    completes_with: list[Literal["province", "city"]]
    lower_only: bool = False  # a level word only in lower case ("bản", "buôn": capitalised, a name's)


class OrgHead(_Strict):
    words: list[str]
    standalone: bool
    organ: bool


class OrganizationRules(_Strict):
    abbreviations: dict[str, str]
    aliases: dict[str, str]
    province_bodies: list[str]
    levels: list[Level]
    heads: list[OrgHead]
    inner_words: list[str]
    generic_before: list[str]
    generic_after: list[str]
    not_heads: list[str]
    domains: list[str]
    list_joiners: list[str]
    time_units: list[str]
    named_after: list[str]
    organ_not_acting_before: list[str]
    regional_words: list[str]
    lowercase_heads: list[str]
    affiliation_before: list[str]
    short_forms: list[str] = []
    short_form_not_before: list[str] = []
    name_ends_before: list[str] = []
    list_heads: list[str] = []
    references: dict[str, str] = {}
    free_name_heads: list[str] = []
    attendance_cues: list[str] = []
    list_item_before: list[str] = []
    list_item_after: list[str] = []
    level_heads: dict[str, str] = {}


class PeopleRules(_Strict):
    title_stop_verbs: list[str]
    list_honorifics: list[str]
    not_names: list[str]
    honorifics: list[str]
    degree_parts: list[str] = []
    titles: list[str]
    surnames: list[str]
    not_name_words: list[str]
    not_after: list[str]


class PlaceLevel(_Strict):
    word: str
    kind: Literal["province", "city", "district", "commune", "other"]
    lower_only: bool = False  # a level word only in lower case ("bản", "buôn": capitalised, a name's)


class LocationRules(_Strict):
    levels: list[PlaceLevel]
    needs_level: list[str]
    province_levels: list[str]
    list_joiners: list[str]
    min_name_letters: int = 2
    given_name_words: int = 2
    parent_in_parentheses: list[str] = []
    line_break_words: int = 2
    numbered_levels: list[str] = []


class Unit(_Strict):
    name: str
    kind: Literal["province", "city"]
    aliases: list[str]
    existed: dict[str, str | None]
    current: str


class Gazetteer(_Strict):
    units: list[Unit]


class District(_Strict):
    name: str
    kind: Literal["district", "town", "city"]
    aliases: list[str] = []
    until: str | None = None


class Districts(_Strict):
    provinces: dict[str, list[District]]


class StoreRules(_Strict):
    local_issuers: list[str]
    national_heads: list[str]
    national_words: list[str]
    merger_day: str


_FILES = {
    "chrome": ChromeRules,
    "dateline": DatelineRules,
    "byline": BylineRules,
    "dates": DateRules,
    "numbers": NumberRules,
    "documents": DocumentRules,
    "awards": AwardRules,
    "organizations": OrganizationRules,
    "people": PeopleRules,
    "locations": LocationRules,
    "gazetteer": Gazetteer,
    "districts": Districts,
    "store": StoreRules,
}


def rules_dir() -> Traversable:
    """Where the rules are: the package data `extractor.rules` of an installed wheel (read through
    importlib.resources, so it need not be a folder on disk), else the checkout's rules/ folder,
    which an editable install leaves beside the package."""
    try:
        return resources.files("extractor.rules")
    except ModuleNotFoundError:
        return Path(__file__).resolve().parent.parent / "rules"


#: libyaml's safe loader where PyYAML was built with it: the same documents, parsed ten times
#: faster, which every worker process of a batch run or the service pays at start-up.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Rulebook:
    """All rule tables, validated. Build with `load_rules()`; it is cached per process."""

    def __init__(self, folder: Traversable):
        self.folder = folder
        digest = hashlib.sha256()
        for name, model in _FILES.items():
            path = folder / f"{name}.yaml"
            text = path.read_text(encoding="utf-8")
            if not unicodedata.is_normalized("NFC", text):
                raise ValueError(f"{path} is not in NFC; rules are written in NFC")
            digest.update(text.encode("utf-8"))
            setattr(self, name, model.model_validate(yaml.load(text, Loader=_YAML_LOADER)))
        words = (folder / "words.txt").read_text(encoding="utf-8")
        digest.update(words.encode("utf-8"))
        self._words_text = words
        self.version = digest.hexdigest()[:12]

    @cached_property
    def words(self) -> frozenset[str]:
        """Vietnamese words of 2-4 syllables (rules/words.txt, `extractor/wordlist.py`)."""
        from .wordlist import read

        words = read(self._words_text)
        del self._words_text
        return words

    chrome: ChromeRules
    dateline: DatelineRules
    byline: BylineRules
    dates: DateRules
    numbers: NumberRules
    documents: DocumentRules
    awards: AwardRules
    organizations: OrganizationRules
    people: PeopleRules
    locations: LocationRules
    gazetteer: Gazetteer
    districts: Districts
    store: StoreRules

    def rule_ids(self) -> set[str]:
        """Every declared rule id, for the test that each has an example."""
        ids: set[str] = set()
        for section in (self.chrome.lines, self.chrome.tail_markers, self.chrome.not_headlines,
                        self.chrome.headline_marks, self.chrome.lead_openers, self.chrome.glued_datelines,
                        self.chrome.glued_menus, self.chrome.glued_tail_markers, self.dateline.formats, self.dateline.counters, self.dates.patterns,
                        self.documents.patterns, self.awards.patterns):
            ids.update(r.id for r in section)
        # entity families whose rules are the vocabularies of their files
        ids.update({"organizations.head", "people.honorific_cue", "people.title_cue",
                    "people.surname", "locations.gazetteer", "locations.level", "locations.district",
                    "locations.parent_in_parentheses", "locations.line_break",
                    "organizations.short_form", "organizations.shared_head"})
        return ids


@lru_cache(maxsize=4)
def load_rules(folder: str | None = None) -> Rulebook:
    """The validated rule tables from `folder` (default: the project's rules/)."""
    return Rulebook(Path(folder) if folder else rules_dir())
