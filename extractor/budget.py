"""The work budget of one extraction: a counter of work units, proportional to input length.

Every step is meant to be linear in the text's length. Loops that could turn super-linear (one
iteration per candidate match, each reading a bounded stretch of text) spend units here: one per
candidate plus the characters it reads. The budget is `base + per_char * len(text)`; spending
past it raises `WorkLimitExceeded`, so a step that regresses to quadratic time fails the
adversarial tests (tests/test_adversarial.py) at once instead of holding a worker for minutes.

The optional CPU-time limit is checked here too, every few thousand units and between pipeline
steps, so it costs one clock read per batch of work, not per unit.
"""
from __future__ import annotations

import time

from .errors import TimeLimitExceeded, WorkLimitExceeded

_CLOCK_EVERY = 4096


class WorkBudget:
    __slots__ = ("limit", "left", "_deadline", "_next_stop", "_cpu_seconds")

    def __init__(self, chars: int, *, per_char: int, base: int, cpu_seconds: float | None = None):
        self.limit = base + per_char * chars
        self.left = self.limit
        self._cpu_seconds = cpu_seconds
        self._deadline = time.process_time() + cpu_seconds if cpu_seconds else None
        self._next_stop = self._stop_after(self.left)

    @staticmethod
    def _stop_after(left: int) -> int:
        """The `left` below which `spend` next does more than count: a clock read one batch on,
        or the end of the budget (never below 0, so going past it always stops)."""
        return max(left - _CLOCK_EVERY, 0)

    @property
    def spent(self) -> int:
        return self.limit - self.left

    def spend(self, units: int = 1) -> None:
        """Count `units` of work; raise when the budget is gone (or, now and then, the time).

        Called tens of thousands of times per article: one subtraction and one comparison."""
        self.left -= units
        if self.left < self._next_stop:
            self._stop()

    def _stop(self) -> None:
        if self.left < 0:
            raise WorkLimitExceeded(f"extraction needed more than {self.limit} work units for this input "
                                    f"(a step is not linear on it); please report the input")
        self._next_stop = self._stop_after(self.left)
        self.check_time()

    def check_time(self) -> None:
        if self._deadline is not None and time.process_time() > self._deadline:
            raise TimeLimitExceeded(f"extraction used more than {self._cpu_seconds} s of CPU time (max_cpu_seconds)")
