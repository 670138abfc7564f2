"""Rolling-origin backtests of the forecasting models, and a model choice that follows them.

With a handful of points, in-sample fit says little about forecast accuracy. Each model is therefore refitted
at every *origin* (the series cut after its k-th point, for every k that leaves the model its minimum number
of points and at least one later point) and asked to forecast every later observed point. Each forecast is
scored against the actual value:

* **Scaled error** (for MASE): ``|actual - mean| / scale`` where ``scale`` is the in-sample naive error per
  year of the training part: ``sum |y_i - y_{i-1}| / sum (t_i - t_{i-1})`` (absolute change per year of
  elapsed time), so that irregular spacing neither inflates nor deflates it. With yearly data this is the
  usual MASE denominator (mean absolute one-step naive error). A MASE below 1 means the model's errors are
  smaller than one year's typical naive change; the naive forecast itself scores about 1 at a one-year
  horizon and more further out. Origins whose training part never changes (scale 0) are skipped.
* **Coverage**: whether the actual lies inside the forecast interval at ``level``.

Forecasts are grouped by horizon in years into the buckets ``<=1`` (up to one year ahead), ``1-2`` and
``>2``: the series are too short and irregular for a table per whole year, and three buckets keep short-range
and long-range accuracy apart. Rank series are scored on the percentile scale that was modelled (ranks of
different surveys have different denominators).

:func:`~egovanalysis.forecasting.choice.choose_model` reads these tables to pick a model.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from egovanalysis.conventions import rank_to_percentile
from egovanalysis.errors import ForecastError
from egovanalysis.forecasting.models import MIN_POINTS, fit, prepare
from egovanalysis.forecasting.series import MIN_SERIES_POINTS, n_ranked_values, years_between

__all__ = ["HORIZON_BUCKETS", "backtest", "backtest_forecasts", "horizon_bucket"]

#: (upper bound in years, label); a horizon h goes to the first bucket with h <= bound.
HORIZON_BUCKETS: tuple[tuple[float, str], ...] = ((1.0, "<=1"), (2.0, "1-2"), (math.inf, ">2"))
#: Slack (years) so that a forecast made exactly one calendar year ahead (365 or 366 days) is in ``<=1``.
_BUCKET_SLACK = 2.0 / 365.25


def horizon_bucket(h: float) -> str:
    """The horizon bucket label of a horizon of ``h`` years."""
    for bound, label in HORIZON_BUCKETS:
        if h <= bound + _BUCKET_SLACK:
            return label
    return HORIZON_BUCKETS[-1][1]


def _naive_scale(t: np.ndarray, y: np.ndarray) -> float:
    dt = np.diff(t)
    return float(np.sum(np.abs(np.diff(y))) / np.sum(dt)) if np.sum(dt) > 0 else 0.0


def backtest_forecasts(
    series: pd.Series | pd.DataFrame,
    models: Sequence[str] | None = None,
    level: float = 0.8,
    *,
    measure: str | None = None,
    n_ranked: Any = None,
    min_train: int | None = None,
) -> pd.DataFrame:
    """Every rolling-origin forecast, one row each.

    Columns: ``model, origin, date, horizon_years, horizon, actual, mean, lower, upper, scale, scaled_error,
    covered``. ``min_train`` raises every model's minimum training size (never lowers it below
    :data:`~egovanalysis.forecasting.models.MIN_POINTS`). A model refused at an origin (e.g. ``loglinear``
    with a zero) simply has no forecasts from that origin.
    """
    s, measure, chosen = prepare(series, models, measure)
    y = s.to_numpy(dtype=float)
    if measure == "rank":
        n_all = n_ranked_values(s, n_ranked)
        y = np.asarray(rank_to_percentile(y, n_all), dtype=float)
        n_ranked = pd.Series(n_all, index=s.index)
    t = years_between(s.index[0], s.index)
    rows: list[dict[str, Any]] = []
    for model in chosen:
        need = max(MIN_POINTS[model], min_train or 0, MIN_SERIES_POINTS)
        for k in range(need, len(s)):
            train = s.iloc[:k]
            scale = _naive_scale(t[:k], y[:k])
            if scale <= 0:
                continue
            try:
                fitted = fit(train, model, measure=measure, n_ranked=n_ranked)
            except ForecastError:
                continue
            frame = fitted.forecast(0.0, level=level, dates=s.index[k:], scale="percentile")
            actual = y[k:]
            for j, row in enumerate(frame.itertuples(index=False)):
                h = float(t[k + j] - t[k - 1])
                error = abs(actual[j] - row.mean) / scale
                rows.append({
                    "model": model, "origin": s.index[k - 1], "date": row.date, "horizon_years": h,
                    "horizon": horizon_bucket(h), "actual": float(actual[j]), "mean": float(row.mean),
                    "lower": float(row.lower), "upper": float(row.upper), "scale": scale,
                    "scaled_error": float(error),
                    "covered": bool(row.lower <= actual[j] <= row.upper),
                })
    columns = ["model", "origin", "date", "horizon_years", "horizon", "actual", "mean", "lower", "upper",
               "scale", "scaled_error", "covered"]
    return pd.DataFrame(rows, columns=columns)


def backtest(
    series: pd.Series | pd.DataFrame,
    models: Sequence[str] | None = None,
    level: float = 0.8,
    *,
    measure: str | None = None,
    n_ranked: Any = None,
    min_train: int | None = None,
) -> pd.DataFrame:
    """Rolling-origin backtest summary: ``model, horizon, n_forecasts, mase, coverage``.

    One row per model and horizon bucket (``<=1``, ``1-2``, ``>2`` years) that has forecasts, models in the
    order given, buckets from short to long. ``mase`` is the mean scaled error, ``coverage`` the share of
    actuals inside the ``level`` interval (compare it with ``level``; with a few forecasts it is very noisy).
    See :func:`backtest_forecasts` for the arguments and the module docstring for the definitions.
    """
    detail = backtest_forecasts(series, models, level, measure=measure, n_ranked=n_ranked,
                                min_train=min_train)
    order = {label: i for i, (_, label) in enumerate(HORIZON_BUCKETS)}
    out: list[dict[str, Any]] = []
    model_order = list(dict.fromkeys(detail["model"]))
    for model in model_order:
        part = detail[detail["model"] == model]
        for label in sorted(set(part["horizon"]), key=order.__getitem__):
            cell = part[part["horizon"] == label]
            out.append({"model": model, "horizon": label, "n_forecasts": len(cell),
                        "mase": float(cell["scaled_error"].mean()),
                        "coverage": float(cell["covered"].mean())})
    table = pd.DataFrame(out, columns=["model", "horizon", "n_forecasts", "mase", "coverage"])
    table.attrs["level"] = float(level)
    return table
