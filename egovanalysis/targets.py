"""Tracking targets: the chance a target is met, when the forecast crosses it, and how past targets fared.

Targets are read against the same predictive distributions as the forecasts (:mod:`egovanalysis.forecast`),
so a probability and an interval never disagree. The stance is the module's: a probability from five points
and a simple model is a rough statement of uncertainty, not a prediction market; it is always reported next
to the model and the data it came from.

**Direction.** A target is met when the value is *at least* the target (``direction="at_least"``, the default
for counts, shares and indices) or *at most* it (``"at_most"``, the default for ranks: "top 70" is met when
rank <= 70). Ranks are handled through percentiles with the latest survey's N: rank <= 70 among N is
percentile >= ``rank_to_percentile(70, N)`` (use ``n_ranked=193`` for a target stated for the 193 UN
members).

**"By the deadline"** is read as the value *at* the deadline. For cumulative counts (which only grow) that is
the same thing; for shares and ranks, a target touched earlier and lost again by the deadline counts as not
met.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from egovanalysis.forecast import (
    Fit,
    ForecastError,
    _coerce,
    fit,
    percentile_to_rank,
    rank_to_percentile,
    years_between,
)

__all__ = [
    "PastTarget",
    "crossing_date",
    "evaluate_past_target",
    "target_met",
    "target_probability",
]

DIRECTIONS = ("at_least", "at_most")


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


def _probability(fitted: Fit, target_value: float, deadline: pd.Timestamp, direction: str,
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
    model: str,
    measure: str | None = None,
    unit: str | None = None,
    direction: str | None = None,
    n_ranked: Any = None,
    n_ranked_target: float | None = None,
    seed: int = 0,
) -> float:
    """Probability, under ``model``'s predictive distribution, that the target is met at ``deadline``.

    ``unit``, when given, must equal the series' unit (``series.attrs["unit"]``). ``direction`` defaults to
    ``"at_most"`` for ranks and ``"at_least"`` otherwise (see the module docstring). For ranks,
    ``n_ranked_target`` is the N in which the target rank is stated (default: the latest survey's N). The
    deadline must be after the last observation; use :func:`evaluate_past_target` for past deadlines.
    """
    s = _coerce(series)
    _check_unit(s, unit)
    measure = measure if measure is not None else s.attrs.get("measure")
    way = _direction(direction, measure)
    fitted = fit(s, model, measure=measure, n_ranked=n_ranked, seed=seed)
    return _probability(fitted, target_value, pd.Timestamp(deadline), way, n_ranked_target)


def _meets(value: np.ndarray, target: float, direction: str) -> np.ndarray:
    return value >= target if direction == "at_least" else value <= target


def crossing_date(
    forecast: pd.DataFrame | Fit,
    target: float,
    *,
    direction: str | None = None,
    horizon: float = 30.0,
) -> pd.Timestamp | None:
    """First date at which the central forecast meets ``target``, or ``None`` if it does not by the end.

    ``forecast`` is a forecast frame (``date, mean, ...``; the crossing is linearly interpolated between the
    two rows that straddle it) or a :class:`~egovanalysis.forecast.Fit` (evaluated monthly up to ``horizon``
    years after the last observation, starting from the last observed value). If the first value already
    meets the target, its date is returned. ``direction`` defaults as in :func:`target_probability` (ranks:
    ``at_most``; a frame of ranks is recognised by ``frame.attrs["measure"] == "rank"``). Only the central
    forecast is used: a crossing date has at least the uncertainty of the interval around it.
    """
    if isinstance(forecast, Fit):
        way = _direction(direction, forecast.measure)
        months = int(math.ceil(horizon * 12))
        dates = [forecast.last_date + pd.DateOffset(months=m) for m in range(1, months + 1)]
        frame = forecast.forecast(0.0, level=0.5, dates=dates)
        # The central path starts at the model's level at the last observation (the last value for the
        # random walks and step models, the fitted trend for the OLS models).
        t_last = years_between(forecast.origin, [forecast.last_date])
        start_value = float(forecast._to_value(forecast.predictor(t_last)[0])[0])
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

    ``actual_*`` describe the actual value used as the outcome (see :func:`evaluate_past_target`); ``met``
    is True/False when the figure settles it and None when a qualified figure leaves it open (e.g. "more
    than 28 %" against a 30 % target) or there is no actual within the tolerance. ``probability`` is the
    forecast's probability of meeting the target, ``central``/``lower``/``upper`` its central value and
    interval at the deadline, from data up to ``cutoff`` (the last of which is ``forecast_origin``).
    """

    target_value: float
    deadline: pd.Timestamp
    direction: str
    actual_date: pd.Timestamp | None
    actual_value: float | None
    actual_qualifier: str
    actual_offset_days: int | None
    met: bool | None
    model: str
    cutoff: pd.Timestamp
    forecast_origin: pd.Timestamp
    probability: float
    central: float
    lower: float
    upper: float
    level: float

    def as_dict(self) -> dict[str, Any]:
        """The fields as a plain dict (e.g. a row of a summary table)."""
        return dict(self.__dict__)


def target_met(value: float, qualifier: str, target: float, direction: str) -> bool | None:
    """Whether a (possibly qualified) figure shows the target met: True, False, or None when it cannot tell.

    A lower bound ("more than x", "at least x") proves an ``at_least`` target met when x reaches it and
    leaves it open otherwise; an upper bound ("less than x", "at most x") proves it missed when x is below
    it. ``about``/``nearly`` and plain figures are taken at face value. ``at_most`` targets mirror this.
    """
    quals = {q for q in str(qualifier or "").split("|") if q}
    if direction == "at_most":
        # Mirror: an at_most target on x is an at_least target on -x, with the bounds swapped.
        swap = {"more_than": "less_than", "at_least": "at_most",
                "less_than": "more_than", "at_most": "at_least"}
        return target_met(-value, "|".join(swap.get(q, q) for q in quals), -target, "at_least")
    strict_lower, weak_lower = "more_than" in quals, "at_least" in quals
    strict_upper, weak_upper = "less_than" in quals, "at_most" in quals
    if (strict_lower or weak_lower) and (strict_upper or weak_upper):
        return None
    if strict_lower or weak_lower:  # value > x (or >= x)
        return True if value >= target else None
    if strict_upper:  # value < x
        return False if value <= target else None
    if weak_upper:  # value <= x
        return False if value < target else None
    return bool(value >= target)


def evaluate_past_target(
    series: pd.Series | pd.DataFrame,
    target_value: float,
    deadline: Any,
    *,
    cutoff: Any,
    model: str,
    level: float = 0.8,
    tolerance_days: int = 92,
    measure: str | None = None,
    unit: str | None = None,
    direction: str | None = None,
    n_ranked: Any = None,
    n_ranked_target: float | None = None,
    seed: int = 0,
) -> PastTarget:
    """The actual outcome of a past target beside the forecast made from data up to ``cutoff``.

    **Outcome.** The actual observation nearest to the deadline within ``tolerance_days`` (default 92, about
    a quarter); on a tie the one on or before the deadline wins. Its date, value, qualifier and offset in
    days (negative = before the deadline) are returned, and ``met`` is judged by :func:`target_met` (a
    qualified figure may leave it open). With no observation within the tolerance, the outcome is unknown
    (``None``). For ranks the outcome is judged on the rank as reported.

    **Forecast.** ``model`` fitted on the observations dated on or before ``cutoff`` (which must be before
    the deadline), evaluated at the deadline: probability of meeting the target, central value and the
    ``level`` interval (ranks: as ranks).
    """
    s = _coerce(series)
    _check_unit(s, unit)
    measure = measure if measure is not None else s.attrs.get("measure")
    way = _direction(direction, measure)
    deadline = pd.Timestamp(deadline)
    cutoff = pd.Timestamp(cutoff)
    if cutoff >= deadline:
        raise ForecastError(f"the cutoff ({cutoff.date()}) must be before the deadline ({deadline.date()})")
    offsets = np.asarray((s.index - deadline) / pd.Timedelta(days=1), dtype=float)
    within = np.flatnonzero(np.abs(offsets) <= tolerance_days)
    actual_date = actual_value = offset = None
    qualifier = ""
    met: bool | None = None
    if len(within):
        best = min(within, key=lambda i: (abs(offsets[i]), offsets[i] > 0))
        actual_date = s.index[best]
        actual_value = float(s.iloc[best])
        offset = int(offsets[best])
        qualifier = (s.attrs.get("qualifiers") or {}).get(actual_date.strftime("%Y-%m-%d"), "")
        met = target_met(actual_value, qualifier, float(target_value), way)
    train = s[s.index <= cutoff]
    train.attrs = dict(s.attrs)
    if isinstance(n_ranked, pd.Series):
        n_ranked = n_ranked[pd.DatetimeIndex(pd.to_datetime(n_ranked.index)) <= cutoff]
    elif n_ranked is None and isinstance(s.attrs.get("n_ranked"), pd.Series):
        nr = s.attrs["n_ranked"]
        n_ranked = nr[pd.DatetimeIndex(pd.to_datetime(nr.index)) <= cutoff]
    fitted = fit(train, model, measure=measure, n_ranked=n_ranked, seed=seed)
    probability = _probability(fitted, target_value, deadline, way, n_ranked_target)
    row = fitted.forecast(0.0, level=level, dates=[deadline]).iloc[0]
    return PastTarget(
        target_value=float(target_value), deadline=deadline, direction=way, actual_date=actual_date,
        actual_value=actual_value, actual_qualifier=qualifier, actual_offset_days=offset, met=met,
        model=model, cutoff=cutoff, forecast_origin=fitted.last_date, probability=probability,
        central=float(row["mean"]), lower=float(row["lower"]), upper=float(row["upper"]), level=float(level),
    )

