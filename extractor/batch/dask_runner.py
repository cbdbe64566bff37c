"""Running a batch's extraction on a Dask cluster: a scheduler address, or a LocalCluster.

Only extraction runs on the workers; reading the inputs, writing the target and keeping the ledger
stay in the process that runs the command, so resuming works exactly as without Dask.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from ..extras import require
from .executors import TASKS_PER_WORKER, bounded_unordered

T = TypeVar("T")
R = TypeVar("R")

LOCAL = "local"


class DaskExecutor:
    def __init__(self, address: str, *, local_workers: int):
        """`address` is "local" (a LocalCluster of `local_workers` processes) or a scheduler address."""
        distributed = require("distributed", "cluster", "running a batch on Dask")
        Client, LocalCluster = distributed.Client, distributed.LocalCluster
        self._cluster = None
        if address == LOCAL:
            # one thread per worker: extraction holds the GIL, so parallelism comes from processes
            self._cluster = LocalCluster(n_workers=local_workers, threads_per_worker=1, processes=True,
                                         host="127.0.0.1", dashboard_address=None)
            self._client = Client(self._cluster)
        else:
            self._client = Client(address)

    def _window(self) -> int:
        threads = sum(self._client.nthreads().values()) or 1
        return threads * TASKS_PER_WORKER

    def map_unordered(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        from distributed import wait

        def wait_first(pending: set) -> tuple[set, set]:
            return wait(pending, return_when="FIRST_COMPLETED")

        # pure=False: two chunks with equal content are still two tasks, not one cached result
        return bounded_unordered(lambda item: self._client.submit(fn, item, pure=False), wait_first, items,
                                 self._window())

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()
