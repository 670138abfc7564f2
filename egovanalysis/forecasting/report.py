"""The forecasting notebook's logic (``notebooks/05-forecast.ipynb``): one call per indicator.

:func:`run` builds everything the notebook shows for one indicator, from the forecasting library
(:mod:`egovanalysis.forecasting.models`, :mod:`egovanalysis.forecasting.backtest`, :mod:`egovanalysis.forecasting.probabilities`):

* the series (national actuals, up to ``cutoff`` when given), the fitted models and the ones refused, with
  the reason;
* a rolling-origin backtest against the naive forecast, the model chosen and the reason
  (:func:`~egovanalysis.forecasting.backtest.choose_model`);
* the chosen model's forecast with a prediction interval at ``level``;
* the indicator's targets: the probability of meeting each by its deadline and the date the central
  forecast crosses it; for deadlines the data have passed, the actual outcome beside what a forecast from
  the data *before* the deadline said. Only an actual dated on or before the deadline (within
  ``DEADLINE_TOLERANCE_DAYS``) decides the outcome; a figure reported after the deadline is shown as context
  and the outcome is then "not known at the deadline";
* when ``cutoff`` hides later actuals: those actuals against the forecast, and a sentence on how it fared.

Sentences are generated from the numbers, so they stay true for any parameters. :func:`plot_fan` draws the
fan chart (actuals, central forecast, interval, targets).

**The EGDI rank** (indicator ``un_egdi_rank``) comes from the UN panel, not from the press figures: the
country's rank per survey is turned into a percentile (``100 * (N - rank) / (N - 1)``, 100 = first) and the
percentile is forecast as a bounded share. Ranks are never extrapolated raw; the stated rank targets
("top 70 by 2025") become percentile targets with N = 193 (the UN member states ranked since 2014). The rank
only changes when a survey is released (every two years, around July), so a rank target is read at the last
survey expected on or before its deadline (:func:`~egovanalysis.forecasting.probabilities.survey_target`): when no survey is
expected between the last one and the deadline, the last survey decides it ("decided by the 2024 survey:
rank 71; no survey is expected before the deadline"), otherwise the probability is taken at the date of
the last expected survey.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from egovanalysis.analysis.egdi import EGDI_SOURCE_ID
from egovanalysis.analysis.targets import deadline_outcome
from egovanalysis.conventions import (
    DEADLINE_TOLERANCE_DAYS,
    QUALIFIER_WORDS,
    SNAPSHOT_RULE,
    UN_MEMBER_STATES,
    percentile_to_rank,
    rank_to_percentile,
)
from egovanalysis.forecasting.backtest import backtest as run_backtest
from egovanalysis.forecasting.backtest import choose_model
from egovanalysis.forecasting.models import (
    QUALIFIER_TREATMENT,
    Fit,
    Fits,
    ForecastError,
    default_models,
    egdi_rank_series,
    fit,
    fit_all,
    series_for,
)
from egovanalysis.forecasting.probabilities import (
    SurveyTarget,
    crossing_date,
    evaluate_past_target,
    survey_target,
    target_probability,
)

__all__ = [
    "CROSSING_WINDOW_YEARS",
    "EGDI_INDICATOR",
    "HEADLINE_INDICATORS",
    "ForecastResult",
    "format_value",
    "normalise_models",
    "plot_fan",
    "run",
    "select_indicators",
    "summary_table",
]

#: The id under which the EGDI rank (targets "top 70/top 50 by 2025") is recorded; forecast from the panel.
EGDI_INDICATOR = "un_egdi_rank"
#: The three headline series of the default run, in the order shown.
HEADLINE_INDICATORS: tuple[str, ...] = ("level4_services_share", "portal_accounts", EGDI_INDICATOR)
#: How far after the last observation the central forecast is searched for a target crossing (years).
CROSSING_WINDOW_YEARS = 10

#: Short names for chart titles and headlines (others use the registry label).
SHORT_LABELS: dict[str, str] = {
    "level4_services_share": "Level-4 online services (share of all services)",
    "portal_accounts": "Registered portal accounts",
    EGDI_INDICATOR: "Viet Nam's EGDI rank, as a percentile",
}



# --------------------------------------------------------------------------------------------------------
# Parameters
# --------------------------------------------------------------------------------------------------------


def select_indicators(indicator: str | None) -> list[str]:
    """The indicators a run covers: ``[indicator]``, or the three headline series for ``None``."""
    if indicator is None:
        return list(HEADLINE_INDICATORS)
    if not isinstance(indicator, str) or not indicator.strip():
        raise ForecastError(f"indicator must be one indicator id (a string) or None, not {indicator!r}")
    return [indicator.strip()]


def normalise_models(models: Sequence[str] | str | None) -> tuple[str, ...] | None:
    """Model names as a tuple, or ``None`` for the defaults.

    Accepts a list, or a string of comma-separated names (``papermill -p models naive,drift`` passes a
    string).
    """
    if models is None:
        return None
    if isinstance(models, str):
        names = [name.strip(" '\"[]") for name in models.split(",")]
        out = tuple(name for name in names if name)
    else:
        out = tuple(str(name) for name in models)
    if not out:
        raise ForecastError("models is empty; give model names or None for the defaults")
    return out


def _cutoff(cutoff: Any) -> pd.Timestamp | None:
    if cutoff is None:
        return None
    try:
        return pd.Timestamp(cutoff).normalize()
    except (TypeError, ValueError) as exc:
        raise ForecastError(f"cutoff must be a date (YYYY-MM-DD) or None, not {cutoff!r}") from exc


# --------------------------------------------------------------------------------------------------------
# Formatting
# --------------------------------------------------------------------------------------------------------


def _decimals(unit: str) -> int:
    return 2 if unit in ("%", "percentile") else 0


def format_value(value: float, unit: str) -> str:
    """A value for a sentence: ``52.33%``, ``percentile 63.54``, ``2,100,000``."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "n/a"
    shown = f"{value:,.{_decimals(unit)}f}"
    if unit == "%":
        return f"{shown}%"
    if unit == "percentile":
        return f"percentile {shown}"
    if unit in ("count", ""):
        return shown
    return f"{shown} {unit}"


def _rounded(values: Any, digits: int) -> pd.Series:
    """Values rounded for display; whole numbers (``digits == 0``) as nullable integers."""
    series = pd.Series(np.asarray(values, dtype=float)).round(digits)
    return series.astype("Int64") if digits == 0 else series


def _date(value: Any) -> str:
    return "" if value is None or pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def _pct(p: float) -> str:
    return f"{100 * p:.0f}%"


# --------------------------------------------------------------------------------------------------------
# The result
# --------------------------------------------------------------------------------------------------------


@dataclass
class ForecastResult:
    """Everything the notebook shows for one indicator (see :func:`run`).

    Tables hold rounded numbers and dates as ``YYYY-MM-DD`` text, ready to display.
    """

    indicator: str
    label: str
    unit: str
    measure: str
    horizon: float
    level: float
    cutoff: pd.Timestamp | None
    series: pd.Series
    actuals: pd.Series
    fits: Fits
    model: str
    reason: str
    forecast: pd.DataFrame
    backtest: pd.DataFrame
    models_table: pd.DataFrame
    targets: pd.DataFrame
    later: pd.DataFrame
    sources: list[str]
    target_points: pd.DataFrame
    texts: dict[str, str] = field(default_factory=dict)

    @property
    def fitted(self) -> Fit:
        """The chosen model's fit."""
        return self.fits[self.model]

    @property
    def title(self) -> str:
        """Chart title."""
        years = f"{self.horizon:g} year" + ("" if float(self.horizon) == 1 else "s")
        return f"{self.label}: forecast {years} ahead"

    @property
    def ylabel(self) -> str:
        """Axis label with the unit."""
        if self.indicator == EGDI_INDICATOR:
            return f"percentile (100 = first of {UN_MEMBER_STATES})"
        if self.unit == "%":
            return "share (%)"
        if self.measure == "cumulative":
            return f"cumulative {self.unit}" if self.unit != "count" else "cumulative count"
        return self.unit

    def forecast_table(self) -> pd.DataFrame:
        """The chosen model's forecast: date, central, interval bounds (and rank equivalents for the EGDI)."""
        digits = _decimals(self.unit)
        table = pd.DataFrame({
            "date": [_date(d) for d in self.forecast["date"]],
            "central": _rounded(self.forecast["mean"], digits),
            "lower": _rounded(self.forecast["lower"], digits),
            "upper": _rounded(self.forecast["upper"], digits),
        })
        if self.indicator == EGDI_INDICATOR:
            central_rank = percentile_to_rank(self.forecast["mean"], UN_MEMBER_STATES)
            table["rank (central)"] = np.rint(central_rank).astype(int)
            table["rank range"] = [
                f"{int(np.rint(percentile_to_rank(u, UN_MEMBER_STATES)))}-"
                f"{int(np.rint(percentile_to_rank(lo, UN_MEMBER_STATES)))}"
                for lo, u in zip(self.forecast["lower"], self.forecast["upper"], strict=True)
            ]
        table.attrs["level"] = self.level
        shown = f"{self.level:.0%}"
        return table.rename(columns={"lower": f"lower ({shown})", "upper": f"upper ({shown})"})

    def headlines(self) -> list[dict[str, Any]]:
        """Headline records (keyword arguments of :func:`egovanalysis.reporting.headlines.headline`)."""
        last = self.forecast.iloc[-1]
        unit = "percentile" if self.indicator == EGDI_INDICATOR else self.unit
        value = round(float(last["mean"]), _decimals(self.unit))
        if _decimals(self.unit) == 0:
            value = int(value)
        source = f"forecast ({self.model}) from data up to {_date(self.series.index[-1])}"
        note = (f"{self.level:.0%} interval {format_value(float(last['lower']), self.unit)} to "
                f"{format_value(float(last['upper']), self.unit)}")
        if self.indicator == EGDI_INDICATOR:
            rank = int(np.rint(percentile_to_rank(float(last["mean"]), UN_MEMBER_STATES)))
            note += f"; central rank about {rank} of {UN_MEMBER_STATES}"
        out = [{"label": f"{self.label}, central forecast for {_date(last['date'])}", "value": value,
                "unit": "" if unit == "percentile" else unit, "source": source, "note": note}]
        for row in self.targets.to_dict("records"):
            if row["status"] == "ahead" and pd.notna(row["p_met"]):
                note = "a rough statement of uncertainty from a simple model"
                if row["evaluated at"] != row["deadline"]:
                    note = f"at the last survey expected by the deadline ({row['evaluated at']}); {note}"
                out.append({"label": f"{self.label}: chance of {row['target']} by {row['deadline']}",
                            "value": int(round(100 * row["p_met"])), "unit": "%", "source": source,
                            "note": note})
            elif row["status"] == "decided" and row["evaluated at"] and (
                    row["evaluated at"] <= row["forecast from data up to"]):  # decided by the data used
                out.append({"label": f"{self.label}: {row['target']} by {row['deadline']}",
                            "value": {"yes": "met", "no": "not met"}.get(row["met"], row["met"]),
                            "unit": "", "source": f"UN E-Government Survey panel ({EGDI_SOURCE_ID})",
                            "note": row["note"]})
        return out


# --------------------------------------------------------------------------------------------------------
# Series and targets
# --------------------------------------------------------------------------------------------------------


def _egdi_percentiles(panel: pd.DataFrame, iso3: str = "VNM") -> pd.Series:
    ranks = egdi_rank_series(panel, iso3)
    n_ranked = ranks.attrs["n_ranked"].to_numpy(dtype=float)
    values = np.asarray(rank_to_percentile(ranks.to_numpy(dtype=float), n_ranked), dtype=float)
    series = pd.Series(values, index=ranks.index, name=EGDI_INDICATOR)
    series.attrs.update({
        "indicator": EGDI_INDICATOR, "unit": "percentile", "measure": "share", "scope": iso3,
        "qualifiers": {}, "n_reports": {}, "qualifier_treatment": QUALIFIER_TREATMENT,
        "conflict_rule": SNAPSHOT_RULE, "ranks": ranks.copy(), "n_ranked": ranks.attrs["n_ranked"],
    })
    return series


def _upto(series: pd.Series, cutoff: pd.Timestamp | None) -> pd.Series:
    if cutoff is None:
        return series
    out = series[series.index <= cutoff]
    out.attrs = dict(series.attrs)
    out.attrs["qualifiers"] = {d: q for d, q in (series.attrs.get("qualifiers") or {}).items()
                               if pd.Timestamp(d) <= cutoff}
    if len(out) < 3:
        raise ForecastError(
            f"'{series.attrs.get('indicator')}' has {len(out)} actual value(s) up to the cutoff "
            f"{cutoff.date()}; at least 3 are needed. Choose a later cutoff"
        )
    return out


def _target_rows(observations: pd.DataFrame, indicator: str) -> pd.DataFrame:
    """National targets of the indicator, one row per (value, deadline, direction), sources joined."""
    rows = observations[(observations["indicator"] == indicator) & (observations["kind"] == "target")
                        & (observations["scope"] == "national")]
    columns = ["value", "deadline", "direction", "source_ids"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame({
        "value": rows["value"].to_numpy(dtype=float),
        "deadline": pd.to_datetime(rows["date"]).to_numpy(),
        "direction": ["at_most" if str(q) in ("at_most", "less_than") else "at_least"
                      for q in rows["qualifier"].fillna("")],
        "source_id": rows["source_id"].astype(str).to_numpy(),
    })
    grouped = frame.groupby(["deadline", "value", "direction"], sort=True)["source_id"]
    out = grouped.agg(lambda ids: ";".join(sorted(set(ids)))).reset_index()
    return out.rename(columns={"source_id": "source_ids"})[columns]


def _target_text(indicator: str, value: float, direction: str, unit: str) -> tuple[str, float, str]:
    """(label, value on the modelled scale, direction on the modelled scale) of a target."""
    if indicator == EGDI_INDICATOR:
        pct = float(rank_to_percentile(min(max(value, 1.0), UN_MEMBER_STATES), UN_MEMBER_STATES))
        if direction == "at_most":
            return f"top {value:g} (percentile >= {pct:.2f})", pct, "at_least"
        return f"rank {value:g} or lower (percentile <= {pct:.2f})", pct, "at_most"
    sign = ">=" if direction == "at_least" else "<="
    return f"{sign} {format_value(value, unit)}", value, direction


def _qualified(value: float | None, qualifier: str, unit: str) -> str:
    words = QUALIFIER_WORDS.get(qualifier, qualifier)
    return f"{words} {format_value(value, unit)}" if words else format_value(value, unit)


def _survey_rank(actuals: pd.Series, date: pd.Timestamp, value: float) -> int:
    """The rank reported in the survey of ``date`` (the panel's), else the rank of the percentile."""
    ranks = actuals.attrs.get("ranks")
    if isinstance(ranks, pd.Series) and date in ranks.index:
        return int(ranks.loc[date])
    return int(np.rint(percentile_to_rank(value, UN_MEMBER_STATES)))


def _survey_decision(actuals: pd.Series, outcome: SurveyTarget) -> str:
    """Why a survey target is decided: 'decided by the 2024 survey: rank 71; no survey is expected ...'."""
    date = pd.Timestamp(outcome.survey_date)
    rank = _survey_rank(actuals, date, float(outcome.survey_value))
    text = f"decided by the {date.year} survey: rank {rank}"
    if outcome.deadline >= actuals.index[-1]:
        text += (f"; no survey is expected before the deadline (the next around "
                 f"{_date(outcome.next_survey)})")
    return text


def _deadline_row(actuals: pd.Series, value: float, deadline: pd.Timestamp, way: str, unit: str,
                  past: bool) -> dict[str, str]:
    """Actual, met and note of a target: only a figure dated on or before the deadline decides it."""
    outcome = deadline_outcome(actuals, value, deadline, direction=way,
                               tolerance_days=DEADLINE_TOLERANCE_DAYS)
    later = ""
    if outcome.later_date is not None:
        later = (f"next report: {_qualified(outcome.later_value, outcome.later_qualifier, unit)} on "
                 f"{_date(outcome.later_date)}, reported after the deadline")
    if outcome.date is None:
        if not past:
            return {"actual": "not yet known", "met": "not yet known", "note": ""}
        note = f"no figure dated on or before the deadline (within {DEADLINE_TOLERANCE_DAYS} days)"
        return {"actual": later or "no figure near the deadline", "met": "not known at the deadline",
                "note": note}
    actual = f"{_qualified(outcome.value, outcome.qualifier, unit)} ({_date(outcome.date)})"
    if outcome.met is not None:
        return {"actual": actual, "met": "yes" if outcome.met else "no", "note": ""}
    quals = set(outcome.qualifier.split("|"))
    if quals & {"about", "nearly"} and not quals & set(QUALIFIER_WORDS) - {"about", "nearly"}:
        note = "an approximate figure too close to the target to tell"
    else:
        note = "a qualified figure that cannot settle it"
    if later:
        actual += f"; {later}"
    return {"actual": actual, "met": "not known at the deadline", "note": note}


def _targets_table(
    series: pd.Series, actuals: pd.Series, targets: pd.DataFrame, model: str, level: float,
    cutoff: pd.Timestamp | None, indicator: str, unit: str,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The targets table (one row per target) and the target points to draw (modelled scale).

    Past targets (``status`` "passed") are judged only on an actual dated on or before the deadline (see
    :func:`~egovanalysis.analysis.targets.deadline_outcome`); a figure reported after it is shown as context and
    the outcome is "not known at the deadline". The EGDI rank is read at the last survey expected on or
    before the deadline (:func:`~egovanalysis.forecasting.probabilities.survey_target`): when no survey is expected between
    the last one and the deadline, that survey decides the target (``status`` "decided", ``p_met`` 1 or
    0), otherwise the probability is the forecast's at the expected survey (column ``evaluated at``).
    """
    digits = _decimals(unit)
    survey = indicator == EGDI_INDICATOR
    rows: list[dict[str, Any]] = []
    points: list[dict[str, Any]] = []
    for target in targets.itertuples(index=False):
        deadline = pd.Timestamp(target.deadline)
        label, value, way = _target_text(indicator, float(target.value), str(target.direction), unit)
        points.append({"deadline": deadline, "value": value, "label": label})
        row: dict[str, Any] = {"target": label, "deadline": _date(deadline), "source": target.source_ids}
        past = deadline <= actuals.index[-1]
        outcome = survey_target(actuals, value, deadline, direction=way) if survey else None
        decided = outcome is not None and outcome.decided
        row["status"] = "passed" if past else "decided" if decided else "ahead"
        train_end = deadline - pd.Timedelta(days=1)
        if cutoff is not None:
            train_end = min(train_end, cutoff)
        train = series[series.index <= train_end]
        train.attrs = dict(series.attrs)
        row.update({"forecast from data up to": "", "evaluated at": "", "p_met": np.nan, "central": np.nan,
                    f"interval ({level:.0%})": "", "central crosses": "", "actual": "", "met": "",
                    "note": ""})
        forecast_ok = len(train) >= 3
        at = deadline
        interval = ""
        if forecast_ok:
            try:
                fitted = fit(train, model)
                if survey:
                    reading = survey_target(train, value, deadline, model=model, level=level, direction=way)
                    at = reading.read_at
                    p, central, lower, upper = (reading.probability, reading.central, reading.lower,
                                                reading.upper)
                    if not reading.decided:
                        interval = f"{lower:,.{digits}f} to {upper:,.{digits}f}"
                elif past:
                    verdict = evaluate_past_target(actuals, value, deadline, cutoff=train_end, model=model,
                                                   level=level, direction=way,
                                                   tolerance_days=DEADLINE_TOLERANCE_DAYS)
                    p, central, lower, upper = (verdict.probability, verdict.central, verdict.lower,
                                                verdict.upper)
                    interval = f"{lower:,.{digits}f} to {upper:,.{digits}f}"
                else:
                    p = target_probability(train, value, deadline, model=model, direction=way)
                    at_row = fitted.forecast(0.0, level=level, dates=[deadline]).iloc[0]
                    central, lower, upper = (float(at_row["mean"]), float(at_row["lower"]),
                                             float(at_row["upper"]))
                    interval = f"{lower:,.{digits}f} to {upper:,.{digits}f}"
            except ForecastError as exc:
                forecast_ok = False
                row["forecast from data up to"] = f"no forecast: {exc}"
        else:
            row["forecast from data up to"] = f"no forecast: {len(train)} point(s) before the deadline"
        if forecast_ok:
            crossing = crossing_date(fitted, value, direction=way, horizon=CROSSING_WINDOW_YEARS)
            if crossing is None:
                crossed = f"not within {CROSSING_WINDOW_YEARS} years"
            elif crossing <= fitted.last_date:
                crossed = "already met at the last point"
            else:
                crossed = _date(crossing)
            row.update({
                "forecast from data up to": _date(train.index[-1]), "evaluated at": _date(at),
                "p_met": round(float(p), 2), "central": round(central, digits),
                f"interval ({level:.0%})": interval, "central crosses": crossed,
            })
        if outcome is not None:
            if decided:
                date = pd.Timestamp(outcome.survey_date)
                rank = _survey_rank(actuals, date, float(outcome.survey_value))
                row["actual"] = f"rank {rank} ({date.year} survey)"
                row["met"] = {True: "yes", False: "no", None: "not known at the deadline"}[outcome.met]
                row["note"] = _survey_decision(actuals, outcome)
            else:
                row["actual"], row["met"] = "not yet known", "not yet known"
                row["note"] = (f"read at the last survey expected on or before the deadline "
                               f"({_date(outcome.read_at)})")
        else:
            row.update(_deadline_row(actuals, value, deadline, way, unit, past))
        rows.append(row)
    columns = ["target", "deadline", "source", "status", "forecast from data up to", "evaluated at", "p_met",
               "central", f"interval ({level:.0%})", "central crosses", "actual", "met", "note"]
    return pd.DataFrame(rows, columns=columns), pd.DataFrame(points, columns=["deadline", "value", "label"])


def _later_table(fitted: Fit, actuals: pd.Series, cutoff: pd.Timestamp | None, level: float,
                 unit: str) -> pd.DataFrame:
    columns = ["date", "years ahead", "actual", "qualifier", "central", f"lower ({level:.0%})",
               f"upper ({level:.0%})", "inside", "error (%)"]
    if cutoff is None:
        return pd.DataFrame(columns=columns)
    later = actuals[actuals.index > cutoff]
    if later.empty:
        return pd.DataFrame(columns=columns)
    frame = fitted.forecast(0.0, level=level, dates=later.index)
    digits = _decimals(unit)
    actual = later.to_numpy(dtype=float)
    quals = actuals.attrs.get("qualifiers") or {}
    years = np.asarray((later.index - fitted.last_date) / pd.Timedelta(days=1), dtype=float) / 365.25
    table = pd.DataFrame({
        "date": [_date(d) for d in later.index],
        "years ahead": np.round(years, 2),
        "actual": _rounded(actual, digits),
        "qualifier": [quals.get(_date(d), "") for d in later.index],
        "central": _rounded(frame["mean"], digits),
        f"lower ({level:.0%})": _rounded(frame["lower"], digits),
        f"upper ({level:.0%})": _rounded(frame["upper"], digits),
        "inside": [bool(lo <= a <= hi)
                   for a, lo, hi in zip(actual, frame["lower"], frame["upper"], strict=True)],
        "error (%)": np.round(100 * (frame["mean"].to_numpy() - actual) / actual, 1),
    })
    return table[columns]


# --------------------------------------------------------------------------------------------------------
# Sentences
# --------------------------------------------------------------------------------------------------------


def _fared_text(later: pd.DataFrame, result_model: str, level: float, unit: str, cutoff: pd.Timestamp | None,
                last_used: pd.Timestamp) -> str:
    if cutoff is None:
        return "No cutoff was set: the forecast uses all the data, so there are no later actuals to check it."
    if later.empty:
        return (f"No actual in the data is later than the cutoff ({_date(cutoff)}), so the forecast cannot "
                "be checked yet.")
    inside = int(later["inside"].sum())
    n = len(later)
    parts = []
    for row in later.itertuples(index=False):
        actual = float(row[2])
        lo, hi = float(row[5]), float(row[6])
        where = "inside" if row.inside else ("above" if actual > hi else "below")
        qual = QUALIFIER_WORDS.get(row.qualifier, row.qualifier)
        prefix = f"{qual} " if qual else ""
        parts.append(f"on {row.date} the actual was {prefix}{format_value(actual, unit)}, "
                     f"{where} the interval ({format_value(lo, unit)} to {format_value(hi, unit)}; central "
                     f"{format_value(float(row.central), unit)})")
    errors = later["error (%)"].to_numpy(dtype=float)
    direction = "too high" if np.mean(errors) > 0 else "too low"
    verdict = ("it held up" if inside == n else "it missed" if inside == 0 else "it held up only in part")
    text = (f"Fitted on the data up to {_date(cutoff)} (last point {_date(last_used)}), the {result_model} "
            f"forecast was checked against {n} later actual(s): {'; '.join(parts)}. "
            f"{inside} of {n} later actual(s) fell inside the {level:.0%} interval, so {verdict}; on average "
            f"the central forecast was {abs(np.mean(errors)):.0f}% {direction}.")
    if later["qualifier"].astype(bool).any():
        text += (" Some later figures are qualified (e.g. 'more than'): they are compared at their stated "
                 "value.")
    return text


def _uncertainty_text(series: pd.Series, fits: Fits, model: str, reason: str, backtest: pd.DataFrame,
                      forecast: pd.DataFrame, level: float, unit: str) -> str:
    n = len(series)
    quals = len(series.attrs.get("qualifiers") or {})
    last = forecast.iloc[-1]
    text = (f"The series has only {n} points ({_date(series.index[0])} to {_date(series.index[-1])})"
            + (f", {quals} of them {'a qualified figure' if quals == 1 else 'qualified figures'} (such as "
               "'more than') fitted at the stated value" if quals else "") + ". ")
    text += (f"The {level:.0%} interval for {_date(last['date'])} runs from "
             f"{format_value(float(last['lower']), unit)} to {format_value(float(last['upper']), unit)} "
             "around a central "
             f"{format_value(float(last['mean']), unit)}; the true value may well fall outside it. ")
    if reason.startswith("no model beats the naive forecast"):
        text += ("No model beats the naive forecast in the backtest, so the forecast is naive: the best "
                 "available guess is that the value stays where it was, with uncertainty growing over time.")
    elif reason.startswith("too few backtest forecasts") and model == "naive":
        text += ("The series is too short for the backtest (or an in-sample comparison) to show that any "
                 "model beats the naive forecast, so the forecast is naive: the value is assumed to stay "
                 "where it was, with uncertainty growing over time.")
    elif reason.startswith("too few backtest forecasts"):
        text += ("The series is too short for the backtest to show whether any model beats the naive "
                 f"forecast; {model} was chosen on in-sample fit only, so read its path as one plausible "
                 "continuation, not as a tested prediction.")
    else:
        sub = backtest[backtest["model"] == model]
        n_fc = int(sub["n_forecasts"].sum())
        cover = float((sub["coverage"] * sub["n_forecasts"]).sum() / n_fc) if n_fc else float("nan")
        text += (f"In the backtest {model} beat the naive forecast ({reason}); its {level:.0%} intervals "
                 f"held {cover:.0%} of the {n_fc} backtest actuals")
        if cover < level - 0.15:
            text += (", far fewer than they should: its intervals are too narrow and understate the "
                     "uncertainty")
        text += ". That is a small sample from one short series."
    return text


def _choice_text(model: str, reason: str, fits: Fits) -> str:
    text = f"**Model chosen: {model}.** Why: {reason}."
    if fits.refused:
        text += " Not fitted: " + "; ".join(f"{m} ({why})" for m, why in fits.refused.items()) + "."
    return text


def _targets_summary(targets: pd.DataFrame, unit: str) -> str:
    if targets.empty:
        return "No national target is recorded for this indicator."
    parts = []
    rough = False
    for row in targets.to_dict("records"):
        head = f"{row['target']} by {row['deadline']}"
        origin, at = str(row["forecast from data up to"]), str(row["evaluated at"])
        said = ""
        if pd.isna(row["p_met"]):
            said = "no forecast could be made from the data before it"
        elif not at <= origin:  # a forecast, not a survey already observed
            rough = True
            where = "" if at == row["deadline"] else f" at the last survey expected by the deadline, {at}"
            said = (f"the forecast from data up to {origin} gave it a {_pct(row['p_met'])} chance{where} "
                    f"(central {format_value(float(row['central']), unit)}; central forecast crosses it: "
                    f"{row['central crosses']})")
        met, note = row["met"], row["note"]
        if met in ("yes", "no"):
            outcome = f"actual {row['actual']}, met: {met}"
        else:
            outcome = f"outcome {met}" + (f": {note}" if note else "") + f"; {row['actual']}"
        if row["status"] == "decided":
            verdict = {"yes": "met", "no": "not met"}.get(met, met)
            parts.append(f"{head}: {note}, so it is {verdict}" + (f"; {said}" if said else ""))
        elif row["status"] == "passed":
            parts.append(f"{head}: deadline passed; " + (f"{said}; " if said else "") + outcome)
        else:
            parts.append(f"{head}: {said}")
    text = "Targets: " + ". ".join(parts) + "."
    if rough:
        text += " These probabilities come from one simple model fitted to a few points; read them as rough."
    return text


# --------------------------------------------------------------------------------------------------------
# Run
# --------------------------------------------------------------------------------------------------------


def run(
    indicator: str,
    horizon: float = 3,
    models: Sequence[str] | str | None = None,
    cutoff: Any = None,
    level: float = 0.8,
    *,
    observations: pd.DataFrame,
    panel: pd.DataFrame | None = None,
    registry: pd.DataFrame | None = None,
    iso3: str = "VNM",
) -> ForecastResult:
    """Forecast one indicator and gather the notebook's tables and sentences.

    ``indicator`` is an indicator id of ``observations`` (national actuals, at least 3 dates up to
    ``cutoff``), or ``"un_egdi_rank"`` for the EGDI rank of ``iso3`` from ``panel`` (forecast as a
    percentile). ``horizon`` is in years; ``models`` a list of model names (or comma-separated text), or
    ``None`` for the defaults of the indicator's measure; ``cutoff`` a date: only data up to it are
    fitted, and later actuals are compared with the forecast; ``level`` the interval level. ``registry``
    (``load_indicators()``) gives the measure and label of the indicator.

    Raises :class:`~egovanalysis.forecasting.models.ForecastError` for an unknown indicator, too few points, an
    unknown model or an invalid parameter.
    """
    if not isinstance(horizon, int | float) or isinstance(horizon, bool) or not horizon > 0:
        raise ForecastError(f"horizon must be a positive number of years, not {horizon!r}")
    if not isinstance(level, int | float) or not 0 < float(level) < 1:
        raise ForecastError(f"level must be between 0 and 1 (e.g. 0.8), not {level!r}")
    level = float(level)
    chosen_models = normalise_models(models)
    cut = _cutoff(cutoff)
    indicator = select_indicators(indicator)[0]

    if indicator == EGDI_INDICATOR:
        if panel is None:
            raise ForecastError("the EGDI rank is forecast from the UN panel: pass panel=load_egdi()")
        actuals = _egdi_percentiles(panel, iso3)
        label, unit, measure = SHORT_LABELS[EGDI_INDICATOR], "percentile", "share"
        if iso3 != "VNM":
            label = f"{iso3}: EGDI rank, as a percentile"
        sources = [EGDI_SOURCE_ID]
    else:
        actuals = series_for(observations, indicator, registry=registry)
        unit = str(actuals.attrs.get("unit") or "")
        measure = str(actuals.attrs.get("measure") or "")
        label = SHORT_LABELS.get(indicator, indicator)
        if indicator not in SHORT_LABELS and registry is not None:
            reg = registry.set_index("id") if "id" in registry.columns else registry
            if indicator in reg.index:
                label = str(reg.loc[indicator, "label"])
        rows = observations[(observations["indicator"] == indicator) & (observations["kind"] == "actual")
                            & (observations["scope"] == "national")]
        sources = list(dict.fromkeys(rows.sort_values("date")["source_id"].astype(str)))
    series = _upto(actuals, cut)
    if measure and "measure" not in series.attrs:
        series.attrs["measure"] = measure
    model_list = chosen_models if chosen_models is not None else default_models(measure or None)

    fits = fit_all(series, model_list)
    if not fits:
        raise ForecastError("no model could be fitted: " + "; ".join(
            f"{m}: {why}" for m, why in fits.refused.items()))
    table = run_backtest(series, model_list, level)
    model, reason = choose_model(table, fits)
    fitted = fits[model]
    frame = fitted.forecast(float(horizon), level=level)
    target_list = _target_rows(observations, indicator)
    if indicator == EGDI_INDICATOR and iso3 != "VNM":
        target_list = target_list.iloc[0:0]  # the recorded rank targets are Viet Nam's
    targets, target_points = _targets_table(series, actuals, target_list, model, level, cut, indicator,
                                            unit)
    later = _later_table(fitted, actuals, cut, level, unit)
    sources += [s for ids in target_list["source_ids"] for s in str(ids).split(";") if s not in sources]

    models_table = _models_table(fits, table, frame, level, unit)
    backtest_shown = table.assign(mase=table["mase"].round(2), coverage=table["coverage"].round(2))
    result = ForecastResult(
        indicator=indicator, label=label, unit=unit, measure=measure, horizon=horizon, level=level,
        cutoff=cut, series=series, actuals=actuals, fits=fits, model=model, reason=reason, forecast=frame,
        backtest=backtest_shown, models_table=models_table, targets=targets, later=later, sources=sources,
        target_points=target_points,
    )
    result.texts = {
        "choice": _choice_text(model, reason, fits),
        "uncertainty": _uncertainty_text(series, fits, model, reason, table, frame, level, unit),
        "targets": _targets_summary(targets, unit),
        "fared": _fared_text(later, model, level, unit, cut, series.index[-1]),
    }
    return result


def _models_table(
    fits: Fits, table: pd.DataFrame, frame: pd.DataFrame, level: float, unit: str
) -> pd.DataFrame:
    """Each model asked for: backtest forecasts, mean MASE, coverage, and its forecast at the horizon."""
    digits = _decimals(unit)
    end = frame["date"].iloc[-1]
    rows: list[dict[str, Any]] = []
    for name in [*fits, *fits.refused]:
        part = table[table["model"] == name]
        n_fc = int(part["n_forecasts"].sum())
        row: dict[str, Any] = {
            "model": name,
            "backtest forecasts": n_fc,
            "MASE": round(float((part["mase"] * part["n_forecasts"]).sum() / n_fc), 2) if n_fc else np.nan,
            "coverage": round(float((part["coverage"] * part["n_forecasts"]).sum() / n_fc), 2) if n_fc
            else np.nan,
        }
        if name in fits:
            at = fits[name].forecast(0.0, level=level, dates=[end]).iloc[0]
            row[f"central {_date(end)}"] = round(float(at["mean"]), digits)
            row[f"interval ({level:.0%})"] = f"{at['lower']:,.{digits}f} to {at['upper']:,.{digits}f}"
            row["note"] = ""
        else:
            row[f"central {_date(end)}"] = np.nan
            row[f"interval ({level:.0%})"] = ""
            row["note"] = "not fitted: " + fits.refused[name]
        rows.append(row)
    out = pd.DataFrame(rows)
    central = f"central {_date(end)}"
    out[central] = _rounded(out[central], digits)
    return out


# --------------------------------------------------------------------------------------------------------
# Chart
# --------------------------------------------------------------------------------------------------------


def _plot_grid(result: ForecastResult) -> pd.DatetimeIndex:
    last = result.fitted.last_date
    end = max(pd.Timestamp(result.forecast["date"].max()),
              result.actuals.index.max() if result.cutoff is not None else last)
    months = max(1, int(math.ceil((end - last) / pd.Timedelta(days=30.4375))))
    return pd.DatetimeIndex([last + pd.DateOffset(months=m) for m in range(1, months + 1)])


def plot_fan(result: ForecastResult, ax: Axes | None = None) -> Axes:
    """Fan chart: actuals used for the fit, later actuals, central forecast, interval and targets.

    Counts spanning more than 1.5 orders of magnitude are drawn on a log scale (said in the axis label).
    Finish the chart with :func:`egovanalysis.reporting.style.finish` (title ``result.title``, y label
    ``result.ylabel``, sources ``result.sources``).
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots()
    grid = _plot_grid(result)
    fitted = result.fitted
    frame = fitted.forecast(0.0, level=result.level, dates=grid)
    # The fan starts one month after the last observation: a trend model's line need not pass through the
    # last point, and the gap shows it.
    dates = pd.DatetimeIndex(frame["date"])
    mean = frame["mean"].to_numpy(dtype=float)
    lower = frame["lower"].to_numpy(dtype=float)
    upper = frame["upper"].to_numpy(dtype=float)
    ax.fill_between(dates, lower, upper, color="C0", alpha=0.2, linewidth=0,
                    label=f"{result.level:.0%} prediction interval")
    ax.plot(dates, mean, color="C0", linestyle="--", label=f"central forecast ({result.model})")
    ax.plot(result.series.index, result.series.to_numpy(), color="0.15", marker="o",
            label="actual, used for the fit")
    if result.cutoff is not None:
        later = result.actuals[result.actuals.index > result.cutoff]
        if not later.empty:
            ax.plot(later.index, later.to_numpy(), linestyle="none", marker="o", markerfacecolor="white",
                    markeredgecolor="C3", markeredgewidth=1.8, markersize=8,
                    label="actual after the cutoff (not used)")
        ax.axvline(result.cutoff, color="0.5", linestyle=":", linewidth=1.2,
                   label=f"cutoff {_date(result.cutoff)}")
    for i, point in enumerate(result.target_points.itertuples(index=False)):
        ax.plot([point.deadline], [point.value], linestyle="none", marker="X", markersize=10, color="C2",
                label="target (value by deadline)" if i == 0 else None, zorder=4)
        ax.annotate(f"{point.label} by {_date(point.deadline)}", (point.deadline, point.value),
                    textcoords="offset points", xytext=(-6, 8 + 12 * (i % 2)), ha="right", fontsize=8,
                    color="C2")
    values = np.concatenate([result.actuals.to_numpy(dtype=float), mean, upper])
    positive = values[values > 0]
    if (result.measure in ("cumulative", "count", "flow") and len(positive)
            and positive.max() / positive.min() > 10**1.5):
        ax.set_yscale("log")
        ax.yaxis.set_major_formatter(plt.FuncFormatter(_short_number))
        ax.set_ylabel(f"{result.ylabel} (log scale)")
    else:
        ax.set_ylabel(result.ylabel)
        if result.unit in ("%", "percentile"):
            ax.set_ylim(0, 100)
    ax.legend(loc="upper left", fontsize=8)
    return ax


def _short_number(value: float, _pos: Any = None) -> str:
    for size, suffix in ((1e9, "bn"), (1e6, "m"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:g}{suffix}"
    return f"{value:g}"


def summary_table(results: Iterable[ForecastResult]) -> pd.DataFrame:
    """One row per indicator: points used, model chosen, central forecast and interval at the horizon."""
    rows = []
    for res in results:
        last = res.forecast.iloc[-1]
        digits = _decimals(res.unit)
        rows.append({
            "indicator": res.indicator, "unit": res.unit, "points used": len(res.series),
            "last used": _date(res.series.index[-1]), "model": res.model,
            "forecast for": _date(last["date"]), "central": f"{last['mean']:,.{digits}f}",
            f"interval ({res.level:.0%})": f"{last['lower']:,.{digits}f} to {last['upper']:,.{digits}f}",
        })
    return pd.DataFrame(rows)
