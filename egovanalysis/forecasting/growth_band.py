"""Reported counts and shares: the recent growth continued, damped, within a band of multiples of it.

**The method, in two sentences (shown in the forecast notebook).** *Counts* (cumulative, counts, flows,
indices) are projected to keep growing at their recent pace on the log scale, with that pace halving every
year, so the projection levels off instead of exploding; the 80 % range runs from the last reported value
(a cumulative count cannot fall) to 1.5 times that damped growth. *Shares* continue their recent pace on the
logit scale, which flattens by itself near 0 and 100 %, so the range, from half the pace backwards to 1.5
times it forwards, always stays within 0-100 %.

Precisely, with ``z`` = log(value) for counts and logit(value / 100) for shares, time in years:

* **recent pace** ``g``: the change of ``z`` per year since the latest report at least
  :data:`RATE_SPAN_YEARS` before the last one (the first report if none; a rate over a few days is noise);
  a cumulative count's pace is at least 0, and ``g* = sign(g) max(|g|, RATE_FLOOR)`` gives a flat series a
  narrow interval rather than none;
* **damped horizon** ``H(h) = (1 - 2^(-h / HALF_LIFE_YEARS)) HALF_LIFE_YEARS / ln 2`` for counts (the years of
  growth at pace ``g*`` that ``h`` years of a halving pace amount to; below 1.44 years whatever ``h``),
  ``H(h) = h`` for shares;
* **band** of the pace multiplier ``u`` between :data:`BAND_CUMULATIVE` (cumulative counts) or
  :data:`BAND_OTHER` (other measures): the 80 % interval is ``z_last + g* H(h) [u_lo, u_hi]`` and the
  central forecast its middle. Other levels and target probabilities read the band as the 10-90 % range of a
  normal distribution of ``u``; for a cumulative count the mass below ``u = 0`` sits at the last value.

Evidence (:mod:`egovanalysis.forecasting.calibration`, every Viet Nam series with at least 5 reports, rolling
origins): pooled past errors fail here because the early origins only see the launch months of 2020 when
growth was slowing, while growth picked up again in 2021-2023; a band of multiples of the recent pace holds.
The constants were chosen on these few series, so that coverage is optimistic; every neighbouring setting
(lower multiplier 0 or 0.5, upper 1.5 or 2, half-life 1 or 2 years or none) also met the goals.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from egovanalysis.errors import ForecastError
from egovanalysis.forecasting.forecaster import Forecaster
from egovanalysis.forecasting.series import years_between

__all__ = [
    "BAND_CUMULATIVE",
    "BAND_OTHER",
    "COUNT_MEASURES",
    "HALF_LIFE_YEARS",
    "RATE_FLOOR",
    "RATE_SPAN_YEARS",
    "GrowthBand",
    "growth_band",
    "supports",
]

#: The recent pace is measured from the latest report at least this many years before the last one.
RATE_SPAN_YEARS = 0.1
#: Smallest pace (change of z per year) an interval is built on.
RATE_FLOOR = 0.02
#: A count's pace halves every this many years.
HALF_LIFE_YEARS = 1.0
#: The 80 % band of the pace multiplier for a cumulative count: no growth to 1.5 times the recent pace.
BAND_CUMULATIVE: tuple[float, float] = (0.0, 1.5)
#: ... and for any other measure (a share or a count may also fall).
BAND_OTHER: tuple[float, float] = (-0.5, 1.5)
#: The band is the central 80 % of a normal distribution of the multiplier.
BAND_LEVEL = 0.8
#: Measures projected on the log scale (positive values only).
COUNT_MEASURES: frozenset[str] = frozenset({"cumulative", "count", "flow", "index"})
#: Shares are put through the logit after clipping to this distance from 0 and 100 (0.004 % is a real value).
LOGIT_EPSILON = 1e-6
_Z_BAND = float(stats.norm.ppf(0.5 + BAND_LEVEL / 2))


def supports(series: pd.Series) -> bool:
    """Whether the band applies: a share within 0..100, or a count (:data:`COUNT_MEASURES`) above 0."""
    measure = series.attrs.get("measure")
    values = series.to_numpy(dtype=float)
    if measure == "share":
        return bool(np.all((values >= 0) & (values <= 100)))
    return measure in COUNT_MEASURES and bool(np.all(values > 0))


def _to_z(values: np.ndarray, share: bool) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    if share:
        p = np.clip(values, LOGIT_EPSILON, 100.0 - LOGIT_EPSILON) / 100.0
        return np.log(p / (1.0 - p))
    return np.log(values)


def _from_z(z: np.ndarray, share: bool) -> np.ndarray:
    z = np.asarray(z, dtype=float)
    return 100.0 / (1.0 + np.exp(-z)) if share else np.exp(z)


def damped_years(h: np.ndarray, half_life: float | None) -> np.ndarray:
    """Years of growth at the current pace that ``h`` years of a pace halving every ``half_life`` make."""
    h = np.maximum(np.asarray(h, dtype=float), 0.0)
    if half_life is None:
        return h
    decay = math.log(2.0) / half_life
    return -np.expm1(-decay * h) / decay


@dataclass(frozen=True)
class GrowthBand(Forecaster):
    """The damped growth band of one series (see the module docstring for the rule)."""

    measure: str | None
    origin: pd.Timestamp
    last_date: pd.Timestamp
    n: int
    last_value: float
    pace: float
    pace_from: pd.Timestamp
    band: tuple[float, float]
    half_life: float | None
    n_ranked: float | None = None
    qualified: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    model: str = "growth_band"
    anchored: bool = True

    @property
    def share(self) -> bool:
        """Whether the series is a share (logit scale) rather than a count (log scale)."""
        return self.measure == "share"

    @property
    def cumulative(self) -> bool:
        """Whether the series is a cumulative count (it never falls)."""
        return self.measure == "cumulative"

    def _spans(self, dates: pd.DatetimeIndex) -> np.ndarray:
        """``g* H(h)`` at each date: the change of z that a multiplier of 1 gives."""
        return self.pace * damped_years(years_between(self.last_date, dates), self.half_life)

    def _multipliers(self, probs: Sequence[float]) -> np.ndarray:
        lo, hi = self.band
        mean, sd = (lo + hi) / 2.0, (hi - lo) / (2.0 * _Z_BAND)
        u = mean + sd * stats.norm.ppf(np.asarray(probs, dtype=float))
        return np.maximum(u, 0.0) if self.cumulative else u

    def _value(self, offset: np.ndarray) -> np.ndarray:
        """The value ``offset`` away from the last one on the z scale; exactly the last value at 0."""
        z_last = float(_to_z(np.asarray([self.last_value]), self.share)[0])
        return np.where(offset == 0.0, self.last_value, _from_z(z_last + offset, self.share))

    def quantiles(self, dates: pd.DatetimeIndex, probs: Sequence[float]) -> np.ndarray:
        """Quantiles of the value: a falling pace turns the band over, so low ``u`` gives high values."""
        spans = self._spans(dates)
        up = self._multipliers(probs)
        down = self._multipliers([1.0 - p for p in probs])
        u = np.where((spans >= 0)[:, None], up[None, :], down[None, :])
        return self._value(spans[:, None] * u)

    def central(self, dates: pd.DatetimeIndex) -> np.ndarray:
        """The middle of the band on the z scale."""
        return self._value(self._spans(dates) * (sum(self.band) / 2.0))

    def prob_at_least(self, dates: Any, threshold: float) -> np.ndarray:
        """P(value >= threshold) under the normal reading of the band."""
        spans = self._spans(self.check_dates(dates))
        if self.cumulative and threshold <= self.last_value:
            return np.ones(len(spans))
        lo, hi = self.band
        mean, sd = (lo + hi) / 2.0, (hi - lo) / (2.0 * _Z_BAND)
        z_last = float(_to_z(np.asarray([self.last_value]), self.share)[0])
        if self.share:
            threshold = min(max(threshold, 0.0), 100.0)
        elif threshold <= 0:
            return np.ones(len(spans))
        needed = float(_to_z(np.asarray([threshold]), self.share)[0]) - z_last
        out = np.empty(len(spans))
        for i, span in enumerate(spans):
            if span == 0:
                out[i] = float(self.last_value >= threshold)
                continue
            u_needed = needed / span
            above = stats.norm.sf((u_needed - mean) / sd)
            if self.cumulative and u_needed <= 0:
                above = 1.0  # the mass below u = 0 sits at the last value, which meets the threshold
            out[i] = above if span > 0 else 1.0 - above
        return out

    def start_value(self) -> float:
        """The last value (the fan starts at the last actual)."""
        return self.last_value


def growth_band(series: pd.Series) -> GrowthBand:
    """The damped growth band of a share or a positive count series (see the module docstring).

    Raises :class:`~egovanalysis.errors.ForecastError` for another measure or values the scale cannot take.
    """
    if not supports(series):
        raise ForecastError(
            "the growth band takes a share within 0..100 or a positive count "
            f"({', '.join(sorted(COUNT_MEASURES))}); "
            f"'{series.attrs.get('indicator')}' has measure '{series.attrs.get('measure')}' and values from "
            f"{float(series.min())} to {float(series.max())}"
        )
    measure = str(series.attrs.get("measure"))
    share, cumulative = measure == "share", measure == "cumulative"
    t = years_between(series.index[0], series.index)
    z = _to_z(series.to_numpy(dtype=float), share)
    earlier = np.flatnonzero(t[-1] - t[:-1] >= RATE_SPAN_YEARS - 1e-9)
    j = int(earlier[-1]) if len(earlier) else 0
    pace = float((z[-1] - z[j]) / (t[-1] - t[j])) if t[-1] > t[j] else 0.0
    if cumulative:
        pace = max(pace, 0.0)
    pace = math.copysign(max(abs(pace), RATE_FLOOR), pace if pace != 0 else 1.0)
    return GrowthBand(
        measure=measure, origin=pd.Timestamp(series.index[0]), last_date=pd.Timestamp(series.index[-1]),
        n=len(series), last_value=float(series.iloc[-1]), pace=pace, pace_from=pd.Timestamp(series.index[j]),
        band=BAND_CUMULATIVE if cumulative else BAND_OTHER, half_life=None if share else HALF_LIFE_YEARS,
        qualified=dict(series.attrs.get("qualifiers") or {}),
    )
