"""Legacy Vietnamese font encodings: TCVN3 (ABC) and VNI-Windows are recognised and converted."""
from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from extractor import extract
from extractor.errors import UndecodableInput
from extractor.input.decode import decode_bytes
from extractor.input.legacy import decode_tcvn3, decode_vni, detect_legacy
from extractor.input.legacy_tables import TCVN3, VNI

from conftest import to_windows_1258

ARTICLES = Path(__file__).resolve().parent.parent / "corpus" / "articles"
VIETNAMESE_LOWER = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"


def _tcvn3_has_no(ch: str) -> bool:
    """Symbols whose windows-1252 byte TCVN3 gives to a letter ("»" is "ằ") cannot be written in it."""
    return ch.lower() not in TCVN3 and ch.encode("cp1252")[0] in TCVN3.values()


def to_tcvn3(text: str) -> bytes:
    """As a .VnTime typist would: toned capitals exist only in the all-caps fonts, as lower-case codes."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        code = TCVN3.get(ch, TCVN3.get(ch.lower()))
        out += bytes([code]) if code is not None else b"?" if _tcvn3_has_no(ch) else ch.encode("cp1252")
    return bytes(out)


def to_vni(text: str) -> bytes:
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        if ch in VNI:
            out += VNI[ch].encode("cp1252")
        elif ch.lower() in VNI:
            out += VNI[ch.lower()].upper().encode("cp1252")
        else:
            out += ch.encode("cp1252")
    return bytes(out)


def tcvn3_readable(text: str) -> str:
    """What survives a TCVN3 round trip: capitals with tones come back in lower case."""
    return "".join(ch.lower() if ch not in TCVN3 and ch.lower() in TCVN3 else "?" if _tcvn3_has_no(ch) else ch
                   for ch in unicodedata.normalize("NFC", text))


def _article(name: str = "d00_hai-duong_dai-hoi-cdvc.txt") -> str:
    return unicodedata.normalize("NFC", (ARTICLES / name).read_text(encoding="utf-8"))


def test_tables_cover_every_vietnamese_letter_once():
    assert set(VNI) == set(VIETNAMESE_LOWER)
    assert set(TCVN3) == set(VIETNAMESE_LOWER) | set("ĂÂÊÔƠƯĐ")
    assert len(set(TCVN3.values())) == len(TCVN3) and all(0xA1 <= b <= 0xFE for b in TCVN3.values())
    assert len(set(VNI.values())) == len(VNI)
    for spelling in VNI.values():
        spelling.encode("cp1252")  # every VNI spelling is a windows-1252 byte sequence


def test_the_classic_mojibake_reads_back():
    """The strings every Vietnamese computer user has seen, an independent check of both tables."""
    assert decode_tcvn3("Céng hoµ x· héi chñ nghÜa ViÖt Nam".encode("cp1252")) == "Cộng hoà xã hội chủ nghĩa Việt Nam"
    assert decode_vni("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam".encode("cp1252")) == "Cộng hòa xã hội chủ nghĩa Việt Nam"
    assert decode_vni("COÄNG HOØA XAÕ HOÄI CHUÛ NGHÓA VIEÄT NAM".encode("cp1252")) == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert decode_vni("Ñoàng Thaùp".encode("cp1252")) == "Đồng Tháp"


@pytest.mark.parametrize("name", sorted(p.name for p in ARTICLES.glob("*.txt"))[:12])
def test_articles_round_trip_through_both_encodings(name):
    text = _article(name)
    assert decode_bytes(to_vni(text)) == (text, "vni-windows")
    assert decode_bytes(to_tcvn3(text)) == (tcvn3_readable(text), "tcvn3")


def test_windows_1258_and_utf8_are_not_taken_for_legacy():
    text = _article()
    assert detect_legacy(to_windows_1258(text)) is None
    assert decode_bytes(to_windows_1258(text))[1] == "windows-1258"
    assert decode_bytes(text.encode("utf-8"))[1] == "utf-8"


def test_record_carries_the_detected_encoding_and_the_same_content(tmp_path):
    text = _article()
    path = tmp_path / "old.txt"
    path.write_bytes(to_vni(text))
    record = extract(path)
    assert record.encoding == "vni-windows"
    assert record.id == extract(text).id
    assert extract(to_tcvn3(text)).encoding == "tcvn3"


def test_mixed_legacy_bytes_are_refused_not_turned_into_mojibake():
    text = _article()
    half = len(text) // 2
    mixed = to_tcvn3(text[:half]) + to_vni(text[half:])
    with pytest.raises(UndecodableInput, match="not clean Vietnamese"):
        extract(mixed)
