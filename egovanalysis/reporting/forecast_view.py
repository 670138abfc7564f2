"""The forecast notebook's tables and headlines, from a :class:`~egovanalysis.forecasting.ForecastResult`.

Everything here is presentation: which series a default run shows, labels and axis titles, numbers rounded
for display and intervals written by :func:`~egovanalysis.reporting.formatting.format_number`. The numbers
come from :func:`~egovanalysis.forecasting.forecast_indicator`; verdicts (target met, model choice) are
read as enums and put into words by :mod:`egovanalysis.reporting.forecast_texts`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from egovanalysis.analysis.egdi import EGDI_SOURCE_ID
from egovanalysis.analysis.targets import TargetVerdict
from egovanalysis.conventions import (
    APPROXIMATE_QUALIFIERS,
    DEADLINE_TOLERANCE_DAYS,
    FOCUS_COUNTRY,
    QUALIFIER_WORDS,
    UN_MEMBER_STATES,
    qualifier_set,
)
from egovanalysis.errors import ForecastError
from egovanalysis.forecasting import ForecastResult, forecast_indicator
from egovanalysis.forecasting.api import load_inputs
from egovanalysis.forecasting.calibration import (
    Benchmark,
    egdi_benchmark,
    egdi_summary,
    reliability,
    reported_benchmark,
    reported_summary,
)
from egovanalysis.forecasting.growth_band import BAND_LEVEL, GrowthBand
from egovanalysis.forecasting.pooled import PooledNaive
from egovanalysis.forecasting.series import EGDI_INDICATOR
from egovanalysis.forecasting.target_readings import (
    CROSSING_WINDOW_YEARS,
    CrossingState,
    TargetReading,
    TargetStatus,
)
from egovanalysis.reporting.forecast_texts import percent, verdict_words
from egovanalysis.reporting.formatting import decimals_for, format_number

__all__ = [
    "HEADLINE_INDICATORS",
    "benchmark_sources",
    "calibrate",
    "calibration_table",
    "date_text",
    "forecast_table",
    "headlines",
    "label",
    "later_table",
    "method_table",
    "reliability_table",
    "run",
    "select_indicators",
    "summary_table",
    "targets_table",
    "title",
    "ylabel",
]

#: The three headline series of the default run, in the order shown.
HEADLINE_INDICATORS: tuple[str, ...] = ("level4_services_share", "portal_accounts", EGDI_INDICATOR)
#: Short names for chart titles and headlines (others use the registry label).
SHORT_LABELS: dict[str, str] = {
    "level4_services_share": "Level-4 online services (share of all services)",
    "portal_accounts": "Registered portal accounts",
}


# --------------------------------------------------------------------------------------------------------
# Parameters and runs
# --------------------------------------------------------------------------------------------------------


def select_indicators(indicator: str | None) -> list[str]:
    """The indicators a run covers: ``[indicator]``, or the three headline series for ``None``."""
    if indicator is None:
        return list(HEADLINE_INDICATORS)
    if not isinstance(indicator, str) or not indicator.strip():
        raise ForecastError(f"indicator must be one indicator id (a string) or None, not {indicator!r}")
    return [indicator.strip()]


def run(
    indicator: str | None,
    *,
    country: str = FOCUS_COUNTRY,
    horizon: int = 3,
    model: str | None = None,
    cutoff: str | None = None,
    level: float = 0.8,
) -> list[ForecastResult]:
    """One :func:`~egovanalysis.forecasting.forecast_indicator` result per selected indicator.

    ``country`` applies to the EGDI rank; the reported series are the focus country's, so a run for another
    country forecasts its EGDI rank only.
    """
    names = select_indicators(indicator)
    if country != FOCUS_COUNTRY and indicator is None:
        names = [EGDI_INDICATOR]
    return [
        forecast_indicator(name, country=country if name == EGDI_INDICATOR else FOCUS_COUNTRY, cutoff=cutoff,
                           horizon=horizon, level=level, model=model)
        for name in names
    ]


# --------------------------------------------------------------------------------------------------------
# Labels
# --------------------------------------------------------------------------------------------------------


def date_text(value: Any) -> str:
    """``YYYY-MM-DD``, or empty for a missing date."""
    return "" if value is None or pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def label(result: ForecastResult) -> str:
    """A short name of the series for titles and headlines."""
    if result.is_survey:
        return f"{result.country_name}'s EGDI rank, as a percentile"
    return SHORT_LABELS.get(result.indicator, result.label)


def title(result: ForecastResult) -> str:
    """Chart title."""
    years = f"{format_number(result.horizon)} year" + ("" if float(result.horizon) == 1 else "s")
    return f"{label(result)}: forecast {years} ahead"


def ylabel(result: ForecastResult) -> str:
    """Axis label with the unit."""
    if result.is_survey:
        return f"percentile (100 = first of {UN_MEMBER_STATES})"
    if result.unit == "%":
        return "share (%)"
    if result.measure == "cumulative":
        return f"cumulative {result.unit}" if result.unit != "count" else "cumulative count"
    return result.unit


def _value(value: float | None, unit: str) -> str:
    return format_number(value, unit, decimals=decimals_for(unit))


def _interval(lower: float, upper: float, unit: str) -> str:
    digits = decimals_for(unit)
    return f"{format_number(lower, decimals=digits)} to {format_number(upper, decimals=digits)}"


def _rounded(values: Any, digits: int) -> pd.Series:
    """Values rounded for display; whole numbers (``digits == 0``) as nullable integers."""
    series = pd.Series(np.asarray(values, dtype=float)).round(digits)
    return series.astype("Int64") if digits == 0 else series


# --------------------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------------------


def forecast_table(result: ForecastResult) -> pd.DataFrame:
    """The chosen model's forecast: date, central, interval bounds (and ranks for the EGDI)."""
    digits = decimals_for(result.unit)
    frame = result.forecast
    table = pd.DataFrame({
        "date": [date_text(d) for d in frame["date"]],
        "central": _rounded(frame["mean"], digits),
        "lower": _rounded(frame["lower"], digits),
        "upper": _rounded(frame["upper"], digits),
    })
    if result.is_survey:
        ranks = result.table
        table["rank (central)"] = np.rint(ranks["mean"].to_numpy(dtype=float)).astype(int)
        table["rank range"] = [f"{int(np.rint(lo))}-{int(np.rint(hi))}"
                               for lo, hi in zip(ranks["lower"], ranks["upper"], strict=True)]
    shown = percent(result.level)
    return table.rename(columns={"lower": f"lower ({shown})", "upper": f"upper ({shown})"})


def method_table(result: ForecastResult) -> pd.DataFrame:
    """What the forecast rests on, per forecast date: for the pooled survey method the moves it reads (how
    many, from which window and surveys), for the growth band its pace and band."""
    fc = result.forecaster
    dates = pd.DatetimeIndex(result.forecast["date"])
    if isinstance(fc, PooledNaive):
        rows = []
        for date, h in zip(dates, fc.surveys_ahead(dates), strict=True):
            moves = fc.moves(int(h)) if h else None
            rows.append({
                "date": date_text(date), "surveys ahead": int(h),
                "moves pooled": moves.n if moves else 0,
                "window (percentile points)": round(moves.window, 1) if moves else np.nan,
                "surveys": f"{moves.first_survey.year}-{moves.last_survey.year}" if moves else "",
            })
        return pd.DataFrame(rows)
    if isinstance(fc, GrowthBand):
        return pd.DataFrame([{
            "measure": fc.measure, "last value": _value(fc.last_value, result.unit),
            "pace measured since": date_text(fc.pace_from),
            "pace per year": round(fc.pace, 3), "scale": "logit" if fc.share else "log",
            f"band ({percent(BAND_LEVEL)})": (f"{format_number(fc.band[0])} to {format_number(fc.band[1])} "
                                               "x pace"),
            "pace halves every": "" if fc.half_life is None else f"{format_number(fc.half_life)} year",
        }])
    return pd.DataFrame([{"model": result.model, "points used": len(result.series)}])


def later_table(result: ForecastResult) -> pd.DataFrame:
    """The actuals after the cutoff against the forecast made at the cutoff (ranks for a survey rank)."""
    later = result.later
    digits = 0 if result.is_survey else decimals_for(result.unit)
    shown = percent(result.level)
    table = pd.DataFrame({
        "date": [date_text(d) for d in later["date"]],
        "years ahead": later["years_ahead"].astype(float).round(2).to_numpy(),
        "actual": _rounded(later["actual"], digits),
        "qualifier": later["qualifier"].to_numpy(),
        "central": _rounded(later["central"], digits),
        f"lower ({shown})": _rounded(later["lower"], digits),
        f"upper ({shown})": _rounded(later["upper"], digits),
        "inside": later["inside"].astype(bool).to_numpy(),
    })
    if result.is_survey:
        table = table.drop(columns="qualifier").rename(columns={"actual": "actual rank",
                                                                "central": "central rank"})
        table["error (ranks)"] = _rounded(later["error"], 0)
    else:
        table["error (%)"] = later["error_pct"].astype(float).round(1).to_numpy()
    return table


def summary_table(results: Iterable[ForecastResult]) -> pd.DataFrame:
    """One row per indicator: points used, model chosen, central forecast and interval at the horizon."""
    rows = []
    for res in results:
        last = res.forecast.iloc[-1]
        rows.append({
            "indicator": res.indicator, "unit": res.unit, "points used": len(res.series),
            "last used": date_text(res.series.index[-1]), "model": res.model,
            "forecast for": date_text(last["date"]),
            "central": format_number(last["mean"], decimals=decimals_for(res.unit)),
            f"interval ({percent(res.level)})": _interval(last["lower"], last["upper"], res.unit),
        })
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------------------
# Calibration
# --------------------------------------------------------------------------------------------------------


def calibrate(results: Iterable[ForecastResult], level: float = 0.8) -> dict[bool, Benchmark]:
    """The calibration benchmarks the results call for, keyed by ``is_survey``: the EGDI benchmark on the
    panel the forecasts use, the reported-series benchmark on the committed observations."""
    inputs = load_inputs()
    kinds = {res.is_survey for res in results}
    out: dict[bool, Benchmark] = {}
    if True in kinds:
        out[True] = egdi_benchmark(inputs.panel, level=level)
    if False in kinds:
        out[False] = reported_benchmark(inputs, level=level)
    return out


def benchmark_sources(bench: Benchmark, survey: bool) -> list[str]:
    """Source ids of the rows a benchmark scored (for the source line of its chart)."""
    if survey:
        return [EGDI_SOURCE_ID]
    obs = load_inputs().observations
    rows = obs[obs["indicator"].isin(bench.cases["indicator"].unique()) & (obs["kind"] == "actual")
               & (obs["scope"] == "national")]
    return sorted(set(rows["source_id"].astype(str)))


def calibration_table(bench: Benchmark, survey: bool) -> pd.DataFrame:
    """The benchmark per horizon: coverage at its level and what it is compared with, to display."""
    shown = percent(bench.level)
    if survey:
        table = egdi_summary(bench)
        out = pd.DataFrame({
            "horizon": [f"{'next' if h == 1 else 'second'} survey" for h in table["h"]],
            "cases": table["cases"], f"coverage ({shown})": table["coverage"].round(3),
            "MAE (ranks)": table["MAE"].round(2),
            "MAE, always naive": table["MAE naive"].round(2),
            "interval score": table["interval score"].round(2),
            "interval score, pooled naive": table["interval score pooled naive"].round(2),
            "mean width (ranks)": table["mean width"].round(1),
        })
        return out
    table = reported_summary(bench)
    return pd.DataFrame({
        "horizon": [f"{'next' if h == 1 else 'second'} report" for h in table["h"]],
        "cases": table["cases"], "held": table["covered"], f"coverage ({shown})": table["coverage"].round(3),
        "above": table["above"], "below": table["below"],
        "median upper / lower": table["median upper / lower"].round(2),
        "median |log error|": table["median |log error|"].round(3),
        "median |log error|, naive": table["naive median |log error|"].round(3),
        "cumulative below last": table["cumulative below last"],
    })


def reliability_table(bench: Benchmark) -> pd.DataFrame:
    """Observed against nominal coverage per horizon (the numbers of the reliability chart)."""
    table = reliability(bench)
    wide = table.pivot(index="nominal", columns="h", values="observed").round(3)
    wide.columns = [f"observed, {'next' if h == 1 else 'second'}" for h in wide.columns]
    return wide.reset_index()


def own_record(bench: Benchmark, result: ForecastResult) -> tuple[int, int]:
    """(held, cases) of the benchmark's cases of this very series: a country's rank, or one indicator."""
    cases = bench.cases
    own = cases[cases["country"] == result.country] if result.is_survey else cases[
        cases["indicator"] == result.indicator]
    return int(own["covered"].sum()), len(own)


# --------------------------------------------------------------------------------------------------------
# Targets
# --------------------------------------------------------------------------------------------------------


def target_label(result: ForecastResult, reading: TargetReading) -> str:
    """``top 70 (percentile >= 64.06)`` for a rank target, ``>= 30.00%`` for others."""
    if result.is_survey:
        pct = format_number(reading.value, decimals=2)
        if reading.stated_direction == "at_most":
            return f"top {format_number(reading.stated_value)} (percentile >= {pct})"
        return f"rank {format_number(reading.stated_value)} or lower (percentile <= {pct})"
    sign = ">=" if reading.direction == "at_least" else "<="
    return f"{sign} {_value(reading.value, result.unit)}"


def _qualified(value: float | None, qualifier: str, unit: str) -> str:
    words = " ".join(QUALIFIER_WORDS[q] for q in sorted(qualifier_set(qualifier)))
    return f"{words} {_value(value, unit)}" if words else _value(value, unit)


def survey_decision(result: ForecastResult, reading: TargetReading) -> str:
    """Why a survey target is decided: 'decided by the 2024 survey: rank 71; no survey is expected ...'."""
    date = pd.Timestamp(reading.actual_date)
    text = f"decided by the {date.year} survey: rank {reading.survey_rank}"
    if reading.deadline >= result.actuals.index[-1]:
        text += (f"; no survey is expected before the deadline (the next around "
                 f"{date_text(reading.next_survey)})")
    return text


def _survey_outcome(result: ForecastResult, reading: TargetReading) -> dict[str, str]:
    if reading.verdict is None:
        return {"actual": "not yet known", "met": "not yet known",
                "note": "read at the last survey expected on or before the deadline "
                        f"({date_text(reading.read_at)})"}
    year = pd.Timestamp(reading.actual_date).year
    return {"actual": f"rank {reading.survey_rank} ({year} survey)", "met": reading.verdict.value,
            "note": survey_decision(result, reading)}


def _reported_outcome(result: ForecastResult, reading: TargetReading) -> dict[str, str]:
    """Actual, verdict and note of a target: only a figure dated on or before the deadline decides it."""
    verdict, unit = reading.verdict, result.unit
    if verdict is None:
        return {"actual": "not yet known", "met": "not yet known", "note": ""}
    later = ""
    if reading.later_date is not None:
        later = (f"next report: {_qualified(reading.later_value, reading.later_qualifier, unit)} on "
                 f"{date_text(reading.later_date)}, reported after the deadline")
    if verdict in (TargetVerdict.NO_FIGURE, TargetVerdict.NOT_KNOWN_AT_DEADLINE):
        return {"actual": later or "no figure near the deadline", "met": verdict.value,
                "note": f"no figure dated on or before the deadline (within {DEADLINE_TOLERANCE_DAYS} days)"}
    actual = (f"{_qualified(reading.actual_value, reading.actual_qualifier, unit)} "
              f"({date_text(reading.actual_date)})")
    if verdict is not TargetVerdict.TOO_CLOSE:
        return {"actual": actual, "met": verdict.value, "note": ""}
    approximate = qualifier_set(reading.actual_qualifier) <= APPROXIMATE_QUALIFIERS
    note = ("an approximate figure too close to the target to tell" if approximate
            else "a qualified figure that cannot settle it")
    return {"actual": actual + (f"; {later}" if later else ""), "met": verdict.value, "note": note}


def _crossing_text(reading: TargetReading) -> str:
    if reading.crossing_state is CrossingState.CROSSES:
        return date_text(reading.crossing)
    if reading.crossing_state is CrossingState.NOT_WITHIN_WINDOW:
        return f"not within {CROSSING_WINDOW_YEARS} years"
    if reading.crossing_state is CrossingState.ALREADY_MET:
        return reading.crossing_state.value
    return ""


def _forecast_origin_text(reading: TargetReading) -> str:
    if reading.has_forecast:
        return date_text(reading.forecast_origin)
    if reading.no_forecast:
        return f"no forecast: {reading.no_forecast}"
    return f"no forecast: {reading.points_before} point(s) before the deadline"


def targets_table(result: ForecastResult) -> pd.DataFrame:
    """One row per recorded target: the forecast of it from the data before its deadline, and the outcome."""
    digits = decimals_for(result.unit)
    interval = f"interval ({percent(result.level)})"
    rows: list[dict[str, Any]] = []
    for reading in result.targets:
        row: dict[str, Any] = {
            "target": target_label(result, reading), "deadline": date_text(reading.deadline),
            "source": reading.source_ids, "status": reading.status.value,
            "forecast from data up to": _forecast_origin_text(reading),
            "evaluated at": date_text(reading.evaluated_at),
            "p_met": round(reading.probability, 2) if reading.has_forecast else np.nan,
            "central": round(reading.central, digits) if reading.has_forecast else np.nan,
            interval: _interval(reading.lower, reading.upper, result.unit) if reading.interval_shown else "",
            "central crosses": _crossing_text(reading),
        }
        outcome = _survey_outcome if result.is_survey else _reported_outcome
        row.update(outcome(result, reading))
        rows.append(row)
    columns = ["target", "deadline", "source", "status", "forecast from data up to", "evaluated at", "p_met",
               "central", interval, "central crosses", "actual", "met", "note"]
    return pd.DataFrame(rows, columns=columns)


# --------------------------------------------------------------------------------------------------------
# Headlines
# --------------------------------------------------------------------------------------------------------


def headlines(result: ForecastResult) -> list[dict[str, Any]]:
    """Headline records (keyword arguments of :func:`egovanalysis.reporting.headlines.headline`)."""
    last = result.forecast.iloc[-1]
    digits = decimals_for(result.unit)
    value: float | int = round(float(last["mean"]), digits)
    if digits == 0:
        value = int(value)
    source = f"forecast ({result.model}) from data up to {date_text(result.series.index[-1])}"
    note = (f"{percent(result.level)} interval {_value(float(last['lower']), result.unit)} to "
            f"{_value(float(last['upper']), result.unit)}")
    if result.is_survey:
        rank = int(np.rint(result.table["mean"].iloc[-1]))
        note += f"; central rank about {rank} of {int(result.table['n_ranked'].iloc[-1])}"
    name = label(result)
    out = [{"label": f"{name}, central forecast for {date_text(last['date'])}", "value": value,
            "unit": "" if result.is_survey else result.unit, "source": source, "note": note}]
    for reading in result.targets:
        target = target_label(result, reading)
        deadline = date_text(reading.deadline)
        if reading.status is TargetStatus.AHEAD and reading.has_forecast:
            text = "a rough statement of uncertainty from a simple model"
            if reading.evaluated_at != reading.deadline:
                text = (f"at the last survey expected by the deadline ({date_text(reading.evaluated_at)}); "
                        f"{text}")
            out.append({"label": f"{name}: chance of {target} by {deadline}",
                        "value": int(round(100 * reading.probability)), "unit": "%", "source": source,
                        "note": text})
        elif reading.decided_by_the_data and reading.verdict is not None:
            out.append({"label": f"{name}: {target} by {deadline}", "value": verdict_words(reading.verdict),
                        "unit": "", "source": f"UN E-Government Survey panel ({EGDI_SOURCE_ID})",
                        "note": survey_decision(result, reading)})
    return out
