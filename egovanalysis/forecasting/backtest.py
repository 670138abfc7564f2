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

:func:`choose_model` picks the model with the lowest mean MASE among those with enough backtest forecasts,
says plainly when no model beats the naive forecast, and falls back to AICc (OLS trend models only) when
the series is too short for a backtest.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from egovanalysis.conventions import rank_to_percentile
from egovanalysis.forecasting.models import (
    MIN_POINTS,
    MODELS,
    OLS_MODELS,
    Fit,
    ForecastError,
    _n_ranked,
    fit,
    prepare,
    years_between,
)

__all__ = ["HORIZON_BUCKETS", "backtest", "backtest_forecasts", "choose_model", "horizon_bucket"]

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
    seed: int = 0,
) -> pd.DataFrame:
    """Every rolling-origin forecast, one row each.

    Columns: ``model, origin, date, horizon_years, horizon, actual, mean, lower, upper, scale, scaled_error,
    covered``. ``min_train`` raises every model's minimum training size (never lowers it below
    :data:`~egovanalysis.forecasting.models.MIN_POINTS`). A model refused at an origin (e.g. ``loglinear`` with a
    zero) simply has no forecasts from that origin.
    """
    s, measure, chosen = prepare(series, models, measure)
    y = s.to_numpy(dtype=float)
    if measure == "rank":
        n_all = _n_ranked(s, n_ranked)
        y = np.asarray(rank_to_percentile(y, n_all), dtype=float)
        n_ranked = pd.Series(n_all, index=s.index)
    t = years_between(s.index[0], s.index)
    rows: list[dict[str, Any]] = []
    for model in chosen:
        need = max(MIN_POINTS[model], min_train or 0, 3)
        for k in range(need, len(s)):
            train = s.iloc[:k]
            scale = _naive_scale(t[:k], y[:k])
            if scale <= 0:
                continue
            try:
                fitted = fit(train, model, measure=measure, n_ranked=n_ranked, seed=seed)
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
    seed: int = 0,
) -> pd.DataFrame:
    """Rolling-origin backtest summary: ``model, horizon, n_forecasts, mase, coverage``.

    One row per model and horizon bucket (``<=1``, ``1-2``, ``>2`` years) that has forecasts, models in the
    order given, buckets from short to long. ``mase`` is the mean scaled error, ``coverage`` the share of
    actuals inside the ``level`` interval (compare it with ``level``; with a few forecasts it is very noisy).
    See :func:`backtest_forecasts` for the arguments and the module docstring for the definitions.
    """
    detail = backtest_forecasts(series, models, level, measure=measure, n_ranked=n_ranked,
                                min_train=min_train, seed=seed)
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


def _summary(table: pd.DataFrame) -> pd.DataFrame:
    if table.empty:
        return pd.DataFrame(columns=["n", "mase"])
    weighted = table.assign(total=table["mase"] * table["n_forecasts"])
    grouped = weighted.groupby("model", sort=False)[["n_forecasts", "total"]].sum()
    return pd.DataFrame({"n": grouped["n_forecasts"], "mase": grouped["total"] / grouped["n_forecasts"]})


def choose_model(
    backtest_table: pd.DataFrame,
    fits: Mapping[str, Fit] | None = None,
    *,
    min_forecasts: int = 5,
) -> tuple[str, str]:
    """Pick a model, and say why in one plain sentence: ``(model, reason)``.

    1. Models with at least ``min_forecasts`` backtest forecasts (over all horizons) and, when ``fits`` is
       given, a current fit, are compared by mean MASE (forecast-weighted over the horizon buckets); ties go
       to the simpler model (order of :data:`~egovanalysis.forecasting.models.MODELS`).
    2. If naive is among them and has the lowest MASE, or (naive not backtested) every model has
       MASE >= 1, the answer is naive and the reason says "no model beats the naive forecast; use naive".
       Naive's own MASE grows with the horizon (it is about 1 one year ahead), so when naive was backtested
       the models are compared with it on the same origins rather than with the constant 1.
    3. If no model has enough backtest forecasts, the OLS trend models in ``fits`` are compared by AICc
       (computed on the original scale, so linear, loglinear and logit are comparable); the reason says the
       choice is in-sample only. Without any AICc, naive.
    """
    fits = dict(fits or {})
    summary = _summary(backtest_table)
    eligible = summary[summary["n"] >= min_forecasts]
    if fits:
        eligible = eligible[eligible.index.isin(list(fits))]
    if not eligible.empty:
        rank = {m: i for i, m in enumerate(MODELS)}
        best = min(eligible.index, key=lambda m: (round(float(eligible.loc[m, "mase"]), 12), rank.get(m, 99)))
        best_mase = float(eligible.loc[best, "mase"])
        n_best = int(eligible.loc[best, "n"])
        if "naive" in eligible.index:
            no_better = best == "naive"
            why = f"naive has the lowest backtest MASE ({best_mase:.2f} over {n_best} forecasts)"
        else:
            no_better = bool((eligible["mase"] >= 1.0).all())
            why = (f"naive was not backtested and every model's MASE is 1 or more (lowest "
                   f"{best_mase:.2f} for {best} over {n_best} forecasts)")
        if no_better:
            return "naive", f"no model beats the naive forecast; use naive: {why}"
        reason = f"{best} has the lowest backtest MASE ({best_mase:.2f} over {n_best} forecasts)"
        if "naive" in eligible.index:
            reason += f", against {float(eligible.loc['naive', 'mase']):.2f} for naive"
        return best, reason
    aicc = {m: f.aicc for m, f in fits.items()
            if m in OLS_MODELS and f.aicc is not None and math.isfinite(f.aicc)}
    if aicc:
        best = min(aicc, key=lambda m: (aicc[m], MODELS.index(m)))
        shown = ", ".join(f"{m} {v:.1f}" for m, v in sorted(aicc.items(), key=lambda kv: kv[1]))
        return best, (
            f"too few backtest forecasts (fewer than {min_forecasts} per model) to judge accuracy; "
            f"chose {best} by the lowest AICc among OLS trend models ({shown}), an in-sample criterion "
            "that says nothing about forecast accuracy"
        )
    return "naive", ("too few backtest forecasts and no AICc to compare; no model is shown to beat the naive "
                     "forecast; use naive")
