"""A series' stated targets read against its forecast and its actuals: one :class:`TargetReading` each.

For each national target recorded for an indicator (rows of ``observations`` with ``kind == "target"``):

* **the forecast**: the chosen model fitted on the data dated before the deadline (and up to the cutoff),
  its probability of meeting the target, its central value and interval at the deadline, and the date the
  central forecast first meets it;
* **the outcome**: judged by the one target judgement,
  :func:`~egovanalysis.analysis.targets.deadline_outcome`, as a
  :class:`~egovanalysis.analysis.targets.TargetVerdict`. Only a figure dated on or before the deadline
  decides; a later one is context.

**Survey series** (the EGDI rank, as a percentile): a rank target ("top 70 by 2025") becomes a percentile
target with N = 193 (:data:`~egovanalysis.conventions.UN_MEMBER_STATES`) and is read at the last survey
expected by its deadline (:func:`~egovanalysis.forecasting.probabilities.survey_target`); when that survey
is already observed it decides the target (:attr:`TargetStatus.DECIDED`).

Nothing here writes a sentence: :mod:`egovanalysis.reporting.forecast_view` turns readings into tables.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from egovanalysis.analysis.targets import TargetVerdict, deadline_outcome, target_direction
from egovanalysis.conventions import DEADLINE_TOLERANCE_DAYS, UN_MEMBER_STATES, rank_to_percentile
from egovanalysis.errors import ForecastError
from egovanalysis.forecasting.forecaster import Forecaster
from egovanalysis.forecasting.probabilities import (
    ModelSpec,
    build,
    crossing_date,
    evaluate_past_target,
    survey_target,
    target_probability,
)
from egovanalysis.forecasting.series import MIN_SERIES_POINTS

__all__ = [
    "CROSSING_WINDOW_YEARS",
    "CrossingState",
    "TargetReading",
    "TargetStatus",
    "modelled_target",
    "read_targets",
    "recorded_targets",
]

#: How far after the last observation the central forecast is searched for a target crossing (years).
CROSSING_WINDOW_YEARS = 10


class TargetStatus(enum.StrEnum):
    """Where a target stands against the data."""

    #: The deadline is on or before the last actual: the outcome is judged from the actuals.
    PASSED = "passed"
    #: A survey target whose deciding survey is already observed (its deadline not yet passed).
    DECIDED = "decided"
    #: The deadline is ahead of the data.
    AHEAD = "ahead"


class CrossingState(enum.StrEnum):
    """When the central forecast meets the target."""

    ALREADY_MET = "already met at the last point"
    CROSSES = "crosses"
    NOT_WITHIN_WINDOW = "not within the window"
    NO_FORECAST = "no forecast"


@dataclass(frozen=True)
class TargetReading:
    """One target read against the forecast and the actuals (fields in the modelled unit).

    ``stated_value``/``stated_direction`` are the target as recorded (for the EGDI: a rank, ``at_most``);
    ``value``/``direction`` the same target on the modelled scale (a percentile, ``at_least``). The forecast
    fields are NaN/None when no forecast could be made before the deadline (``points_before`` values, or
    ``no_forecast`` the reason given by the models). ``verdict`` is None while the outcome is not yet known.
    """

    stated_value: float
    stated_direction: str
    value: float
    direction: str
    deadline: pd.Timestamp
    source_ids: str
    status: TargetStatus
    points_before: int
    forecast_origin: pd.Timestamp | None
    evaluated_at: pd.Timestamp | None
    probability: float
    central: float
    lower: float
    upper: float
    interval_shown: bool
    crossing_state: CrossingState
    crossing: pd.Timestamp | None
    verdict: TargetVerdict | None
    actual_date: pd.Timestamp | None
    actual_value: float | None
    actual_qualifier: str
    later_date: pd.Timestamp | None
    later_value: float | None
    later_qualifier: str
    survey_rank: int | None
    next_survey: pd.Timestamp | None
    read_at: pd.Timestamp | None
    no_forecast: str = ""

    @property
    def has_forecast(self) -> bool:
        """Whether a forecast was made before the deadline."""
        return self.forecast_origin is not None

    @property
    def decided_by_the_data(self) -> bool:
        """A survey target decided by a survey within the data the forecast used."""
        return (self.status is TargetStatus.DECIDED and self.evaluated_at is not None
                and self.forecast_origin is not None and self.evaluated_at <= self.forecast_origin)

    @property
    def is_forecast(self) -> bool:
        """Whether the probability is a forecast, not a survey observed before the forecast was made."""
        return (self.has_forecast and self.evaluated_at is not None and self.forecast_origin is not None
                and self.evaluated_at > self.forecast_origin)


def recorded_targets(observations: pd.DataFrame, indicator: str, scope: str = "national") -> pd.DataFrame:
    """The targets of ``indicator`` at ``scope``: one row per (deadline, value, direction), sources joined.

    Columns ``value, deadline, direction, source_ids``; the direction comes from the target's qualifier
    (:func:`~egovanalysis.analysis.targets.target_direction`).
    """
    rows = observations[(observations["indicator"] == indicator) & (observations["kind"] == "target")
                        & (observations["scope"] == scope)]
    columns = ["value", "deadline", "direction", "source_ids"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame({
        "value": rows["value"].to_numpy(dtype=float),
        "deadline": pd.to_datetime(rows["date"]).to_numpy(),
        "direction": [target_direction(q) for q in rows["qualifier"]],
        "source_id": rows["source_id"].astype(str).to_numpy(),
    })
    grouped = frame.groupby(["deadline", "value", "direction"], sort=True)["source_id"]
    out = grouped.agg(lambda ids: ";".join(sorted(set(ids)))).reset_index()
    return out.rename(columns={"source_id": "source_ids"})[columns]


def modelled_target(survey: bool, value: float, direction: str) -> tuple[float, str]:
    """A target on the modelled scale: a rank target of a survey becomes a percentile target (N = 193)."""
    if not survey:
        return value, direction
    pct = float(rank_to_percentile(min(max(value, 1.0), UN_MEMBER_STATES), UN_MEMBER_STATES))
    return pct, "at_least" if direction == "at_most" else "at_most"


def _survey_rank(actuals: pd.Series, date: pd.Timestamp) -> int | None:
    ranks = actuals.attrs.get("ranks")
    if isinstance(ranks, pd.Series) and date in ranks.index:
        return int(ranks.loc[date])
    return None


@dataclass(frozen=True)
class _Forecast:
    origin: pd.Timestamp
    at: pd.Timestamp
    probability: float
    central: float
    lower: float
    upper: float
    interval_shown: bool
    fitted: Forecaster


def _forecast_at_deadline(
    train: pd.Series, actuals: pd.Series, value: float, deadline: pd.Timestamp, way: str, model: ModelSpec,
    level: float, survey: bool, past: bool, train_end: pd.Timestamp,
) -> _Forecast:
    """The forecast of a target from ``train``: raises :class:`ForecastError` when it cannot be made."""
    fitted = build(train, model)
    if survey:
        reading = survey_target(train, value, deadline, model=model, level=level, direction=way)
        return _Forecast(fitted.last_date, reading.read_at, reading.probability, reading.central,
                         reading.lower, reading.upper, not reading.decided, fitted)
    if past:
        verdict = evaluate_past_target(actuals, value, deadline, cutoff=train_end, model=model, level=level,
                                       direction=way, tolerance_days=DEADLINE_TOLERANCE_DAYS)
        return _Forecast(fitted.last_date, deadline, verdict.probability, verdict.central, verdict.lower,
                         verdict.upper, True, fitted)
    p = target_probability(train, value, deadline, model=model, direction=way)
    row = fitted.forecast(0.0, level=level, dates=[deadline]).iloc[0]
    return _Forecast(fitted.last_date, deadline, p, float(row["mean"]), float(row["lower"]),
                     float(row["upper"]), True, fitted)


def _crossing(fitted: Forecaster, value: float, way: str) -> tuple[CrossingState, pd.Timestamp | None]:
    crossing = crossing_date(fitted, value, direction=way, horizon=CROSSING_WINDOW_YEARS)
    if crossing is None:
        return CrossingState.NOT_WITHIN_WINDOW, None
    if crossing <= fitted.last_date:
        return CrossingState.ALREADY_MET, crossing
    return CrossingState.CROSSES, crossing


def _outcome(actuals: pd.Series, value: float, deadline: pd.Timestamp, way: str, survey: bool,
             past: bool) -> dict[str, Any]:
    """The outcome fields of a reading: the verdict and the figures it rests on."""
    empty: dict[str, Any] = {"verdict": None, "actual_date": None, "actual_value": None,
                             "actual_qualifier": "", "later_date": None, "later_value": None,
                             "later_qualifier": "", "survey_rank": None, "next_survey": None, "read_at": None}
    if survey:
        outcome = survey_target(actuals, value, deadline, direction=way)
        fields = dict(empty, next_survey=outcome.next_survey, read_at=outcome.read_at)
        if outcome.decided:
            date = pd.Timestamp(outcome.survey_date)
            fields.update(verdict=outcome.verdict, actual_date=date, actual_value=outcome.survey_value,
                          survey_rank=_survey_rank(actuals, date))
        status = (TargetStatus.PASSED if past else TargetStatus.DECIDED if outcome.decided
                  else TargetStatus.AHEAD)
        return {**fields, "status": status}
    if not past:
        return {**empty, "status": TargetStatus.AHEAD}
    outcome = deadline_outcome(actuals, value, deadline, direction=way,
                               tolerance_days=DEADLINE_TOLERANCE_DAYS)
    return {**empty, "status": TargetStatus.PASSED, "verdict": outcome.verdict, "actual_date": outcome.date,
            "actual_value": outcome.value, "actual_qualifier": outcome.qualifier,
            "later_date": outcome.later_date, "later_value": outcome.later_value,
            "later_qualifier": outcome.later_qualifier}


def read_targets(
    series: pd.Series,
    actuals: pd.Series,
    targets: pd.DataFrame,
    *,
    model: ModelSpec,
    level: float,
    cutoff: pd.Timestamp | None,
    survey: bool,
) -> list[TargetReading]:
    """Each of ``targets`` (:func:`recorded_targets`) read against ``model`` and the actuals.

    ``series`` holds the data the forecast may use (up to the cutoff), ``actuals`` every actual (the outcome
    of a past target is judged on them). The forecast of each target uses only data dated before its
    deadline (and up to ``cutoff``).
    """
    readings: list[TargetReading] = []
    for target in targets.itertuples(index=False):
        deadline = pd.Timestamp(target.deadline)
        value, way = modelled_target(survey, float(target.value), str(target.direction))
        past = deadline <= actuals.index[-1]
        train_end = deadline - pd.Timedelta(days=1)
        if cutoff is not None:
            train_end = min(train_end, cutoff)
        train = series[series.index <= train_end]
        train.attrs = dict(series.attrs)
        forecast: _Forecast | None = None
        no_forecast = ""
        if len(train) >= MIN_SERIES_POINTS:
            try:
                forecast = _forecast_at_deadline(train, actuals, value, deadline, way, model, level, survey,
                                                 past, train_end)
            except ForecastError as exc:
                no_forecast = str(exc)
        state, crossing = (_crossing(forecast.fitted, value, way) if forecast is not None
                           else (CrossingState.NO_FORECAST, None))
        nan = math.nan
        readings.append(TargetReading(
            stated_value=float(target.value), stated_direction=str(target.direction), value=value,
            direction=way, deadline=deadline, source_ids=str(target.source_ids), points_before=len(train),
            forecast_origin=None if forecast is None else forecast.origin,
            evaluated_at=None if forecast is None else forecast.at,
            probability=nan if forecast is None else float(forecast.probability),
            central=nan if forecast is None else forecast.central,
            lower=nan if forecast is None else forecast.lower,
            upper=nan if forecast is None else forecast.upper,
            interval_shown=forecast is not None and forecast.interval_shown,
            crossing_state=state, crossing=crossing, no_forecast=no_forecast,
            **_outcome(actuals, value, deadline, way, survey, past),
        ))
    return readings
