"""Every rules file validates, and every rule id has at least one example that exercises it."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from extractor.patterns import alt
from extractor.rulebook import load_rules

EXAMPLES = Path(__file__).resolve().parent.parent / "corpus" / "examples"


def _example_rule_ids() -> set[str]:
    ids: set[str] = set()
    for path in EXAMPLES.glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for ex in data.get("examples", []):
            if "rule" in ex:
                ids.add(ex["rule"])
            ids.update(ex.get("rules", []))
    return ids


def test_rules_load_and_have_a_version():
    rules = load_rules()
    assert len(rules.version) == 12
    assert len(rules.documents.types) >= 25


@pytest.mark.parametrize("rule_id", sorted(load_rules().rule_ids()))
def test_every_rule_has_an_example(rule_id):
    assert rule_id in _example_rule_ids(), f"{rule_id} has no example in corpus/examples/"


def test_examples_name_only_declared_rules():
    declared = load_rules().rule_ids()
    unknown = _example_rule_ids() - declared
    assert not unknown, f"examples name rules that do not exist: {sorted(unknown)}"


def test_unknown_key_is_refused(tmp_path):
    import shutil

    from extractor.rulebook import Rulebook, rules_dir

    for f in rules_dir().glob("*.yaml"):
        shutil.copy(f, tmp_path / f.name)
    with open(tmp_path / "dates.yaml", "a", encoding="utf-8") as fh:
        fh.write("\nday_cuse: [typo]\n")
    with pytest.raises(Exception, match="day_cuse"):
        Rulebook(tmp_path)


def test_empty_alternation_is_refused():
    with pytest.raises(ValueError):
        alt([])


@pytest.mark.parametrize("row", load_rules().documents.types, ids=lambda t: t.code)
def test_every_document_type_is_read_from_a_symbol(row):
    """Each table row is matched in a carrier sentence (table-driven, like dateparser's params)."""
    from extractor import extract

    record = extract(f"Thực hiện văn bản số 12/{row.code}-UBND của Ủy ban nhân dân tỉnh.", html=False)
    assert [d.type_code for d in record.documents] == [row.code]
    assert record.documents[0].type is not None


@pytest.mark.parametrize("kind", load_rules().awards.kinds, ids=lambda k: f"{k.kind}:{k.words[0]}")
def test_every_award_word_is_read(kind):
    from extractor import extract

    word = kind.words[0]
    name = ' "Vì sự nghiệp công đoàn"' if kind.name in ("quoted", "quoted_required") else (" Lao động" if kind.name == "capitalized" else "")
    if kind.name == "quoted_or_capitalized":
        name = ' "Lao động giỏi"'
    record = extract(f"Tại hội nghị, 4 tập thể được Ủy ban nhân dân tỉnh tặng {word}{name}.", html=False)
    assert [(a.award_kind, a.collectives) for a in record.awards] == [(kind.kind, 4)]


@pytest.mark.parametrize("unit", load_rules().gazetteer.units, ids=lambda u: u.name)
def test_every_province_is_found(unit):
    from extractor import extract
    from extractor.text.normalize import normalize

    for name in [unit.name, *unit.aliases]:
        record = extract(f"Đoàn công tác đã làm việc tại tỉnh {name} trong hai ngày.", html=False)
        # named as written (RECORD.md), abbreviations written out; always the same unit
        assert [(loc.name, loc.current) for loc in record.locations] in (
            [(unit.name, unit.current)], [(" ".join(normalize(name)[0].split()), unit.current)]), name


def test_word_list_is_in_its_canonical_form():
    """rules/words.txt is read by splitting lines (no normalising at start-up), so it must be
    exactly what `parse` makes of it: NFC, old tone placement, lower case, 2-4 syllables."""
    from extractor.wordlist import parse, read

    text = (Path(__file__).resolve().parent.parent / "rules" / "words.txt").read_text(encoding="utf-8")
    words = read(text)
    assert words == parse(text.splitlines())
    assert len(words) > 50_000
    # old tone placement, as the normalised text writes it; single syllables are not listed
    assert {"khuyến học", "xã hội", "thủy lợi", "giày da"} <= words
    assert "thuỷ lợi" not in words and "học" not in words
    assert load_rules().words == words


def test_a_word_list_that_is_not_canonical_is_caught():
    from extractor.wordlist import parse, read

    lines = ["# comment", "thuỷ lợi", "Xi măng", "học", "khuyến học"]
    assert parse(lines) == {"thủy lợi", "khuyến học"}
    assert read("\n".join(lines)) != parse(lines)
