"""The package outside its checkout: rules as package data, metadata, version, optional extras.

The built wheel itself is installed into a fresh virtualenv and run from another folder by
`.ci/run` (.ci/smoke.sh): extract, eval, batch, ingest, query, export and serve."""
from __future__ import annotations

import subprocess
import sys
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

from extractor import __version__
from extractor.extras import MissingExtra
from extractor.rulebook import Rulebook, load_rules, rules_dir

ROOT = Path(__file__).resolve().parent.parent


def test_rules_load_from_a_traversable_that_is_no_folder(tmp_path):
    """What a zipped install gives: importlib.resources traversables, no filesystem paths."""
    archive = tmp_path / "rules.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for path in [*(ROOT / "rules").glob("*.yaml"), ROOT / "rules" / "words.txt"]:
            z.write(path, f"extractor/rules/{path.name}")
    zipped = Rulebook(zipfile.Path(archive, "extractor/rules/"))
    assert zipped.version == load_rules().version
    assert zipped.documents.types == load_rules().documents.types
    assert zipped.words == load_rules().words


def test_rules_dir_is_a_traversable_holding_the_rules():
    assert (rules_dir() / "chrome.yaml").is_file()


def test_metadata_has_no_python_cap_and_names_license_and_classifiers():
    meta = metadata.metadata("vnextract")
    assert meta["Requires-Python"] == ">=3.11"
    assert meta["License-Expression"] == "MIT"
    assert "Natural Language :: Vietnamese" in meta.get_all("Classifier")
    assert metadata.version("vnextract") == __version__
    extras = set(meta.get_all("Provides-Extra"))
    assert {"bench", "spacy", "cluster", "test"} <= extras
    base = [r for r in meta.get_all("Requires-Dist") if "extra ==" not in r]
    for optional in ("underthesea", "spacy", "dask", "httpx"):
        assert not any(r.startswith(optional) for r in base), f"{optional} belongs in an extra"


def test_version_option():
    out = subprocess.run([sys.executable, "-m", "extractor", "--version"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0
    assert out.stdout.strip() == f"vnextract {__version__}"


def test_a_missing_extra_is_named(monkeypatch):
    from extractor.baseline import underthesea_entities

    monkeypatch.setitem(sys.modules, "underthesea", None)  # what an install without [bench] has
    with pytest.raises(MissingExtra, match=r"pip install 'vnextract\[bench\]'"):
        underthesea_entities("Ngày 28/7/2022.")


def test_the_cli_names_the_missing_extra_and_exits_2(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("Ngày 28/7/2022, UBND tỉnh tặng Bằng khen cho 2 tập thể.", encoding="utf-8")
    script = ("import sys; sys.modules['distributed'] = None; from extractor.cli import main; "
              f"sys.argv = ['vnextract', 'batch', {str(article)!r}, '--out', {str(tmp_path / 'o.jsonl')!r}, "
              "'--dask', 'local', '--jobs', '1']; main()")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert out.returncode == 2, out.stderr
    assert "vnextract[cluster]" in out.stderr and "Traceback" not in out.stderr


def test_every_package_of_the_library_is_in_the_wheel():
    """pyproject lists the packages by hand (rules/ is mapped into extractor.rules): a new package
    folder left out of that list imports in the checkout but not from the installed wheel."""
    import tomllib

    root = Path(__file__).resolve().parent.parent
    listed = set(tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    folders = {".".join(p.parent.relative_to(root).parts) for p in (root / "extractor").rglob("*.py")
               if "__pycache__" not in p.parts}
    assert folders - listed == set(), "add these to [tool.setuptools] packages in pyproject.toml"
