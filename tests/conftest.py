import os
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS = ROOT / "corpus"


def shared_available() -> bool:
    return (SHARED / "gold" / "seeds.jsonl").is_file()


def require_shared():
    """The seeds live outside the repository, beside it; CI always has them."""
    if not shared_available():
        if os.environ.get("CI"):
            pytest.fail("../shared is missing on CI")
        pytest.skip("../shared (seeds and gold) is not beside this checkout")


@pytest.fixture(scope="session")
def rules():
    from extractor.rulebook import load_rules

    return load_rules()


def to_windows_1258(text: str) -> bytes:
    """windows-1258 has few precomposed toned letters: the rest is a letter plus a combining tone."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("windows-1258")
        except UnicodeEncodeError:
            base, *marks = unicodedata.normalize("NFD", ch)
            tones = "".join(m for m in marks if m in "\u0300\u0301\u0303\u0309\u0323")
            letter = unicodedata.normalize("NFC", base + "".join(m for m in marks if m not in tones))
            out += (letter + tones).encode("windows-1258")
    return bytes(out)
