"""Normalise a copy of the caller's text: NFC, one tone-mark style, plain quotes, dashes and spaces.

normalize(raw) -> (norm, OffsetMap). Only NFC composition and the deletion of invisible
characters change lengths; quote, dash, space, look-alike and tone-placement folding are
one-for-one, so most articles get an identity map and cost one `str.translate`.
"""
from __future__ import annotations

import unicodedata

import regex

from .offsets import Edit, OffsetMap

# One-for-one character folding. Curly quotes become straight quotes (guillemets stay: sites
# use "»" for breadcrumbs and bullets far more than for quoting),
# every dash becomes "-", exotic spaces become " ", and the Icelandic eth (U+00D0),
# often typed for "Đ", becomes U+0110.
_FOLD = {
    **{ord(c): '"' for c in "“”„‟″〝〞＂"},
    **{ord(c): "'" for c in "‘’‚‛′＇`´"},
    **{ord(c): "-" for c in "‐‑‒–—―−﹘﹣－"},
    **{ord(c): " " for c in "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\t\x0b\x0c"},
    0x00D0: "Đ",
    0x00F0: "đ",
}
_FOLD_PAIRS = tuple((chr(k), v) for k, v in _FOLD.items())
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
# A letter and its combining marks compose as one run. Runs are cut after 30 marks (the
# stream-safe limit of UAX #15): NFC reorders the marks of a run by insertion sort, quadratic
# in the run's length, and no writing system stacks more than a handful.
_MAX_MARKS = 30
_NEEDS_EDIT = regex.compile(rf"\P{{M}}\p{{M}}{{1,{_MAX_MARKS}}}|\p{{M}}{{1,{_MAX_MARKS}}}|[{_INVISIBLE}]")
_LONG_MARK_RUN = regex.compile(rf"\p{{M}}{{{_MAX_MARKS + 1},}}")

# New-style ("hoà", "thuỷ") to old-style ("hòa", "thủy") tone placement, the style of the
# record spec and the gold files. Only syllable-final oa/oe/uy move their mark, and "qu"
# keeps it ("quý").
_TONED = {
    "a": "àáảãạ", "e": "èéẻẽẹ", "y": "ỳýỷỹỵ", "o": "òóỏõọ", "u": "ùúủũụ",
    "A": "ÀÁẢÃẠ", "E": "ÈÉẺẼẸ", "Y": "ỲÝỶỸỴ", "O": "ÒÓỎÕỌ", "U": "ÙÚỦŨỤ",
}
_TONE_OF = {c: (base, i) for base, row in _TONED.items() for i, c in enumerate(row)}
def _new_style_pattern() -> regex.Pattern:
    a = "àáảãạÀÁẢÃẠ"
    e = "èéẻẽẹÈÉẺẼẸ"
    y = "ỳýỷỹỵỲÝỶỸỴ"
    return regex.compile(
        rf"(?<![qQ])([oO])([{a}{e}])(?!\p{{L}})|(?<![qQ])([uU])([{y}])(?!\p{{L}})"
    )


_NEW_STYLE = _new_style_pattern()
# Where a _NEW_STYLE match may start (an o/u before a toned vowel that ends the word), without
# the look-behinds: a scan that starts at a character class runs several times faster than the
# full pattern's, and most articles hold no new-style placement at all ("quý" is no candidate).
_NEW_STYLE_CANDIDATE = regex.compile(r"[oOuU][àáảãạÀÁẢÃẠèéẻẽẹÈÉẺẼẸỳýỷỹỵỲÝỶỸỴ](?!\p{L})")


def _to_old_style(m: regex.Match) -> str:
    first, toned = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
    base, tone = _TONE_OF[toned]
    return _TONED[first][tone] + base


def fold_tone_style(text: str) -> str:
    """'Khánh Hoà' -> 'Khánh Hòa'; same length, so offsets are untouched."""
    if any(_NEW_STYLE.match(text, m.start()) for m in _NEW_STYLE_CANDIDATE.finditer(text)):
        return _NEW_STYLE.sub(_to_old_style, text)
    return text


def nfc(text: str) -> str:
    """`unicodedata.normalize("NFC", text)`, in linear time: a run of more than 30 combining
    marks is normalised 30 marks at a time (text without such runs gets exactly NFC).

    >>> nfc("Hoa\u0300") == "Hoà"
    True
    """
    if _LONG_MARK_RUN.search(text) is None:
        return unicodedata.normalize("NFC", text)
    parts, pos = [], 0
    for m in _LONG_MARK_RUN.finditer(text):
        cut = m.start() + _MAX_MARKS
        parts.append(unicodedata.normalize("NFC", text[pos:cut]))
        parts.extend(unicodedata.normalize("NFC", text[i:min(i + _MAX_MARKS, m.end())])
                     for i in range(cut, m.end(), _MAX_MARKS))
        pos = m.end()
    parts.append(unicodedata.normalize("NFC", text[pos:]))
    return "".join(parts)


def _compose(raw: str) -> tuple[str, OffsetMap, bool]:
    """(composed text, its offset map, whether `raw` is already NFC with no long mark run, so
    that `nfc(raw) == raw`)."""
    # is_normalized falls back to a full NFC pass, quadratic over long runs of marks
    if _LONG_MARK_RUN.search(raw) is None and unicodedata.is_normalized("NFC", raw):
        if not any(c in raw for c in _INVISIBLE):
            return raw, OffsetMap(), True
        nfc_already = True
    else:
        nfc_already = False
    parts: list[str] = []
    edits: list[Edit] = []
    pos = 0
    out_len = 0
    for m in _NEEDS_EDIT.finditer(raw):
        s, e = m.span()
        chunk = m.group()
        new = "" if chunk in _INVISIBLE else unicodedata.normalize("NFC", chunk)
        if new == chunk:
            continue
        parts.append(raw[pos:s])
        out_len += s - pos
        edits.append(Edit(out_len, out_len + len(new), s, e))
        parts.append(new)
        out_len += len(new)
        pos = e
    parts.append(raw[pos:])
    return "".join(parts), OffsetMap(edits), nfc_already


def normalize(raw: str) -> tuple[str, OffsetMap]:
    """Return the normalised copy of `raw` and the map from its indices back to `raw`.

    >>> normalize("Khánh Hoà – “Tin”")[0]
    'Khánh Hòa - "Tin"'
    """
    norm, offsets, _ = normalize_checked(raw)
    return norm, offsets


def normalize_checked(raw: str) -> tuple[str, OffsetMap, bool]:
    """`normalize(raw)`, and whether `nfc(raw) == raw` (found on the way, so that the
    article id need not run NFC over the text again)."""
    composed, offsets, raw_is_nfc = _compose(raw)
    # str.replace per character present is faster than a regex or translate over the text
    for ch, to in _FOLD_PAIRS:
        if ch in composed:
            composed = composed.replace(ch, to)
    return fold_tone_style(composed), offsets, raw_is_nfc
