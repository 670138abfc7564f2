"""Calibration benchmark of the forecasts (issue 11): do the intervals hold out of sample?

Usage::

    .venv/bin/python benchmarks/bench_calibration.py [--jobs 2] [--scheduler ADDRESS]

Runs :mod:`egovanalysis.forecasting.calibration`, i.e. rolling-origin forecasts through the same code path
as ``forecast_indicator``:

* every member state's EGDI rank in the UN Data Center exports (``../shared/data/un-egdi``), from the
  surveys 2008-2022, one and two surveys ahead, in ``--jobs`` worker processes (or on an existing
  dask.distributed cluster with ``--scheduler``);
* every Viet Nam national series with at least 5 reports, from each report on, one and two reports ahead.

Prints coverage per horizon, per chosen model, per percentile band and per origin, the
reliability at other levels, mean absolute error against always-naive, the interval (Winkler) score
against naive with pooled empirical intervals, widths, the cost per country, and each goal of the issue
with whether it holds. The wall time of the whole EGDI benchmark is one of the goals (< 120 s on 2 cores).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any

import pandas as pd

from egovanalysis.forecasting import calibration

Mapper = Callable[[Callable[[Any], Any], Iterable[Any]], Iterable[Any]]


@contextmanager
def mapper(jobs: int, scheduler: str | None) -> Iterator[Mapper]:
    """A ``map`` over worker processes: a local pool, or an existing dask.distributed cluster.

    The per-country work (:func:`calibration.egdi_cases_for`) is a pure top-level function, so any
    executor's ``map`` fits: the refresh's executors (``egovanalysis.reporting.executors``) when the
    package has them, else ``concurrent.futures`` or a dask client directly.
    """
    try:
        from egovanalysis.reporting.executors import make_executor
    except ImportError:
        make_executor = None
    if make_executor is not None:
        with make_executor(jobs=jobs, scheduler=scheduler) as executor:
            yield executor.map
        return
    if scheduler:
        try:
            from distributed import Client
        except ImportError as exc:
            raise SystemExit("--scheduler needs dask.distributed: pip install distributed") from exc

        with Client(scheduler) as client:
            yield lambda fn, items: client.gather(client.map(fn, list(items), pure=False))
        return
    if jobs <= 1:
        yield map
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        yield pool.map


def show(title: str, frame: pd.DataFrame, digits: int = 3) -> None:
    print(f"\n### {title}\n")
    print(frame.round(digits).to_string(index=False))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--scheduler", default=None, help="address of a dask.distributed scheduler")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    panel = calibration.un_exports_panel()
    with mapper(args.jobs, args.scheduler) as map_fn:
        egdi = calibration.egdi_benchmark(panel, map_fn=map_fn, chunks=max(8, 4 * args.jobs))
    egdi_seconds = time.perf_counter() - started
    reported = calibration.reported_benchmark()

    print(f"## EGDI ranks: {panel['iso3'].nunique()} countries, origins {calibration.EGDI_ORIGINS[0]}-"
          f"{calibration.EGDI_ORIGINS[-1]}, {calibration.BENCHMARK_LEVEL:.0%} intervals")
    show("Per horizon (1 = next survey, 2 = the one after); MAE and widths in ranks",
         calibration.egdi_summary(egdi))
    show("Per chosen model", calibration.egdi_summary(egdi, by="model"))
    show("Per percentile band at the origin", calibration.egdi_summary(egdi, by="band"))
    show("Per origin", calibration.egdi_summary(egdi, by="origin"))
    show("Reliability: observed coverage at other levels", calibration.reliability(egdi))
    per_country = pd.Series(egdi.seconds)
    show("Cost", pd.DataFrame([{
        "countries": len(per_country), "wall seconds (loading included)": egdi_seconds,
        "mean CPU seconds per country": per_country.mean(), "max per country": per_country.max(),
        "jobs": args.jobs if not args.scheduler else f"dask {args.scheduler}",
    }]), digits=2)

    print("\n## Viet Nam's national series with at least 5 reports")
    show("Per horizon (1 = next report, 2 = the one after)", calibration.reported_summary(reported))
    show("Per measure", calibration.reported_summary(reported, by="measure"))
    show("Per series", calibration.reported_summary(reported, by="indicator"))

    goals = calibration.goals(egdi, reported, egdi_seconds)
    show("Goals of issue 11", goals, digits=3)
    return 0 if goals["met"].all() else 1


if __name__ == "__main__":
    sys.exit(main())
