"""Survey ranks learnt across countries: the last position, with the spread of similar countries' moves.

**The method, in two sentences (shown in the forecast notebook).** A country's next rank is forecast to stay
where it is, because no trend model beat "no change" when tested on every member state since 2008. The
interval spans the 10th to 90th percentile (for an 80 % interval) of the moves that all countries standing
within 10 percentile points of the same position made over the same number of surveys, in the last four
survey rounds.

Why this rule, measured by :mod:`egovanalysis.forecasting.calibration` (origins 2008-2022, every member
state): percentile changes reverse slightly (the pooled slope of a change on the previous one is negative in
every round since 2005), so drift and trend models lose to naive, and choosing among them on 3-10 points
of one country adds noise; the spread of changes depends strongly on the level (about 7 points at the top
and bottom, 17-19 in the middle), so pooling only countries at a similar position calibrates the interval
for every position, the first and the last included. Only surveys up to the forecast origin are used.

Ranks are modelled as percentiles (:func:`~egovanalysis.conventions.rank_to_percentile`), because the number
of countries ranked changed (173 in 2003, 193 since 2014). The rank only changes when a survey is released,
every :data:`~egovanalysis.conventions.SURVEY_EVERY_YEARS` years: a date ``d`` is ``h`` surveys ahead when
``h`` surveys are expected after the last one up to ``d``; at ``h = 0`` the forecast is the last value.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from egovanalysis.conventions import SURVEY_EVERY_YEARS, rank_to_percentile
from egovanalysis.errors import ForecastError
from egovanalysis.forecasting.forecaster import Forecaster
from egovanalysis.forecasting.series import DAYS_PER_YEAR

__all__ = [
    "MATCH_WINDOW",
    "MIN_MATCHED_PAIRS",
    "MIN_POOL_PAIRS",
    "RECENT_ROUNDS",
    "PooledNaive",
    "SurveyPool",
    "expected_surveys",
    "pooled_naive",
]

#: Countries within this many percentile points of the forecast's starting position are "similar".
MATCH_WINDOW = 10.0
#: The pooled moves are those ending at the last this many surveys up to the forecast origin.
RECENT_ROUNDS = 4
#: The window is widened (x1.5 at a time) until it holds at least this many moves; when the recent rounds
#: hold fewer in all, every earlier round is used too.
MIN_MATCHED_PAIRS = 50
#: Fewer moves than this in every round together: no interval is given (an 80 % range from fewer than 20
#: moves says little).
MIN_POOL_PAIRS = 20
#: How much the window grows each time it holds too few moves.
WINDOW_GROWTH = 1.5


def expected_surveys(last: pd.Timestamp, until: pd.Timestamp) -> list[pd.Timestamp]:
    """The surveys expected after ``last`` up to ``until``: every SURVEY_EVERY_YEARS years, same day."""
    out: list[pd.Timestamp] = []
    k = 1
    while (nxt := pd.Timestamp(last + pd.DateOffset(years=k * SURVEY_EVERY_YEARS))) <= until:
        out.append(nxt)
        k += 1
    return out


@dataclass(frozen=True, eq=False)
class SurveyPool:
    """Every country's percentile at every survey of an EGDI panel: a (countries x surveys) matrix.

    ``dates`` are the surveys (1 July of each survey year, as the series are dated), ``pct`` holds NaN where
    a country was not ranked. The moves between surveys are computed once per (origin, horizon).
    """

    iso3: np.ndarray
    dates: pd.DatetimeIndex
    pct: np.ndarray
    _moves: dict[tuple[int, int, bool], tuple[np.ndarray, np.ndarray]] = field(default_factory=dict,
                                                                                repr=False)

    @classmethod
    def from_panel(cls, panel: pd.DataFrame) -> SurveyPool:
        """The pool of an EGDI panel (``iso3, survey_year, egdi_rank, n_ranked``)."""
        ranked = panel[panel["egdi_rank"].notna()]
        pct = rank_to_percentile(ranked["egdi_rank"].to_numpy(dtype=float),
                                 ranked["n_ranked"].to_numpy(dtype=float))
        matrix = (pd.DataFrame({"iso3": ranked["iso3"].to_numpy(), "year": ranked["survey_year"].astype(int),
                                "pct": np.asarray(pct, dtype=float)})
                  .pivot_table(index="iso3", columns="year", values="pct", aggfunc="first")
                  .sort_index(axis=0).sort_index(axis=1))
        dates = pd.DatetimeIndex([pd.Timestamp(int(y), 7, 1) for y in matrix.columns], name="date")
        return cls(matrix.index.to_numpy(), dates, matrix.to_numpy(dtype=float))

    def survey_index(self, date: pd.Timestamp) -> int:
        """Position of the survey dated ``date``."""
        where = np.flatnonzero(self.dates == pd.Timestamp(date))
        if not len(where):
            raise ForecastError(f"no survey dated {pd.Timestamp(date).date()} in the EGDI panel")
        return int(where[0])

    def moves(self, origin: int, h: int, recent_only: bool) -> tuple[np.ndarray, np.ndarray]:
        """(start percentile, change over ``h`` surveys) of every country, for pairs of surveys ending at or
        before survey ``origin``: only those ending at the last :data:`RECENT_ROUNDS` surveys when
        ``recent_only``."""
        key = (origin, h, recent_only)
        if key not in self._moves:
            first_end = max(h, origin - RECENT_ROUNDS + 1) if recent_only else h
            starts, changes = [], []
            for end in range(first_end, origin + 1):
                a, b = self.pct[:, end - h], self.pct[:, end]
                ok = np.isfinite(a) & np.isfinite(b)
                starts.append(a[ok])
                changes.append(b[ok] - a[ok])
            self._moves[key] = ((np.concatenate(starts), np.concatenate(changes)) if starts
                                else (np.empty(0), np.empty(0)))
        return self._moves[key]


@dataclass(frozen=True)
class PooledMoves:
    """The moves an interval is read from: how many, within which window, from which surveys."""

    changes: np.ndarray = field(repr=False)
    window: float
    first_survey: pd.Timestamp
    last_survey: pd.Timestamp

    @property
    def n(self) -> int:
        """Number of moves."""
        return len(self.changes)


@dataclass(frozen=True, eq=False)
class PooledNaive(Forecaster):
    """Naive central forecast of a survey percentile, with level-matched pooled moves as its distribution."""

    measure: str | None
    origin: pd.Timestamp
    last_date: pd.Timestamp
    n: int
    last_value: float
    pool: SurveyPool = field(repr=False)
    origin_index: int = 0
    n_ranked: float | None = None
    qualified: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    model: str = "pooled_naive"
    anchored: bool = True
    _kept: dict[int, PooledMoves] = field(default_factory=dict, repr=False)

    def surveys_ahead(self, dates: pd.DatetimeIndex) -> np.ndarray:
        """How many surveys are expected after the last one up to each date."""
        return np.asarray([len(expected_surveys(self.last_date, d)) for d in dates], dtype=int)

    def moves(self, h: int) -> PooledMoves:
        """The pooled moves over ``h`` surveys of the countries at a similar position (see the module)."""
        if h not in self._kept:
            recent = len(self.pool.moves(self.origin_index, h, recent_only=True)[0]) >= MIN_MATCHED_PAIRS
            starts, changes = self.pool.moves(self.origin_index, h, recent_only=recent)
            if len(changes) < MIN_POOL_PAIRS:
                raise ForecastError(
                    f"only {len(changes)} moves over {h} survey(s) in the EGDI panel up to "
                    f"{self.last_date.year}; at least {MIN_POOL_PAIRS} are needed for an interval. Use a "
                    "panel of more countries or a shorter horizon"
                )
            window = MATCH_WINDOW
            kept = np.abs(starts - self.last_value) <= window
            while kept.sum() < min(MIN_MATCHED_PAIRS, len(changes)):
                window *= WINDOW_GROWTH
                kept = np.abs(starts - self.last_value) <= window
            first_end = max(h, self.origin_index - RECENT_ROUNDS + 1) if recent else h
            self._kept[h] = PooledMoves(changes[kept], window, self.pool.dates[first_end - h],
                                        self.pool.dates[self.origin_index])
        return self._kept[h]

    def _values(self, h: int) -> np.ndarray:
        return np.clip(self.last_value + self.moves(h).changes, 0.0, 100.0)

    def quantiles(self, dates: pd.DatetimeIndex, probs: Sequence[float]) -> np.ndarray:
        """Empirical quantiles (linear interpolation) of the last value plus the pooled moves."""
        out = np.empty((len(dates), len(probs)))
        for i, h in enumerate(self.surveys_ahead(dates)):
            out[i] = self.last_value if h == 0 else np.quantile(self._values(int(h)), list(probs))
        return out

    def central(self, dates: pd.DatetimeIndex) -> np.ndarray:
        """The last value: no model beats it on the pooled benchmark."""
        return np.full(len(dates), self.last_value)

    def prob_at_least(self, dates: Any, threshold: float) -> np.ndarray:
        """Share of the pooled moves that bring the last value to ``threshold`` or beyond."""
        idx = self.check_dates(dates)
        return np.asarray([float(self.last_value >= threshold) if h == 0
                           else float(np.mean(self._values(int(h)) >= threshold))
                           for h in self.surveys_ahead(idx)], dtype=float)

    def start_value(self) -> float:
        """The last value (the fan starts at the last actual)."""
        return self.last_value

    def fan_dates(self, until: pd.Timestamp) -> pd.DatetimeIndex:
        """The last survey and the surveys expected up to ``until`` (at least the next): the rank moves at
        surveys only, so the fan joins the forecasts at the surveys."""
        next_one = self.last_date + pd.DateOffset(years=SURVEY_EVERY_YEARS)
        ahead = (expected_surveys(self.last_date, pd.Timestamp(until))
                 or expected_surveys(self.last_date, next_one))
        return pd.DatetimeIndex([self.last_date, *ahead])

    def default_dates(self, horizon: float, dates: Iterable[Any] | None = None) -> pd.DatetimeIndex:
        """The surveys expected within ``horizon`` years (at least the next one), and ``dates``."""
        if horizon < 0 or not math.isfinite(horizon):
            raise ForecastError(f"horizon must be a non-negative number of years, not {horizon!r}")
        out: list[pd.Timestamp] = []
        if horizon > 0 or dates is None:
            until = self.last_date + pd.Timedelta(days=round(horizon * DAYS_PER_YEAR))
            next_one = self.last_date + pd.DateOffset(years=SURVEY_EVERY_YEARS)
            out = expected_surveys(self.last_date, until) or expected_surveys(self.last_date, next_one)
        if dates is not None:
            out.extend(pd.to_datetime(list(dates)))
        return pd.DatetimeIndex(sorted(set(out)), name="date")


def pooled_naive(series: pd.Series, pool: SurveyPool) -> PooledNaive:
    """The pooled-naive forecaster of one country's percentile series, from surveys up to its last one."""
    if series.empty:
        raise ForecastError("the survey series is empty")
    last = pd.Timestamp(series.index[-1])
    n_ranked = series.attrs.get("n_ranked")
    n_last = float(n_ranked[n_ranked.index <= last].iloc[-1]) if isinstance(n_ranked, pd.Series) else None
    return PooledNaive(
        measure=series.attrs.get("measure"), origin=pd.Timestamp(series.index[0]), last_date=last,
        n=len(series), last_value=float(series.iloc[-1]), pool=pool, origin_index=pool.survey_index(last),
        n_ranked=n_last,
    )
