"""Where the extraction runs: in this process, in a pool of processes, or (dask_runner.py) on Dask.

Each executor maps a function over items and yields results as they finish, with a bounded
number of tasks in flight, so that an archive of a million articles is never all in memory.
"""
from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: Tasks kept in flight per worker: enough that no worker waits for the next, few enough to bound memory.
TASKS_PER_WORKER = 4


class Executor(Protocol):
    def map_unordered(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]: ...

    def close(self) -> None: ...


def bounded_unordered(submit: Callable[[T], Any], wait_first: Callable[[set], tuple[set, set]],
                      items: Iterable[T], window: int) -> Iterator[Any]:
    """Results of `submit(item)` futures as they complete, never more than `window` pending.

    `wait_first(pending)` returns (done, not_done), as concurrent.futures.wait and
    distributed.wait do with return_when=FIRST_COMPLETED.
    """
    pending: set = set()
    for item in items:
        pending.add(submit(item))
        if len(pending) >= window:
            done, pending = wait_first(pending)
            for future in done:
                yield future.result()
    while pending:
        done, pending = wait_first(pending)
        for future in done:
            yield future.result()


class InlineExecutor:
    """One process: the run itself extracts (--jobs 1)."""

    def map_unordered(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        return map(fn, items)

    def close(self) -> None:
        """Nothing to release."""


def _exit_with_run(run: int) -> None:
    """Pool worker initializer: end when the run is killed (kill -9 gives the pool no chance to).

    The worker's parent is the fork server, which stays up while any worker does, so it is the
    run's own process that is watched. Ctrl-C reaches every process of the terminal's group: the
    workers ignore it and leave it to the run, which shuts the pool down and says how to resume
    (a worker interrupted mid-task would only print a traceback).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while True:
            try:
                os.kill(run, 0)  # signal 0: only asks whether the process exists
            except ProcessLookupError:
                os._exit(1)
            time.sleep(1.0)

    threading.Thread(target=watch, daemon=True).start()


def _warm_up() -> None:
    from ..rulebook import load_rules

    load_rules()


class ProcessExecutor:
    """A pool of `jobs` worker processes.

    Workers start from a fork server, not by forking the run, so they inherit no open database
    connection or thread of the parent; each loads the rules once.
    """

    def __init__(self, jobs: int):
        context = multiprocessing.get_context("forkserver")
        self.jobs = jobs
        self._pool = concurrent.futures.ProcessPoolExecutor(jobs, mp_context=context, initializer=_exit_with_run,
                                                            initargs=(os.getpid(),))
        # start every worker and load its rules now, before the run opens files and a progress bar
        for future in [self._pool.submit(_warm_up) for _ in range(jobs)]:
            future.result()

    def map_unordered(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        def wait_first(pending: set) -> tuple[set, set]:
            return concurrent.futures.wait(pending, return_when=concurrent.futures.FIRST_COMPLETED)

        return bounded_unordered(lambda item: self._pool.submit(fn, item), wait_first, items,
                                 self.jobs * TASKS_PER_WORKER)

    def close(self) -> None:
        self._pool.shutdown(cancel_futures=True)
