"""Recognising and converting the legacy Vietnamese font encodings TCVN3 (ABC) and VNI-Windows.

decode.py asks `detect_legacy(data)` about bytes that are neither UTF-8 nor UTF-16. The three
single-byte readings left (TCVN3, VNI, windows-1258) all succeed byte for byte, so they are told
apart by what they produce: the share of non-ASCII words that are well-formed Vietnamese syllables.
A right reading scores near 100 %, a wrong one near 0 % ("Héi nghÞ", "Vieät", "Viờũt").

When no reading is clean but decode.py's windows-1258 fallback would still accept the bytes, they
are refused here with `UndecodableInput`, so that mojibake never becomes a record.
"""
from __future__ import annotations

import unicodedata
from functools import cache

import regex

from ..errors import UndecodableInput
from ..text.normalize import nfc
from .decode import _VIETNAMESE, _looks_like_text  # the fallback's own acceptance test
from .legacy_tables import TCVN3, VNI

#: Share of judged words that must be well-formed for a reading to count as the text's encoding.
CLEAN_SHARE = 0.85
#: Below this many judged words the evidence is too thin to refuse the bytes outright.
MIN_WORDS_TO_REFUSE = 3
#: The encoding is judged on the start of the text: a few pages of words are plenty.
SAMPLE_BYTES = 20_000

_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
# Vowel nuclei (with glides) of Vietnamese syllables, tones removed.
_NUCLEI = ("a ă â e ê i o ô ơ u ư y ai ao au ay âu ây eo êu ia iê iu oa oă oe oi ôi ơi oo ua uâ uê ui uô "
           "uơ uy ưa ưi ưu ươ yê iêu yêu oai oay oao oeo uây uôi ươi ươu uya uyê uyu").split()
_SYLLABLE = regex.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?"
    rf"(?:{'|'.join(sorted(_NUCLEI, key=len, reverse=True))})"
    r"(?:ch|ng|nh|[cmnptk])?")  # k: minority place names such as Đắk Lắk
# Upper-case abbreviations ("LĐLĐ", "CĐVC", "HĐND") are frequent and carry no vowel.
_ABBREVIATION = regex.compile(r"[A-ZĐ]+")
# A word: a run of anything but spaces, ASCII punctuation and digits, and typographic punctuation.
_WORD = regex.compile(r"[^\s!-@\[-`{-~“”‘’…–—•]+")


def _is_syllable(word: str) -> bool:
    if _ABBREVIATION.fullmatch(word):
        return True
    letters = unicodedata.normalize("NFD", word.lower())
    tones = sum(ch in _TONE_MARKS for ch in letters)
    toneless = unicodedata.normalize("NFC", "".join(ch for ch in letters if ch not in _TONE_MARKS))
    return tones <= 1 and _SYLLABLE.fullmatch(toneless) is not None


def syllable_counts(text: str) -> tuple[int, int]:
    """(well-formed, malformed) among the words that hold a non-ASCII character."""
    good = bad = 0
    for word in _WORD.findall(text):
        if word.isascii() or not any(ch.isalpha() for ch in word):  # "»", "©" alone are no words
            continue
        if _is_syllable(word):
            good += 1
        else:
            bad += 1
    return good, bad


@cache
def _windows_1252() -> dict[int, str]:
    """A str.translate table turning latin-1-decoded bytes into what the legacy fonts show for the
    bytes they do not redefine: windows-1252, which differs from latin-1 only in 0x80-0x9F."""
    table: dict[int, str] = {}
    for b in range(0x80, 0xA0):
        try:
            table[b] = bytes([b]).decode("cp1252")
        except UnicodeDecodeError:  # five bytes windows-1252 leaves undefined keep their latin-1 meaning
            pass
    return table


@cache
def _tcvn3_table() -> dict[int, str]:
    return {**_windows_1252(), **{byte: letter for letter, byte in TCVN3.items()}}


def decode_tcvn3(data: bytes) -> str:
    """TCVN3 bytes as Unicode text (NFC); capitals typed in ".VnTimeH" fonts come out lower case."""
    return data.decode("latin-1").translate(_tcvn3_table())


@cache
def _vni_spellings() -> tuple[regex.Pattern, dict[str, str]]:
    """A pattern of every VNI spelling, longest first, and the letter each stands for."""
    letters: dict[str, str] = {}
    for letter, spelling in VNI.items():
        letters[spelling] = letter
        letters[spelling.upper()] = letter.upper()
        if len(spelling) == 2:  # the base letter decides the case; typists mix the diacritic's
            letters[spelling[0].upper() + spelling[1]] = letter.upper()
            letters[spelling[0] + spelling[1].upper()] = letter
    alternation = "|".join(regex.escape(s) for s in sorted(letters, key=len, reverse=True))
    return regex.compile(alternation), letters


def decode_vni(data: bytes) -> str:
    """VNI-Windows bytes as Unicode text (NFC)."""
    pattern, letters = _vni_spellings()
    chars = data.decode("latin-1").translate(_windows_1252())
    return pattern.sub(lambda m: letters[m.group()], chars)


def _windows_1258(data: bytes) -> str:
    return nfc(data.decode("windows-1258", errors="replace"))


def _windows_1258_accepts(data: bytes) -> bool:
    """Whether decode.py's windows-1258 fallback would take these bytes (else it refuses them itself)."""
    try:
        text = data.decode("windows-1258")
    except UnicodeDecodeError:
        return False
    return _looks_like_text(text) and _VIETNAMESE.search(text) is not None


_READINGS = (("tcvn3", decode_tcvn3), ("vni-windows", decode_vni), ("windows-1258", _windows_1258))


def detect_legacy(data: bytes) -> tuple[str, str] | None:
    """(text, encoding) when `data` is TCVN3 or VNI; None when windows-1258 reads it best.

    Raises `UndecodableInput` when no single-byte reading gives clean Vietnamese and decode.py's
    windows-1258 fallback would otherwise take the bytes.

    >>> detect_legacy(b"H\\xe9i ngh\\xde 2022")
    ('Hội nghị 2022', 'tcvn3')
    """
    scored = []
    sample = data[:SAMPLE_BYTES]
    for name, read in _READINGS:
        good, bad = syllable_counts(read(sample))
        scored.append((good - bad, name == "windows-1258", good, bad, name, read))
    # ties go to windows-1258, the reading decode.py already owns
    *_, good, bad, name, read = max(scored, key=lambda s: s[:2])
    judged = good + bad
    if judged and good / judged >= CLEAN_SHARE:
        return None if name == "windows-1258" else (read(data), name)
    if judged >= MIN_WORDS_TO_REFUSE and _windows_1258_accepts(data):
        raise UndecodableInput(f"not UTF-8 or UTF-16, and read as windows-1258, TCVN3 or VNI it is not clean "
                               f"Vietnamese (best: {name}, {good} of {judged} words well-formed)")
    return None
