"""``egovanalysis refresh``: rebuild the data, then run every notebook with papermill into a report folder.

Steps:

1. find the notebooks (``notebooks/*.ipynb``, sorted; ``--only`` selects by stem);
2. read every notebook's ``parameters`` cell and validate the requested parameters against it
   (:mod:`egovanalysis.reporting.params`): an unknown name or a wrong type stops here, before anything runs;
3. rebuild ``data/processed`` (:func:`egovanalysis.ingest.build.build`), unless told not to;
4. run the notebooks in parallel (threads driving papermill, one kernel each, working directory = the
   notebook's folder, kernel ``python3`` of *this* Python environment, a per-cell timeout);
5. write into ``<out>/<UTC timestamp>/``: executed notebooks, HTML copies without code, ``figures/*.png``,
   ``index.html`` (:mod:`egovanalysis.reporting.html`);
6. only if every run succeeded, switch ``<out>/latest`` to the new folder (atomically), and write each
   default-parameter run back into ``notebooks/`` (without papermill's timing metadata), so the committed
   outputs are what the current code and data produce (nbval checks that).

A failed notebook is kept with its error in the run folder; ``latest`` keeps pointing at the last good run.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from egovanalysis import config
from egovanalysis.errors import ParameterError, RefreshError
from egovanalysis.reporting.params import (
    NO_DEFAULT,
    Parameter,
    apply_cli_params,
    load_params_file,
    read_parameters,
    validate_parameters,
)

__all__ = [
    "DEFAULT_CELL_TIMEOUT",
    "KERNEL_NAME",
    "RefreshError",
    "RefreshResult",
    "RunOutcome",
    "RunSpec",
    "discover_notebooks",
    "plan_runs",
    "refresh",
    "refresh_command",
    "run_notebook",
    "switch_latest",
    "utc_stamp",
]

#: Seconds a single cell may run before the run fails.
DEFAULT_CELL_TIMEOUT = 600
#: The kernel every notebook runs with; it is forced to this Python environment's interpreter.
KERNEL_NAME = "python3"
#: Name of the symlink to the last fully successful run.
LATEST = "latest"

Log = Callable[[str], None]


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)




@dataclass(frozen=True)
class RunSpec:
    """One notebook run: the notebook, the name of its outputs, and its validated parameters."""

    stem: str
    notebook: Path
    name: str
    parameters: dict[str, Any]
    declared: Mapping[str, Parameter] = field(default_factory=dict)

    @property
    def effective_parameters(self) -> dict[str, Any]:
        """Declared defaults overridden by this run's parameters (what the run used)."""
        merged = {name: p.default for name, p in self.declared.items() if p.default is not NO_DEFAULT}
        merged.update(self.parameters)
        return merged


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

    @property
    def ok(self) -> bool:
        """Whether every run succeeded."""
        return all(outcome.ok for outcome in self.outcomes)

    @property
    def failures(self) -> list[RunOutcome]:
        """The runs that failed."""
        return [outcome for outcome in self.outcomes if not outcome.ok]


def discover_notebooks(notebooks_dir: Path = config.NOTEBOOKS_DIR) -> dict[str, Path]:
    """``{stem: path}`` of ``notebooks_dir/*.ipynb``, sorted by name (checkpoints ignored)."""
    paths = sorted(path for path in Path(notebooks_dir).glob("*.ipynb") if path.is_file())
    return {path.stem: path.resolve() for path in paths}


def plan_runs(
    notebooks_dir: Path = config.NOTEBOOKS_DIR,
    only: Sequence[str] = (),
    params_file: Path | None = None,
    cli_params: Sequence[tuple[str, Any]] = (),
) -> list[RunSpec]:
    """Select the notebooks and validate every requested parameter set; run nothing.

    Raises :class:`RefreshError` for a missing notebook folder or an unknown ``only`` name, and
    :class:`~egovanalysis.reporting.params.ParameterError` (naming notebook and parameter) for bad parameters.
    """
    found = discover_notebooks(notebooks_dir)
    if not found:
        raise RefreshError(f"no notebooks in {notebooks_dir} (expected *.ipynb)")
    selected = [name.removesuffix(".ipynb") for name in only]
    unknown = [name for name in selected if name not in found]
    if unknown:
        raise RefreshError(
            f"--only: unknown notebook {', '.join(repr(n) for n in unknown)} "
            f"(notebooks in {notebooks_dir}: {', '.join(found)})"
        )
    stems = [stem for stem in found if not selected or stem in selected]
    declared: dict[str, dict[str, Parameter]] = {}
    problems: list[str] = []
    for stem in stems:
        try:
            declared[stem] = read_parameters(found[stem])
        except ParameterError as error:
            problems.append(str(error))
        except (OSError, nbformat.ValidationError, ValueError) as error:
            problems.append(f"notebook {stem!r}: cannot read {found[stem]}: {error}")
    if problems:
        raise ParameterError("\n".join(problems))
    from_file = load_params_file(Path(params_file), found) if params_file is not None else {}
    from_file = {stem: runs for stem, runs in from_file.items() if stem in stems}
    runs = apply_cli_params(from_file, declared, cli_params)
    specs: list[RunSpec] = []
    for stem in stems:
        sets = runs[stem]
        for number, values in enumerate(sets, start=1):
            try:
                checked = validate_parameters(stem, declared[stem], values)
            except ParameterError as error:
                where = f" (parameter set {number} of {len(sets)})" if len(sets) > 1 else ""
                problems.append(f"{error}{where}")
                continue
            name = stem if len(sets) == 1 else f"{stem}--{number}"
            specs.append(RunSpec(stem, found[stem], name, checked, declared[stem]))
    if problems:
        raise ParameterError("\n".join(problems))
    return specs


@functools.cache
def _kernel_manager_class() -> type:
    """An ``AsyncKernelManager`` that runs ``python3`` with this interpreter and inline charts.

    jupyter_client would pick the first ``python3`` kernelspec on its path (possibly a user-level one
    pointing at another Python); this one always launches ``sys.executable -m ipykernel_launcher``.
    ``MPLBACKEND`` is set to the inline backend so charts become PNG outputs even when the caller's
    environment sets another backend (the test suite sets ``Agg``).
    """
    import zmq
    from jupyter_client import AsyncKernelManager
    from jupyter_client.kernelspec import KernelSpec

    class EnvironmentKernelManager(AsyncKernelManager):  # type: ignore[misc]
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
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

    return EnvironmentKernelManager


def _last_line(text: str) -> str:
    lines = [line.strip() for line in str(text).strip().splitlines() if line.strip()]
    return lines[-1] if lines else type(text).__name__


def _record_kernel_death(output: Path, ename: str, evalue: str) -> None:
    """Add an error output to the cell that was running when the run stopped (dead kernel, timeout)."""
    try:
        notebook = nbformat.read(output, as_version=4)
    except (OSError, ValueError):
        return
    target = None
    for cell in notebook.cells:
        status = cell.get("metadata", {}).get("papermill", {}).get("status")
        if cell.get("cell_type") == "code" and status in ("running", "failed"):
            target = cell
            break
    if target is None:
        executed = [c for c in notebook.cells if c.get("cell_type") == "code" and c.get("execution_count")]
        code = [c for c in notebook.cells if c.get("cell_type") == "code"]
        later = [c for c in code if not c.get("execution_count")]
        target = later[0] if later else (executed[-1] if executed else None)
    if target is None:
        return
    target.setdefault("outputs", []).append(
        nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])
    )
    target.setdefault("metadata", {}).setdefault("papermill", {})["exception"] = True
    nbformat.write(notebook, output)


def run_notebook(
    spec: RunSpec,
    run_dir: Path,
    timeout: int = DEFAULT_CELL_TIMEOUT,
    kernel_name: str = KERNEL_NAME,
) -> RunOutcome:
    """Execute one notebook into ``run_dir/<name>.ipynb`` and write its HTML, PNGs and headlines.

    Never raises for a failing notebook: the outcome says what failed (``error`` is the last line of the
    error); the output notebook is kept with its error.
    """
    import papermill as pm
    from nbclient.exceptions import DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    from egovanalysis.reporting import html as report
    from egovanalysis.reporting.headlines import read_headlines

    output = run_dir / f"{spec.name}.ipynb"
    started = time.perf_counter()
    error: str | None = None
    try:
        pm.execute_notebook(
            str(spec.notebook),
            str(output),
            parameters=spec.parameters or None,
            kernel_name=kernel_name,
            progress_bar=False,
            log_output=False,
            # The kernel's working directory, set per process (papermill's cwd= would chdir the whole
            # process, which races between threads).
            resources={"metadata": {"path": str(spec.notebook.parent)}},
            execution_timeout=timeout,
            kernel_manager_class=_kernel_manager_class(),
        )
    except PapermillExecutionError as failure:
        error = f"{failure.ename}: {_last_line(failure.evalue)}" if failure.evalue else failure.ename
    except DeadKernelError as failure:
        error = f"DeadKernelError: the kernel died ({_last_line(str(failure))})"
        _record_kernel_death(output, "DeadKernelError", f"the kernel died ({_last_line(str(failure))})")
    except Exception as failure:  # noqa: BLE001 - timeouts, kernel start failures: all are run failures
        error = f"{type(failure).__name__}: {_last_line(str(failure))}"
        if output.exists():
            _record_kernel_death(output, type(failure).__name__, _last_line(str(failure)))
    seconds = time.perf_counter() - started
    outcome = RunOutcome(spec=spec, ok=error is None, output=output, seconds=seconds, error=error)
    if not output.exists():
        return outcome
    try:
        executed = nbformat.read(output, as_version=4)
        outcome.headlines = read_headlines(executed)
        outcome.figures = report.extract_pngs(executed, run_dir / "figures", spec.name)
        outcome.html = report.notebook_to_html(executed, run_dir / f"{spec.name}.html", title=spec.name)
    except Exception as failure:  # noqa: BLE001 - a report problem must not hide the run's own result
        outcome.report_error = f"{type(failure).__name__}: {_last_line(str(failure))}"
        if outcome.ok:
            outcome.ok = False
            outcome.error = f"writing the report failed: {outcome.report_error}"
    return outcome


def utc_stamp(now: dt.datetime | None = None) -> str:
    """``YYYYmmddTHHMMSSZ`` in UTC."""
    return (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _new_run_dir(out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
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


def _write_index(run_dir: Path, outcomes: Sequence[RunOutcome]) -> Path:
    from egovanalysis.reporting import html as report

    entries = []
    for outcome in outcomes:
        spec = outcome.spec
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
            )
        )
    return report.write_index(run_dir, entries, title=f"egovanalysis report {run_dir.name}")


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


def refresh(
    notebooks_dir: Path = config.NOTEBOOKS_DIR,
    out_dir: Path = config.REPORTS_DIR,
    *,
    only: Sequence[str] = (),
    params_file: Path | None = None,
    cli_params: Sequence[tuple[str, Any]] = (),
    jobs: int | None = None,
    build: bool = True,
    timeout: int = DEFAULT_CELL_TIMEOUT,
    progress: bool = True,
    update_notebooks: bool = False,
    log: Log = _stderr,
) -> RefreshResult:
    """Validate parameters, rebuild the data, run the notebooks in parallel and write the report.

    Raises :class:`RefreshError` or :class:`~egovanalysis.errors.ParameterError` when it cannot start
    (nothing is run or written then). Notebook failures do not raise: they are in the result
    (``result.ok`` is false), the run folder keeps the failed notebooks and ``latest`` is not switched.
    With ``update_notebooks``, a fully successful refresh also stores the default runs' outputs in the
    source notebooks (:func:`update_committed_notebooks`).
    """
    specs = plan_runs(notebooks_dir, only, params_file, cli_params)
    if build:
        from egovanalysis.errors import DataValidationError
        from egovanalysis.ingest.build import build as build_data

        try:
            build_data(log=log)
        except DataValidationError as error:
            raise RefreshError(f"build failed, no notebook was run:\n{error}") from error
    out_dir = Path(out_dir).resolve()
    run_dir = _new_run_dir(out_dir)
    workers = max(1, min(jobs or os.cpu_count() or 1, len(specs)))
    log(f"running {len(specs)} notebook run(s) with {workers} job(s) into {run_dir}")
    outcomes: dict[str, RunOutcome] = {}
    from tqdm import tqdm

    with (
        tqdm(total=len(specs), unit="notebook", file=sys.stderr, disable=not progress, desc="refresh") as bar,
        ThreadPoolExecutor(max_workers=workers, thread_name_prefix="refresh") as pool,
    ):
        # Longest first (stored notebook size stands in for run time), so that no long run starts last.
        by_size = sorted(specs, key=lambda spec: spec.notebook.stat().st_size, reverse=True)
        futures = {pool.submit(run_notebook, spec, run_dir, timeout): spec for spec in by_size}
        for future in as_completed(futures):
            outcome = future.result()
            outcomes[outcome.spec.name] = outcome
            bar.set_postfix_str(f"{outcome.spec.name} {'ok' if outcome.ok else 'FAILED'}", refresh=False)
            bar.update(1)
    ordered = [outcomes[spec.name] for spec in specs]
    index = _write_index(run_dir, ordered)
    result = RefreshResult(run_dir=run_dir, outcomes=ordered, latest=None, index=index)
    if result.ok:
        result.latest = switch_latest(out_dir, run_dir)
        if update_notebooks:
            update_committed_notebooks(ordered, log)
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
    jobs: int | None = None,
    build: bool = True,
    timeout: int = DEFAULT_CELL_TIMEOUT,
    progress: bool = True,
    update_notebooks: bool = False,
) -> int:
    """:func:`refresh` for the command line: print what happened; return the exit code (0 or 1)."""
    try:
        result = refresh(
            notebooks_dir,
            out_dir,
            only=list(only),
            params_file=params_file,
            cli_params=cli_params,
            jobs=jobs,
            build=build,
            timeout=timeout,
            progress=progress,
            update_notebooks=update_notebooks,
        )
    except ParameterError as error:
        _stderr(f"refresh: invalid parameters, nothing was run:\n{error}")
        return 1
    except RefreshError as error:
        _stderr(f"refresh: {error}")
        return 1
    for outcome in result.failures:
        _stderr(
            f"FAILED notebook {outcome.spec.name!r} ({outcome.spec.notebook.name}): {outcome.error}\n"
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
