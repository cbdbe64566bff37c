"""Bytes to text: BOMs, UTF-8, UTF-16, windows-1258; a clear error for anything else.

decode_bytes(data, name) -> (text, encoding). Legacy font encodings (TCVN3, VNI) are
recognised by input/legacy.py when it is present.
"""
from __future__ import annotations

import codecs

import regex

from ..errors import BinaryInput, EmptyInput, UndecodableInput

_VIETNAMESE = regex.compile(r"[ăâđêôơưĂÂĐÊÔƠƯ\u0300\u0301\u0303\u0309\u0323àáảãạèéẻẽẹìíỉĩịòóỏõọùúủũụỳýỷỹỵ]")
_CONTROL = regex.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def _looks_like_text(text: str) -> bool:
    if not text:
        return False
    controls = len(_CONTROL.findall(text[:20000]))
    return controls <= max(2, len(text[:20000]) // 200)


def _where(data: bytes, e: UnicodeDecodeError, offset: int = 0) -> str:
    """ "invalid start byte at byte 17: ff fe 32 38, after b'Ng\\xc3\\xa0y '": the bytes from
    the first bad one on, and what precedes them, so the place can be found in the file."""
    start = e.start + offset
    return f"{e.reason} at byte {start}: {data[start:start + 4].hex(' ')}, after {data[max(0, start - 12):start]!r}"


def _mostly_utf8(data: bytes) -> bool:
    """Valid UTF-8 sequences far outnumber the invalid bytes: UTF-8 text with a few damaged
    bytes, which a single-byte reading would turn into mojibake."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = len(text) - len(text.encode("ascii", "ignore")) - bad
    return good >= 4 * bad


def _utf8_between_nuls(data: bytes) -> str | None:
    """Text of UTF-8 bytes with a NUL after (or before) every character, as a wrong
    conversion leaves it, without the NULs; None when the bytes are not that.

    Only text with non-ASCII letters is told apart from UTF-16: ASCII text with NULs between
    its characters is the same text in both readings.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if text.isascii():
        return None
    for nuls, chars in ((text[1::2], text[0::2]), (text[0::2], text[1::2])):
        if nuls.count("\x00") >= 0.98 * len(nuls) and "\x00" not in chars:
            return chars
    return None


def decode_bytes(data: bytes, name: str = "<bytes>") -> tuple[str, str]:
    """Decode an article's bytes; returns (text, encoding name).

    >>> decode_bytes("Hòa".encode("utf-16"))
    ('Hòa', 'utf-16')
    """
    if not data or not data.strip():
        raise EmptyInput(f"{name}: the input is empty")
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
                     (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32")):
        if data.startswith(bom) and not (enc == "utf-16" and data.startswith(codecs.BOM_UTF32_LE)):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError as e:
                # the utf-8-sig codec counts from after the BOM
                offset = len(codecs.BOM_UTF8) if enc == "utf-8-sig" and e.object is not data else 0
                raise UndecodableInput(f"{name}: starts with a {enc} byte-order mark but is not valid {enc} "
                                       f"({_where(data, e, offset)})") from e
    # UTF-16 without a BOM: every other byte is NUL for Latin-script text
    head = data[:4000]
    if head.count(b"\x00") > len(head) // 4:
        between = _utf8_between_nuls(data)
        if between is not None:
            return between, "utf-8 (NULs between characters dropped)"
        even, odd = head[0::2].count(0), head[1::2].count(0)
        enc = "utf-16-le" if odd > even else "utf-16-be"
        try:
            text = data.decode(enc)
            if _looks_like_text(text):
                return text, enc
        except UnicodeDecodeError:
            pass
        raise BinaryInput(f"{name}: looks like binary data (NUL bytes), not an article")
    try:
        text = data.decode("utf-8")
        if not _looks_like_text(text):
            raise BinaryInput(f"{name}: holds control characters; it looks like binary data, not an article")
        return text, "utf-8"
    except UnicodeDecodeError as e:
        utf8_error = _where(data, e)
        if _mostly_utf8(data):
            raise UndecodableInput(f"{name}: not valid UTF-8: {utf8_error}") from e
    try:
        from .legacy import detect_legacy  # TCVN3 / VNI, optional
    except ImportError:  # pragma: no cover - legacy support is a separate module
        detect_legacy = None
    if detect_legacy:
        found = detect_legacy(data)
        if found:
            return found
    try:
        text = data.decode("windows-1258")
    except UnicodeDecodeError as e:
        raise UndecodableInput(f"{name}: not valid UTF-8 ({utf8_error}), nor UTF-16 or windows-1258") from e
    if not _looks_like_text(text) or not _VIETNAMESE.search(text):
        raise UndecodableInput(f"{name}: not valid UTF-8 ({utf8_error}) or UTF-16, and as windows-1258 it is not Vietnamese text")
    return text, "windows-1258"
