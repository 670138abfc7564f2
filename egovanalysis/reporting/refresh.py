"""``egovanalysis refresh``: rebuild the data, then run every notebook into a report folder.

Steps, in this order, so that nothing is built or run for a refresh that cannot finish:

1. plan the runs (:mod:`egovanalysis.reporting.runs`): notebooks, parameters, ``--each`` sweeps, all
   validated; an unknown notebook or a bad value stops here;
2. check the destination (:func:`check_destination`): ``--out`` must be a writable folder on a real file
   system and ``latest`` a symlink or absent;
3. rebuild ``data/processed`` (:func:`egovanalysis.ingest.build.build`), unless told not to;
4. expand ``--each NAME=ALL`` from the (rebuilt) data;
5. run the notebooks (:mod:`egovanalysis.reporting.kernels`) on warm kernels, ``--jobs`` at a time on
   threads of this process, or on a Dask cluster with ``--scheduler`` (:mod:`egovanalysis.reporting.
   executors`); each run returns its executed notebook, HTML page, charts and headline numbers;
6. write them into ``<out>/<UTC timestamp>/`` as they arrive, then ``index.html``
   (:mod:`egovanalysis.reporting.html`);
7. only if every run succeeded, switch ``<out>/latest`` to the new folder (atomically), and write each
   default-parameter run back into ``notebooks/`` (without papermill's timing metadata), so the committed
   outputs are what the current code and data produce (nbval checks that).

A failed run is kept with its error in the run folder, every other run's report is still written, and
``latest`` keeps pointing at the last good run. Ctrl-C stops the runs not yet started, shuts every kernel
down, leaves ``latest`` alone and raises ``KeyboardInterrupt`` (the command line exits 130).
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from egovanalysis import config
from egovanalysis.errors import ParameterError, RefreshError, UsageError
from egovanalysis.reporting.kernels import KERNEL_NAME, RunResult, RunTask
from egovanalysis.reporting.runs import RunSpec, discover_notebooks, plan_runs, prepare_runs
from egovanalysis.reporting.sweep import Sweep

__all__ = [
    "DEFAULT_CELL_TIMEOUT",
    "KERNEL_NAME",
    "LATEST",
    "RefreshError",
    "RefreshResult",
    "RunOutcome",
    "RunSpec",
    "check_destination",
    "committed_form",
    "discover_notebooks",
    "plan_runs",
    "refresh",
    "refresh_command",
    "switch_latest",
    "utc_stamp",
]

#: Seconds a single cell may run before the run fails.
DEFAULT_CELL_TIMEOUT = 600
#: Name of the symlink to the last fully successful run.
LATEST = "latest"
#: File systems that hold no files of their own: a report there is a mistake, whatever the permissions.
_PSEUDO_FILESYSTEMS = ("/proc", "/sys", "/dev")

Log = Callable[[str], None]


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass
class RunOutcome:
    """What one run produced. Paths are absolute; ``error`` is the error's last line when it failed."""

    spec: RunSpec
    ok: bool
    output: Path
    seconds: float
    error: str | None = None
    html: Path | None = None
    figures: list[Path] = field(default_factory=list)
    headlines: list[dict[str, Any]] = field(default_factory=list)
    report_error: str | None = None


@dataclass
class RefreshResult:
    """The run folder, every run's outcome (in plan order) and where ``latest`` points."""

    run_dir: Path
    outcomes: list[RunOutcome]
    latest: Path | None
    index: Path | None = None
    backend: str = ""

    @property
    def ok(self) -> bool:
        """Whether every run succeeded."""
        return all(outcome.ok for outcome in self.outcomes)

    @property
    def failures(self) -> list[RunOutcome]:
        """The runs that failed."""
        return [outcome for outcome in self.outcomes if not outcome.ok]


def utc_stamp(now: dt.datetime | None = None) -> str:
    """``YYYYmmddTHHMMSSZ`` in UTC."""
    return (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _describe_os_error(error: OSError) -> str:
    reasons = {
        errno.EROFS: "the file system is read-only",
        errno.EACCES: "permission denied",
        errno.EPERM: "not permitted",
        errno.ENOSPC: "no space left",
        errno.ENOTDIR: "a part of it is a file",
    }
    return reasons.get(error.errno or 0, error.strerror or str(error))


def check_destination(out_dir: Path) -> Path:
    """Check, before anything is built or run, that runs can be written under ``out_dir``; return it resolved.

    ``out_dir`` must not be a file, nor on a pseudo file system (``/proc``, ``/sys``, ``/dev``); it is
    created if missing (and removed again if the check fails); a probe file and a probe symlink must be
    writable in it; ``out_dir/latest`` must be a symlink or absent. Raises :class:`RefreshError`.
    """
    out_dir = Path(out_dir).absolute()
    resolved = Path(os.path.realpath(out_dir))
    if any(resolved == Path(root) or Path(root) in resolved.parents for root in _PSEUDO_FILESYSTEMS):
        raise RefreshError(
            f"--out {out_dir}: {resolved.parts[1]} is not a place for reports; choose a folder on disk"
        )
    if resolved.exists() and not resolved.is_dir():
        raise RefreshError(f"--out {out_dir}: it is a file, not a folder; choose a folder")
    latest = resolved / LATEST
    if latest.exists() and not latest.is_symlink():
        raise RefreshError(
            f"--out {out_dir}: {latest} exists and is not a symlink (refresh keeps a symlink there to the "
            "last "
            "good run); move it away"
        )
    created: list[Path] = [parent for parent in [resolved, *resolved.parents] if not parent.exists()]
    try:
        resolved.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=resolved, prefix=".probe-") as probe:
            link = resolved / f".probe-link-{os.getpid()}"
            os.symlink(os.path.basename(probe.name), link)
            os.unlink(link)
    except OSError as error:
        for folder in created:  # deepest first: leave no empty folder behind
            try:
                folder.rmdir()
            except OSError:
                break
        raise RefreshError(f"--out {out_dir}: cannot write there: {_describe_os_error(error)}") from error
    return resolved


def _new_run_dir(out_dir: Path) -> Path:
    stamp = utc_stamp()
    for attempt in range(1000):
        candidate = out_dir / (stamp if attempt == 0 else f"{stamp}-{attempt}")
        try:
            candidate.mkdir()
        except FileExistsError:
            continue
        return candidate
    raise RefreshError(f"cannot create a run folder in {out_dir}")


def switch_latest(out_dir: Path, run_dir: Path) -> Path:
    """Point ``out_dir/latest`` at ``run_dir`` atomically (temporary symlink, then ``os.replace``)."""
    link = out_dir / LATEST
    if link.exists() and not link.is_symlink():
        raise RefreshError(f"{link} exists and is not a symlink; move it away")
    temporary = out_dir / f".{LATEST}.{os.getpid()}.tmp"
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    os.symlink(os.path.relpath(run_dir, out_dir), temporary)
    os.replace(temporary, link)
    return link


#: Metadata that papermill and nbclient add on every run (timings); dropped from committed notebooks.
_VOLATILE_METADATA = ("papermill", "execution")


def committed_form(notebook: nbformat.NotebookNode) -> str:
    """An executed notebook as it is committed: outputs kept, run timings and papermill metadata dropped.

    The same code and data then give the same bytes, so a rerun leaves ``git status`` clean.
    """
    notebook = nbformat.from_dict(notebook)
    for key in _VOLATILE_METADATA:
        notebook.metadata.pop(key, None)
    for cell in notebook.cells:
        for key in _VOLATILE_METADATA:
            cell.metadata.pop(key, None)
    return nbformat.writes(notebook) + "\n"


def update_committed_notebooks(outcomes: Sequence[RunOutcome], log: Log = _stderr) -> list[Path]:
    """Write every successful default-parameter run back over its source notebook; return those changed."""
    from egovanalysis.ingest.atomic import write_text_atomic

    changed = []
    for outcome in outcomes:
        if not outcome.ok or outcome.spec.parameters:
            continue
        text = committed_form(nbformat.read(outcome.output, as_version=4))
        if write_text_atomic(outcome.spec.notebook, text):
            changed.append(outcome.spec.notebook)
            log(f"updated stored outputs of {outcome.spec.notebook.name}")
    return changed


def _store(result: RunResult, spec: RunSpec, run_dir: Path) -> RunOutcome:
    """Write one run's files into ``run_dir``."""
    from egovanalysis.reporting import html as report

    output = run_dir / f"{spec.name}.ipynb"
    outcome = RunOutcome(
        spec,
        result.ok,
        output,
        result.seconds,
        result.error,
        headlines=result.headlines,
        report_error=result.report_error,
    )
    if result.notebook is not None:
        output.write_text(result.notebook, encoding="utf-8")
    if result.html is not None:
        outcome.html = run_dir / f"{spec.name}.html"
        outcome.html.write_text(result.html, encoding="utf-8")
    outcome.figures = report.write_pngs(result.pngs, run_dir / "figures", spec.name)
    return outcome


def _write_index(run_dir: Path, outcomes: Sequence[RunOutcome]) -> Path:
    from egovanalysis.reporting import html as report
    from egovanalysis.reporting.sweep import describe_values

    descriptions: dict[str, dict[Any, dict[str, Any]]] = {}
    for name in {outcome.spec.sweep[0] for outcome in outcomes if outcome.spec.sweep is not None}:
        values = [o.spec.sweep[1] for o in outcomes if o.spec.sweep is not None and o.spec.sweep[0] == name]
        descriptions[name] = describe_values(name, values)
    entries = []
    for outcome in outcomes:
        spec = outcome.spec
        sweep = (spec.sweep[0], str(spec.sweep[1])) if spec.sweep is not None else None
        describe = (
            descriptions.get(spec.sweep[0], {}).get(spec.sweep[1], {}) if spec.sweep is not None else {}
        )
        entries.append(
            report.IndexEntry(
                name=spec.name,
                notebook=spec.stem,
                ok=outcome.ok,
                parameters=spec.effective_parameters,
                overridden=tuple(spec.parameters),
                headlines=outcome.headlines,
                figures=[path.relative_to(run_dir).as_posix() for path in outcome.figures],
                html=outcome.html.name if outcome.html else None,
                ipynb=outcome.output.name if outcome.output.exists() else None,
                error=outcome.error,
                seconds=outcome.seconds,
                sweep=sweep,
                describe=describe,
            )
        )
    return report.write_index(run_dir, entries, title=f"egovanalysis report {run_dir.name}")


def _tasks(specs: Sequence[RunSpec], timeout: int, warm: bool = True) -> list[RunTask]:
    from egovanalysis.reporting.kernels import notebook_imports

    modules = tuple(notebook_imports(sorted({spec.notebook for spec in specs}))) if warm else ()
    return [
        RunTask(
            name=spec.name,
            notebook=str(spec.notebook),
            parameters=dict(spec.parameters),
            cwd=str(spec.notebook.parent),
            timeout=timeout,
            modules=modules,
        )
        for spec in specs
    ]


def _execute_all(
    specs: Sequence[RunSpec],
    run_dir: Path,
    *,
    jobs: int | None,
    scheduler: str | None,
    timeout: int,
    progress: bool,
    warm: bool = True,
) -> tuple[list[RunOutcome], str]:
    """Run every spec (longest first), writing each run's files as it arrives; outcomes in plan order."""
    import functools

    from tqdm import tqdm

    from egovanalysis.reporting import kernels
    from egovanalysis.reporting.executors import make_executor

    # Longest first (stored notebook size stands in for run time), so that no long run starts last.
    order = sorted(range(len(specs)), key=lambda i: specs[i].notebook.stat().st_size, reverse=True)
    ordered = [specs[i] for i in order]
    tasks = _tasks(ordered, timeout, warm)
    outcomes: dict[str, RunOutcome] = {}
    workers = max(1, min(jobs or os.cpu_count() or 1, len(tasks)))
    executor = make_executor(workers, scheduler, threads=True)
    pool = None
    with tqdm(total=len(tasks), unit="run", file=sys.stderr, disable=not progress, desc="refresh") as bar:

        def arrived(index: int, result: RunResult) -> None:
            outcomes[result.name] = _store(result, ordered[index], run_dir)
            bar.set_postfix_str(f"{result.name} {'ok' if result.ok else 'FAILED'}", refresh=False)
            bar.update(1)

        try:
            if scheduler:
                executor.map(kernels.execute_run_on_worker, tasks, on_result=arrived)
            else:
                cwd = Path(tasks[0].cwd) if tasks else Path.cwd()
                ahead = workers if warm else 0
                pool = kernels.KernelPool(
                    cwd, tasks[0].modules if tasks else (), ahead=ahead, total=len(tasks)
                )
                executor.map(functools.partial(kernels.execute_run, pool=pool), tasks, on_result=arrived)
        except KeyboardInterrupt:
            if pool is not None:
                pool.close(now=True)  # running notebooks die now; their threads return at once
            raise
        finally:
            try:
                if pool is not None:
                    pool.close()
                elif scheduler:
                    executor.run_on_workers(kernels.release_worker_kernels)
            finally:
                executor.close()
    return [outcomes[spec.name] for spec in specs if spec.name in outcomes], executor.description


def refresh(
    notebooks_dir: Path = config.NOTEBOOKS_DIR,
    out_dir: Path = config.REPORTS_DIR,
    *,
    only: Sequence[str] = (),
    params_file: Path | None = None,
    cli_params: Sequence[tuple[str, Any]] = (),
    each: str | Sweep | None = None,
    jobs: int | None = None,
    scheduler: str | None = None,
    build: bool = True,
    timeout: int = DEFAULT_CELL_TIMEOUT,
    progress: bool = True,
    update_notebooks: bool = False,
    log: Log = _stderr,
    warm: bool = True,
) -> RefreshResult:
    """Validate parameters and destination, rebuild the data, run the notebooks and write the report.

    Raises :class:`RefreshError`, :class:`~egovanalysis.errors.UsageError` or
    :class:`~egovanalysis.errors.ParameterError` when it cannot start (nothing is run or written then).
    Notebook failures do not raise: they are in the result (``result.ok`` is false), the run folder keeps
    the failed notebooks and ``latest`` is not switched. With ``update_notebooks``, a fully successful
    refresh also stores the default runs' outputs in the source notebooks. ``warm=False`` starts each
    kernel when its run begins, with no imports done (what papermill does; for the benchmark).
    """
    if jobs is not None and jobs < 1:
        raise UsageError(f"--jobs must be at least 1, got {jobs}")
    plan = prepare_runs(notebooks_dir, only, params_file, cli_params, each)
    out_dir = check_destination(out_dir)
    if build:
        from egovanalysis.errors import DataValidationError
        from egovanalysis.ingest.build import build as build_data

        try:
            build_data(log=log)
        except DataValidationError as error:
            raise RefreshError(f"build failed, no notebook was run:\n{error}") from error
    specs = plan.resolve()
    run_dir = _new_run_dir(out_dir)
    where = (
        f"on the Dask cluster at {scheduler}" if scheduler else f"with {jobs or os.cpu_count() or 1} job(s)"
    )
    log(f"running {len(specs)} notebook run(s) {where} into {run_dir}")
    outcomes, backend = _execute_all(
        specs, run_dir, jobs=jobs, scheduler=scheduler, timeout=timeout, progress=progress, warm=warm
    )
    index = _write_index(run_dir, outcomes)
    result = RefreshResult(run_dir=run_dir, outcomes=outcomes, latest=None, index=index, backend=backend)
    if result.ok:
        result.latest = switch_latest(out_dir, run_dir)
        if update_notebooks:
            update_committed_notebooks(outcomes, log)
    else:
        link = out_dir / LATEST
        result.latest = link if link.is_symlink() else None
    return result


def refresh_command(
    notebooks_dir: Path = config.NOTEBOOKS_DIR,
    out_dir: Path = config.REPORTS_DIR,
    *,
    only: Iterable[str] = (),
    params_file: Path | None = None,
    cli_params: Sequence[tuple[str, Any]] = (),
    each: str | None = None,
    jobs: int | None = None,
    scheduler: str | None = None,
    build: bool = True,
    timeout: int = DEFAULT_CELL_TIMEOUT,
    progress: bool = True,
    update_notebooks: bool = False,
) -> int:
    """:func:`refresh` for the command line: print what happened; return the exit code.

    0: every run succeeded; 1: a run failed, the build failed, or the destination is unusable;
    2: bad usage (unknown notebook, bad parameter). Raises ``KeyboardInterrupt`` on Ctrl-C (the caller
    exits 130) after saying where ``latest`` points.
    """
    link = Path(out_dir) / LATEST
    before = os.readlink(link) if link.is_symlink() else None
    try:
        result = refresh(
            notebooks_dir,
            out_dir,
            only=list(only),
            params_file=params_file,
            cli_params=cli_params,
            each=each,
            jobs=jobs,
            scheduler=scheduler,
            build=build,
            timeout=timeout,
            progress=progress,
            update_notebooks=update_notebooks,
        )
    except ParameterError as error:
        _stderr(f"refresh: invalid parameters, nothing was run:\n{error}")
        return 2
    except UsageError as error:
        _stderr(f"refresh: {error}")
        return 2
    except RefreshError as error:
        _stderr(f"refresh: {error}")
        return 1
    except KeyboardInterrupt:
        _stderr(
            f"refresh: interrupted; the remaining runs were not started; {LATEST} still points at "
            f"{before or 'nothing'}"
        )
        raise
    for outcome in result.failures:
        _stderr(
            f"FAILED run {outcome.spec.name!r} ({outcome.spec.notebook.name}): {outcome.error}\n"
            f"  kept with its error: {outcome.output}"
        )
    if not result.ok:
        kept = os.readlink(result.latest) if result.latest is not None else "nothing"
        _stderr(
            f"refresh: {len(result.failures)} of {len(result.outcomes)} notebook run(s) failed; "
            f"report in {result.run_dir}; {LATEST} still points at {kept}"
        )
        return 1
    _stderr(f"refresh: {len(result.outcomes)} notebook run(s) succeeded; report: {result.index}")
    return 0
