"""Extract article files into the store, one transaction each; a bad file is reported and skipped."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ..api import extract
from ..errors import ExtractionError
from .store import Store


@dataclass
class IngestTally:
    ingested: int = 0
    already_stored: int = 0
    failed: int = 0

    def summary(self) -> str:
        return f"ingested {self.ingested}, already stored {self.already_stored}, failed {self.failed}"


def ingest_files(store: Store, files: Iterable[Path], on_error: Callable[[str], None]) -> IngestTally:
    """Extract and store each file; `on_error` gets a message, naming the file, for each one that fails."""
    tally = IngestTally()
    for path in files:
        try:
            created = store.put(extract(path))
        except ExtractionError as e:
            tally.failed += 1
            on_error(e.message)
            continue
        except OSError as e:
            tally.failed += 1
            on_error(f"{path}: {e.strerror or e}")
            continue
        if created:
            tally.ingested += 1
        else:
            tally.already_stored += 1
    return tally
