"""Score records against gold, field by field, with the definitions of shared/tools/score.py.

The scorer ships outside the package, so its matching rules are restated here; a test checks
that both give the same figures on the seeds whenever shared/ is present.
"""
from __future__ import annotations

import collections
import difflib
import json
import os
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

TONES = {"\u0300": "2", "\u0301": "1", "\u0303": "4", "\u0309": "3", "\u0323": "5"}
ABBREVIATIONS = {
    "cđvc": "công đoàn viên chức", "cđcs": "công đoàn cơ sở", "lđlđ": "liên đoàn lao động",
    "tlđ": "tổng liên đoàn lao động", "ubnd": "ủy ban nhân dân", "hđnd": "hội đồng nhân dân",
    "bch": "ban chấp hành", "btv": "ban thường vụ", "mttq": "mặt trận tổ quốc",
    "ccq": "các cơ quan", "cđ": "công đoàn", "tp": "thành phố", "vn": "việt nam",
    "tw": "trung ương", "đcsvn": "đảng cộng sản việt nam", "lhpn": "liên hiệp phụ nữ",
    "tncs": "thanh niên cộng sản", "đu": "đảng ủy", "thcs": "trung học cơ sở",
    "thpt": "trung học phổ thông", "hđtđkt": "hội đồng thi đua khen thưởng", "ubkt": "ủy ban kiểm tra",
    "ccb": "cựu chiến binh", "hlhpn": "hội liên hiệp phụ nữ", "hcm": "hồ chí minh",
}
LEVEL_WORDS = ("thành phố", "tỉnh", "tp", "huyện", "quận", "thị xã", "thị trấn", "xã", "phường")
FIELDS = ["published_at", "title", "authors", "dates", "people", "organizations", "locations",
          "documents", "awards", "awards+giver"]


def canon(text: str | None) -> str:
    if not text:
        return ""
    out = []
    for word in unicodedata.normalize("NFC", text).casefold().split():
        decomposed = unicodedata.normalize("NFD", word)
        tones = "".join(TONES[c] for c in decomposed if c in TONES)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONES))
        out.append(base + tones)
    return " ".join(out)


def _words(text: str) -> str:
    return re.sub(r"[^\w\s]", " ", unicodedata.normalize("NFC", text or "")).strip()


def org_key(name: str) -> str:
    s = _words(name).casefold()
    s = re.sub(r"\b(\w+)\b", lambda m: ABBREVIATIONS.get(m.group(1), m.group(1)), s)
    s = re.sub(r"\b(khóa|khoá|nhiệm kỳ)\b.*$", "", s)
    return canon(s)


def place_key(name: str) -> str:
    s = _words(name).casefold().strip()
    for level in LEVEL_WORDS:
        if s.startswith(level + " "):
            s = s[len(level) + 1:]
            break
    return canon(s)


def doc_key(doc: dict) -> str:
    number = unicodedata.normalize("NFC", str(doc.get("number") or "")).upper()
    number = re.sub(r"[\s.]+", "", number)
    number = re.sub(r"[\u2010-\u2015\u2212]", "-", number).replace("Đ", "D")
    number = re.sub(r"(?<!\d)0+(?=\d)", "", number)
    if re.search(r"[A-Z]", number):
        return number
    code = unicodedata.normalize("NFC", str(doc.get("type_code") or "")).upper().replace("Đ", "D")
    return f"{code}:{number}"


def award_key(award: dict) -> tuple:
    return (award.get("award_kind"), award.get("collectives"), award.get("individuals"), award.get("recipients"))


def org_similarity(a: str, b: str) -> float:
    ka, kb = org_key(a), org_key(b)
    if not ka or not kb:
        return 0.0
    if ka == kb:
        return 1.0
    short, long_ = sorted((ka, kb), key=len)
    if len(short.split()) >= 3 and f" {short} " in f" {long_} ":
        return 0.9
    return difflib.SequenceMatcher(None, " ".join(sorted(ka.split())), " ".join(sorted(kb.split()))).ratio()


def greedy_match(gold: list, pred: list, similarity, threshold: float) -> list[tuple[int, int]]:
    pairs = sorted(((similarity(g, p), gi, pi) for gi, g in enumerate(gold) for pi, p in enumerate(pred)), reverse=True)
    used_g, used_p, matched = set(), set(), []
    for score, gi, pi in pairs:
        if score < threshold:
            break
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            matched.append((gi, pi))
    return matched


NO_RULE = "no rule"


@dataclass(frozen=True)
class Error:
    """One missed or spurious value, with the rule id of the prediction behind it: the one
    that fired for a spurious value, the nearest one for a missed value, else "no rule"."""

    file: str
    kind: str  # "missed" or "spurious"
    value: str
    rule: str = NO_RULE


class Tally:
    def __init__(self) -> None:
        self.tp = self.fp = self.fn = 0
        self.errors: list[Error] = []

    @property
    def misses(self) -> list[str]:
        return [f"{e.file}: {e.kind} {e.value}" for e in self.errors]

    def add(self, tp: int, fp: int, fn: int, file: str = "", missed: Iterable = (), spurious: Iterable = (),
            rule_of=None) -> None:
        """`rule_of(kind, value)` names the rule behind an error (default: none known)."""
        self.tp, self.fp, self.fn = self.tp + tp, self.fp + fp, self.fn + fn
        for kind, values in (("missed", missed), ("spurious", spurious)):
            for v in values:
                self.errors.append(Error(file, kind, str(v), (rule_of(kind, v) if rule_of else None) or NO_RULE))

    def figures(self) -> dict:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def _names(items, key="name") -> list[str]:
    return [i if isinstance(i, str) else (i.get(key) or "") for i in items or []]


def _day_values(dates) -> set[str]:
    values = set()
    for d in dates or []:
        for v in ([d] if isinstance(d, str) else [d.get("value"), d.get("end_value")]):
            if isinstance(v, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
                values.add(v)
    return values


def record_file(record: dict) -> str:
    source = record.get("source") or {}
    return os.path.basename(str(record.get("file") or source.get("path") or source.get("file") or ""))


def _first_rule(item: dict) -> str | None:
    if item.get("rule"):
        return item["rule"]
    mentions = item.get("mentions") or []
    return mentions[0].get("rule") if mentions and isinstance(mentions[0], dict) else None


def _rule_index(items, key) -> dict:
    """key of each predicted item -> the rule that produced it (the first one seen)."""
    out: dict = {}
    for item in items or []:
        if isinstance(item, dict):
            for k in key(item):
                out.setdefault(k, _first_rule(item))
    return out


def _layout_rule(field_name: str, pred: dict) -> str | None:
    """Page fields carry no mention; the dateline's rule rides on its date mention."""
    if field_name == "published_at":
        day = (pred.get("published_at") or "")[:10]
        return next((d.get("rule") for d in pred.get("dates") or []
                     if isinstance(d, dict) and d.get("value") == day and str(d.get("rule", "")).startswith("dateline.")),
                    "dateline")
    return {"title": "headline", "authors": "byline"}[field_name]


def score(gold_records: list[dict], pred_records: list[dict]) -> dict[str, Tally]:
    """Per-field tallies, micro-averaged over articles; each error names the rule behind it."""
    preds = {record_file(r): r for r in pred_records}
    t = {f: Tally() for f in FIELDS}
    for g in gold_records:
        f = os.path.basename(g["file"])
        p = preds.get(f, {})
        for name in ("published_at", "title", "authors"):
            rule = _layout_rule(name, p)
            layout_rule = lambda kind, v, rule=rule: rule if kind == "spurious" else None  # noqa: E731
            if name == "published_at":
                _single(t[name], (g.get(name) or "")[:10], (p.get(name) or "")[:10], f, lambda a, b: a == b, layout_rule)
            elif name == "title":
                _single(t[name], g.get(name), p.get(name), f,
                        lambda a, b: difflib.SequenceMatcher(None, canon(_words(a)), canon(_words(b))).ratio() >= 0.9, layout_rule)
            else:
                _sets(t[name], {canon(n) for n in _names(g.get(name))}, {canon(n) for n in _names(p.get(name))}, f, layout_rule)
        dates = _rule_index(p.get("dates"), lambda d: [d.get("value"), d.get("end_value")])
        _sets(t["dates"], _day_values(g.get("dates")), _day_values(p.get("dates")), f, lambda k, v: dates.get(v))
        people = _rule_index(p.get("people"), lambda x: [canon(x.get("name") or "")])
        _sets(t["people"], {canon(n) for n in _names(g.get("people"))}, {canon(n) for n in _names(p.get("people"))}, f,
              lambda k, v: people.get(v))
        org_items = [o for o in p.get("organizations") or [] if isinstance(o, dict)]

        def org_rule(kind, v, org_items=org_items):
            near = max(org_items, key=lambda o: org_similarity(v, o.get("name") or ""), default=None)
            if near is None or org_similarity(v, near.get("name") or "") < (0.85 if kind == "spurious" else 0.5):
                return None
            return _first_rule(near)

        _fuzzy(t["organizations"], _names(g.get("organizations")), _names(p.get("organizations")), f, org_similarity, 0.85, org_rule)
        places = _rule_index(p.get("locations"), lambda x: [place_key(x.get("name") or "")])
        _sets(t["locations"], {place_key(n) for n in _names(g.get("locations"))}, {place_key(n) for n in _names(p.get("locations"))}, f,
              lambda k, v: places.get(v))
        docs = _rule_index(p.get("documents"), lambda d: [doc_key(d)])
        _sets(t["documents"], {doc_key(d) for d in g.get("documents") or []}, {doc_key(d) for d in p.get("documents") or []}, f,
              lambda k, v: docs.get(v))
        gold_awards = [a for a in g.get("awards") or [] if not a.get("approximate")]
        pred_awards = [a for a in p.get("awards") or [] if not a.get("approximate")]

        def award_rule(kind, key, pred_awards=pred_awards):
            """Spurious: the rule that made it; missed: a prediction with the same key or count."""
            same = [a for a in pred_awards if award_key(a) == key] or \
                [a for a in pred_awards if kind == "missed" and a.get("recipients") == key[3]]
            return same[0].get("rule") if same else None

        g_c, p_c = collections.Counter(map(award_key, gold_awards)), collections.Counter(map(award_key, pred_awards))
        t["awards"].add(sum((g_c & p_c).values()), sum((p_c - g_c).values()), sum((g_c - p_c).values()), f,
                        sorted((g_c - p_c).elements(), key=str), sorted((p_c - g_c).elements(), key=str), award_rule)

        def same_award(a, b):
            if award_key(a) != award_key(b):
                return 0.0
            if not a.get("giver") and not b.get("giver"):
                return 1.0
            return org_similarity(a.get("giver") or "", b.get("giver") or "")

        matched = greedy_match(gold_awards, pred_awards, same_award, 0.85)
        mg, mp = {x for x, _ in matched}, {y for _, y in matched}
        missed = [a for i, a in enumerate(gold_awards) if i not in mg]
        spurious = [a for i, a in enumerate(pred_awards) if i not in mp]
        tally = t["awards+giver"]
        tally.add(len(matched), len(spurious), len(missed))
        for kind, items in (("missed", missed), ("spurious", spurious)):
            for a in items:
                tally.errors.append(Error(f, kind, f"{award_key(a)} giver={a.get('giver')}",
                                          (a.get("rule") if kind == "spurious" else award_rule(kind, award_key(a))) or NO_RULE))
    return t


def _single(tally, gold, pred, file, same, rule_of=None):
    if gold and pred and same(gold, pred):
        tally.add(1, 0, 0)
    else:
        tally.add(0, 1 if pred else 0, 1 if gold else 0, file, [gold] if gold else [], [pred] if pred else [], rule_of)


def _sets(tally, gold: set, pred: set, file, rule_of=None):
    tally.add(len(gold & pred), len(pred - gold), len(gold - pred), file, sorted(gold - pred), sorted(pred - gold), rule_of)


def _fuzzy(tally, gold, pred, file, similarity, threshold, rule_of=None):
    matched = greedy_match(gold, pred, similarity, threshold)
    mg, mp = {g for g, _ in matched}, {p for _, p in matched}
    tally.add(len(matched), len(pred) - len(matched), len(gold) - len(matched), file,
              [gold[i] for i in range(len(gold)) if i not in mg], [pred[i] for i in range(len(pred)) if i not in mp], rule_of)


def read_jsonl(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def format_table(tallies: dict[str, Tally], fields: Iterable[str] = FIELDS) -> str:
    lines = [f"{'field':<14}{'tp':>6}{'fp':>6}{'fn':>6}{'P':>8}{'R':>8}{'F1':>8}"]
    for name in fields:
        fig = tallies[name].figures()
        lines.append(f"{name:<14}{fig['tp']:>6}{fig['fp']:>6}{fig['fn']:>6}{fig['precision']:>8.3f}{fig['recall']:>8.3f}{fig['f1']:>8.3f}")
    return "\n".join(lines)


def format_groups(tallies: dict[str, Tally], limit: int | None = None) -> str:
    """Errors grouped by field, kind and rule id, largest group first, each with its values."""
    groups: dict[tuple[str, str, str], list[Error]] = collections.defaultdict(list)
    for name, tally in tallies.items():
        for e in tally.errors:
            groups[(name, e.kind, e.rule)].append(e)
    lines = []
    for (field_name, kind, rule), errors in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:limit]:
        lines.append(f"{len(errors):>4}  {field_name} {kind} [{rule}]")
        lines += [f"        {e.file}: {e.value}" for e in errors]
    return "\n".join(lines)


@dataclass
class Evaluation:
    """Gold records, the predictions for them, and the per-field tallies."""

    gold: list[dict]
    predictions: list[dict]
    tallies: dict[str, Tally]
    missing: list[str] = field(default_factory=list)  # gold files with no article in the folder

    def f1(self) -> dict[str, float]:
        return {f: t.figures()["f1"] for f, t in self.tallies.items()}


def run(gold_path: str | Path, folder: str | Path, extract: Callable | None = None) -> Evaluation:
    """The evaluation loop, once: extract every gold article found under `folder` and score it.

    Used by `vnextract eval` and by the accuracy tests (tests/test_accuracy.py).
    """
    from .input import ARTICLE_SUFFIXES

    if extract is None:
        from .api import extract
    gold = read_jsonl(str(gold_path))
    index = {p.name: p for p in sorted(Path(folder).rglob("*")) if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES}
    preds, missing = [], []
    for g in gold:
        path = index.get(os.path.basename(g["file"]))
        if path is None:
            missing.append(g["file"])
            continue
        preds.append(json.loads(extract(path).model_dump_json()))
    return Evaluation(gold, preds, score(gold, preds), missing)
