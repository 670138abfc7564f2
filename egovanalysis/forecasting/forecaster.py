"""What every forecasting method gives: a predictive distribution at dates after the last observation.

:class:`Forecaster` is the one interface the rest of the package reads (forecast frames, target
probabilities, crossing dates, the fan chart, the calibration benchmark). Three kinds implement it:

* :class:`~egovanalysis.forecasting.models.Fit`: a classic model fitted to one series (naive, drift,
  linear, ...), with a closed-form Student-t distribution;
* :class:`~egovanalysis.forecasting.pooled.PooledNaive`: a survey rank's last value with the spread of the
  moves all countries made from a similar position (learning across countries);
* :class:`~egovanalysis.forecasting.growth_band.GrowthBand`: a reported count or share continuing its recent
  growth, damped, within a band of multiples of that growth.

Values are on the *value scale* of the series (percentiles for a rank modelled as a percentile); a frame
asked for with ``scale="value"`` of a ``measure == "rank"`` forecaster gives ranks.
"""

from __future__ import annotations

import abc
import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from egovanalysis.conventions import SNAPSHOT_RULE, percentile_to_rank
from egovanalysis.errors import ForecastError
from egovanalysis.forecasting.series import DAYS_PER_YEAR, QUALIFIER_TREATMENT

__all__ = ["Forecaster", "check_level", "forecast_dates"]


def check_level(level: float) -> None:
    """Refuse an interval level outside (0, 1)."""
    if not 0.0 < float(level) < 1.0:
        raise ForecastError(f"level must be between 0 and 1 (e.g. 0.8), not {level!r}")


def forecast_dates(
    last: pd.Timestamp, horizon: float, dates: Iterable[Any] | None = None
) -> pd.DatetimeIndex:
    """Yearly anniversaries of ``last`` up to ``horizon`` years, the horizon if fractional, and ``dates``."""
    if horizon < 0 or not math.isfinite(horizon):
        raise ForecastError(f"horizon must be a non-negative number of years, not {horizon!r}")
    last = pd.Timestamp(last)
    out = [last + pd.DateOffset(years=k) for k in range(1, int(math.floor(horizon + 1e-9)) + 1)]
    if horizon - math.floor(horizon + 1e-9) > 1e-9:
        out.append(last + pd.Timedelta(days=round(horizon * DAYS_PER_YEAR)))
    if dates is not None:
        out.extend(pd.to_datetime(list(dates)))
    if not out:
        raise ForecastError("nothing to forecast: give a horizon of at least one year or some dates")
    return pd.DatetimeIndex(sorted(set(out)), name="date")


class Forecaster(abc.ABC):
    """A predictive distribution of one series at any date after its last observation.

    Subclasses provide :meth:`quantiles`, :meth:`central`, :meth:`prob_at_least` and :meth:`start_value`
    and carry ``model``, ``measure``, ``origin`` (first observation), ``last_date``, ``n`` (points used),
    ``n_ranked`` (ranks only), ``qualified`` and ``notes``. An *anchored* forecaster starts at the last
    actual: asked for the last observation's date it gives the last value, with no spread.
    """

    model: str
    measure: str | None
    origin: pd.Timestamp
    last_date: pd.Timestamp
    n: int
    n_ranked: float | None
    qualified: dict[str, str]
    notes: tuple[str, ...]
    #: Whether the forecast at the last observation's date is the last value itself (the fan starts there).
    anchored: bool = False

    @abc.abstractmethod
    def quantiles(self, dates: pd.DatetimeIndex, probs: Sequence[float]) -> np.ndarray:
        """Quantiles of the value at each date: an array of shape ``(len(dates), len(probs))``."""

    @abc.abstractmethod
    def central(self, dates: pd.DatetimeIndex) -> np.ndarray:
        """The central forecast at each date."""

    @abc.abstractmethod
    def prob_at_least(self, dates: Any, threshold: float) -> np.ndarray:
        """P(value >= threshold) at each date, on the value scale (percentiles for ranks)."""

    @abc.abstractmethod
    def start_value(self) -> float:
        """Where the central path starts at the last observation (the last value for anchored methods)."""

    def check_dates(self, dates: Any) -> pd.DatetimeIndex:
        """The dates as an index; refused when before the last observation (or on it, unless anchored)."""
        idx = pd.DatetimeIndex(pd.to_datetime(dates))
        bad = idx[idx < self.last_date] if self.anchored else idx[idx <= self.last_date]
        if len(bad):
            raise ForecastError(
                f"forecast dates must be after the last observation ({self.last_date.date()}); got "
                f"{', '.join(str(d.date()) for d in bad)}"
            )
        return idx

    def default_dates(self, horizon: float, dates: Iterable[Any] | None = None) -> pd.DatetimeIndex:
        """The dates a forecast of ``horizon`` years is given at (plus ``dates``)."""
        return forecast_dates(self.last_date, horizon, dates)

    def fan_dates(self, until: pd.Timestamp) -> pd.DatetimeIndex:
        """Dates to draw a fan at, monthly up to ``until``: from the last observation when anchored (the fan
        starts at the last actual), else from a month after it."""
        months = max(1, int(math.ceil((pd.Timestamp(until) - self.last_date) / pd.Timedelta(days=30.4375))))
        first = 0 if self.anchored else 1
        return pd.DatetimeIndex([self.last_date + pd.DateOffset(months=m) for m in range(first, months + 1)])

    def forecast(
        self,
        horizon: float = 0.0,
        *,
        level: float = 0.8,
        dates: Iterable[Any] | None = None,
        scale: str = "value",
    ) -> pd.DataFrame:
        """Tidy forecast frame ``date, mean, lower, upper, model, level``.

        ``mean`` is the central forecast, ``lower``/``upper`` the central ``level`` interval. For ranks,
        ``scale="value"`` gives ranks (with the latest survey's N, clipped to 1..N; ``lower`` is the better,
        smaller rank) and ``scale="percentile"`` gives the percentiles that were modelled.
        """
        check_level(level)
        if scale not in ("value", "percentile"):
            raise ForecastError(f"scale must be 'value' or 'percentile', not {scale!r}")
        when = self.check_dates(self.default_dates(horizon, dates))
        bounds = self.quantiles(when, [(1.0 - level) / 2.0, (1.0 + level) / 2.0])
        mean, lower, upper = self.central(when), bounds[:, 0], bounds[:, 1]
        if self.measure == "rank" and scale == "value":
            n = self.n_ranked
            # the better (upper) percentile is the better (smaller) rank
            mean, lower, upper = (percentile_to_rank(mean, n), percentile_to_rank(upper, n),
                                  percentile_to_rank(lower, n))
        frame = pd.DataFrame({
            "date": when,
            "mean": np.asarray(mean, dtype=float),
            "lower": np.asarray(lower, dtype=float),
            "upper": np.asarray(upper, dtype=float),
            "model": self.model,
            "level": float(level),
        })
        frame.attrs.update({
            "model": self.model,
            "measure": self.measure,
            "last_observation": self.last_date.strftime("%Y-%m-%d"),
            "n_points": self.n,
            "qualified": dict(self.qualified),
            "qualifier_treatment": QUALIFIER_TREATMENT,
            "conflict_rule": SNAPSHOT_RULE,
            "notes": list(self.notes),
        })
        return frame
