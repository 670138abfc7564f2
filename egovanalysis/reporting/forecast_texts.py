"""Sentences of the forecast notebook, generated from a :class:`~egovanalysis.forecasting.ForecastResult`.

Every sentence is built from the numbers and the verdicts (:class:`~egovanalysis.forecasting.choice.
ChoiceBasis`, :class:`~egovanalysis.analysis.targets.TargetVerdict`), never the other way round: no code
reads these sentences. Numbers are written by :func:`~egovanalysis.reporting.formatting.format_number`.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from egovanalysis.analysis.targets import TargetVerdict
from egovanalysis.conventions import QUALIFIER_WORDS
from egovanalysis.forecasting.choice import ChoiceBasis, ModelChoice
from egovanalysis.forecasting.target_readings import TargetStatus
from egovanalysis.reporting.formatting import decimals_for, format_number

if TYPE_CHECKING:
    from egovanalysis.forecasting import ForecastResult

__all__ = [
    "choice_text",
    "fared_text",
    "percent",
    "reason_text",
    "targets_text",
    "uncertainty_text",
    "verdict_words",
]


def _value(value: float | None, unit: str) -> str:
    return format_number(value, unit, decimals=decimals_for(unit))


def percent(share: float) -> str:
    """A share of 1 as a whole percentage: ``0.8`` -> ``80%``."""
    return format_number(100 * share, "%", decimals=0)


def _two(value: float) -> str:
    return format_number(value, decimals=2)


def _date(value: object) -> str:
    return "" if value is None or pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def verdict_words(verdict: TargetVerdict) -> str:
    """A target verdict as it reads after "so it is": met, not met, too close to call, ..."""
    return {TargetVerdict.MET: "met", TargetVerdict.MISSED: "not met"}.get(verdict, verdict.value)


def reason_text(choice: ModelChoice) -> str:
    """Why the model was chosen, with the numbers that decided it, in one clause."""
    basis = choice.basis
    scored = f"{_two(choice.mase)} over {choice.n_forecasts} forecasts"
    if basis is ChoiceBasis.NAIVE_BEST_IN_BACKTEST:
        return f"no model beats the naive forecast; use naive: naive has the lowest backtest MASE ({scored})"
    if basis is ChoiceBasis.NO_MODEL_BELOW_ONE:
        return ("no model beats the naive forecast; use naive: naive was not backtested and every model's "
                f"MASE is 1 or more (the lowest {scored})")
    if basis is ChoiceBasis.BEST_IN_BACKTEST:
        text = f"{choice.model} has the lowest backtest MASE ({scored})"
        return text + (f", against {_two(choice.naive_mase)} for naive" if math.isfinite(choice.naive_mase)
                       else "")
    if basis is ChoiceBasis.IN_SAMPLE_AICC:
        shown = ", ".join(f"{m} {format_number(v, decimals=1)}"
                          for m, v in sorted(choice.aicc.items(), key=lambda kv: kv[1]))
        return (f"too few backtest forecasts (fewer than {choice.min_forecasts} per model) to judge "
                f"accuracy; chose {choice.model} by the lowest AICc among OLS trend models ({shown}), an "
                "in-sample "
                "criterion that says nothing about forecast accuracy")
    if basis is ChoiceBasis.TOO_SHORT:
        return ("too few backtest forecasts and no AICc to compare; no model is shown to beat the naive "
                "forecast; use naive")
    text = f"{choice.model} was asked for"
    if choice.n_forecasts:
        text += f"; its backtest MASE is {scored}"
        if math.isfinite(choice.naive_mase):
            text += f", against {_two(choice.naive_mase)} for naive"
    return text


def choice_text(result: ForecastResult) -> str:
    """The model chosen, why, and the models that could not be fitted."""
    text = f"**Model chosen: {result.model}.** Why: {reason_text(result.choice)}."
    refused = result.fits.refused
    if refused:
        text += " Not fitted: " + "; ".join(f"{m} ({why})" for m, why in refused.items()) + "."
    return text


def _backtest_coverage(result: ForecastResult) -> tuple[int, float]:
    sub = result.backtest[result.backtest["model"] == result.model]
    n_fc = int(sub["n_forecasts"].sum())
    cover = float((sub["coverage"] * sub["n_forecasts"]).sum() / n_fc) if n_fc else math.nan
    return n_fc, cover


def uncertainty_text(result: ForecastResult) -> str:
    """How many points, the interval at the horizon, and what the model choice rests on."""
    series, unit, level = result.series, result.unit, result.level
    quals = len(series.attrs.get("qualifiers") or {})
    last = result.forecast.iloc[-1]
    text = (f"The series has only {len(series)} points ({_date(series.index[0])} to "
            f"{_date(series.index[-1])})"
            + (f", {quals} of them {'a qualified figure' if quals == 1 else 'qualified figures'} (such as "
               "'more than') fitted at the stated value" if quals else "") + ". ")
    text += (f"The {percent(level)} interval for {_date(last['date'])} runs from "
             f"{_value(last['lower'], unit)} to {_value(last['upper'], unit)} around a central "
             f"{_value(last['mean'], unit)}; the true value may well fall outside it. ")
    basis, model = result.choice.basis, result.model
    if basis in (ChoiceBasis.NAIVE_BEST_IN_BACKTEST, ChoiceBasis.NO_MODEL_BELOW_ONE):
        return text + ("No model beats the naive forecast in the backtest, so the forecast is naive: the "
                       "best available guess is that the value stays where it was, with uncertainty growing "
                       "over time.")
    if basis is ChoiceBasis.TOO_SHORT:
        return text + ("The series is too short for the backtest (or an in-sample comparison) to show that "
                       "any model beats the naive forecast, so the forecast is naive: the value is assumed "
                       "to stay where it was, with uncertainty growing over time.")
    if basis is ChoiceBasis.IN_SAMPLE_AICC:
        return text + ("The series is too short for the backtest to show whether any model beats the naive "
                       f"forecast; {model} was chosen on in-sample fit only, so read its path as one "
                       "plausible continuation, not as a tested prediction.")
    n_fc, cover = _backtest_coverage(result)
    if basis is ChoiceBasis.REQUESTED:
        text += f"The model {model} was asked for, not chosen by the backtest"
    else:
        text += f"In the backtest {model} beat the naive forecast ({reason_text(result.choice)})"
    if not n_fc:
        return text + "."
    text += f"; its {percent(level)} intervals held {percent(cover)} of the {n_fc} backtest actuals"
    if cover < level - 0.15:
        text += ", far fewer than they should: its intervals are too narrow and understate the uncertainty"
    return text + ". That is a small sample from one short series."


def fared_text(result: ForecastResult) -> str:
    """How the forecast made at the cutoff fared against the later actuals."""
    cutoff, later, unit, level = result.cutoff, result.later, result.unit, result.level
    if cutoff is None:
        return "No cutoff was set: the forecast uses all the data, so there are no later actuals to check it."
    if later.empty:
        return (f"No actual in the data is later than the cutoff ({_date(cutoff)}), so the forecast cannot "
                "be checked yet.")
    inside = int(later["inside"].sum())
    n = len(later)
    parts = []
    for row in later.itertuples(index=False):
        where = "inside" if row.inside else ("above" if row.actual > row.upper else "below")
        qual = QUALIFIER_WORDS.get(row.qualifier, row.qualifier)
        prefix = f"{qual} " if qual else ""
        parts.append(f"on {_date(row.date)} the actual was {prefix}{_value(row.actual, unit)}, {where} the "
                     f"interval ({_value(row.lower, unit)} to {_value(row.upper, unit)}; central "
                     f"{_value(row.central, unit)})")
    verdict = "it held up" if inside == n else "it missed" if inside == 0 else "it held up only in part"
    text = (f"Fitted on the data up to {_date(cutoff)} (last point {_date(result.series.index[-1])}), the "
            f"{result.model} forecast was checked against {n} later actual(s): {'; '.join(parts)}. "
            f"{inside} of {n} later actual(s) fell inside the {percent(level)} interval, so {verdict}")
    errors = later["error_pct"].to_numpy(dtype=float)
    errors = errors[np.isfinite(errors)]
    if len(errors):
        direction = "too high" if np.mean(errors) > 0 else "too low"
        text += f"; on average the central forecast was {percent(abs(np.mean(errors)) / 100)} {direction}"
    text += "."
    if later["qualifier"].astype(bool).any():
        text += (" Some later figures are qualified (e.g. 'more than'): they are compared at their stated "
                 "value.")
    return text


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
