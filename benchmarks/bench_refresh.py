"""Benchmark ``egovanalysis refresh --jobs 2`` against a plain sequential papermill loop, in one run.

Usage::

    .venv/bin/python benchmarks/bench_refresh.py [--jobs 2] [--notebooks-dir DIR] [--repeat 1]

On the same notebooks (``notebooks/*.ipynb``), in this one process, one after the other:

* a plain sequential loop of ``papermill.execute_notebook`` (a cold kernel per notebook, no report);
* ``refresh(jobs=2, build=False)`` with warm kernels (HTML, PNGs and index.html included);
* the same refresh with ``warm=False`` (each kernel starts when its run begins, imports in the notebook),
  which shows what warm kernels save;
* one cold kernel start plus the notebooks' imports, the per-run cost that warm kernels take off the
  critical path.

Each line reports wall time and CPU seconds (this process and its kernels, from ``getrusage``: kernels are
children, reaped before a phase ends), and for the refresh how close its wall time comes to CPU / cores,
the floor on this machine. Prints a markdown table; the goal is refresh / sequential <= 0.45.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from egovanalysis import config
from egovanalysis.reporting.kernels import notebook_imports, shutdown_kernel, start_warm_kernel
from egovanalysis.reporting.refresh import discover_notebooks, refresh

GOAL = 0.45


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(work: Callable[[], object]) -> tuple[float, float, object]:
    """Wall seconds, CPU seconds (this process and its reaped children) and the result of ``work()``."""
    cpu, wall = _cpu(), time.perf_counter()
    result = work()
    return time.perf_counter() - wall, _cpu() - cpu, result


def sequential(notebooks: list[Path], out: Path) -> int:
    """Run each notebook with papermill, one after the other; return the number of failures."""
    import papermill as pm

    out.mkdir(parents=True, exist_ok=True)
    failures = 0
    for notebook in notebooks:
        try:
            pm.execute_notebook(
                str(notebook),
                str(out / notebook.name),
                kernel_name="python3",
                progress_bar=False,
                cwd=str(notebook.parent),
            )
        except Exception as error:  # noqa: BLE001 - count and report, keep timing
            failures += 1
            print(f"  sequential: {notebook.name} failed: {type(error).__name__}", file=sys.stderr)
    return failures


def cold_start(notebooks: list[Path]) -> float:
    """One kernel start plus the notebooks' imports (what warm kernels do ahead of need); seconds."""
    started = time.perf_counter()
    manager = start_warm_kernel(notebooks[0].parent, notebook_imports(notebooks))
    seconds = time.perf_counter() - started
    shutdown_kernel(manager)
    return seconds


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print a markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=2, help="refresh --jobs (default: %(default)s)")
    parser.add_argument("--notebooks-dir", type=Path, default=config.NOTEBOOKS_DIR)
    args = parser.parse_args(argv)
    notebooks = list(discover_notebooks(args.notebooks_dir).values())
    cores = len(os.sched_getaffinity(0))
    print(
        f"timing {len(notebooks)} notebook(s) from {args.notebooks_dir} on {cores} cores ...", file=sys.stderr
    )
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-refresh-") as temporary:
        work = Path(temporary)
        kernel = cold_start(notebooks)  # also warms the disk cache for the runs below
        seq_wall, seq_cpu, seq_failures = timed(lambda: sequential(notebooks, work / "sequential"))
        quiet = {"build": False, "progress": False, "log": lambda _: None, "jobs": args.jobs}
        warm_wall, warm_cpu, warm = timed(lambda: refresh(args.notebooks_dir, work / "warm", **quiet))
        cold_wall, cold_cpu, cold = timed(
            lambda: refresh(args.notebooks_dir, work / "cold", warm=False, **quiet)
        )
    for label, wall, cpu in (
        ("sequential papermill loop", seq_wall, seq_cpu),
        (f"`egovanalysis refresh --jobs {args.jobs}` (warm kernels)", warm_wall, warm_cpu),
        (f"refresh --jobs {args.jobs}, kernels started on demand (no warm-up)", cold_wall, cold_cpu),
    ):
        rows.append(f"| {label} | {wall:.1f} | {cpu:.1f} | {cpu / cores:.1f} | {wall / seq_wall:.2f} |")
    print(
        f"| measure ({len(notebooks)} notebooks, {cores} cores) | wall s | CPU s | CPU / cores s | "
        "wall / sequential |"
    )
    print("|---|---:|---:|---:|---:|")
    print("\n".join(rows))
    print()
    ratio = warm_wall / seq_wall
    print(
        f"refresh/sequential = {ratio:.2f} ({'meets' if ratio <= GOAL else 'misses'} the goal <= {GOAL}); "
        f"the refresh's wall time is {warm_wall / (warm_cpu / cores):.2f} x its CPU / cores"
    )
    print(
        f"warm kernels save {cold_wall - warm_wall:.1f} s on this refresh ({1 - warm_wall / cold_wall:.0%}); "
        f"one cold kernel start with the notebooks' imports takes {kernel:.1f} s"
    )
    failures = seq_failures + len(warm.failures) + len(cold.failures)  # type: ignore[union-attr]
    if failures:
        print(f"warning: {failures} failed run(s) (timed too)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
