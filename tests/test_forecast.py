"""Tests of egovanalysis.forecasting.series and .models: series, models, bounds, ranks, errors, determinism.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from egovanalysis.conventions import SNAPSHOT_RULE, percentile_to_rank, rank_to_percentile
from egovanalysis.errors import ForecastError
from egovanalysis.forecasting.models import MIN_POINTS, MODELS, fit, fit_all, forecast
from egovanalysis.forecasting.series import QUALIFIER_TREATMENT, egdi_rank_series, series_for

FRAME_COLUMNS = ["date", "mean", "lower", "upper", "model", "level"]

# portal_accounts as reported (national, cumulative); one date reported twice with different figures.
PORTAL = [
    ("2020-02-09", 44200, "more_than", "s1"),
    ("2020-03-12", 79000, "about", "s2"),
    ("2020-05-19", 140000, "more_than", "s3"),
    ("2020-06-28", 178000, "more_than", "s4"),
    ("2020-08-26", 235000, "more_than", "s5"),
    ("2020-12-24", 412000, "", "s6"),
    ("2020-12-24", 400000, "about", "s7"),
    ("2021-03-08", 468000, "more_than", "s8"),
    ("2022-07-01", 2100000, "more_than", "s9"),
    ("2023-06-30", 7770000, "", "s10"),
]


def _obs_row(indicator: str, date: str, value: float, qualifier: str, source: str, **extra: str) -> dict:
    row = {
        "indicator": indicator,
        "date": date,
        "value": float(value),
        "lower": np.nan,
        "upper": np.nan,
        "unit": "count",
        "qualifier": qualifier,
        "kind": "actual",
        "scope": "national",
        "source_id": source,
        "figure_id": f"{source}-01",
    }
    if qualifier in ("more_than", "at_least"):
        row["lower"] = float(value)
    row.update(extra)
    return row


@pytest.fixture
def observations() -> pd.DataFrame:
    rows = [_obs_row("portal_accounts", *r) for r in PORTAL]
    rows.append(_obs_row("portal_accounts", "2021-01-01", 1e7, "", "t1", kind="target"))
    rows.append(_obs_row("portal_accounts", "2021-01-01", 5000, "", "p1", scope="province:ha-noi"))
    for i, (d, v) in enumerate([("2019-12-31", 10.0), ("2020-06-30", 20.0), ("2020-12-31", 30.0)]):
        rows.append(_obs_row("level4_share_a", d, v, "", f"a{i}", unit="%"))
        rows.append(_obs_row("level4_share_b", d, v + 5, "", f"b{i}", unit="%"))
    return pd.DataFrame(rows)


@pytest.fixture
def registry() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": ["portal_accounts", "level4_share_a", "level4_share_b"],
            "label": ["Accounts", "Share A", "Share B"],
            "unit": ["count", "%", "%"],
            "measure": ["cumulative", "share", "share"],
            "concept": ["portal_accounts", "level4_share", "level4_share"],
            "definition": ["...", "...", "..."],
        }
    )


def annual(values: np.ndarray | list[float], start: int = 2010, measure: str | None = None) -> pd.Series:
    idx = pd.DatetimeIndex([pd.Timestamp(start + i, 1, 1) for i in range(len(values))])
    s = pd.Series(np.asarray(values, dtype=float), index=idx)
    if measure is not None:
        s.attrs["measure"] = measure
    return s


# ---------------------------------------------------------------------------------------------------------
# series_for
# ---------------------------------------------------------------------------------------------------------


def test_series_for_extracts_actuals_combines_conflicts_and_keeps_qualifiers(observations, registry):
    s = series_for(observations, "portal_accounts", registry=registry)
    assert isinstance(s.index, pd.DatetimeIndex) and s.index.is_monotonic_increasing
    assert len(s) == 9  # ten reports, two of them for 2020-12-24; the target and the province row left out
    assert s[pd.Timestamp("2020-12-24")] == 406000.0  # median of 412,000 and 400,000
    assert s.attrs["n_reports"] == {"2020-12-24": 2}
    assert s.attrs["qualifiers"]["2021-03-08"] == "more_than"
    assert s.attrs["qualifiers"]["2020-12-24"] == "about"  # qualifiers of merged reports are kept
    assert "2023-06-30" not in s.attrs["qualifiers"]
    assert s.attrs["measure"] == "cumulative" and s.attrs["unit"] == "count"
    assert s.attrs["qualifier_treatment"] == QUALIFIER_TREATMENT
    assert s.attrs["conflict_rule"] == SNAPSHOT_RULE


def test_series_for_cutoff_and_scope(observations):
    s = series_for(observations, "portal_accounts", cutoff="2020-12-31")
    assert s.index.max() == pd.Timestamp("2020-12-24")
    with pytest.raises(ForecastError, match="no actual observations"):
        series_for(observations, "portal_accounts", scope="province:da-nang")


def test_series_for_refuses_a_concept(observations, registry):
    with pytest.raises(ForecastError, match="mixed definitions.*level4_share_a, level4_share_b"):
        series_for(observations, "level4_share", registry=registry)


def test_series_for_refuses_mixed_units_and_registry_mismatch(observations, registry):
    bad = observations.copy()
    bad.loc[bad.index[0], "unit"] = "times"
    with pytest.raises(ForecastError, match="mixed definitions"):
        series_for(bad, "portal_accounts")
    reg = registry.copy()
    reg.loc[0, "unit"] = "USD"
    with pytest.raises(ForecastError, match="registered in unit 'USD'"):
        series_for(observations, "portal_accounts", registry=reg)


def test_series_for_unknown_indicator_and_too_few_points(observations):
    with pytest.raises(ForecastError, match="no observations of indicator"):
        series_for(observations, "nope")
    with pytest.raises(ForecastError, match="at least 3"):
        series_for(observations, "portal_accounts", cutoff="2020-03-31")


def test_frame_of_several_indicators_is_refused(observations):
    shares = observations[observations["indicator"].str.startswith("level4")]
    with pytest.raises(ForecastError, match="mixed definitions"):
        forecast(shares, model="linear", horizon=1)
    with pytest.raises(ForecastError, match="mixed definitions"):
        fit_all(observations[observations["kind"] == "actual"])


def test_a_frame_of_one_indicator_is_accepted(observations):
    rows = observations[(observations["indicator"] == "level4_share_a")]
    out = forecast(rows, model="linear", horizon=1, measure="share")
    assert list(out.columns) == FRAME_COLUMNS


# ---------------------------------------------------------------------------------------------------------
# Models and frames
# ---------------------------------------------------------------------------------------------------------


def test_forecast_frame_shape_dates_and_attrs(observations, registry):
    s = series_for(observations, "portal_accounts", registry=registry)
    out = forecast(s, model="loglinear", horizon=2.5, level=0.95, dates=["2025-12-31"])
    assert list(out.columns) == FRAME_COLUMNS
    assert list(out["date"]) == [
        pd.Timestamp("2024-06-30"),
        pd.Timestamp("2025-06-30"),
        pd.Timestamp("2025-12-29"),
        pd.Timestamp("2025-12-31"),
    ]  # 2.5 y = 913 days
    assert (out["lower"] <= out["mean"]).all() and (out["mean"] <= out["upper"]).all()
    assert (out["level"] == 0.95).all() and (out["model"] == "loglinear").all()
    assert out.attrs["qualified"]["2021-03-08"] == "more_than"
    assert "bias the fitted level down" in out.attrs["qualifier_treatment"]
    assert QUALIFIER_TREATMENT in out.attrs["notes"]


@pytest.mark.parametrize("model", MODELS)
def test_every_model_gives_ordered_intervals_that_widen(model):
    rng = np.random.default_rng(3)
    s = annual(20 + 4 * np.arange(12) + rng.normal(0, 1.5, 12), measure="share")
    out = forecast(s, model=model, horizon=5, level=0.8)
    assert len(out) == 5
    assert (out["lower"] <= out["mean"]).all() and (out["mean"] <= out["upper"]).all()
    # uncertainty grows with the horizon on the model's working scale (on the value scale a logit
    # interval may narrow near the bound of 100)
    scale = fit(s, model).distribution(out["date"])[1]
    assert (np.diff(scale) >= -1e-9).all()
    width = (out["upper"] - out["lower"]).to_numpy()
    wider = forecast(s, model=model, horizon=5, level=0.95)
    assert ((wider["upper"] - wider["lower"]).to_numpy() >= width - 1e-9).all()


def test_naive_variance_grows_with_time_step():
    s = annual([10.0, 12.0, 11.0, 13.0, 12.5])
    out = forecast(s, model="naive", horizon=4)
    half = (out["upper"] - out["mean"]).to_numpy()
    assert np.allclose(out["mean"], 12.5)
    # width ~ sqrt(h) (times the same t quantile): ratio of 4-year to 1-year half-width is 2
    assert half[3] / half[0] == pytest.approx(2.0, rel=1e-3)


def test_naive_scales_step_variance_per_unit_time():
    # The same random walk sampled yearly and every two years gives about the same variance per year.
    dates = pd.DatetimeIndex([pd.Timestamp(2000 + 2 * i, 1, 1) for i in range(4)])
    biennial = pd.Series([0.0, 2.0, 0.0, 2.0], index=dates)
    fitted = fit(biennial, "naive")
    assert fitted.params["sigma2_per_year"] == pytest.approx(2.0, rel=1e-2)  # 4 / 2 years


def test_drift_and_linear_recover_a_trend_on_irregular_dates():
    dates = pd.to_datetime(
        ["2020-02-09", "2020-03-12", "2020-05-19", "2020-06-28", "2021-03-08", "2023-06-30"]
    )
    t = (dates - dates[0]).days / 365.25
    s = pd.Series(100 + 50 * t, index=dates)
    assert fit(s, "drift").params["drift_per_year"] == pytest.approx(50.0)
    assert fit(s, "linear").params["slope_per_year"] == pytest.approx(50.0)


def test_loglinear_recovers_growth_rate():
    s = annual(1000 * np.exp(0.4 * np.arange(6)), measure="cumulative")
    f = fit(s, "loglinear")
    assert f.params["slope_per_year"] == pytest.approx(0.4, rel=1e-3)  # Jan-1 dates: leap days


def test_statespace_on_biennial_series_with_missing_years():
    years = [2003, 2004, 2005, 2008, 2010, 2012, 2014, 2016, 2018, 2020, 2022, 2024]
    idx = pd.DatetimeIndex([pd.Timestamp(y, 7, 1) for y in years])
    s = pd.Series(np.linspace(30, 75, len(years)), index=idx)
    f = fit(s, "statespace")
    assert "missing" in f.notes[-1]
    out = f.forecast(3, dates=["2025-12-31"])
    assert out["mean"].notna().all() and out["lower"].notna().all()
    assert out["mean"].iloc[-1] > 75


def test_statespace_needs_five_observed_years():
    s = annual([1.0, 2.0, 3.0, 4.0])
    with pytest.raises(ForecastError, match="at least 5 observed years"):
        fit(s, "statespace")


def test_qualifiers_kept_on_a_plain_series_input():
    s = annual([10.0, 20.0, 30.0])
    s.attrs["qualifiers"] = {"2012-01-01": "more_than"}
    out = forecast(s, model="linear", horizon=1)
    assert out.attrs["qualified"] == {"2012-01-01": "more_than"}


def test_duplicate_dates_in_a_series_take_the_median():
    idx = pd.to_datetime(["2010-01-01", "2011-01-01", "2011-01-01", "2011-01-01", "2012-01-01", "2013-01-01"])
    s = pd.Series([1.0, 2.0, 9.0, 3.0, 4.0, 5.0], index=idx)
    f = fit(s, "naive")
    assert f.n == 4
    assert f.meta["indicator"] is None


# ---------------------------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------------------------


def test_fewer_than_three_points():
    with pytest.raises(ForecastError, match="at least 3"):
        forecast(annual([1.0, 2.0]), model="naive", horizon=1)
    with pytest.raises(ForecastError, match="at least 3"):
        fit_all(annual([1.0, 2.0]))


def test_unknown_model():
    with pytest.raises(ForecastError, match="unknown model 'arima'"):
        forecast(annual([1.0, 2.0, 3.0]), model="arima", horizon=1)
    with pytest.raises(ForecastError, match="unknown model"):
        fit_all(annual([1.0, 2.0, 3.0]), models=["naive", "prophet"])


def test_ets_refuses_too_few_points_and_irregular_spacing():
    with pytest.raises(ForecastError, match="at least 8"):
        fit(annual(np.arange(7.0)), "ets_damped")
    years = [2000, 2001, 2002, 2004, 2005, 2006, 2008, 2009, 2010]
    dates = pd.DatetimeIndex([pd.Timestamp(y, 1, 1) for y in years])
    with pytest.raises(ForecastError, match="evenly spaced"):
        fit(pd.Series(np.arange(9.0), index=dates), "ets_damped")
    # monthly dates (28-31 days) count as evenly spaced
    monthly = pd.Series(
        np.arange(10.0) + np.sin(np.arange(10)), index=pd.date_range("2020-01-31", periods=10, freq="ME")
    )
    assert fit(monthly, "ets_damped").params["step_years"] == pytest.approx(30.5 / 365.25, rel=0.05)


def test_fit_all_records_refusals():
    fits = fit_all(annual([0.0, 1.0, 3.0, 4.0]), models=["naive", "loglinear", "ets_damped"])
    assert list(fits) == ["naive"]
    assert "positive" in fits.refused["loglinear"] and "at least 8" in fits.refused["ets_damped"]


def test_logit_refuses_values_outside_0_100_and_bad_arguments():
    with pytest.raises(ForecastError, match="within 0..100"):
        fit(annual([50.0, 90.0, 120.0]), "logit")
    with pytest.raises(ForecastError, match="level"):
        forecast(annual([1.0, 2.0, 3.0]), model="naive", horizon=1, level=80)
    with pytest.raises(ForecastError, match="after the last observation"):
        forecast(annual([1.0, 2.0, 3.0]), model="naive", horizon=0, dates=["2011-06-01"])
    with pytest.raises(ForecastError, match="nothing to forecast"):
        forecast(annual([1.0, 2.0, 3.0]), model="naive", horizon=0)


# ---------------------------------------------------------------------------------------------------------
# Bounds
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("model", ["naive", "drift", "linear", "logit", "ets_damped", "statespace"])
def test_shares_stay_within_0_100(model):
    s = annual([60, 75, 85, 92, 96, 98, 99, 99.5, 99.8, 99.9], measure="share")
    out = forecast(s, model=model, horizon=10, level=0.95)
    assert out[["mean", "lower", "upper"]].ge(0).all().all()
    assert out[["mean", "lower", "upper"]].le(100).all().all()


@settings(max_examples=40, derandomize=True, deadline=None, database=None)
@given(
    values=st.lists(st.floats(min_value=0.0, max_value=100.0, allow_nan=False), min_size=3, max_size=9),
    model=st.sampled_from(["naive", "drift", "linear", "logit"]),
    level=st.sampled_from([0.5, 0.8, 0.95]),
)
def test_shares_stay_within_0_100_property(values, model, level):
    out = forecast(annual(values, measure="share"), model=model, horizon=6, level=level)
    arr = out[["mean", "lower", "upper"]].to_numpy()
    assert np.isfinite(arr).all() and (arr >= 0).all() and (arr <= 100).all()


def test_logit_intervals_within_bounds_without_clipping():
    s = annual([5.0, 12.0, 30.0, 55.0, 80.0])
    out = forecast(s, model="logit", horizon=8, level=0.99)
    assert (out["upper"] < 100).all() and (out["lower"] > 0).all()


def test_cumulative_counts_never_forecast_below_zero():
    s = annual([100.0, 50.0, 10.0, 5.0], measure="cumulative")
    out = forecast(s, model="linear", horizon=5)
    assert (out[["mean", "lower", "upper"]] >= 0).all().all()


# ---------------------------------------------------------------------------------------------------------
# Ranks
# ---------------------------------------------------------------------------------------------------------


def test_rank_percentile_conventions():
    assert rank_to_percentile(1, 193) == 100.0
    assert rank_to_percentile(193, 193) == 0.0
    assert rank_to_percentile(70, 193) == pytest.approx(100 * 123 / 192)
    with pytest.raises(ForecastError):
        rank_to_percentile(200, 193)


@settings(max_examples=60, derandomize=True, database=None)
@given(n=st.integers(min_value=2, max_value=250), data=st.data())
def test_percentile_round_trip(n, data):
    rank = data.draw(st.integers(min_value=1, max_value=n))
    assert percentile_to_rank(rank_to_percentile(rank, n), n) == pytest.approx(rank)


EGDI_YEARS = [2003, 2004, 2005, 2008, 2010, 2012, 2014, 2016, 2018, 2020, 2022, 2024]
EGDI_N = [173, 178, 179, 182, 183, 190, 193, 193, 193, 193, 193, 193]


def egdi_panel(ranks: list[float]) -> pd.DataFrame:
    return pd.DataFrame(
        {"survey_year": EGDI_YEARS, "iso3": "VNM", "egdi": 0.5, "egdi_rank": ranks, "n_ranked": EGDI_N}
    )


@pytest.mark.parametrize("model", ["naive", "drift", "linear", "logit", "statespace"])
@pytest.mark.parametrize(
    "ranks",
    [
        [97, 112, 105, 91, 90, 83, 99, 89, 88, 86, 86, 71],
        [60, 40, 25, 12, 6, 3, 2, 1, 1, 1, 1, 1],
        [120, 140, 150, 160, 165, 170, 180, 185, 188, 190, 191, 193],
    ],
)
def test_rank_forecasts_stay_within_1_n(model, ranks):
    s = egdi_rank_series(egdi_panel(ranks), "VNM")
    out = forecast(s, model=model, horizon=15, level=0.95)
    arr = out[["mean", "lower", "upper"]].to_numpy()
    assert (arr >= 1).all() and (arr <= 193).all()
    assert (out["lower"] <= out["mean"]).all() and (out["mean"] <= out["upper"]).all()


def test_rank_uses_changing_denominators():
    # rank 87 of 173 and rank 97 of 193 are nearly the same percentile: a flat percentile series
    ranks = [87.0, 97.0, 97.0]
    idx = pd.DatetimeIndex([pd.Timestamp(2003, 7, 1), pd.Timestamp(2012, 7, 1), pd.Timestamp(2014, 7, 1)])
    s = pd.Series(ranks, index=idx)
    f = fit(s, "drift", measure="rank", n_ranked=pd.Series([173.0, 193.0, 193.0], index=idx))
    assert f.n_ranked == 193
    assert abs(f.params["drift_per_year"]) < 0.05
    with pytest.raises(ForecastError, match="n_ranked"):
        fit(s, "drift", measure="rank")


# ---------------------------------------------------------------------------------------------------------
# Determinism and calibration
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("model", MODELS)
def test_same_call_gives_identical_frames(model):
    rng = np.random.default_rng(11)
    s = annual(30 + np.cumsum(rng.normal(2, 1, 12)), measure="share")
    first = forecast(s, model=model, horizon=4, dates=["2030-12-31"])
    second = forecast(s, model=model, horizon=4, dates=["2030-12-31"])
    pd.testing.assert_frame_equal(first, second, check_exact=True)


def test_min_points_table_is_complete():
    assert set(MIN_POINTS) == set(MODELS)
    assert min(MIN_POINTS.values()) == 3


def _coverage(make, model: str, n_series: int = 200, level: float = 0.8) -> float:
    hits = 0
    for seed in range(n_series):
        y = make(np.random.default_rng(1000 + seed), 11)
        s = annual(y[:10])
        row = forecast(s, model=model, horizon=1, level=level).iloc[0]
        hits += bool(row["lower"] <= y[10] <= row["upper"])
    return hits / n_series


def test_interval_coverage_is_near_nominal_for_the_correct_model():
    # 200 simulated series of 10 points, 80 % interval one year ahead; binomial sd of the coverage ~0.03,
    # so a correct model lands within 0.7-0.9.
    linear = _coverage(lambda rng, n: 5 + 2 * np.arange(n) + rng.normal(0, 1, n), "linear")
    walk = _coverage(lambda rng, n: np.cumsum(rng.normal(0, 1, n)), "naive")
    growth = _coverage(lambda rng, n: 100 * np.exp(0.3 * np.arange(n) + rng.normal(0, 0.1, n)), "loglinear")
    for coverage in (linear, walk, growth):
        assert 0.7 <= coverage <= 0.9


def test_a_snapshot_reported_twice_counts_once() -> None:
    rows = pd.DataFrame(
        {
            "indicator": "portal_accounts",
            "date": pd.to_datetime(["2020-08-27", "2020-12-24", "2020-12-31", "2021-03-08"]),
            "value": [235_000.0, 412_000.0, 412_000.0, 468_000.0],
            "qualifier": ["more_than", "", "more_than", "more_than"],
            "unit": "count",
            "scope": "national",
            "kind": "actual",
        }
    )
    series = series_for(rows, "portal_accounts")
    assert list(series.index.strftime("%Y-%m-%d")) == ["2020-08-27", "2020-12-24", "2021-03-08"]
    assert series.attrs["repeats"] == {"2020-12-31": "2020-12-24"}
    assert "2020-12-31" not in series.attrs["qualifiers"]
