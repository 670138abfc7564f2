"""The classic single-series models: each fitted to one series alone, with a closed-form interval.

The default forecasts use the methods the calibration benchmark supports
(:mod:`~egovanalysis.forecasting.choice`); these models stay available through ``model=`` and as the
benchmark's reference, with their rolling-origin backtests (:mod:`~egovanalysis.forecasting.backtest`).

The series this project holds are short (often 5-15 points), irregularly dated and partly qualified
("more than 468,000"). The stance of this module follows from that:

* **Simple models only.** A handful of models that can be fitted on a few points: ``naive`` (last value),
  ``drift`` (random walk with drift), ``linear``, ``loglinear`` (exponential growth of a cumulative count),
  ``logit`` (a share bounded by 0 and 100), ``ets_damped`` (damped-trend exponential smoothing, evenly spaced
  series of at least 8 points) and ``statespace`` (local linear trend on an annual grid with missing years,
  e.g. the biennial UN surveys). Nothing is tuned by hand.
* **Intervals, always.** Every forecast comes with a prediction interval at a stated ``level``; the
  central value alone is never the result. With three to five points the intervals are wide (Student-t
  quantiles with few degrees of freedom) and they should be.
* **Backtests against naive.** Whether a model is better than "it stays where it was" is judged out of
  sample (:mod:`egovanalysis.forecasting.backtest`, :mod:`egovanalysis.forecasting.calibration`), never by
  in-sample fit; measured on every member state's rank and on Viet Nam's portal series, no model here beat
  the benchmarked methods, and their intervals from one short series were too narrow.
* **Uncertainty stated plainly.** Notes on what was assumed (qualified figures, merged reports, clipping to
  bounds) travel with the series (``Series.attrs``), the fit (:attr:`Fit.notes`) and every forecast frame
  (``DataFrame.attrs``).

Conventions, decided once here (the series themselves are built by :mod:`egovanalysis.forecasting.series`):

* **Time** is measured in years (days / 365.25) from the first observation. ``horizon`` is in years; a
  forecast is made at each whole year after the last observation up to the horizon (calendar anniversaries
  of the last observation's date), at the horizon itself if it is fractional, and at any extra ``dates``.
* **Qualified figures** are fitted as point values at their stated figure
  (:data:`~egovanalysis.forecasting.series.QUALIFIER_TREATMENT`); the qualifiers stay visible in
  :attr:`Fit.qualified` and ``frame.attrs["qualified"]``.
* **Ranks** are never modelled as raw ranks, because the number of ranked countries changes (173 in 2003, 193
  from 2014): a rank series is converted to percentiles
  (:func:`~egovanalysis.conventions.rank_to_percentile`), modelled as a share bounded by 0 and 100, and
  converted back to ranks with the number of ranked countries of the latest survey, clipped to ``1..N``.
* **Distributions.** Every model gives, at each forecast date, a location and scale on a (possibly
  transformed) scale and a Student-t (or normal) shape; intervals and target probabilities
  (:mod:`egovanalysis.forecasting.probabilities`) come from that same distribution, in closed form. Nothing
  is simulated, so results are identical from run to run and no seed is needed.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from egovanalysis.conventions import SNAPSHOT_RULE, rank_to_percentile
from egovanalysis.errors import ForecastError
from egovanalysis.forecasting.forecaster import Forecaster, check_level
from egovanalysis.forecasting.series import (
    MIN_SERIES_POINTS,
    QUALIFIER_TREATMENT,
    coerce,
    n_ranked_values,
    years_between,
)

__all__ = [
    "MIN_POINTS",
    "MODELS",
    "OLS_MODELS",
    "Fit",
    "Fits",
    "default_models",
    "fit",
    "fit_all",
    "forecast",
    "prepare",
]

#: Every model this module knows, in the order used to break ties.
MODELS: tuple[str, ...] = ("naive", "drift", "linear", "loglinear", "logit", "ets_damped", "statespace")
#: Models fitted by ordinary least squares on (transformed) values against time; their AICc is comparable.
OLS_MODELS: tuple[str, ...] = ("linear", "loglinear", "logit")
#: Minimum number of distinct dated points each model needs (``statespace``: observed annual grid cells).
MIN_POINTS: dict[str, int] = {
    "naive": 3,
    "drift": 3,
    "linear": 3,
    "loglinear": 3,
    "logit": 3,
    "ets_damped": 8,
    "statespace": 5,
}
#: Relative tolerance on the spacing of dates for a series to count as evenly spaced (covers 28-31 day months
#: and 365/366 day years).
EVEN_SPACING_TOLERANCE = 0.1
#: A share of exactly 0 or 100 cannot be put through the logit; such values are moved this many percentage
#: points inside the bounds (and a note says so).
SHARE_EPSILON = 0.1





# --------------------------------------------------------------------------------------------------------
# Transforms
# --------------------------------------------------------------------------------------------------------


def _identity(y: np.ndarray) -> np.ndarray:
    return np.asarray(y, dtype=float)


def _logit_share(y: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(y, dtype=float), SHARE_EPSILON, 100.0 - SHARE_EPSILON) / 100.0
    return np.log(p / (1.0 - p))


def _expit_share(z: np.ndarray) -> np.ndarray:
    return 100.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))


def _log_jacobian(transform: str, y: np.ndarray) -> float:
    """sum log|dz/dy|: turns a log-likelihood of z = g(y) into one of y, so AICc compares across g."""
    if transform == "log":
        return float(-np.sum(np.log(y)))
    if transform == "logit":
        p = np.clip(y, SHARE_EPSILON, 100.0 - SHARE_EPSILON) / 100.0
        return float(-np.sum(np.log(100.0 * p * (1.0 - p))))
    return 0.0


_FORWARD: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "identity": _identity,
    "log": np.log,
    "logit": _logit_share,
}
_INVERSE: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "identity": _identity,
    "log": np.exp,
    "logit": _expit_share,
}


# --------------------------------------------------------------------------------------------------------
# Fits
# --------------------------------------------------------------------------------------------------------

Predictor = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class Fit(Forecaster):
    """A fitted model: a predictive distribution at any date after the last observation.

    At ``t`` years after the first observation, the model's value on its working scale (``transform``
    applied to the series, or to its percentiles for ranks) is ``loc + scale * T`` with ``T`` Student-t with
    ``df`` degrees of freedom (normal when ``df`` is infinite). ``aicc`` is given for the OLS-type models
    (on the original scale of the values, so comparable among them) and for ``ets_damped``/``statespace``
    (statsmodels' own, comparable only within one model); ``None`` when undefined (too few points).
    """

    model: str
    measure: str | None
    transform: str
    origin: pd.Timestamp
    last_date: pd.Timestamp
    n: int
    df: float
    aicc: float | None
    params: dict[str, float]
    predictor: Predictor = field(repr=False)
    bounds: tuple[float, float] = (-math.inf, math.inf)
    n_ranked: float | None = None
    qualified: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict, repr=False)

    def distribution(self, dates: Any) -> tuple[np.ndarray, np.ndarray, float]:
        """``(loc, scale, df)`` of the predictive distribution on the working scale at ``dates``."""
        idx = self.check_dates(dates)
        loc, scale = self.predictor(years_between(self.origin, idx))
        return np.asarray(loc, dtype=float), np.asarray(scale, dtype=float), self.df

    def _to_value(self, z: np.ndarray) -> np.ndarray:
        """Working scale -> value scale (percentile for ranks), clipped to the bounds."""
        return np.clip(_INVERSE[self.transform](z), self.bounds[0], self.bounds[1])

    def _threshold(self, value: float) -> float:
        lo, hi = self.bounds
        if self.transform == "log" and value <= 0:
            return -math.inf
        if self.transform == "logit":
            value = min(max(value, lo), hi)
        return float(_FORWARD[self.transform](np.asarray([value]))[0])

    def quantiles(self, dates: pd.DatetimeIndex, probs: Sequence[float]) -> np.ndarray:
        """Quantiles on the value scale (the transform is monotone, so they are the working scale's)."""
        loc, sd, df = self.distribution(dates)
        q = np.asarray([_quantile(float(p), df) for p in probs])
        return self._to_value(loc[:, None] + q[None, :] * sd[:, None])

    def central(self, dates: pd.DatetimeIndex) -> np.ndarray:
        """The location back-transformed (for ``loglinear``/``logit`` the median)."""
        return self._to_value(self.distribution(dates)[0])

    def prob_at_least(self, dates: Any, threshold: float) -> np.ndarray:
        """P(value >= threshold) at each date, on the value scale (percentiles for ranks)."""
        loc, scale, df = self.distribution(dates)
        z = self._threshold(threshold)
        with np.errstate(divide="ignore", invalid="ignore"):
            standardised = (z - loc) / scale
        prob = np.where(scale > 0, _sf(standardised, df), np.where(loc >= z, 1.0, 0.0))
        return np.asarray(prob, dtype=float)

    def start_value(self) -> float:
        """The model's level at the last observation (a trend model's line need not pass through it)."""
        t_last = years_between(self.origin, [self.last_date])
        return float(self._to_value(self.predictor(t_last)[0])[0])


def _sf(x: np.ndarray, df: float) -> np.ndarray:
    return stats.norm.sf(x) if math.isinf(df) else stats.t.sf(x, df)


def _quantile(p: float, df: float) -> float:
    return float(stats.norm.ppf(p) if math.isinf(df) else stats.t.ppf(p, df))


def default_models(measure: str | None) -> tuple[str, ...]:
    """The models that suit a measure: counts grow (loglinear), shares and ranks are bounded (logit)."""
    if measure in ("cumulative", "count", "flow"):
        return ("naive", "drift", "linear", "loglinear", "ets_damped", "statespace")
    if measure in ("share", "rank"):
        return ("naive", "drift", "linear", "logit", "ets_damped", "statespace")
    return ("naive", "drift", "linear", "ets_damped", "statespace")


def _bounds(measure: str | None) -> tuple[float, float]:
    if measure in ("share", "rank"):
        return (0.0, 100.0)
    if measure in ("cumulative", "count", "flow"):
        return (0.0, math.inf)
    return (-math.inf, math.inf)


def _even_step(t: np.ndarray) -> float | None:
    dt = np.diff(t)
    step = float(np.median(dt))
    if step <= 0 or np.any(np.abs(dt - step) > EVEN_SPACING_TOLERANCE * step):
        return None
    return step


def fit(
    series: pd.Series | pd.DataFrame,
    model: str,
    *,
    measure: str | None = None,
    n_ranked: Any = None,
) -> Fit:
    """Fit one model to one indicator's series (see the module docstring for the conventions).

    ``measure`` (cumulative, flow, share, rank, index, count, change) defaults to ``series.attrs["measure"]``.
    ``measure="share"`` bounds forecasts to 0..100 (the ``logit`` model by construction, the others by
    clipping); ``measure="rank"`` models percentiles (``n_ranked``: one number, or a series by date, default
    ``series.attrs["n_ranked"]``). Raises :class:`ForecastError` for an unknown model, fewer points than the
    model needs (:data:`MIN_POINTS`), values the model cannot take (non-positive for ``loglinear``, outside
    0..100 for ``logit``), or uneven spacing for ``ets_damped``.
    """
    if model not in MODELS:
        raise ForecastError(f"unknown model {model!r}; choose one of: {', '.join(MODELS)}")
    s = coerce(series)
    measure = measure if measure is not None else s.attrs.get("measure")
    if len(s) < MIN_SERIES_POINTS:
        raise ForecastError(
            f"{len(s)} dated value(s); at least {MIN_SERIES_POINTS} are needed to fit any model"
        )
    if len(s) < MIN_POINTS[model] and model != "statespace":
        raise ForecastError(
            f"model '{model}' needs at least {MIN_POINTS[model]} points; the series has {len(s)}"
        )
    origin = s.index[0]
    t = years_between(origin, s.index)
    y = s.to_numpy(dtype=float)
    notes: list[str] = []
    n_latest = None
    if measure == "rank":
        n = n_ranked_values(s, n_ranked)
        y = rank_to_percentile(y, n)
        n_latest = float(n[-1])
        notes.append(
            f"ranks modelled as percentiles and converted back with N = {int(n_latest)} "
            "(the latest survey), clipped to 1..N"
        )
    if s.attrs.get("qualifiers"):
        notes.append(QUALIFIER_TREATMENT)
    if s.attrs.get("n_reports"):
        notes.append(SNAPSHOT_RULE)
    bounds = _bounds(measure)
    builder = _BUILDERS[model]
    with warnings.catch_warnings():
        # Short series routinely trip the optimisers' complaints (no convergence, no date frequency);
        # the backtest, not those warnings, judges a model. Other warnings still surface.
        from statsmodels.tools.sm_exceptions import ConvergenceWarning, ValueWarning

        for category in (ConvergenceWarning, ValueWarning):
            warnings.simplefilter("ignore", category)
        # A perfect fit (zero residuals) has a log-likelihood of +inf; AICc then says so, no warning needed.
        warnings.filterwarnings("ignore", "divide by zero encountered in log", RuntimeWarning, "statsmodels")
        transform, predictor, df, aicc, params, extra = builder(t, y)
    notes.extend(extra)
    if measure == "share" and transform == "identity":
        notes.append("forecasts and intervals clipped to 0..100")
    return Fit(
        model=model,
        measure=measure,
        transform=transform,
        origin=origin,
        last_date=s.index[-1],
        n=len(s),
        df=df,
        aicc=aicc,
        params=params,
        predictor=predictor,
        bounds=bounds,
        n_ranked=n_latest,
        qualified=dict(s.attrs.get("qualifiers") or {}),
        notes=tuple(notes),
        meta={"indicator": s.attrs.get("indicator"), "unit": s.attrs.get("unit")},
    )


_Built = tuple[str, Predictor, float, float | None, dict[str, float], list[str]]


def _fit_naive(t: np.ndarray, y: np.ndarray) -> _Built:
    """Random walk: variance per year = mean of squared steps divided by their length in years."""
    d, dt = np.diff(y), np.diff(t)
    sigma2 = float(np.mean(d**2 / dt))
    last_t, last_y = float(t[-1]), float(y[-1])

    def predict(tn: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        h = tn - last_t
        return np.full_like(h, last_y), np.sqrt(sigma2 * h)

    return "identity", predict, float(len(d)), None, {"sigma2_per_year": sigma2}, []


def _fit_drift(t: np.ndarray, y: np.ndarray) -> _Built:
    """Random walk with drift per year: steps d ~ N(mu dt, sigma2 dt), weighted least squares."""
    d, dt = np.diff(y), np.diff(t)
    total = float(np.sum(dt))
    mu = float(np.sum(d) / total)
    sigma2 = float(np.sum((d - mu * dt) ** 2 / dt) / (len(d) - 1))
    last_t, last_y = float(t[-1]), float(y[-1])

    def predict(tn: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        h = tn - last_t
        return last_y + mu * h, np.sqrt(sigma2 * (h + h**2 / total))

    return "identity", predict, float(len(d) - 1), None, {"drift_per_year": mu, "sigma2_per_year": sigma2}, []


def _ols(transform: str) -> Callable[..., _Built]:
    def build(t: np.ndarray, y: np.ndarray) -> _Built:
        import statsmodels.api as sm

        notes: list[str] = []
        if transform == "log" and np.any(y <= 0):
            raise ForecastError("model 'loglinear' needs positive values (it fits log(value))")
        if transform == "logit":
            if np.any((y < 0) | (y > 100)):
                raise ForecastError("model 'logit' needs shares within 0..100 (it fits logit(value / 100))")
            if np.any((y < SHARE_EPSILON) | (y > 100 - SHARE_EPSILON)):
                notes.append(
                    f"shares of 0 or 100 moved {SHARE_EPSILON} points inside the bounds for the logit"
                )
        z = _FORWARD[transform](y)
        exog = sm.add_constant(t, has_constant="add")
        res = sm.OLS(z, exog).fit()
        cov = np.asarray(res.cov_params(), dtype=float)
        resid_var = float(res.scale)
        intercept, slope = (float(v) for v in res.params)
        n, k = len(y), 3
        llf = float(res.llf) + _log_jacobian(transform, y)
        aicc = None
        if n - k - 1 > 0 and math.isfinite(llf):
            aicc = -2 * llf + 2 * k + 2 * k * (k + 1) / (n - k - 1)

        def predict(tn: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            x = np.column_stack([np.ones_like(tn), tn])
            var_mean = np.einsum("ij,jk,ik->i", x, cov, x)
            return intercept + slope * tn, np.sqrt(var_mean + resid_var)

        params = {"intercept": intercept, "slope_per_year": slope, "resid_var": resid_var}
        return transform, predict, float(res.df_resid), aicc, params, notes

    return build


def _interpolated(
    last_t: float, last_y: float, step: float, locs: np.ndarray, scales: np.ndarray
) -> Predictor:
    """Between whole steps, interpolate linearly from the last observation (scale 0) through the steps."""
    grid_loc = np.concatenate([[last_y], locs])
    grid_scale = np.concatenate([[0.0], scales])

    def predict(tn: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        s = (tn - last_t) / step
        if np.any(s > len(locs) + 1e-9):
            raise ForecastError("internal: forecast beyond the prepared steps")
        xs = np.arange(len(grid_loc), dtype=float)
        return np.interp(s, xs, grid_loc), np.interp(s, xs, grid_scale)

    return predict


#: Forecast steps prepared by the step-based models (ets_damped, statespace): enough for any target.
MAX_STEPS = 60


def _fit_ets(t: np.ndarray, y: np.ndarray) -> _Built:
    """Additive-error damped-trend ETS with exact (closed-form) prediction intervals."""
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    if len(y) < MIN_POINTS["ets_damped"]:
        raise ForecastError(f"model 'ets_damped' needs at least {MIN_POINTS['ets_damped']} points")
    step = _even_step(t)
    if step is None:
        raise ForecastError(
            "model 'ets_damped' needs an evenly spaced series (equal steps within 10 %); this one is "
            "irregular. Use 'statespace' (annual grid with missing years) or an OLS trend instead"
        )
    res = ETSModel(pd.Series(y), error="add", trend="add", damped_trend=True).fit(disp=False)
    pred = res.get_prediction(start=len(y), end=len(y) + MAX_STEPS - 1, method="exact")
    locs = np.asarray(pred.predicted_mean, dtype=float)
    scales = np.sqrt(np.asarray(pred.forecast_variance, dtype=float))
    params = {str(k): float(v) for k, v in zip(res.param_names, res.params, strict=True)}
    params["step_years"] = step
    notes = [
        f"evenly spaced every {step:.3f} years; dates between steps interpolated from the last observation"
    ]
    return (
        "identity",
        _interpolated(float(t[-1]), float(y[-1]), step, locs, scales),
        math.inf,
        float(res.aicc),
        params,
        notes,
    )


def _fit_statespace(t: np.ndarray, y: np.ndarray) -> _Built:
    """Local linear trend (UnobservedComponents) on an annual grid ending at the last observation.

    Each observation goes to the whole number of years before the last observation nearest to it; cells with
    several observations take their mean, cells with none are NaN (the Kalman filter skips them).
    """
    from statsmodels.tsa.statespace.structural import UnobservedComponents

    back = np.rint(t[-1] - t).astype(int)
    size = int(back.max()) + 1
    grid = np.full(size, np.nan)
    for cell in sorted(set(back.tolist())):
        grid[size - 1 - cell] = float(np.mean(y[back == cell]))
    observed = int(np.isfinite(grid).sum())
    if observed < MIN_POINTS["statespace"]:
        raise ForecastError(
            f"model 'statespace' needs at least {MIN_POINTS['statespace']} observed years on its annual "
            f"grid; the series covers {observed}"
        )
    res = UnobservedComponents(grid, level="local linear trend").fit(disp=False)
    fc = res.get_forecast(MAX_STEPS)
    locs = np.asarray(fc.predicted_mean, dtype=float)
    scales = np.sqrt(np.asarray(fc.var_pred_mean, dtype=float))
    params = {str(k): float(v) for k, v in zip(res.param_names, res.params, strict=True)}
    notes = [
        f"annual grid of {size} years with {size - observed} missing; dates between years interpolated "
        "from the last observation"
    ]
    return (
        "identity",
        _interpolated(float(t[-1]), float(grid[-1]), 1.0, locs, scales),
        math.inf,
        float(res.aicc),
        params,
        notes,
    )


_BUILDERS: dict[str, Callable[..., _Built]] = {
    "naive": _fit_naive,
    "drift": _fit_drift,
    "linear": _ols("identity"),
    "loglinear": _ols("log"),
    "logit": _ols("logit"),
    "ets_damped": _fit_ets,
    "statespace": _fit_statespace,
}


class Fits(dict[str, Fit]):
    """The models that could be fitted (name -> :class:`Fit`); ``refused`` says why the others were not."""

    def __init__(self, fits: Mapping[str, Fit], refused: Mapping[str, str]) -> None:
        super().__init__(fits)
        self.refused: dict[str, str] = dict(refused)


def prepare(
    series: pd.Series | pd.DataFrame, models: Sequence[str] | None, measure: str | None
) -> tuple[pd.Series, str | None, tuple[str, ...]]:
    """The clean series, its measure and the checked model names, shared by fitting and backtests.

    Raises :class:`ForecastError` for an unknown model name or fewer than 3 dated values.
    """
    s = coerce(series)
    measure = measure if measure is not None else s.attrs.get("measure")
    chosen = tuple(models) if models is not None else default_models(measure)
    unknown = [m for m in chosen if m not in MODELS]
    if unknown:
        names = ", ".join(map(repr, unknown))
        raise ForecastError(f"unknown model(s) {names}; choose from: {', '.join(MODELS)}")
    if len(s) < MIN_SERIES_POINTS:
        raise ForecastError(
            f"{len(s)} dated value(s); at least {MIN_SERIES_POINTS} are needed to fit any model"
        )
    return s, measure, chosen


def fit_all(
    series: pd.Series | pd.DataFrame,
    models: Sequence[str] | None = None,
    *,
    measure: str | None = None,
    n_ranked: Any = None,
) -> Fits:
    """Fit each of ``models`` (default: :func:`default_models` of the measure); refusals are recorded.

    An unknown model name or a series with fewer than 3 points raises :class:`ForecastError`; a model that
    does not suit this series (too few points for ETS, irregular spacing, non-positive values for loglinear)
    is left out and its reason kept in ``result.refused``.
    """
    s, measure, chosen = prepare(series, models, measure)
    fits: dict[str, Fit] = {}
    refused: dict[str, str] = {}
    for name in chosen:
        try:
            fits[name] = fit(s, name, measure=measure, n_ranked=n_ranked)
        except ForecastError as exc:
            refused[name] = str(exc)
    return Fits(fits, refused)


def forecast(
    series: pd.Series | pd.DataFrame,
    *,
    model: str,
    horizon: float,
    level: float = 0.8,
    measure: str | None = None,
    dates: Iterable[Any] | None = None,
    n_ranked: Any = None,
) -> pd.DataFrame:
    """Fit ``model`` and forecast: tidy frame ``date, mean, lower, upper, model, level``.

    Forecasts are made at each whole year after the last observation up to ``horizon`` years, at the
    horizon itself if fractional, and at ``dates`` (e.g. a target's deadline). ``frame.attrs`` carries the
    qualified dates, how they were treated, and the model's notes. See :func:`fit` for the arguments.
    """
    check_level(level)
    fitted = fit(series, model, measure=measure, n_ranked=n_ranked)
    return fitted.forecast(horizon, level=level, dates=dates)
