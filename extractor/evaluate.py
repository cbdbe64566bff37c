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
from collections.abc import Iterable

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


class Tally:
    def __init__(self) -> None:
        self.tp = self.fp = self.fn = 0
        self.misses: list[str] = []

    def add(self, tp: int, fp: int, fn: int, file: str = "", missed: Iterable = (), spurious: Iterable = ()) -> None:
        self.tp, self.fp, self.fn = self.tp + tp, self.fp + fp, self.fn + fn
        self.misses += [f"{file}: missed {m}" for m in missed] + [f"{file}: spurious {s}" for s in spurious]

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


def score(gold_records: list[dict], pred_records: list[dict]) -> dict[str, Tally]:
    """Per-field tallies, micro-averaged over articles."""
    preds = {record_file(r): r for r in pred_records}
    t = {f: Tally() for f in FIELDS}
    for g in gold_records:
        f = os.path.basename(g["file"])
        p = preds.get(f, {})
        _single(t["published_at"], (g.get("published_at") or "")[:10], (p.get("published_at") or "")[:10], f, lambda a, b: a == b)
        _single(t["title"], g.get("title"), p.get("title"), f,
                lambda a, b: difflib.SequenceMatcher(None, canon(_words(a)), canon(_words(b))).ratio() >= 0.9)
        _sets(t["authors"], {canon(n) for n in _names(g.get("authors"))}, {canon(n) for n in _names(p.get("authors"))}, f)
        _sets(t["dates"], _day_values(g.get("dates")), _day_values(p.get("dates")), f)
        _sets(t["people"], {canon(n) for n in _names(g.get("people"))}, {canon(n) for n in _names(p.get("people"))}, f)
        _fuzzy(t["organizations"], _names(g.get("organizations")), _names(p.get("organizations")), f, org_similarity, 0.85)
        _sets(t["locations"], {place_key(n) for n in _names(g.get("locations"))}, {place_key(n) for n in _names(p.get("locations"))}, f)
        _sets(t["documents"], {doc_key(d) for d in g.get("documents") or []}, {doc_key(d) for d in p.get("documents") or []}, f)
        gold_awards = [a for a in g.get("awards") or [] if not a.get("approximate")]
        pred_awards = [a for a in p.get("awards") or [] if not a.get("approximate")]
        g_c, p_c = collections.Counter(map(award_key, gold_awards)), collections.Counter(map(award_key, pred_awards))
        t["awards"].add(sum((g_c & p_c).values()), sum((p_c - g_c).values()), sum((g_c - p_c).values()), f,
                        sorted(map(str, (g_c - p_c).elements())), sorted(map(str, (p_c - g_c).elements())))

        def same_award(a, b):
            if award_key(a) != award_key(b):
                return 0.0
            if not a.get("giver") and not b.get("giver"):
                return 1.0
            return org_similarity(a.get("giver") or "", b.get("giver") or "")

        matched = greedy_match(gold_awards, pred_awards, same_award, 0.85)
        mg, mp = {x for x, _ in matched}, {y for _, y in matched}
        t["awards+giver"].add(len(matched), len(pred_awards) - len(matched), len(gold_awards) - len(matched), f,
                              [f"{award_key(a)} giver={a.get('giver')}" for i, a in enumerate(gold_awards) if i not in mg],
                              [f"{award_key(a)} giver={a.get('giver')}" for i, a in enumerate(pred_awards) if i not in mp])
    return t


def _single(tally, gold, pred, file, same):
    if gold and pred and same(gold, pred):
        tally.add(1, 0, 0)
    else:
        tally.add(0, 1 if pred else 0, 1 if gold else 0, file, [gold] if gold else [], [pred] if pred else [])


def _sets(tally, gold: set, pred: set, file):
    tally.add(len(gold & pred), len(pred - gold), len(gold - pred), file, sorted(gold - pred), sorted(pred - gold))


def _fuzzy(tally, gold, pred, file, similarity, threshold):
    matched = greedy_match(gold, pred, similarity, threshold)
    mg, mp = {g for g, _ in matched}, {p for _, p in matched}
    tally.add(len(matched), len(pred) - len(matched), len(gold) - len(matched), file,
              [gold[i] for i in range(len(gold)) if i not in mg], [pred[i] for i in range(len(pred)) if i not in mp])


def read_jsonl(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def format_table(tallies: dict[str, Tally], fields: Iterable[str] = FIELDS) -> str:
    lines = [f"{'field':<14}{'tp':>6}{'fp':>6}{'fn':>6}{'P':>8}{'R':>8}{'F1':>8}"]
    for field in fields:
        fig = tallies[field].figures()
        lines.append(f"{field:<14}{fig['tp']:>6}{fig['fp']:>6}{fig['fn']:>6}{fig['precision']:>8.3f}{fig['recall']:>8.3f}{fig['f1']:>8.3f}")
    return "\n".join(lines)
