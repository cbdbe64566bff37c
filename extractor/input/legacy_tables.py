"""The Vietnamese letters of the legacy font encodings TCVN3 (ABC) and VNI-Windows, as data.

Sources: TCVN 5712:1993, character set VN3 (the one the ".Vn" fonts such as .VnTime use; it holds
the lower-case letters and only the seven toneless capitals Ă Â Ê Ô Ơ Ư Đ, so capitals with tones
were typed with lower-case codes in an all-capitals ".VnTimeH" font and read back as lower case);
and the VNI-Windows font layout of VNI Software ("VNI-Times"), in which a toned letter is an ASCII
base letter followed by one diacritic character. Both were transcribed from the conversion charts
that Unikey's converter and vietunicode.sourceforge.net publish, and are checked letter by letter
against Unicode in tests/test_legacy.py.

Only letters are listed: every other byte keeps its windows-1252 meaning, as in the fonts.
"""
from __future__ import annotations

#: Unicode letter -> its single TCVN3 byte.
TCVN3: dict[str, int] = {
    "Ă": 0xA1, "Â": 0xA2, "Ê": 0xA3, "Ô": 0xA4, "Ơ": 0xA5, "Ư": 0xA6, "Đ": 0xA7,
    "ă": 0xA8, "â": 0xA9, "ê": 0xAA, "ô": 0xAB, "ơ": 0xAC, "ư": 0xAD, "đ": 0xAE,
    "à": 0xB5, "ả": 0xB6, "ã": 0xB7, "á": 0xB8, "ạ": 0xB9,
    "ằ": 0xBB, "ẳ": 0xBC, "ẵ": 0xBD, "ắ": 0xBE, "ặ": 0xC6,
    "ầ": 0xC7, "ẩ": 0xC8, "ẫ": 0xC9, "ấ": 0xCA, "ậ": 0xCB,
    "è": 0xCC, "ẻ": 0xCE, "ẽ": 0xCF, "é": 0xD0, "ẹ": 0xD1,
    "ề": 0xD2, "ể": 0xD3, "ễ": 0xD4, "ế": 0xD5, "ệ": 0xD6,
    "ì": 0xD7, "ỉ": 0xD8, "ĩ": 0xDC, "í": 0xDD, "ị": 0xDE,
    "ò": 0xDF, "ỏ": 0xE1, "õ": 0xE2, "ó": 0xE3, "ọ": 0xE4,
    "ồ": 0xE5, "ổ": 0xE6, "ỗ": 0xE7, "ố": 0xE8, "ộ": 0xE9,
    "ờ": 0xEA, "ở": 0xEB, "ỡ": 0xEC, "ớ": 0xED, "ợ": 0xEE,
    "ù": 0xEF, "ủ": 0xF1, "ũ": 0xF2, "ú": 0xF3, "ụ": 0xF4,
    "ừ": 0xF5, "ử": 0xF6, "ữ": 0xF7, "ứ": 0xF8, "ự": 0xF9,
    "ỳ": 0xFA, "ỷ": 0xFB, "ỹ": 0xFC, "ý": 0xFD, "ỵ": 0xFE,
}

#: Unicode lower-case letter -> its VNI-Windows spelling, written as the windows-1252 characters of
#: its bytes. Diacritics after a base letter: ø grave, ù acute, û hook, õ tilde, ï dot below,
#: ê breve, â circumflex, è é ú ü ë breve with a tone, à á å ã ä circumflex with a tone. Letters of
#: their own: ô (ơ), ö (ư), ñ (đ), î (ỵ) and ì í æ ó ò (toned i). Capitals are the upper case of
#: both sides ("AÙ" is "Á", "Ñ" is "Đ").
VNI: dict[str, str] = {
    "à": "aø", "á": "aù", "ả": "aû", "ã": "aõ", "ạ": "aï",
    "ă": "aê", "ằ": "aè", "ắ": "aé", "ẳ": "aú", "ẵ": "aü", "ặ": "aë",
    "â": "aâ", "ầ": "aà", "ấ": "aá", "ẩ": "aå", "ẫ": "aã", "ậ": "aä",
    "è": "eø", "é": "eù", "ẻ": "eû", "ẽ": "eõ", "ẹ": "eï",
    "ê": "eâ", "ề": "eà", "ế": "eá", "ể": "eå", "ễ": "eã", "ệ": "eä",
    "ì": "ì", "í": "í", "ỉ": "æ", "ĩ": "ó", "ị": "ò",
    "ò": "oø", "ó": "où", "ỏ": "oû", "õ": "oõ", "ọ": "oï",
    "ô": "oâ", "ồ": "oà", "ố": "oá", "ổ": "oå", "ỗ": "oã", "ộ": "oä",
    "ơ": "ô", "ờ": "ôø", "ớ": "ôù", "ở": "ôû", "ỡ": "ôõ", "ợ": "ôï",
    "ù": "uø", "ú": "uù", "ủ": "uû", "ũ": "uõ", "ụ": "uï",
    "ư": "ö", "ừ": "öø", "ứ": "öù", "ử": "öû", "ữ": "öõ", "ự": "öï",
    "ỳ": "yø", "ý": "yù", "ỷ": "yû", "ỹ": "yõ", "ỵ": "î",
    "đ": "ñ",
}
