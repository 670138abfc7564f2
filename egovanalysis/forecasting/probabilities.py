"""Tracking targets: the chance a target is met, when the forecast crosses it, and how past targets fared.

Targets are read against the same predictive distributions as the forecasts
(:mod:`egovanalysis.forecasting.models`), so a probability and an interval never disagree. A probability
from five points and a simple model is a rough statement of uncertainty, not a prediction market; it is
always reported next to the model and the data it came from.

**Direction.** A target is met when the value is *at least* the target (``direction="at_least"``, the default
for counts, shares and indices) or *at most* it (``"at_most"``, the default for ranks: "top 70" is met when
rank <= 70). Ranks are handled through percentiles with the latest survey's N: rank <= 70 among N is
percentile >= ``rank_to_percentile(70, N)`` (use ``n_ranked=193`` for a target stated for the 193 UN
members).

**"By the deadline"** is read as the value *at* the deadline. For cumulative counts (which only grow) that is
the same thing; for shares and ranks, a target touched earlier and lost again by the deadline counts as not
met.

**Past targets are judged only on figures dated on or before the deadline**
(:func:`~egovanalysis.analysis.targets.deadline_outcome`). A
figure reported after the deadline says nothing certain about where the value stood at the deadline: it is
kept as context, and the outcome is then unknown (``None``), never met or missed. An approximate figure
("about x", "nearly x") within :data:`APPROX_MARGIN` of the target (relative) cannot settle it either.

**Survey series** (the UN E-Government Survey's rank, every two years, dated 1 July of the survey year) only
change when a survey is released. A target on such a series is read at the last survey expected on or
before its deadline (:func:`survey_target`): if no survey is expected between the last one observed and
the deadline, that last survey decides the target (probability 1 or 0); otherwise the probability is the
forecast's at the date of the last expected survey, not at the deadline.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from egovanalysis.analysis.targets import (
    DIRECTIONS,
    DeadlineOutcome,
    TargetVerdict,
    deadline_outcome,
    qualifier_on,
    target_met,
)
from egovanalysis.conventions import (
    APPROX_MARGIN,
    DEADLINE_TOLERANCE_DAYS,
    SURVEY_EVERY_YEARS,
    percentile_to_rank,
    rank_to_percentile,
)
from egovanalysis.errors import ForecastError
from egovanalysis.forecasting.forecaster import Forecaster
from egovanalysis.forecasting.models import fit
from egovanalysis.forecasting.series import coerce

__all__ = [
    "ModelSpec",
    "PastTarget",
    "SurveyTarget",
    "build",
    "crossing_date",
    "evaluate_past_target",
    "survey_read_date",
    "survey_target",
    "target_probability",
    "verdict_of",
]

#: A model: the name of a classic model (fitted with :func:`~egovanalysis.forecasting.models.fit`), or a
#: function building a forecaster from a series (e.g. a method that also learns from other countries).
ModelSpec = str | Callable[[pd.Series], Forecaster]


def build(series: pd.Series, model: ModelSpec, measure: str | None = None,
          n_ranked: Any = None) -> Forecaster:
    """The forecaster of ``model`` for ``series``."""
    if callable(model):
        return model(series)
    return fit(series, model, measure=measure, n_ranked=n_ranked)


def _direction(direction: str | None, measure: str | None) -> str:
    if direction is None:
        return "at_most" if measure == "rank" else "at_least"
    if direction not in DIRECTIONS:
        raise ForecastError(f"direction must be one of {DIRECTIONS}, not {direction!r}")
    return direction


def _check_unit(series: pd.Series, unit: str | None) -> None:
    have = series.attrs.get("unit")
    if unit is not None and have is not None and str(unit) != str(have):
        raise ForecastError(
            f"the target is in '{unit}' but the series is in '{have}'; convert the target to the series' "
            "unit (a target in another unit is never compared directly)"
        )


def _probability(fitted: Forecaster, target_value: float, deadline: pd.Timestamp, direction: str,
                 n_ranked_target: float | None) -> float:
    if fitted.measure == "rank":
        n = n_ranked_target if n_ranked_target is not None else fitted.n_ranked
        # rank <= R  <=>  percentile >= pct(R); rank >= R <=> percentile <= pct(R)
        threshold = float(rank_to_percentile(min(max(float(target_value), 1.0), float(n)), n))
        p = float(fitted.prob_at_least([deadline], threshold)[0])
        return p if direction == "at_most" else 1.0 - p
    p = float(fitted.prob_at_least([deadline], float(target_value))[0])
    return p if direction == "at_least" else 1.0 - p


def target_probability(
    series: pd.Series | pd.DataFrame,
    target_value: float,
    deadline: Any,
    *,
    model: ModelSpec,
    measure: str | None = None,
    unit: str | None = None,
    direction: str | None = None,
    n_ranked: Any = None,
    n_ranked_target: float | None = None,
) -> float:
    """Probability, under ``model``'s predictive distribution, that the target is met at ``deadline``.

    ``unit``, when given, must equal the series' unit (``series.attrs["unit"]``). ``direction`` defaults to
    ``"at_most"`` for ranks and ``"at_least"`` otherwise (see the module docstring). For ranks,
    ``n_ranked_target`` is the N in which the target rank is stated (default: the latest survey's N). The
    deadline must be after the last observation; use :func:`evaluate_past_target` for past deadlines.
    """
    s = coerce(series)
    _check_unit(s, unit)
    measure = measure if measure is not None else s.attrs.get("measure")
    way = _direction(direction, measure)
    fitted = build(s, model, measure, n_ranked)
    return _probability(fitted, target_value, pd.Timestamp(deadline), way, n_ranked_target)


def verdict_of(met: bool | None) -> TargetVerdict:
    """The verdict of one figure read against a target by :func:`target_met` (None: too close to call)."""
    return {True: TargetVerdict.MET, False: TargetVerdict.MISSED, None: TargetVerdict.TOO_CLOSE}[met]


def _meets(value: np.ndarray, target: float, direction: str) -> np.ndarray:
    return value >= target if direction == "at_least" else value <= target


def crossing_date(
    forecast: pd.DataFrame | Forecaster,
    target: float,
    *,
    direction: str | None = None,
    horizon: float = 30.0,
) -> pd.Timestamp | None:
    """First date at which the central forecast meets ``target``, or ``None`` if it does not by the end.

    ``forecast`` is a forecast frame (``date, mean, ...``; the crossing is linearly interpolated between the
    two rows that straddle it) or a :class:`~egovanalysis.forecasting.models.Fit` (evaluated monthly up to
    ``horizon`` years after the last observation, starting from the last observed value). If the first value
    already meets the target, its date is returned. ``direction`` defaults as in :func:`target_probability`
    (ranks: ``at_most``; a frame of ranks is recognised by ``frame.attrs["measure"] == "rank"``). Only the
    central forecast is used: a crossing date has at least the uncertainty of the interval around it.
    """
    if isinstance(forecast, Forecaster):
        way = _direction(direction, forecast.measure)
        months = int(math.ceil(horizon * 12))
        dates = [forecast.last_date + pd.DateOffset(months=m) for m in range(1, months + 1)]
        frame = forecast.forecast(0.0, level=0.5, dates=dates)
        # The central path starts at the model's level at the last observation (the last value for the
        # random walks, step models and anchored methods, the fitted trend for the OLS models).
        start_value = forecast.start_value()
        if forecast.measure == "rank":
            start_value = float(percentile_to_rank(start_value, forecast.n_ranked))
        dates_all = pd.DatetimeIndex([forecast.last_date, *frame["date"]])
        values = np.concatenate([[start_value], frame["mean"].to_numpy(dtype=float)])
    else:
        if not {"date", "mean"} <= set(forecast.columns):
            raise ForecastError("a forecast frame needs 'date' and 'mean' columns")
        way = _direction(direction, forecast.attrs.get("measure"))
        ordered = forecast.sort_values("date")
        dates_all = pd.DatetimeIndex(pd.to_datetime(ordered["date"]))
        values = ordered["mean"].to_numpy(dtype=float)
    if len(values) == 0:
        return None
    met = _meets(values, float(target), way)
    if met[0]:
        return pd.Timestamp(dates_all[0])
    hits = np.flatnonzero(met)
    if len(hits) == 0:
        return None
    j = int(hits[0])
    v0, v1 = values[j - 1], values[j]
    frac = 1.0 if v1 == v0 else float(np.clip((float(target) - v0) / (v1 - v0), 0.0, 1.0))
    start, end = dates_all[j - 1], dates_all[j]
    return pd.Timestamp(start + (end - start) * frac).normalize()


@dataclass(frozen=True)
class PastTarget:
    """How a past target fared, beside what a forecast made before the deadline said.

    ``outcome`` is the one judgement of :func:`~egovanalysis.analysis.targets.deadline_outcome`: the
    deciding actual (dated on or before the deadline, within the tolerance), the verdict, and the first
    actual after the deadline as context only. ``met`` is its True/False, or None when it cannot be known
    at the deadline: no actual on or before the deadline within the tolerance, a qualified figure that
    leaves it open (e.g. "more than 28 %" against a 30 % target) or an approximate figure too close to the
    target. ``probability`` is the forecast's probability of meeting the target, ``central``/``lower``/
    ``upper`` its central value and interval at the deadline, from data up to ``cutoff`` (the last of
    which is ``forecast_origin``).
    """

    target_value: float
    deadline: pd.Timestamp
    direction: str
    outcome: DeadlineOutcome
    model: str
    cutoff: pd.Timestamp
    forecast_origin: pd.Timestamp
    probability: float
    central: float
    lower: float
    upper: float
    level: float

    @property
    def verdict(self) -> TargetVerdict:
        """The verdict of :attr:`outcome`."""
        return self.outcome.verdict

    @property
    def met(self) -> bool | None:
        """True/False when the deciding figure settles the target, None otherwise."""
        return self.outcome.met

    def as_dict(self) -> dict[str, Any]:
        """The fields as one flat dict (a summary table row); the outcome as ``actual_*``, ``later_*``."""
        fields = {name: value for name, value in self.__dict__.items() if name != "outcome"}
        outcome = self.outcome
        return {
            **fields,
            "verdict": outcome.verdict,
            "actual_date": outcome.date,
            "actual_value": outcome.value,
            "actual_qualifier": outcome.qualifier,
            "actual_offset_days": outcome.offset_days,
            "later_date": outcome.later_date,
            "later_value": outcome.later_value,
            "later_qualifier": outcome.later_qualifier,
        }


def evaluate_past_target(
    series: pd.Series | pd.DataFrame,
    target_value: float,
    deadline: Any,
    *,
    cutoff: Any,
    model: ModelSpec,
    level: float = 0.8,
    tolerance_days: int = DEADLINE_TOLERANCE_DAYS,
    approx_margin: float = APPROX_MARGIN,
    measure: str | None = None,
    unit: str | None = None,
    direction: str | None = None,
    n_ranked: Any = None,
    n_ranked_target: float | None = None,
) -> PastTarget:
    """The actual outcome of a past target beside the forecast made from data up to ``cutoff``.

    **Outcome** (:func:`deadline_outcome`). The latest actual dated on or before the deadline, at most
    ``tolerance_days`` (default 92, about a quarter) before it. Its date, value, qualifier and offset in
    days (zero or negative) are returned, and ``met`` is judged by :func:`target_met` (a qualified figure,
    or an approximate one within ``approx_margin`` of the target, may leave it open). A figure dated after
    the deadline never decides the outcome; the first one within the tolerance is returned as context
    (``later_*``). With no actual on or before the deadline within the tolerance, the outcome is unknown at
    the deadline (``met`` is None). For ranks the outcome is judged on the rank as reported.

    **Forecast.** ``model`` fitted on the observations dated on or before ``cutoff`` (which must be before
    the deadline), evaluated at the deadline: probability of meeting the target, central value and the
    ``level`` interval (ranks: as ranks).
    """
    s = coerce(series)
    _check_unit(s, unit)
    measure = measure if measure is not None else s.attrs.get("measure")
    way = _direction(direction, measure)
    deadline = pd.Timestamp(deadline)
    cutoff = pd.Timestamp(cutoff)
    if cutoff >= deadline:
        raise ForecastError(f"the cutoff ({cutoff.date()}) must be before the deadline ({deadline.date()})")
    outcome = deadline_outcome(s, target_value, deadline, direction=way, tolerance_days=tolerance_days,
                               approx_margin=approx_margin)
    train = s[s.index <= cutoff]
    train.attrs = dict(s.attrs)
    if isinstance(n_ranked, pd.Series):
        n_ranked = n_ranked[pd.DatetimeIndex(pd.to_datetime(n_ranked.index)) <= cutoff]
    elif n_ranked is None and isinstance(s.attrs.get("n_ranked"), pd.Series):
        nr = s.attrs["n_ranked"]
        n_ranked = nr[pd.DatetimeIndex(pd.to_datetime(nr.index)) <= cutoff]
    fitted = build(train, model, measure, n_ranked)
    probability = _probability(fitted, target_value, deadline, way, n_ranked_target)
    row = fitted.forecast(0.0, level=level, dates=[deadline]).iloc[0]
    return PastTarget(
        target_value=float(target_value), deadline=deadline, direction=way, outcome=outcome,
        model=fitted.model, cutoff=cutoff, forecast_origin=fitted.last_date, probability=probability,
        central=float(row["mean"]), lower=float(row["lower"]), upper=float(row["upper"]), level=float(level),
    )


# --------------------------------------------------------------------------------------------------------
# Survey series (the UN E-Government Survey: every two years)
# --------------------------------------------------------------------------------------------------------


def survey_read_date(
    last_survey: Any, deadline: Any, *, every_years: int = SURVEY_EVERY_YEARS
) -> pd.Timestamp:
    """The date of the last survey expected on or before ``deadline``.

    Surveys are expected every ``every_years`` years after ``last_survey`` (the last one observed), on the
    same day of the year (the EGDI panel dates each survey 1 July of its year). When the next expected
    survey falls after the deadline, ``last_survey`` itself is returned: the value standing at the deadline
    is the last observed one. The deadline must not be before ``last_survey``.

    >>> survey_read_date("2024-07-01", "2025-12-31")
    Timestamp('2024-07-01 00:00:00')
    >>> survey_read_date("2024-07-01", "2026-12-31")
    Timestamp('2026-07-01 00:00:00')
    """
    last = pd.Timestamp(last_survey)
    deadline = pd.Timestamp(deadline)
    if every_years < 1:
        raise ForecastError(f"every_years must be a whole number of years >= 1, not {every_years!r}")
    if deadline < last:
        raise ForecastError(f"the deadline ({deadline.date()}) is before the last survey ({last.date()})")
    steps = 0
    while last + pd.DateOffset(years=(steps + 1) * every_years) <= deadline:
        steps += 1
    return pd.Timestamp(last + pd.DateOffset(years=steps * every_years))


@dataclass(frozen=True)
class SurveyTarget:
    """A target on a survey series, read at the last survey expected on or before its deadline.

    ``read_at`` is that survey's date. ``decided`` is True when that survey is already observed
    (``survey_date``/``survey_value`` are then its date and value, ``verdict`` the outcome and
    ``probability`` 1.0 or 0.0); otherwise the survey is still to come, ``verdict`` is None (``met`` None),
    and ``probability``,
    ``central``/``lower``/``upper`` are the forecast's at ``read_at`` (NaN without a model). For a decided
    target ``central``, ``lower`` and ``upper`` are the survey's value. ``next_survey`` is the first
    survey expected after the last one observed.
    """

    target_value: float
    deadline: pd.Timestamp
    direction: str
    read_at: pd.Timestamp
    decided: bool
    survey_date: pd.Timestamp | None
    survey_value: float | None
    verdict: TargetVerdict | None
    next_survey: pd.Timestamp
    probability: float
    central: float
    lower: float
    upper: float
    level: float
    model: str | None
    forecast_origin: pd.Timestamp | None

    @property
    def met(self) -> bool | None:
        """True/False when the survey read settles the target, None while it is to come."""
        return None if self.verdict is None else self.verdict.met

    def as_dict(self) -> dict[str, Any]:
        """The fields as a plain dict (e.g. a row of a summary table)."""
        return dict(self.__dict__)


def survey_target(
    series: pd.Series | pd.DataFrame,
    target_value: float,
    deadline: Any,
    *,
    model: ModelSpec | None = None,
    level: float = 0.8,
    every_years: int = SURVEY_EVERY_YEARS,
    measure: str | None = None,
    unit: str | None = None,
    direction: str | None = None,
    n_ranked: Any = None,
    n_ranked_target: float | None = None,
) -> SurveyTarget:
    """A target on a survey series (e.g. the EGDI rank), read at the last survey expected by the deadline.

    A survey series only changes when a survey is released (the UN E-Government Survey: every
    ``every_years`` = 2 years, dated 1 July of the survey year), so the value standing at the deadline is
    that of the last survey released on or before it. The forecast's value *at the deadline* would be
    meaningless between surveys.

    * **Decided.** When no survey is expected between the last observed one and the deadline
      (:func:`survey_read_date`), or the deadline is before the last observed survey, the outcome is
      already known: the last observed survey on or before the deadline decides it (``decided=True``,
      ``met`` from :func:`target_met`, probability 1.0 or 0.0). Example: last survey 2024 (1 July), deadline
      2025-12-31: the next survey is expected mid-2026, so the 2024 rank decides.
    * **To come.** Otherwise the probability (and central value and ``level`` interval) is ``model``'s at
      the date of the last survey expected on or before the deadline (deadline 2026-12-31 after a 2024
      survey: at 2026-07-01), not at the deadline. Without ``model`` they are NaN.

    ``direction``, ``unit``, ``n_ranked`` and ``n_ranked_target`` are as in :func:`target_probability`;
    for ranks a decided outcome is judged on the rank as reported.
    """
    s = coerce(series)
    _check_unit(s, unit)
    if s.empty:
        raise ForecastError("the survey series is empty")
    measure = measure if measure is not None else s.attrs.get("measure")
    way = _direction(direction, measure)
    deadline = pd.Timestamp(deadline)
    last = s.index[-1]
    next_survey = pd.Timestamp(last + pd.DateOffset(years=every_years))
    if deadline < last:
        observed = s[s.index <= deadline]
        if observed.empty:
            raise ForecastError(f"no survey on or before the deadline ({deadline.date()})")
        read_at = observed.index[-1]
    else:
        read_at = survey_read_date(last, deadline, every_years=every_years)
    nan = float("nan")
    if read_at in s.index:
        value = float(s.loc[read_at])
        met = target_met(value, qualifier_on(s, read_at), float(target_value), way)
        verdict = verdict_of(met)
        probability = nan if met is None else float(met)
        return SurveyTarget(
            target_value=float(target_value), deadline=deadline, direction=way, read_at=read_at,
            decided=True, survey_date=read_at, survey_value=value, verdict=verdict, next_survey=next_survey,
            probability=probability, central=value, lower=value, upper=value, level=float(level),
            model=model if isinstance(model, str) else None, forecast_origin=last,
        )
    probability = central = lower = upper = nan
    origin = None
    name = model if isinstance(model, str) else None
    if model is not None:
        fitted = build(s, model, measure, n_ranked)
        probability = _probability(fitted, target_value, read_at, way, n_ranked_target)
        row = fitted.forecast(0.0, level=level, dates=[read_at]).iloc[0]
        central, lower, upper = float(row["mean"]), float(row["lower"]), float(row["upper"])
        origin, name = fitted.last_date, fitted.model
    return SurveyTarget(
        target_value=float(target_value), deadline=deadline, direction=way, read_at=read_at, decided=False,
        survey_date=None, survey_value=None, verdict=None, next_survey=next_survey, probability=probability,
        central=central, lower=lower, upper=upper, level=float(level), model=name, forecast_origin=origin,
    )
