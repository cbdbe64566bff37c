"""The ledger: a SQLite file of the source keys a run has finished (stored or failed).

A key is entered only after its record (or its error line) is durable, so after a crash every
key in the ledger is safely written, and an article not in it is simply done again; writes being
idempotent by record id, doing it again cannot duplicate it.
"""
from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from .work import Failed, Outcome


class Ledger:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(path)  # implicit transactions: one per record() call
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")  # a committed key survives power loss
        self._db.execute("CREATE TABLE IF NOT EXISTS finished (key TEXT PRIMARY KEY, outcome TEXT NOT NULL,"
                         " record_id TEXT, finished_at REAL NOT NULL)")

    def finished_keys(self) -> set[str]:
        return {key for (key,) in self._db.execute("SELECT key FROM finished")}

    def record(self, outcomes: list[Outcome]) -> None:
        """Enter the outcomes' keys in one transaction."""
        now = time.time()
        rows = [(o.key, "failed", None, now) if isinstance(o, Failed) else (o.key, "stored", o.record_id, now)
                for o in outcomes]
        with self._db:
            self._db.executemany("INSERT OR IGNORE INTO finished VALUES (?, ?, ?, ?)", rows)

    def close(self) -> None:
        self._db.close()
