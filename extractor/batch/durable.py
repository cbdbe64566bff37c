"""Files written so that a crash at any moment loses nothing that was reported written.

`fsync_path` makes a file's or a folder's entry durable; `AppendOnlyJsonl` is a JSONL file that
is appended to in fsynced batches and repaired when opened again after a crash.
"""
from __future__ import annotations

import os
from pathlib import Path

import orjson


def fsync_path(path: Path) -> None:
    """Flush a file's data, or a folder's list of entries (after a create or a rename), to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class CorruptFile(Exception):
    """A line in the middle of a JSONL file is not JSON: damage that repairing a torn end cannot explain."""


class AppendOnlyJsonl:
    """A JSONL file of unique keys (one JSON object a line), appended in durable batches.

    Opening it repairs what a crash can leave, a torn last line, and reads the keys already
    present, so lines with those keys are not written twice.
    """

    def __init__(self, path: Path, key_field: str):
        self.path = path
        self.key_field = key_field
        path.parent.mkdir(parents=True, exist_ok=True)
        created = not path.exists()
        self.keys: set[str] = set() if created else self._repair()
        self._file = path.open("ab")
        if created:
            fsync_path(path.parent)

    def _repair(self) -> set[str]:
        keys: set[str] = set()
        intact = 0  # bytes of whole lines
        with self.path.open("rb") as f:
            for number, line in enumerate(f, start=1):
                if not line.endswith(b"\n"):
                    break  # a write the crash cut short: no newline yet
                try:
                    keys.add(orjson.loads(line)[self.key_field])
                except (orjson.JSONDecodeError, KeyError, TypeError) as e:
                    raise CorruptFile(f"{self.path}: line {number} is not a JSON object with '{self.key_field}': {e}") from e
                intact += len(line)
        if intact < self.path.stat().st_size:
            with self.path.open("r+b") as f:
                f.truncate(intact)
                os.fsync(f.fileno())
        return keys

    def append(self, lines: list[tuple[str, bytes]]) -> int:
        """Write the (key, JSON line) pairs whose key is new; durable on return. Returns how many."""
        fresh: list[bytes] = []
        for key, line in lines:
            if key not in self.keys:
                self.keys.add(key)
                fresh.append(line.rstrip(b"\n") + b"\n")
        if fresh:
            self._file.write(b"".join(fresh))
            self._file.flush()
            os.fsync(self._file.fileno())
        return len(fresh)

    def close(self) -> None:
        self._file.close()
