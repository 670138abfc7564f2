"""Executing one notebook run on a warm kernel: the task that the local pool and Dask workers both run.

**Warm kernels.** Starting a kernel and importing pandas, matplotlib and seaborn in it costs about 2-3 s,
more than many notebook runs themselves. A :class:`KernelPool` starts kernels *ahead of need* in background
threads (this environment's Python, the notebook folder as working directory, inline charts) and runs,
silently, the imports the notebooks of the refresh make (:func:`notebook_imports`: read from their code
cells, so a kernel imports what its notebooks use and nothing else). Each kernel is handed to exactly one
run and shut down after it: a run never sees another run's state. The pool shuts every kernel down at
the end, also on error and on Ctrl-C (:meth:`KernelPool.close`).

**Execution** goes through papermill's own engine machinery (:class:`WarmKernelEngine`, an
``NBClientEngine`` that is given the started kernel instead of starting one), so parameters are injected,
failures recorded and the output notebook written exactly as by ``papermill.execute_notebook``.

**Shutdown without the stray log line.** ``jupyter_client`` interrupts a kernel (SIGINT) before asking it to
shut down; an idle ipykernel then logs ``[IPKernelApp] ERROR | KeyboardInterrupt caught in kernel`` on the
refresh's terminal. A finished run's kernel is idle, so :func:`shutdown_kernel` asks it to shut down over the
control channel and only kills it if it does not exit in time.

**Event loops.** jupyter_client's synchronous API runs coroutines on the calling thread's event loop and
leaves that loop open; every function here that drives a kernel from a thread does so inside
:func:`private_event_loop`, which closes the loop afterwards (no "unclosed event loop" warnings).

:func:`execute_run` is the task: a :class:`RunTask` in, a :class:`RunResult` (executed notebook, its HTML
page, charts and headline numbers, or the error) out. It writes no file, so it runs the same on a thread of
this process and on a Dask worker elsewhere; the refresh writes the files.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import functools
import os
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from egovanalysis.errors import RefreshError

__all__ = [
    "KERNEL_NAME",
    "KernelPool",
    "RunResult",
    "RunTask",
    "WarmKernelEngine",
    "execute_run",
    "execute_run_on_worker",
    "notebook_imports",
    "private_event_loop",
    "release_worker_kernels",
    "shutdown_kernel",
    "start_warm_kernel",
]

#: The kernel every notebook runs with; it is forced to this Python environment's interpreter.
KERNEL_NAME = "python3"
#: Seconds a kernel may take to start and finish its warm-up imports.
STARTUP_TIMEOUT = 180
#: Seconds a finished kernel is given to exit after a shutdown request before it is killed.
SHUTDOWN_WAIT = 5.0
#: The client class nbclient drives.
ASYNC_CLIENT = "jupyter_client.asynchronous.AsyncKernelClient"
#: Name under which the engine is registered with papermill.
ENGINE_NAME = "egovanalysis-warm-kernel"


@contextlib.contextmanager
def private_event_loop() -> Iterator[asyncio.AbstractEventLoop]:
    """A fresh event loop set as this thread's loop for the block, closed afterwards.

    jupyter_core's ``run_sync`` keeps its loop in a context variable rather than asking asyncio, so the
    loop is set there too (``jupyter_core.utils._loop``, private: checked by the tests of this module).
    """
    from jupyter_core import utils as jupyter_utils

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    token = jupyter_utils._loop.set(loop)
    try:
        yield loop
    finally:
        jupyter_utils._loop.reset(token)
        try:
            loop.run_until_complete(loop.shutdown_asyncgens())
        finally:
            loop.close()
            asyncio.set_event_loop(None)


@functools.cache
def kernel_manager_class() -> type:
    """A synchronous ``KernelManager`` for ``python3`` on this interpreter, with inline charts.

    jupyter_client would pick the first ``python3`` kernelspec on its path (possibly a user-level one
    pointing at another Python); this one always launches ``sys.executable -m ipykernel_launcher``.
    ``MPLBACKEND`` is set to the inline backend so charts become PNG outputs even when the caller's
    environment sets another backend. The manager is synchronous (usable from any thread), its clients
    asynchronous (what nbclient drives), and ``is_alive`` polls the process without an event loop.
    """
    import zmq
    from jupyter_client import KernelManager
    from jupyter_client.kernelspec import KernelSpec

    class EnvironmentKernelManager(KernelManager):  # type: ignore[misc]
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.client_class = ASYNC_CLIENT
            if zmq.has("curve"):  # encrypt kernel traffic (ipykernel warns about plain TCP otherwise)
                self.transport_encryption = "auto"

        @property
        def kernel_spec(self) -> KernelSpec | None:
            if self._kernel_spec is None and self.kernel_name == KERNEL_NAME:
                spec = self.kernel_spec_manager.get_kernel_spec(self.kernel_name)
                spec.argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
                self._kernel_spec = spec
            return super().kernel_spec

        async def _async_pre_start_kernel(self, **kw: Any) -> Any:
            env = dict(kw.get("env") or os.environ)
            env["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
            env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
            kw["env"] = env
            return await super()._async_pre_start_kernel(**kw)

        def is_alive(self) -> bool:
            process = getattr(self.provisioner, "process", None)
            return process is not None and process.poll() is None

    return EnvironmentKernelManager


def notebook_imports(notebooks: Iterable[Path]) -> list[str]:
    """The modules the code cells of ``notebooks`` import, in first-seen order.

    ``import a.b`` gives ``a.b``; ``from a import b`` gives ``a`` and ``a.b`` (``b`` may be a submodule);
    relative imports and cells that do not parse (magics) are skipped.
    """
    found: dict[str, None] = {}
    for path in notebooks:
        notebook = nbformat.read(path, as_version=4)
        for cell in notebook.cells:
            if cell.get("cell_type") != "code":
                continue
            lines = [line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!"))]
            try:
                tree = ast.parse("\n".join(lines))
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    found.update((alias.name, None) for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    found[node.module] = None
                    found.update((f"{node.module}.{alias.name}", None) for alias in node.names)
    return list(found)


def _warm_up_code(modules: Sequence[str]) -> str:
    """Code that imports ``modules`` and leaves no name behind; a module that fails is left for the run."""
    return (
        "def _egovanalysis_warm_up(names):\n"
        "    import importlib\n"
        "    for name in names:\n"
        "        try:\n"
        "            importlib.import_module(name)\n"
        "        except Exception:\n"
        "            pass\n"
        f"_egovanalysis_warm_up({list(modules)!r})\n"
        "del _egovanalysis_warm_up\n"
    )


def start_warm_kernel(
    cwd: Path, modules: Sequence[str], kernel_name: str = KERNEL_NAME, timeout: float = STARTUP_TIMEOUT
) -> Any:
    """Start a kernel in ``cwd`` and import ``modules`` in it silently; return its (started) manager.

    The warm-up runs with ``silent=True``: no execution count, no history, nothing in the namespace.
    """
    manager = kernel_manager_class()(kernel_name=kernel_name)
    with private_event_loop():
        manager.start_kernel(cwd=str(cwd))
        try:
            # A blocking client for the warm-up (the manager's own client class, for nbclient, is async);
            # made by the manager so that it carries the connection's keys.
            manager.client_class = "jupyter_client.blocking.BlockingKernelClient"
            client = manager.client()
            manager.client_class = ASYNC_CLIENT
            client.start_channels()
            try:
                client.wait_for_ready(timeout=timeout)
                if modules:
                    reply = client.execute_interactive(
                        _warm_up_code(modules),
                        silent=True,
                        store_history=False,
                        timeout=timeout,
                        output_hook=lambda _message: None,
                    )
                    if reply["content"].get("status") != "ok":
                        raise RefreshError(f"the kernel's warm-up failed: {reply['content'].get('evalue')}")
            finally:
                client.stop_channels()
        except BaseException:
            _stop(manager, now=True)
            raise
    return manager


def _stop(manager: Any, now: bool) -> None:
    """Shut ``manager``'s kernel down (on the current loop): a shutdown request, or a kill when ``now``."""
    if not manager.has_kernel:
        return
    try:
        if now or not manager.is_alive():
            if manager.is_alive():
                manager._kill_kernel()  # SIGKILL; the public shutdown_kernel(now=True) interrupts first
        else:
            manager.request_shutdown()
            manager.finish_shutdown(waittime=SHUTDOWN_WAIT)
    finally:
        manager.cleanup_resources()


def _kill_process(manager: Any) -> None:
    """SIGKILL a kernel's process without touching its manager (safe while another thread uses it)."""
    process = getattr(manager.provisioner, "process", None)
    if process is not None and process.poll() is None:
        process.kill()


def shutdown_kernel(manager: Any, now: bool = False) -> None:
    """Shut a kernel down without interrupting it first (see the module's notes); ``now`` kills it."""
    with private_event_loop():
        _stop(manager, now)


class KernelPool:
    """Kernels started ahead of need, each handed to exactly one run.

    ``ahead`` kernels are kept starting or ready (0: none, each kernel starts when a run asks for it, the
    way papermill works; the benchmark compares the two); ``total`` (when known) caps how many are ever
    started, so no kernel starts for a run that will not come. :meth:`acquire` blocks until a kernel is
    ready and
    starts its successor; the caller gives it back with :meth:`release`, which shuts it down.
    :meth:`close` stops starting kernels and shuts down every kernel still alive (``now=True`` kills the
    ones in use too: Ctrl-C).
    """

    def __init__(
        self,
        cwd: Path,
        modules: Sequence[str] = (),
        ahead: int = 1,
        total: int | None = None,
        kernel_name: str = KERNEL_NAME,
        starter: Callable[..., Any] = start_warm_kernel,
    ) -> None:
        self.cwd = Path(cwd)
        self.modules = tuple(modules)
        self.ahead = max(0, ahead)
        self.total = total
        self.kernel_name = kernel_name
        self._starter = starter
        self._condition = threading.Condition()
        self._ready: deque[Any] = deque()
        self._errors: deque[BaseException] = deque()
        self._live: set[Any] = set()
        self._threads: list[threading.Thread] = []
        self._starting = 0
        self._handed = 0
        self._waiting = 0
        self._closed = False
        self.started = 0

    def _top_up(self, wanted: int | None = None) -> None:
        """Start kernels until ``wanted`` (default ``ahead``) are starting or ready (under the lock)."""
        while not self._closed and len(self._ready) + self._starting < (
            self.ahead if wanted is None else wanted
        ):
            if self.total is not None and self._handed + len(self._ready) + self._starting >= self.total:
                return
            self._starting += 1
            self.started += 1
            thread = threading.Thread(
                target=self._start_one, name=f"kernel-start-{self.started}", daemon=True
            )
            self._threads.append(thread)
            thread.start()

    def _start_one(self) -> None:
        try:
            manager = self._starter(self.cwd, self.modules, self.kernel_name)
        except BaseException as error:  # noqa: BLE001 - handed to the run that waits for this kernel
            with self._condition:
                self._starting -= 1
                self._errors.append(error)
                self._condition.notify_all()
            return
        with self._condition:
            self._starting -= 1
            closed = self._closed
            if not closed:
                self._ready.append(manager)
                self._live.add(manager)
                self._condition.notify_all()
        if closed:
            shutdown_kernel(manager, now=True)

    def acquire(self) -> Any:
        """A started, warmed-up kernel manager for one run (blocks until one is ready)."""
        with self._condition:
            self._waiting += 1
            try:
                self._top_up(max(self.ahead, self._waiting))
                while not self._ready:
                    if self._errors:
                        error = self._errors.popleft()
                        self._handed += 1  # the run that gets the error used up its kernel
                        raise RefreshError(
                            f"the kernel did not start: {type(error).__name__}: {error}"
                        ) from error
                    if self._closed:
                        raise RefreshError("the refresh was stopped before a kernel was ready")
                    self._condition.wait()
                manager = self._ready.popleft()
                self._handed += 1
            finally:
                self._waiting -= 1
            self._top_up()
            return manager

    def release(self, manager: Any, now: bool = False) -> None:
        """Shut down a kernel handed out by :meth:`acquire` (never reused)."""
        try:
            shutdown_kernel(manager, now=now)
        finally:
            with self._condition:
                self._live.discard(manager)

    def close(self, now: bool = False) -> None:
        """Start no more kernels and shut down every one still alive (in use too, when ``now``)."""
        with self._condition:
            self._closed = True
            self._condition.notify_all()
            threads = list(self._threads)
        for thread in threads:
            thread.join()
        with self._condition:
            ready = list(self._ready)
            self._ready.clear()
            in_use = [manager for manager in self._live if manager not in ready] if now else []
            self._live.difference_update(ready)
        for manager in ready:
            shutdown_kernel(manager, now=now)
        for manager in in_use:
            # Only the process is killed here: the thread running the notebook sees its kernel die at once
            # and releases the manager itself, so no two threads ever clean up the same manager.
            _kill_process(manager)

    def __enter__(self) -> KernelPool:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        self.close(now=kind is not None)


@functools.cache
def _register_engine() -> str:
    """Register :class:`WarmKernelEngine` with papermill once; return its name."""
    from papermill.engines import papermill_engines

    papermill_engines.register(ENGINE_NAME, WarmKernelEngine)
    return ENGINE_NAME


def _engine_base() -> type:
    from papermill.engines import NBClientEngine

    return NBClientEngine


class WarmKernelEngine(_engine_base()):  # type: ignore[misc]
    """papermill's nbclient engine, given a started kernel (``km=``) instead of starting one.

    The cell papermill injects gets the fixed id ``injected-parameters`` (papermill draws a random one), so
    that a run with the same parameters gives the same bytes. It closes the client it opened (nbclient
    leaves the client of a kernel it does not own open) and
    leaves the kernel to its owner, the pool.
    """

    @classmethod
    def execute_managed_notebook(  # noqa: PLR0913 - papermill's signature
        cls,
        nb_man: Any,
        kernel_name: str,
        log_output: bool = False,
        stdout_file: Any = None,
        stderr_file: Any = None,
        start_timeout: int = 60,
        execution_timeout: int | None = None,
        **kwargs: Any,
    ) -> Any:
        from papermill.clientwrap import PapermillNotebookClient

        kwargs.pop("input_path", None)
        # papermill gives the cell it injects a random id; a fixed one keeps the same run's bytes the same.
        for cell in nb_man.nb.cells:
            if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
                cell["id"] = "injected-parameters"
        client = PapermillNotebookClient(
            nb_man,
            timeout=execution_timeout,
            startup_timeout=start_timeout,
            kernel_name=kernel_name,
            log_output=log_output,
            stdout_file=stdout_file,
            stderr_file=stderr_file,
            **kwargs,
        )
        try:
            return client.execute()
        finally:
            if client.kc is not None:
                client.kc.stop_channels()
                client.kc = None


@dataclass(frozen=True)
class RunTask:
    """What a worker needs to run one notebook: plain data, so it pickles to a Dask worker."""

    name: str
    notebook: str
    parameters: dict[str, Any]
    cwd: str
    timeout: int
    kernel_name: str = KERNEL_NAME
    modules: tuple[str, ...] = ()
    render: bool = True


@dataclass
class RunResult:
    """What one run produced: the executed notebook (JSON text) and its page, charts and headlines.

    ``error`` is the error's last line when the run failed; ``report_error`` when the run succeeded but
    its HTML page or charts could not be made. ``notebook`` is ``None`` when nothing ran (no kernel).
    """

    name: str
    ok: bool
    seconds: float
    error: str | None = None
    notebook: str | None = None
    html: str | None = None
    pngs: list[bytes] = field(default_factory=list)
    headlines: list[dict[str, Any]] = field(default_factory=list)
    report_error: str | None = None


def _last_line(text: str) -> str:
    lines = [line.strip() for line in str(text).strip().splitlines() if line.strip()]
    return lines[-1] if lines else type(text).__name__


def _record_kernel_death(notebook: nbformat.NotebookNode, ename: str, evalue: str) -> None:
    """Add an error output to the cell that was running when the run stopped (dead kernel, timeout)."""
    code = [c for c in notebook.cells if c.get("cell_type") == "code"]
    target = next(
        (
            c
            for c in code
            if c.get("metadata", {}).get("papermill", {}).get("status") in ("running", "failed")
        ),
        None,
    )
    if target is None:
        later = [c for c in code if not c.get("execution_count")]
        executed = [c for c in code if c.get("execution_count")]
        target = later[0] if later else (executed[-1] if executed else None)
    if target is None:
        return
    target.setdefault("outputs", []).append(
        nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])
    )
    target.setdefault("metadata", {}).setdefault("papermill", {})["exception"] = True


def _execute(task: RunTask, manager: Any, output: Path) -> str | None:
    """Run the notebook with papermill on ``manager``'s kernel into ``output``; return the error or None."""
    import papermill as pm
    from nbclient.exceptions import DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    try:
        pm.execute_notebook(
            task.notebook,
            str(output),
            parameters=task.parameters or None,
            kernel_name=task.kernel_name,
            engine_name=_register_engine(),
            km=manager,
            progress_bar=False,
            log_output=False,
            execution_timeout=task.timeout,
        )
    except PapermillExecutionError as failure:
        return f"{failure.ename}: {_last_line(failure.evalue)}" if failure.evalue else failure.ename
    except DeadKernelError as failure:
        return f"DeadKernelError: the kernel died ({_last_line(str(failure))})"
    except Exception as failure:  # noqa: BLE001 - timeouts, lost kernels: all are run failures
        return f"{type(failure).__name__}: {_last_line(str(failure))}"
    return None


def _render(result: RunResult, executed: nbformat.NotebookNode, task: RunTask) -> None:
    """Fill ``result`` with the run's headline numbers, charts and HTML page."""
    from egovanalysis.reporting import html as report
    from egovanalysis.reporting.headlines import read_headlines

    try:
        result.headlines = read_headlines(executed)
        result.pngs = report.notebook_pngs(executed)
        result.html = report.notebook_to_html(executed, None, title=task.name)
    except Exception as failure:  # noqa: BLE001 - a report problem must not hide the run's own result
        result.report_error = f"{type(failure).__name__}: {_last_line(str(failure))}"
        if result.ok:
            result.ok = False
            result.error = f"writing the report failed: {result.report_error}"


def execute_run(task: RunTask, pool: KernelPool) -> RunResult:
    """Run ``task`` on a kernel from ``pool`` (shut down afterwards); never raises for a failing run."""
    import tempfile

    started = time.perf_counter()
    try:
        manager = pool.acquire()
    except RefreshError as error:
        return RunResult(task.name, ok=False, seconds=time.perf_counter() - started, error=str(error))
    try:
        with tempfile.TemporaryDirectory(prefix="egovanalysis-run-") as scratch:
            output = Path(scratch) / "output.ipynb"
            with private_event_loop():
                error = _execute(task, manager, output)
            executed = nbformat.read(output, as_version=4) if output.exists() else None
    finally:
        pool.release(manager, now=not manager.is_alive())
    if (
        executed is not None
        and error is not None
        and error.startswith(("DeadKernelError", "CellTimeoutError"))
    ):
        ename, _, evalue = error.partition(": ")
        _record_kernel_death(executed, ename, evalue)
    result = RunResult(task.name, ok=error is None, seconds=0.0, error=error)
    if executed is not None:
        # papermill marks a failure with cells of random ids; number them, so the same failure gives
        # the same bytes on every backend.
        markers = [
            c for c in executed.cells if "papermill-error-cell-tag" in c.get("metadata", {}).get("tags", [])
        ]
        for number, cell in enumerate(markers, start=1):
            cell["id"] = f"papermill-error-{number}"
        result.notebook = nbformat.writes(executed)
        if task.render:
            _render(result, executed, task)
    result.seconds = time.perf_counter() - started
    return result


# --------------------------------------------------------------------------------------------------------
# On a Dask worker: one pool per worker process, one kernel kept warm for the next task.
# --------------------------------------------------------------------------------------------------------

_WORKER_POOLS: dict[tuple[str, str, tuple[str, ...]], KernelPool] = {}
_WORKER_LOCK = threading.Lock()


def execute_run_on_worker(task: RunTask) -> RunResult:
    """:func:`execute_run` on this process's worker pool (one kernel kept warm ahead of the next task)."""
    key = (task.cwd, task.kernel_name, task.modules)
    with _WORKER_LOCK:
        pool = _WORKER_POOLS.get(key)
        if pool is None:
            pool = _WORKER_POOLS[key] = KernelPool(
                Path(task.cwd), task.modules, ahead=1, kernel_name=task.kernel_name
            )
    return execute_run(task, pool)


def release_worker_kernels() -> int:
    """Shut down the warm kernels of this worker process (run on every worker at the end); return how many
    pools were closed.

    ``Client.run`` calls this on the worker's event loop, where jupyter_client's synchronous calls cannot
    run: the pools are closed on a thread of their own.
    """
    with _WORKER_LOCK:
        pools = list(_WORKER_POOLS.values())
        _WORKER_POOLS.clear()

    def close_all() -> None:
        for pool in pools:
            pool.close(now=True)

    closer = threading.Thread(target=close_all, name="egovanalysis-release-kernels")
    closer.start()
    closer.join()
    return len(pools)
