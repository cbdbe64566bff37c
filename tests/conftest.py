import os
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
