"""Tests of egovanalysis.forecasting.backtest: rolling-origin MASE and coverage of the classic models."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from egovanalysis.errors import ForecastError
from egovanalysis.forecasting.backtest import backtest, backtest_forecasts, horizon_bucket

SEEDS = range(10)


def synthetic(kind: str, seed: int, n: int = 10) -> pd.Series:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    measure = None
    if kind == "linear":
        y = 10 + 3 * t + rng.normal(0, 1, n)
    elif kind == "exponential":
        y, measure = 1000 * np.exp(0.5 * t + rng.normal(0, 0.1, n)), "cumulative"
    elif kind == "logistic":
        y, measure = 100 / (1 + np.exp(3 - 0.6 * t + rng.normal(0, 0.15, n))), "share"
    else:
        y = 50 + np.cumsum(rng.normal(0, 1, n))
    s = pd.Series(y, index=pd.DatetimeIndex([pd.Timestamp(2010 + i, 1, 1) for i in range(n)]))
    s.attrs["measure"] = measure
    return s


@pytest.mark.parametrize(("kind", "models", "expected"), [
    ("linear", ("naive", "drift", "linear"), "linear"),
    ("exponential", ("naive", "drift", "linear", "loglinear"), "loglinear"),
    ("logistic", ("naive", "drift", "linear", "logit"), "logit"),
    ("walk", ("naive", "drift", "linear"), "naive"),
])
def test_the_right_model_has_the_lowest_backtest_error_in_most_seeds(kind, models, expected):
    wins = []
    for seed in SEEDS:
        table = backtest(synthetic(kind, seed), models)
        totals = table.assign(total=table["mase"] * table["n_forecasts"]).groupby("model")[
            ["total", "n_forecasts"]].sum()
        wins.append((totals["total"] / totals["n_forecasts"]).idxmin())
    assert sum(w == expected for w in wins) >= 7, wins


def test_table_shape_and_buckets():
    s = synthetic("linear", 0)
    table = backtest(s, ("naive", "linear"), level=0.8)
    assert list(table.columns) == ["model", "horizon", "n_forecasts", "mase", "coverage"]
    assert list(table["model"].unique()) == ["naive", "linear"]
    assert list(table["horizon"][table["model"] == "naive"]) == ["<=1", "1-2", ">2"]
    # 10 points, origins after 3..9 points: 7 + 6 + ... + 1 = 28 forecasts per model
    assert table.groupby("model")["n_forecasts"].sum().tolist() == [28, 28]
    assert table["coverage"].between(0, 1).all()
    assert table.attrs["level"] == 0.8


def test_horizon_buckets():
    assert horizon_bucket(0.5) == "<=1"
    assert horizon_bucket(366 / 365.25) == "<=1"
    assert horizon_bucket(1.5) == "1-2"
    assert horizon_bucket(2.0) == "1-2"
    assert horizon_bucket(2.5) == ">2"


def test_mase_scales_naive_error_per_unit_time_on_irregular_dates():
    # A straight line observed at irregular dates: the naive error h years ahead is slope * h and the
    # in-sample naive error per year is the slope, so naive's scaled error is exactly h; linear's is 0.
    dates = pd.to_datetime(["2020-01-01", "2020-03-01", "2020-11-15", "2021-02-01", "2022-06-30",
                            "2022-09-01", "2024-12-31"])
    t = np.asarray((dates - dates[0]).days, dtype=float) / 365.25
    s = pd.Series(5 + 7 * t, index=dates)
    detail = backtest_forecasts(s, ("naive", "linear"))
    naive = detail[detail["model"] == "naive"]
    assert np.allclose(naive["scaled_error"], naive["horizon_years"])
    assert np.allclose(detail.loc[detail["model"] == "linear", "scaled_error"], 0, atol=1e-8)


def test_ets_is_backtested_only_from_its_minimum_points():
    rng = np.random.default_rng(5)
    s = pd.Series(np.cumsum(rng.normal(1, 1, 11)), index=pd.date_range("2010-01-01", periods=11, freq="YS"))
    detail = backtest_forecasts(s, ("ets_damped",))
    assert detail["origin"].min() == s.index[7]  # first origin after 8 points
    assert len(detail) == 3 + 2 + 1


def test_irregular_biennial_series_with_statespace():
    years = [2003, 2004, 2005, 2008, 2010, 2012, 2014, 2016, 2018, 2020, 2022, 2024]
    s = pd.Series(np.linspace(40, 80, 12) + np.sin(np.arange(12)),
                  index=pd.DatetimeIndex([pd.Timestamp(y, 7, 1) for y in years]))
    table = backtest(s, ("naive", "statespace", "ets_damped"))
    assert set(table["model"]) == {"naive", "statespace"}  # ets refused: irregular
    assert (table["n_forecasts"] > 0).all()


def test_backtest_errors_and_determinism():
    s = synthetic("logistic", 3)
    with pytest.raises(ForecastError, match="unknown model"):
        backtest(s, ("naive", "holt"))
    with pytest.raises(ForecastError, match="at least 3"):
        backtest(s.iloc[:2])
    first = backtest(s, ("naive", "logit", "ets_damped"))
    second = backtest(s, ("naive", "logit", "ets_damped"))
    pd.testing.assert_frame_equal(first, second, check_exact=True)
