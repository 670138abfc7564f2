"""Sentences of the forecast notebook, generated from a :class:`~egovanalysis.forecasting.ForecastResult`.

Every sentence is built from the numbers and the verdicts (:class:`~egovanalysis.forecasting.choice.
ChoiceBasis`, :class:`~egovanalysis.analysis.targets.TargetVerdict`), never the other way round: no code
reads these sentences. Numbers are written by :func:`~egovanalysis.reporting.formatting.format_number`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from egovanalysis.analysis.targets import TargetVerdict
from egovanalysis.conventions import QUALIFIER_WORDS
from egovanalysis.forecasting.choice import ChoiceBasis
from egovanalysis.forecasting.growth_band import BAND_LEVEL
from egovanalysis.forecasting.target_readings import TargetStatus
from egovanalysis.reporting.formatting import decimals_for, format_number

if TYPE_CHECKING:
    from egovanalysis.forecasting import ForecastResult

__all__ = [
    "calibration_text",
    "fared_text",
    "percent",
    "run_summary",
    "method_text",
    "targets_text",
    "uncertainty_text",
    "verdict_words",
]


def _value(value: float | None, unit: str) -> str:
    return format_number(value, unit, decimals=decimals_for(unit))


def percent(share: float) -> str:
    """A share of 1 as a whole percentage: ``0.8`` -> ``80%``."""
    return format_number(100 * share, "%", decimals=0)


def _date(value: object) -> str:
    return "" if value is None or pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def verdict_words(verdict: TargetVerdict) -> str:
    """A target verdict as it reads after "so it is": met, not met, too close to call, ..."""
    return {TargetVerdict.MET: "met", TargetVerdict.MISSED: "not met"}.get(verdict, verdict.value)


def run_summary(results: list[ForecastResult], horizon: float, level: float, cutoff: str | None) -> str:
    """One line on what the run forecast: how many series, how far ahead, at which level, from which data."""
    data = f"from data up to {cutoff}" if cutoff is not None else "from all the data"
    return (f"{len(results)} series forecast {format_number(horizon)} years ahead at the {percent(level)} "
            f"level, {data}")


def _pooled_sentences(result: ForecastResult) -> str:
    fc = result.forecaster
    ahead = [int(h) for h in fc.surveys_ahead(pd.DatetimeIndex(result.forecast["date"])) if h]
    text = (f"{result.country_name}'s next rank is forecast to stay where it is, because no trend model beat "
            "\"no change\" when tested on every country of the panel. ")
    if not ahead:
        return text + "No survey is expected by the forecast date, so the last rank stands."
    moves = fc.moves(ahead[0])
    return text + (f"The {percent(result.level)} range spans the moves that countries standing within "
                   f"{format_number(moves.window, decimals=0)} percentile points of the same position made "
                   f"over the same number of surveys ({moves.n} moves, {moves.first_survey.year} to "
                   f"{moves.last_survey.year}).")


def _band_sentences(result: ForecastResult) -> str:
    fc = result.forecaster
    lo, hi = (format_number(u) for u in fc.band)
    if fc.share:
        return ("The share continues its recent pace on the logit scale (an S-shaped curve that flattens by "
                f"itself near 0 and 100%), measured since {_date(fc.pace_from)}; the {percent(BAND_LEVEL)} "
                f"range runs from {format_number(-fc.band[0])} times that pace backwards to {hi} times it "
                "forwards, so it always stays within 0-100%.")
    floor = ("the last reported value (a cumulative count cannot fall)" if fc.cumulative
             else f"{lo} times that growth")
    return (f"The count keeps growing at its recent pace (measured since {_date(fc.pace_from)}), with that "
            f"pace halving every {format_number(fc.half_life)} year, so the projection levels off instead of "
            f"exploding; the {percent(BAND_LEVEL)} range runs from {floor} to {hi} times the damped growth.")


def method_text(result: ForecastResult) -> str:
    """The method in two sentences, and why it is the one used (from the choice's basis)."""
    basis, model = result.choice.basis, result.model
    if model == "pooled_naive":
        text = _pooled_sentences(result)
    elif model == "growth_band":
        text = _band_sentences(result)
    elif basis is ChoiceBasis.NO_BENCHMARKED_METHOD:
        text = ("No benchmarked method applies to this kind of series, so the forecast is naive: the value "
                "stays where it was, with an interval from the series' own past changes.")
    else:
        text = f"The model {model} is fitted to this series alone."
    if basis is ChoiceBasis.REQUESTED:
        text += (f" **{model} was asked for** (parameter `model`); by default the forecast uses the method "
                 "the calibration benchmark supports for this kind of series.")
    return text


def calibration_text(result: ForecastResult, held: int, cases: int, summary: pd.DataFrame) -> str:
    """How often the method's intervals held, on the benchmark and on this very series' past."""
    total = summary.set_index("h")
    kind = "survey" if result.is_survey else "report"
    scope = ("every country of the panel, from the surveys of 2008 to 2022" if result.is_survey
             else "every national series with at least 5 reports, from each report on")
    text = (f"Out of sample, the {percent(result.level)} intervals held {percent(total.loc[1, 'coverage'])} "
            f"of the next {kind}'s values and {percent(total.loc[2, 'coverage'])} of the second's "
            f"({int(total['cases'].sum())} forecasts: {scope}). ")
    who = f"{result.country_name}'s" if result.is_survey else "this series'"
    if cases:
        return text + f"On {who} own past they held {held} of {cases} times."
    return text + f"There is no case of {who} own in the benchmark."


def uncertainty_text(result: ForecastResult) -> str:
    """How many points, and the interval at the horizon."""
    series, unit, level = result.series, result.unit, result.level
    quals = len(series.attrs.get("qualifiers") or {})
    last = result.forecast.iloc[-1]
    text = (f"The series has {len(series)} points ({_date(series.index[0])} to "
            f"{_date(series.index[-1])})"
            + (f", {quals} of them {'a qualified figure' if quals == 1 else 'qualified figures'} (such as "
               "'more than') taken at the stated value" if quals else "") + ". ")
    if result.is_survey:
        row = result.table.iloc[-1]
        lower, upper, central = (format_number(row[c], decimals=0) for c in ("lower", "upper", "mean"))
        return text + (f"For the survey of {_date(last['date'])} the {percent(level)} interval runs from "
                       f"rank {lower} to {upper} of {int(row['n_ranked'])} around a central {central}.")
    return text + (f"The {percent(level)} interval for {_date(last['date'])} runs from "
                   f"{_value(last['lower'], unit)} to {_value(last['upper'], unit)} around a central "
                   f"{_value(last['mean'], unit)}; the true value may well fall outside it.")


def _later_part(row: object, unit: str, survey: bool) -> str:
    if survey:
        where = "inside" if row.inside else ("better than" if row.actual < row.lower else "worse than")
        actual, lower, upper, central = (format_number(v, decimals=0)
                                         for v in (row.actual, row.lower, row.upper, row.central))
        return (f"in the survey of {_date(row.date)} it ranked {actual}, {where} the interval ({lower} to "
                f"{upper}; central {central})")
    where = "inside" if row.inside else ("above" if row.actual > row.upper else "below")
    qual = QUALIFIER_WORDS.get(row.qualifier, row.qualifier)
    prefix = f"{qual} " if qual else ""
    return (f"on {_date(row.date)} the actual was {prefix}{_value(row.actual, unit)}, {where} the interval "
            f"({_value(row.lower, unit)} to {_value(row.upper, unit)}; central {_value(row.central, unit)})")


def _average_error(result: ForecastResult) -> str:
    later = result.later
    if result.is_survey:
        mean = float(np.mean(later["error"].to_numpy(dtype=float)))
        side = "worse" if mean > 0 else "better"
        places = format_number(abs(mean), decimals=0)
        return f"; on average the central rank was {places} places {side} than the actual"
    errors = later["error_pct"].to_numpy(dtype=float)
    errors = errors[np.isfinite(errors)]
    if not len(errors):
        return ""
    direction = "too high" if np.mean(errors) > 0 else "too low"
    return f"; on average the central forecast was {percent(abs(np.mean(errors)) / 100)} {direction}"


def fared_text(result: ForecastResult) -> str:
    """How the forecast made at the cutoff fared against the later actuals."""
    cutoff, later, level = result.cutoff, result.later, result.level
    if cutoff is None:
        return "No cutoff was set: the forecast uses all the data, so there are no later actuals to check it."
    missing = later.attrs.get("not_forecast") or []
    beyond = (f" The actual(s) of {', '.join(_date(d) for d in missing)} lie further ahead than the method "
              "can forecast from the data up to the cutoff." if missing else "")
    if later.empty:
        return (f"No actual in the data that the forecast reaches is later than the cutoff "
                f"({_date(cutoff)}), so the forecast cannot be checked yet." + beyond)
    inside = int(later["inside"].sum())
    n = len(later)
    parts = [_later_part(row, result.unit, result.is_survey) for row in later.itertuples(index=False)]
    verdict = "it held up" if inside == n else "it missed" if inside == 0 else "it held up only in part"
    text = (f"Fitted on the data up to {_date(cutoff)} (last point {_date(result.series.index[-1])}), the "
            f"{result.model} forecast was checked against {n} later actual(s): {'; '.join(parts)}. "
            f"{inside} of {n} later actual(s) fell inside the {percent(level)} interval, so {verdict}"
            f"{_average_error(result)}.")
    if later["qualifier"].astype(bool).any():
        text += (" Some later figures are qualified (e.g. 'more than'): they are compared at their stated "
                 "value.")
    return text + beyond


def targets_text(result: ForecastResult, table: pd.DataFrame) -> str:
    """One sentence per target: what the forecast said and what happened (``table``: the targets table)."""
    if not result.targets:
        return "No national target is recorded for this indicator."
    parts = []
    rough = False
    for reading, row in zip(result.targets, table.to_dict("records"), strict=True):
        head = f"{row['target']} by {row['deadline']}"
        said = ""
        if not reading.has_forecast:
            said = "no forecast could be made from the data before it"
        elif reading.is_forecast:
            rough = True
            at = reading.evaluated_at
            where = ("" if at == reading.deadline
                     else f" at the last survey expected by the deadline, {_date(at)}")
            said = (f"the forecast from data up to {_date(reading.forecast_origin)} gave it a "
                    f"{percent(reading.probability)} chance{where} (central "
                    f"{_value(reading.central, result.unit)}; central forecast crosses it: "
                    f"{row['central crosses']})")
        verdict, note = reading.verdict, row["note"]
        if reading.status is TargetStatus.DECIDED and verdict is not None:
            parts.append(f"{head}: {note}, so it is {verdict_words(verdict)}" + (f"; {said}" if said else ""))
        elif reading.status is TargetStatus.PASSED:
            if verdict in (TargetVerdict.MET, TargetVerdict.MISSED):
                outcome = f"actual {row['actual']}: {verdict_words(verdict)}"
            else:
                outcome = f"outcome {row['met']}" + (f": {note}" if note else "") + f"; {row['actual']}"
            parts.append(f"{head}: deadline passed; " + (f"{said}; " if said else "") + outcome)
        else:
            parts.append(f"{head}: {said}")
    text = "Targets: " + ". ".join(parts) + "."
    if rough:
        text += " These probabilities come from one simple model fitted to a few points; read them as rough."
    return text
