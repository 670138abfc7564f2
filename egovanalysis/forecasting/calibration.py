"""The calibration benchmark: do the forecasts' intervals hold out of sample? Measured, not assumed.

Rolling-origin forecasts through :func:`~egovanalysis.forecasting.api.forecast_from`, the same code path as
:func:`~egovanalysis.forecasting.forecast_indicator` (only the tables are passed in), so what is measured is
what a user gets:

* **EGDI ranks** (:func:`egdi_benchmark`): every country of a panel, from every survey of
  :data:`EGDI_ORIGINS` at which it is ranked (with at least 3 ranked surveys up to it), forecast for the next
  survey (h1) and the one after (h2), scored against the ranks then published. Only surveys up to the
  origin are seen, by the country and by the pool it learns from.
* **Reported series** (:func:`reported_benchmark`): every national series of the focus country with at least
  :data:`MIN_REPORTS` snapshots, cut after its 3rd, 4th, ... report and forecast for the next report (h1) and
  the one after (h2).

Scores per case: whether the actual lies in the interval (at :data:`LEVELS`, for a reliability chart),
absolute error of the central forecast and of the naive one (the last value), the Winkler interval score
``width + (2 / alpha) * distance outside`` and, for the ranks, the same for the *pooled naive* baseline
(the last value and the 10th-90th percentile of every country's past changes over the same number of
surveys, unmatched). The per-country work is a pure top-level function (:func:`egdi_cases_for`,
:func:`reported_cases_for`) and the runners take a ``map``-like callable, so the work runs in one process,
a local pool or on a cluster alike.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from egovanalysis import config
from egovanalysis.conventions import FOCUS_COUNTRY, percentile_to_rank
from egovanalysis.errors import ForecastError
from egovanalysis.forecasting.api import ForecastInputs, forecast_from, load_inputs
from egovanalysis.forecasting.series import EGDI_INDICATOR, MIN_SERIES_POINTS, series_for

__all__ = [
    "BENCHMARK_LEVEL",
    "EGDI_ORIGINS",
    "LEVELS",
    "MIN_REPORTS",
    "PERCENTILE_BANDS",
    "Benchmark",
    "egdi_benchmark",
    "egdi_cases_for",
    "egdi_summary",
    "goals",
    "reliability",
    "reported_benchmark",
    "reported_cases_for",
    "reported_series",
    "reported_summary",
    "un_exports_panel",
]

#: Forecast origins of the EGDI benchmark: the surveys 2008 to 2022.
EGDI_ORIGINS: tuple[int, ...] = (2008, 2010, 2012, 2014, 2016, 2018, 2020, 2022)
#: Horizons in surveys (EGDI) or reports (reported series): the next one and the one after.
HORIZONS: tuple[int, ...] = (1, 2)
#: Interval levels scored for the reliability chart; the benchmark's headline level is BENCHMARK_LEVEL.
LEVELS: tuple[float, ...] = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95)
BENCHMARK_LEVEL = 0.8
#: A reported series enters the benchmark with at least this many snapshots.
MIN_REPORTS = 5
#: Percentile bands (at the origin) in which the EGDI coverage is also shown.
PERCENTILE_BANDS: tuple[float, ...] = (0, 10, 25, 50, 75, 90, 100)

Mapper = Callable[[Callable[[Any], Any], Iterable[Any]], Iterable[Any]]


def un_exports_panel() -> pd.DataFrame:
    """The EGDI panel of every member state built from the UN Data Center exports (the shared folder).

    The one place the benchmark and its tests read the full exports; the committed panel
    (:func:`egovanalysis.data.load_egdi`) is what :func:`~egovanalysis.forecasting.forecast_indicator` uses.
    """
    from egovanalysis.analysis.egdi import load_panel

    return load_panel(config.UN_EGDI_EXPORTS_DIR)


def _winkler(lower: np.ndarray, upper: np.ndarray, actual: np.ndarray, level: float) -> np.ndarray:
    outside = np.maximum(lower - actual, 0.0) + np.maximum(actual - upper, 0.0)
    return (upper - lower) + (2.0 / (1.0 - level)) * outside


def _covered_at_levels(lower: np.ndarray, upper: np.ndarray, actual: float) -> dict[str, bool]:
    """``covered_<level>`` for each of :data:`LEVELS` (``lower``/``upper``: one bound per level)."""
    return {f"covered_{level:g}": bool(lower[i] <= actual <= upper[i]) for i, level in enumerate(LEVELS)}


def _level_probs() -> list[float]:
    return [p for level in LEVELS for p in ((1 - level) / 2, (1 + level) / 2)]


# --------------------------------------------------------------------------------------------------------
# EGDI ranks
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EgdiTask:
    """A share of the EGDI benchmark: some countries, all origins (picklable, for a process pool)."""

    inputs: ForecastInputs
    countries: tuple[str, ...]
    origins: tuple[int, ...] = EGDI_ORIGINS
    level: float = BENCHMARK_LEVEL


def _egdi_country(inputs: ForecastInputs, country: str, origins: Sequence[int], level: float) -> list[dict]:
    panel = inputs.panel
    own = panel[(panel["iso3"] == country) & panel["egdi_rank"].notna()].set_index("survey_year")
    n_of = panel.groupby("survey_year")["n_ranked"].first()
    surveys = sorted(int(y) for y in n_of.index)
    probs = [(1 - level) / 2, (1 + level) / 2, *_level_probs()]
    rows: list[dict[str, Any]] = []
    for origin in origins:
        if origin not in own.index or origin not in surveys:
            continue
        after = surveys[surveys.index(origin) + 1:][: max(HORIZONS)]
        targets = [(h, year) for h, year in enumerate(after, start=1) if year in own.index]
        if not targets:
            continue
        dates = [f"{year}-07-01" for _, year in targets]
        try:
            result = forecast_from(inputs, EGDI_INDICATOR, country=country, cutoff=f"{origin}-12-31",
                                   level=level, dates=dates, details=False)
        except ForecastError:
            continue  # fewer than 3 ranked surveys up to the origin
        if result.series.index[-1].year != origin:
            continue
        fc = result.forecaster
        q = fc.quantiles(pd.DatetimeIndex(dates), probs)
        base = _pooled_naive_baseline(inputs, fc, [h for h, _ in targets], level)
        for i, (h, year) in enumerate(targets):
            # Scored in the ranks of the target survey (its N): the benchmark measures the method, not the
            # number of countries a future survey will rank (every member state since 2014).
            n = float(n_of.loc[year])
            ranks = percentile_to_rank(q[i], n)  # the upper percentile is the better (smaller) rank
            rows.append({
                "country": country, "origin": origin, "h": h, "target": year, "model": result.model,
                "start_percentile": fc.start_value(), "actual": float(own.loc[year, "egdi_rank"]),
                "central": float(percentile_to_rank(fc.start_value(), n)),
                "lower": float(ranks[1]), "upper": float(ranks[0]),
                "base_lower": float(percentile_to_rank(base[i][1], n)),
                "base_upper": float(percentile_to_rank(base[i][0], n)),
                **_covered_at_levels(ranks[3::2], ranks[2::2], float(own.loc[year, "egdi_rank"])),
            })
    return rows


def _pooled_naive_baseline(inputs: ForecastInputs, fc: Any, hs: Sequence[int], level: float
                           ) -> list[tuple[float, float]]:
    """Percentile interval of the pooled-naive baseline (every country's past changes, unmatched)."""
    out = []
    for h in hs:
        _, changes = inputs.pool.moves(fc.origin_index, h, recent_only=False)
        lo, hi = np.quantile(changes, [(1 - level) / 2, (1 + level) / 2])
        out.append((float(np.clip(fc.last_value + lo, 0, 100)), float(np.clip(fc.last_value + hi, 0, 100))))
    return out


def _timed_cases(units: Sequence[str], cases_of: Callable[[str], list[dict]]
                 ) -> tuple[pd.DataFrame, dict[str, float]]:
    """The cases of every unit (a country, a series) in one frame, and the seconds each unit took."""
    rows: list[dict[str, Any]] = []
    seconds: dict[str, float] = {}
    for unit in units:
        start = time.perf_counter()
        rows += cases_of(unit)
        seconds[unit] = time.perf_counter() - start
    return pd.DataFrame(rows), seconds


def egdi_cases_for(task: EgdiTask) -> tuple[pd.DataFrame, dict[str, float]]:
    """Every EGDI case of the task's countries, and the seconds each country took (benchmark unit of work)."""
    return _timed_cases(task.countries,
                        lambda country: _egdi_country(task.inputs, country, task.origins, task.level))


@dataclass(frozen=True)
class Benchmark:
    """The scored cases of a benchmark and the seconds each unit (a country, a series) took."""

    cases: pd.DataFrame
    seconds: dict[str, float]
    level: float = BENCHMARK_LEVEL


def _score(cases: pd.DataFrame, level: float) -> pd.DataFrame:
    actual = cases["actual"].to_numpy(dtype=float)
    lower, upper = cases["lower"].to_numpy(dtype=float), cases["upper"].to_numpy(dtype=float)
    return cases.assign(
        covered=(lower <= actual) & (actual <= upper),
        miss_above=actual > upper,
        miss_below=actual < lower,
        abs_error=np.abs(actual - cases["central"].to_numpy(dtype=float)),
        width=upper - lower,
        winkler=_winkler(lower, upper, actual, level),
    )


def egdi_benchmark(
    panel: pd.DataFrame,
    *,
    origins: Sequence[int] = EGDI_ORIGINS,
    level: float = BENCHMARK_LEVEL,
    map_fn: Mapper = map,
    chunks: int = 8,
    countries: Sequence[str] | None = None,
) -> Benchmark:
    """The EGDI benchmark on ``panel`` (e.g. :func:`un_exports_panel`, or the committed panel).

    The countries are split into ``chunks`` tasks handed to ``map_fn`` (``map``, an executor's ``map``).
    """
    committed = load_inputs()
    inputs = ForecastInputs(committed.observations, committed.registry, panel)
    names = sorted(countries if countries is not None else panel["iso3"].unique())
    tasks = [EgdiTask(inputs, tuple(names[i::chunks]), tuple(origins), level) for i in range(chunks)
             if names[i::chunks]]
    frames, seconds = [], {}
    for frame, spent in map_fn(egdi_cases_for, tasks):
        frames.append(frame)
        seconds.update(spent)
    cases = pd.concat([f for f in frames if not f.empty], ignore_index=True)
    cases = cases.sort_values(["country", "origin", "h"], ignore_index=True)
    base = _winkler(cases["base_lower"].to_numpy(dtype=float), cases["base_upper"].to_numpy(dtype=float),
                    cases["actual"].to_numpy(dtype=float), level)
    scored = _score(cases, level).assign(
        # always-naive: the last percentile in the target survey's ranks (the pooled method's centre too)
        naive_error=np.abs(cases["actual"] - cases["central"]), base_winkler=base,
        base_covered=(cases["base_lower"] <= cases["actual"]) & (cases["actual"] <= cases["base_upper"]))
    return Benchmark(scored, seconds, level)


def _band(percentile: pd.Series) -> pd.Series:
    labels = [f"{lo:g}-{hi:g}" for lo, hi in zip(PERCENTILE_BANDS[:-1], PERCENTILE_BANDS[1:], strict=True)]
    return pd.cut(percentile, list(PERCENTILE_BANDS), labels=labels, include_lowest=True).astype(str)


def egdi_summary(bench: Benchmark, by: str | None = None) -> pd.DataFrame:
    """Per horizon (and ``by``: ``model``, ``origin`` or ``band``, the percentile band at the origin):
    cases, coverage, MAE against always-naive, Winkler score against pooled naive, mean width (ranks)."""
    cases = bench.cases
    if by == "band":
        cases = cases.assign(band=_band(cases["start_percentile"]))
    keys = ["h", by] if by else ["h"]
    grouped = cases.groupby(keys, sort=True)
    out = pd.DataFrame({
        "cases": grouped.size(),
        "coverage": grouped["covered"].mean(),
        "MAE": grouped["abs_error"].mean(),
        "MAE naive": grouped["naive_error"].mean(),
        "interval score": grouped["winkler"].mean(),
        "interval score pooled naive": grouped["base_winkler"].mean(),
        "mean width": grouped["width"].mean(),
        "coverage pooled naive": grouped["base_covered"].mean(),
    })
    out.insert(4, "MAE / naive", out["MAE"] / out["MAE naive"])
    out.insert(7, "score / pooled naive", out["interval score"] / out["interval score pooled naive"])
    return out.reset_index()


def reliability(bench: Benchmark) -> pd.DataFrame:
    """Observed coverage at each nominal level of :data:`LEVELS`, per horizon (a reliability chart's data)."""
    rows = [{"h": h, "nominal": level, "observed": float(part[f"covered_{level:g}"].mean()),
             "cases": len(part)} for h, part in bench.cases.groupby("h") for level in LEVELS]
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------------------
# Reported series
# --------------------------------------------------------------------------------------------------------


def reported_series(inputs: ForecastInputs, min_reports: int = MIN_REPORTS) -> list[str]:
    """The focus country's national series with at least ``min_reports`` snapshots (actuals)."""
    obs = inputs.observations
    names = sorted(obs.loc[(obs["kind"] == "actual") & (obs["scope"] == "national"), "indicator"].unique())
    out = []
    for name in names:
        try:
            series = series_for(obs, name, registry=inputs.registry)
        except ForecastError:
            continue
        if len(series) >= min_reports:
            out.append(str(name))
    return out


@dataclass(frozen=True)
class ReportedTask:
    """A share of the reported-series benchmark: some indicators (picklable)."""

    inputs: ForecastInputs
    indicators: tuple[str, ...]
    level: float = BENCHMARK_LEVEL


def _reported_indicator(inputs: ForecastInputs, indicator: str, level: float) -> list[dict]:
    series = series_for(inputs.observations, indicator, registry=inputs.registry)
    rows: list[dict[str, Any]] = []
    for k in range(MIN_SERIES_POINTS, len(series)):
        origin = series.index[k - 1]
        targets = series.index[k: k + max(HORIZONS)]
        result = forecast_from(inputs, indicator, country=FOCUS_COUNTRY, cutoff=f"{origin:%Y-%m-%d}",
                               level=level, dates=[f"{d:%Y-%m-%d}" for d in targets], details=False)
        q = result.forecaster.quantiles(pd.DatetimeIndex(targets), _level_probs())
        for i, date in enumerate(targets):
            row = result.table.iloc[i]
            actual = float(series.loc[date])
            rows.append({
                "indicator": indicator, "measure": result.measure, "model": result.model,
                "origin": origin, "h": i + 1, "target": date,
                "years_ahead": (date - origin) / pd.Timedelta(days=365.25),
                "last": float(series.iloc[k - 1]), "actual": actual, "central": float(row["mean"]),
                "lower": float(row["lower"]), "upper": float(row["upper"]),
                **_covered_at_levels(q[i, 0::2], q[i, 1::2], actual),
            })
    return rows


def reported_cases_for(task: ReportedTask) -> tuple[pd.DataFrame, dict[str, float]]:
    """Every case of the task's reported series, and the seconds each series took."""
    return _timed_cases(task.indicators,
                        lambda indicator: _reported_indicator(task.inputs, indicator, task.level))


def reported_benchmark(
    inputs: ForecastInputs | None = None, *, level: float = BENCHMARK_LEVEL, map_fn: Mapper = map,
) -> Benchmark:
    """The benchmark of the focus country's reported series (committed tables by default)."""
    inputs = inputs if inputs is not None else load_inputs()
    tasks = [ReportedTask(inputs, (name,), level) for name in reported_series(inputs)]
    frames, seconds = [], {}
    for frame, spent in map_fn(reported_cases_for, tasks):
        frames.append(frame)
        seconds.update(spent)
    cases = pd.concat(frames, ignore_index=True).sort_values(["indicator", "origin", "h"], ignore_index=True)
    scored = _score(cases, level)
    positive = (scored["lower"] > 0) & (scored["upper"] > 0)
    ratio = np.log(scored["upper"].where(positive, 1.0) / scored["lower"].where(positive, 1.0))
    return Benchmark(scored.assign(
        log_width=ratio.where(positive),
        log_error=np.abs(np.log(scored["actual"] / scored["central"])),
        naive_log_error=np.abs(np.log(scored["actual"] / scored["last"])),
        below_last=(scored["measure"] == "cumulative") & (scored["lower"] < scored["last"]),
    ), seconds, level)


def reported_summary(bench: Benchmark, by: str | None = None) -> pd.DataFrame:
    """Per horizon (and ``by``, e.g. ``measure``): cases, covered, coverage, misses above and below, median
    upper/lower ratio and relative width, median |log error| against naive's, cumulative intervals below
    their last value."""
    cases = bench.cases
    keys = ["h", by] if by else ["h"]
    grouped = cases.groupby(keys, sort=True)
    out = pd.DataFrame({
        "cases": grouped.size(),
        "covered": grouped["covered"].sum(),
        "coverage": grouped["covered"].mean(),
        "above": grouped["miss_above"].sum(),
        "below": grouped["miss_below"].sum(),
        "median upper / lower": np.exp(grouped["log_width"].median()),
        "median |log error|": grouped["log_error"].median(),
        "naive median |log error|": grouped["naive_log_error"].median(),
        "cumulative below last": grouped["below_last"].sum(),
    })
    return out.reset_index()


# --------------------------------------------------------------------------------------------------------
# Goals (issue 11)
# --------------------------------------------------------------------------------------------------------


def goals(egdi: Benchmark | None, reported: Benchmark | None, egdi_seconds: float | None = None
          ) -> pd.DataFrame:
    """Each goal of the calibration issue beside the measured value and whether it holds."""
    rows: list[dict[str, Any]] = []

    def add(goal: str, value: float, met: bool) -> None:
        rows.append({"goal": goal, "measured": value, "met": bool(met)})

    if egdi is not None:
        total = egdi_summary(egdi).set_index("h")
        groups = egdi_summary(egdi, by="model")
        for h in HORIZONS:
            add(f"EGDI coverage h{h} within 0.80 +/- 0.03", total.loc[h, "coverage"],
                abs(total.loc[h, "coverage"] - 0.8) <= 0.03)
            add(f"EGDI MAE / always-naive h{h} <= 1", total.loc[h, "MAE / naive"], total.loc[h, "MAE / naive"]
                <= 1 + 1e-12)
            add(f"EGDI interval score / pooled naive h{h} <= 1", total.loc[h, "score / pooled naive"],
                total.loc[h, "score / pooled naive"] <= 1)
        add("EGDI lowest coverage of a chosen-model group >= 0.75", groups["coverage"].min(),
            groups["coverage"].min() >= 0.75)
    if egdi_seconds is not None:
        add("EGDI benchmark seconds < 120", egdi_seconds, egdi_seconds < 120)
    if reported is not None:
        total = reported_summary(reported).set_index("h")
        add("reported series coverage h1 >= 0.70", total.loc[1, "coverage"], total.loc[1, "coverage"] >= 0.7)
        add("reported series coverage h2 >= 0.60", total.loc[2, "coverage"], total.loc[2, "coverage"] >= 0.6)
        below = int(reported.cases["below_last"].sum())
        add("cumulative intervals below their last value == 0", below, below == 0)
    return pd.DataFrame(rows)
