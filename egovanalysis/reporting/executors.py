"""Run many independent tasks, locally or on a Dask cluster, behind one small interface.

::

    from egovanalysis.reporting.executors import make_executor

    with make_executor(jobs=2) as executor:                      # local processes
        results = executor.map(calibrate_country, countries)    # in the order of ``countries``
    with make_executor(scheduler="tcp://10.0.0.5:8786") as executor:   # an existing dask.distributed cluster
        results = executor.map(calibrate_country, countries)

``map(fn, items, on_result=None)`` returns ``[fn(item) for item in items]`` computed in parallel, in the
order of ``items``; ``on_result(index, result)`` is called in the caller's thread as each result arrives
(progress, writing files). ``fn`` and the items must pickle for processes and Dask (a module-level
function, plain data). A task's exception is raised by ``map`` after the tasks already started have
finished; Ctrl-C (KeyboardInterrupt) cancels every task not yet started and is raised again.

Backends: :class:`LocalExecutor` (``concurrent.futures``: processes for CPU-bound Python work, threads for
tasks that mostly wait on other processes, such as notebook kernels) and :class:`DaskExecutor`
(``distributed.Client(address)``; the cluster schedules, nothing here does). No scheduler is written here.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import (
    FIRST_COMPLETED,
    Executor,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
    wait,
)
from typing import Any, Protocol, TypeVar

from egovanalysis.errors import RefreshError, UsageError

__all__ = ["DaskExecutor", "LocalExecutor", "TaskExecutor", "make_executor"]

T = TypeVar("T")
R = TypeVar("R")
OnResult = Callable[[int, Any], None]


class TaskExecutor(Protocol):
    """What every backend offers."""

    workers: int
    description: str

    def map(self, fn: Callable[[T], R], items: Sequence[T], on_result: OnResult | None = None) -> list[R]:
        """``[fn(item) for item in items]`` in parallel, in order."""
        ...

    def close(self) -> None:
        """Release the workers (local pools) or the connection (Dask)."""
        ...

    def run_on_workers(self, fn: Callable[[], Any]) -> None:
        """Call ``fn()`` once in every worker process (clean-up of per-worker state)."""
        ...


class LocalExecutor:
    """A ``concurrent.futures`` pool of ``jobs`` processes (default) or threads."""

    def __init__(self, jobs: int | None = None, threads: bool = False) -> None:
        self.workers = max(1, jobs or os.cpu_count() or 1)
        self.threads = threads
        kind = "thread" if threads else "process"
        self.description = f"local {kind} pool of {self.workers}"
        self._pool: Executor | None = None

    def _executor(self) -> Executor:
        if self._pool is None:
            if self.threads:
                self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="egovanalysis")
            else:
                # spawn: a clean interpreter per worker (forking a process that runs threads is unsafe).
                context = multiprocessing.get_context("spawn")
                self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=context)
        return self._pool

    def map(self, fn: Callable[[T], R], items: Sequence[T], on_result: OnResult | None = None) -> list[R]:
        """See the module's notes."""
        pool = self._executor()
        futures: dict[Future[R], int] = {}
        try:
            futures = {pool.submit(fn, item): index for index, item in enumerate(items)}
            return _collect(futures, len(items), on_result)
        except BaseException:
            for future in futures:
                future.cancel()
            raise

    def run_on_workers(self, fn: Callable[[], Any]) -> None:
        """Threads share this process: call ``fn`` once here. Process workers exit with the pool."""
        if self.threads:
            fn()

    def close(self) -> None:
        """Shut the pool down (tasks not started are cancelled)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> LocalExecutor:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def _collect(futures: dict[Any, int], count: int, on_result: OnResult | None) -> list[Any]:
    """Wait for ``futures`` (future -> index), report each result as it comes, return them in order."""
    results: list[Any] = [None] * count
    failure: BaseException | None = None
    pending = set(futures)
    while pending:
        # A timeout lets the main thread run Python (and so a Ctrl-C handler) at least once a second.
        done, pending = wait(pending, timeout=1.0, return_when=FIRST_COMPLETED)
        for future in done:
            error = future.exception()
            if error is not None:
                if failure is None:
                    failure = error
                    for other in pending:
                        other.cancel()
                continue
            results[futures[future]] = future.result()
            if on_result is not None:
                on_result(futures[future], results[futures[future]])
        pending = {future for future in pending if not future.cancelled()}
    if failure is not None:
        raise failure
    return results


class DaskExecutor:
    """Tasks on an existing ``dask.distributed`` cluster (``Client(address)``)."""

    def __init__(self, address: str, timeout: float = 30) -> None:
        try:
            from distributed import Client
        except ImportError as error:  # pragma: no cover - a runtime dependency
            raise RefreshError(
                f"--scheduler needs dask.distributed ({error}); pip install distributed"
            ) from error
        try:
            self.client = Client(address, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as error:
            raise RefreshError(f"cannot connect to the Dask scheduler at {address!r}: {error}") from error
        self.address = address
        self.workers = max(1, sum(self.client.nthreads().values()))
        self.description = f"Dask cluster at {address} ({self.workers} worker threads)"

    def map(self, fn: Callable[[T], R], items: Sequence[T], on_result: OnResult | None = None) -> list[R]:
        """See the module's notes. Each task runs once (``pure=False``, no retries)."""
        from distributed import as_completed

        futures = self.client.map(fn, list(items), pure=False, retries=0)
        index = {future.key: number for number, future in enumerate(futures)}
        results: list[Any] = [None] * len(futures)
        failure: BaseException | None = None
        try:
            for future in as_completed(futures, loop=self.client.loop):
                if future.status == "error":
                    failure = failure or future.exception()
                    continue
                if future.status == "cancelled":
                    continue
                number = index[future.key]
                results[number] = future.result()
                future.release()
                if on_result is not None:
                    on_result(number, results[number])
        except BaseException:
            self.client.cancel(futures)
            raise
        if failure is not None:
            raise failure
        return results

    def run_on_workers(self, fn: Callable[[], Any]) -> None:
        """``Client.run``: ``fn()`` once in every worker process."""
        self.client.run(fn)

    def close(self) -> None:
        """Close the connection (the cluster keeps running)."""
        self.client.close()

    def __enter__(self) -> DaskExecutor:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def make_executor(
    jobs: int | None = None, scheduler: str | None = None, *, threads: bool = False
) -> LocalExecutor | DaskExecutor:
    """A local pool of ``jobs`` workers (processes, or threads with ``threads``), or, given a
    ``scheduler`` address (``tcp://host:8786``), a client of that Dask cluster."""
    if jobs is not None and jobs < 1:
        raise UsageError(f"--jobs must be at least 1, got {jobs}")
    if scheduler:
        return DaskExecutor(scheduler)
    return LocalExecutor(jobs, threads=threads)
