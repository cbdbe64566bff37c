"""underthesea's off-the-shelf `ner` as a baseline for people, organisations and locations.

Each article's text (HTML reduced to its main text, as for extract()) is split into sentences
and tagged; B-/I- runs of PER, ORG and LOC become names in the record shape the scorer reads.
"""
from __future__ import annotations

from pathlib import Path

from .bench import load_texts
from .extras import require

_FIELD = {"PER": "people", "ORG": "organizations", "LOC": "locations"}


def underthesea_entities(text: str) -> dict[str, list[str]]:
    underthesea = require("underthesea", "bench", "the underthesea baseline")
    ner, sent_tokenize = underthesea.ner, underthesea.sent_tokenize
    found: dict[str, list[str]] = {f: [] for f in _FIELD.values()}
    for sentence in sent_tokenize(text):
        current, label = [], None
        for token, _pos, _chunk, tag in ner(sentence) + [("", "", "", "O")]:
            kind = tag[2:] if tag != "O" else None
            if tag.startswith("B-") or kind != label:
                if current and label in _FIELD:
                    name = " ".join(current)
                    if name not in found[_FIELD[label]]:
                        found[_FIELD[label]].append(name)
                current, label = [], kind
            if kind:
                current.append(token)
    return found


def baseline_records(name: str, paths: list[Path]) -> list[dict]:
    """Records of the named baseline for the given article files (only 'underthesea')."""
    if name != "underthesea":
        raise ValueError(f"unknown baseline {name!r}; known: underthesea")
    out = []
    for path, text in zip(paths, load_texts(paths)):
        ents = underthesea_entities(text)
        out.append({"source": {"path": str(path)},
                    "people": [{"name": n} for n in ents["people"]],
                    "organizations": [{"name": n} for n in ents["organizations"]],
                    "locations": [{"name": n} for n in ents["locations"]]})
    return out
