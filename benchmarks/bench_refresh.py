"""Benchmark ``egovanalysis refresh --jobs 2`` against a plain sequential papermill loop.

Usage::

    .venv/bin/python benchmarks/bench_refresh.py [--jobs 2] [--notebooks-dir DIR]

Times, in one process and on the same notebooks (``notebooks/*.ipynb``, or copies of the test fixture
``tests/notebooks/good`` when ``notebooks/`` is empty):

* the floor: one bare kernel start running ``import egovanalysis, pandas, matplotlib, seaborn,
  statsmodels.api`` once, then shut down;
* a plain sequential loop of ``papermill.execute_notebook`` over the notebooks (no report);
* ``refresh(jobs=2, build=False)`` (the data build is skipped; HTML, PNGs and index.html are included).

Prints a markdown table; the goal is refresh / sequential <= 0.6.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from egovanalysis import config
from egovanalysis.reporting.refresh import discover_notebooks, refresh

GOAL = 0.6
IMPORTS = "import egovanalysis, pandas, matplotlib, seaborn, statsmodels.api"
FIXTURE = config.PROJECT_ROOT / "tests" / "notebooks" / "good"


def bare_kernel_seconds() -> float:
    """Start a ``python3`` kernel, run the common imports once, shut it down; return the wall time."""
    from jupyter_client.manager import start_new_kernel

    started = time.perf_counter()
    manager, client = start_new_kernel(kernel_name="python3")
    try:
        reply = client.execute_interactive(IMPORTS, timeout=300, output_hook=lambda _msg: None)
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"the imports failed in the kernel: {reply['content']}")
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=False)
    return time.perf_counter() - started


def sequential_seconds(notebooks: list[Path], out: Path) -> tuple[float, int]:
    """Run each notebook with papermill, one after the other; return (wall time, failures)."""
    import papermill as pm

    out.mkdir(parents=True, exist_ok=True)
    failures = 0
    started = time.perf_counter()
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
    return time.perf_counter() - started, failures


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print a markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=2, help="refresh --jobs (default: %(default)s)")
    parser.add_argument("--notebooks-dir", type=Path, default=config.NOTEBOOKS_DIR)
    parser.add_argument(
        "--fixture",
        action="store_true",
        help="time 4 copies of tests/notebooks/good/tiny.ipynb instead of notebooks/ (shows the scaling)",
    )
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-refresh-") as temporary:
        work = Path(temporary)
        notebooks_dir = Path(args.notebooks_dir)
        notebooks = [] if args.fixture else list(discover_notebooks(notebooks_dir).values())
        if not notebooks:
            notebooks_dir = work / "notebooks"
            notebooks_dir.mkdir()
            for copy in range(4):
                shutil.copy(FIXTURE / "tiny.ipynb", notebooks_dir / f"tiny-{copy + 1}.ipynb")
            notebooks = list(discover_notebooks(notebooks_dir).values())
            why = "--fixture given" if args.fixture else f"{args.notebooks_dir} holds no notebooks"
            print(
                f"note: {why}; timing {len(notebooks)} copies of "
                f"{FIXTURE.relative_to(config.PROJECT_ROOT)}/tiny.ipynb instead\n"
            )

        cpus = os.cpu_count()
        print(f"timing {len(notebooks)} notebook(s) from {notebooks_dir} ({cpus} CPUs) ...", file=sys.stderr)
        floor = bare_kernel_seconds()  # also warms the disk cache for both runs below
        sequential, sequential_failures = sequential_seconds(notebooks, work / "sequential")
        started = time.perf_counter()
        result = refresh(
            notebooks_dir, work / "reports", jobs=args.jobs, build=False, progress=False, log=lambda _: None
        )
        parallel = time.perf_counter() - started

    ratio = parallel / sequential if sequential else float("nan")
    refresh_failures = len(result.failures)
    print(f"| measure ({len(notebooks)} notebooks) | seconds | ratio to sequential |")
    print("|---|---:|---:|")
    print(f"| bare kernel start + imports (floor, 1 kernel) | {floor:.2f} | {floor / sequential:.2f} |")
    print(f"| sequential papermill loop | {sequential:.2f} | 1.00 |")
    print(f"| `egovanalysis refresh --jobs {args.jobs}` (no build) | {parallel:.2f} | {ratio:.2f} |")
    print()
    verdict = "meets" if ratio <= GOAL else "misses"
    print(f"refresh/sequential = {ratio:.2f} ({verdict} the goal <= {GOAL}); "
          f"floor x notebooks / jobs = {floor * len(notebooks) / args.jobs:.2f} s")  # fmt: skip
    if sequential_failures or refresh_failures:
        failed = f"sequential {sequential_failures}, refresh {refresh_failures}"
        print(f"warning: failed runs (timed too): {failed}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
