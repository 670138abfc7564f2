"""Benchmark the sweep ``refresh --only 02-egdi --each country=ALL`` against its floor, in one run.

Usage::

    .venv/bin/python benchmarks/bench_sweep.py [--jobs 2] [--notebook 02-egdi] [--limit N] [--no-dask]

Measures, one after the other, on every country ``load_egdi()`` holds (``--limit`` takes the first N):

* the **floor**: the notebook's own code executed once per country in ONE warm kernel (started and
  imported once, outside the timing): the parameters cell, then every code cell, charts drawn by the inline
  backend as in a real run, nothing written;
* the **sweep** on the local pool (``refresh(each="country=ALL", jobs=2)``): total, seconds per country,
  peak memory of this process and all its children (sampled every 0.1 s);
* the same sweep through a ``distributed.LocalCluster(n_workers=2, threads_per_worker=1)``.

Goal: the local sweep takes at most 2x the floor. Prints a markdown table.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import nbformat

from egovanalysis import config
from egovanalysis.data import load_egdi
from egovanalysis.reporting.kernels import (
    notebook_imports,
    private_event_loop,
    shutdown_kernel,
    start_warm_kernel,
)
from egovanalysis.reporting.params import find_parameters_cell
from egovanalysis.reporting.refresh import refresh

GOAL = 2.0


class PeakMemory:
    """Peak resident memory of this process and all its descendants, sampled every 0.1 s."""

    def __init__(self) -> None:
        import psutil

        self._psutil = psutil
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        me = self._psutil.Process()
        while not self._stop.is_set():
            total = 0
            for process in [me, *me.children(recursive=True)]:
                try:
                    total += process.memory_info().rss
                except self._psutil.Error:
                    continue
            self.peak = max(self.peak, total)
            self._stop.wait(0.1)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def floor_seconds(notebook: Path, countries: list[str]) -> float:
    """The notebook's code run once per country in one warm kernel; seconds (kernel start not counted)."""
    source = nbformat.read(notebook, as_version=4)
    parameters = find_parameters_cell(source)
    cells = [cell.source for cell in source.cells if cell.cell_type == "code" and cell is not parameters]
    manager = start_warm_kernel(notebook.parent, notebook_imports([notebook]))
    try:
        with private_event_loop():
            manager.client_class = "jupyter_client.blocking.BlockingKernelClient"
            client = manager.client()
            client.start_channels()
            try:
                client.wait_for_ready(timeout=120)
                started = time.perf_counter()
                for country in countries:
                    for code in [parameters.source, f"country = {country!r}", *cells]:
                        reply = client.execute_interactive(code, timeout=600, output_hook=lambda _m: None)
                        if reply["content"]["status"] != "ok":
                            raise RuntimeError(f"{country}: {reply['content'].get('evalue')}")
                return time.perf_counter() - started
            finally:
                client.stop_channels()
    finally:
        shutdown_kernel(manager)


def timed_sweep(run: Callable[[], object]) -> tuple[float, int, object]:
    with PeakMemory() as memory:
        started = time.perf_counter()
        result = run()
        seconds = time.perf_counter() - started
    return seconds, memory.peak, result


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print a markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--notebook", default="02-egdi")
    parser.add_argument("--limit", type=int, default=None, help="only the first N countries")
    parser.add_argument("--no-dask", action="store_true", help="skip the LocalCluster sweep")
    args = parser.parse_args(argv)
    notebook = config.NOTEBOOKS_DIR / f"{args.notebook}.ipynb"
    countries = sorted(load_egdi()["iso3"].unique())[: args.limit]
    each = f"country={','.join(countries)}"
    cores = len(os.sched_getaffinity(0))
    print(f"sweeping {notebook.name} over {len(countries)} countries on {cores} cores ...", file=sys.stderr)
    floor = floor_seconds(notebook, countries)
    quiet = {"only": [args.notebook], "each": each, "build": False, "progress": False, "log": lambda _: None}
    rows = [
        f"| floor: the notebook's code per country in one warm kernel | {floor:.1f} | "
        f"{floor / len(countries):.2f} | | 1.00 |"
    ]
    with tempfile.TemporaryDirectory(prefix="bench-sweep-") as temporary:
        seconds, peak, result = timed_sweep(
            lambda: refresh(config.NOTEBOOKS_DIR, Path(temporary) / "local", jobs=args.jobs, **quiet)
        )
        failed = len(result.failures)  # type: ignore[union-attr]
        rows.append(
            f"| `refresh --each country=... --jobs {args.jobs}` (local pool) | {seconds:.1f} | "
            f"{seconds / len(countries):.2f} | {peak / 2**20:,.0f} | {seconds / floor:.2f} |"
        )
        local = seconds
        if not args.no_dask:
            from distributed import LocalCluster

            with LocalCluster(
                n_workers=args.jobs, threads_per_worker=1, processes=True, dashboard_address=None
            ) as cluster:
                seconds, peak, result = timed_sweep(
                    lambda: refresh(
                        config.NOTEBOOKS_DIR,
                        Path(temporary) / "dask",
                        scheduler=cluster.scheduler_address,
                        **quiet,
                    )
                )
            failed += len(result.failures)  # type: ignore[union-attr]
            rows.append(
                f"| the same through `LocalCluster(n_workers={args.jobs})` | {seconds:.1f} | "
                f"{seconds / len(countries):.2f} | {peak / 2**20:,.0f} | {seconds / floor:.2f} |"
            )
    print(
        f"| {notebook.stem}, {len(countries)} countries, {cores} cores | total s | s per country | "
        "peak MB | x floor |"
    )
    print("|---|---:|---:|---:|---:|")
    print("\n".join(rows))
    print()
    ratio = local / floor
    print(f"local sweep / floor = {ratio:.2f} ({'meets' if ratio <= GOAL else 'misses'} the goal <= {GOAL})")
    if failed:
        print(f"warning: {failed} failed run(s) (timed too)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
