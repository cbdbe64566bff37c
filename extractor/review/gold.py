"""`vnextract export-gold`: reviewed records as gold JSONL for `vnextract eval`."""
from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

from ..record import Record
from .feedback import gold_line


def gold_file_name(record: Record, with_texts: bool) -> str:
    """The article file a gold line names: <id>.txt beside exported texts, else the file it was read from."""
    path = (record.source or {}).get("path")
    if with_texts or not path:
        return f"{record.id}.txt"
    return os.path.basename(str(path))


def write_gold(pairs: Iterable[tuple[Record, Record]], out: Path, texts: Path | None = None) -> int:
    """Write a gold line per reviewed record (and its text into `texts`); how many were written."""
    out.parent.mkdir(parents=True, exist_ok=True)
    if texts is not None:
        texts.mkdir(parents=True, exist_ok=True)
    written = 0
    with out.open("w", encoding="utf-8") as gold:
        for _machine, reviewed in pairs:
            name = gold_file_name(reviewed, texts is not None)
            if texts is not None and reviewed.text:
                (texts / name).write_text(reviewed.text, encoding="utf-8")
            gold.write(json.dumps(gold_line(reviewed, name), ensure_ascii=False) + "\n")
            written += 1
    return written
