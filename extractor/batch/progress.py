"""Telling the person running a batch how it goes: a bar on a terminal, periodic lines otherwise."""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TextIO


@dataclass
class Tally:
    """Counts of a run; `done` articles were extracted and are in the target."""

    done: int = 0
    failed: int = 0
    skipped: int = 0  # finished by an earlier run of the same command
    duplicates: int = 0  # extracted, but their record id was already in the target
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return (self.done + self.failed) / self.seconds if self.seconds > 0 else 0.0

    def summary(self) -> str:
        same = f" ({self.duplicates} already in the target by id)" if self.duplicates else ""
        return (f"done {self.done}{same}, skipped {self.skipped} as already done, failed {self.failed}, "
                f"{self.rate:.1f} articles/s in {self.seconds:.1f} s")


class Progress:
    """Counts articles as they finish; `total` is the number this run has to do."""

    def __init__(self, total: int, stream: TextIO, *, every_seconds: float = 10.0):
        self.total = total
        self.stream = stream
        self.every_seconds = every_seconds
        self.started = self._last_line = time.monotonic()
        self._count = 0
        self._bar = None
        if stream.isatty():
            from tqdm import tqdm

            self._bar = tqdm(total=total, file=stream, unit="article", dynamic_ncols=True, smoothing=0.1)

    def advance(self, finished: int, tally: Tally) -> None:
        self._count += finished
        if self._bar is not None:
            self._bar.update(finished)
            self._bar.set_postfix(failed=tally.failed, refresh=False)
            return
        now = time.monotonic()
        if now - self._last_line >= self.every_seconds:
            self._last_line = now
            rate = self._count / (now - self.started)
            eta = (self.total - self._count) / rate if rate else float("inf")
            print(f"batch: {self._count}/{self.total} articles, {tally.failed} failed, {rate:.1f} articles/s, "
                  f"ETA {eta:.0f} s", file=self.stream, flush=True)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
