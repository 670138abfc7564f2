"""Tests of egovanalysis.targets: target probabilities, crossing dates, past targets."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from egovanalysis.forecast import ForecastError, egdi_rank_series, fit, forecast, rank_to_percentile
from egovanalysis.targets import crossing_date, evaluate_past_target, target_met, target_probability


def share_series() -> pd.Series:
    dates = pd.to_datetime(["2017-06-01", "2018-06-01", "2019-03-01", "2019-12-01", "2020-06-30"])
    s = pd.Series([10.0, 15.0, 22.0, 27.0, 31.0], index=dates)
    s.attrs.update({"measure": "share", "unit": "%", "qualifiers": {"2020-06-30": "more_than"}})
    return s


def egdi_ranks() -> pd.Series:
    years = [2003, 2004, 2005, 2008, 2010, 2012, 2014, 2016, 2018, 2020, 2022, 2024]
    panel = pd.DataFrame({
        "survey_year": years, "iso3": "VNM", "egdi": 0.5,
        "egdi_rank": [97, 112, 105, 91, 90, 83, 99, 89, 88, 86, 86, 71],
        "n_ranked": [173, 178, 179, 182, 183, 190, 193, 193, 193, 193, 193, 193],
    })
    return egdi_rank_series(panel)


@pytest.mark.parametrize("model", ["naive", "drift", "linear", "logit"])
def test_probability_is_a_probability_and_falls_as_the_target_rises(model):
    s = share_series()
    probs = [target_probability(s, v, "2021-12-31", model=model, unit="%") for v in (20, 30, 40, 60, 90)]
    assert all(0.0 <= p <= 1.0 for p in probs)
    assert all(a >= b for a, b in zip(probs, probs[1:], strict=False))


def test_direction_matters():
    s = share_series()
    up = target_probability(s, 35, "2021-12-31", model="linear")
    down = target_probability(s, 35, "2021-12-31", model="linear", direction="at_most")
    assert up + down == pytest.approx(1.0)
    assert up > 0.5  # a rising share
    with pytest.raises(ForecastError, match="direction"):
        target_probability(s, 35, "2021-12-31", model="linear", direction="above")


def test_probability_agrees_with_the_interval():
    # The value at the lower bound of the 80 % interval is met with probability 0.9.
    s = share_series()
    row = forecast(s, model="logit", horizon=0, dates=["2022-06-30"], level=0.8).iloc[0]
    assert target_probability(s, row["lower"], "2022-06-30", model="logit") == pytest.approx(0.9, abs=1e-6)
    assert target_probability(s, row["upper"], "2022-06-30", model="logit") == pytest.approx(0.1, abs=1e-6)


def test_rank_target_top_70_is_met_when_rank_at_most_70():
    s = egdi_ranks()
    p = target_probability(s, 70, "2025-12-31", model="logit", unit="rank")
    fitted = fit(s, "logit")
    pct = rank_to_percentile(70, 193)
    assert p == pytest.approx(float(fitted.prob_at_least(["2025-12-31"], pct)[0]))
    # a looser target is likelier, and top 193 is certain
    assert target_probability(s, 100, "2025-12-31", model="logit") > p
    assert target_probability(s, 193, "2025-12-31", model="logit") == pytest.approx(1.0)
    assert 0.0 < p < 1.0


def test_target_in_another_unit_is_refused():
    with pytest.raises(ForecastError, match="target is in 'count'"):
        target_probability(share_series(), 30, "2021-12-31", model="linear", unit="count")
    with pytest.raises(ForecastError, match="target is in '%'"):
        target_probability(egdi_ranks(), 70, "2025-12-31", model="logit", unit="%")
    with pytest.raises(ForecastError, match="target is in"):
        evaluate_past_target(share_series(), 30, "2020-12-31", cutoff="2019-12-31", model="linear",
                             unit="VND")


def test_deadline_must_be_in_the_future_of_the_data():
    with pytest.raises(ForecastError, match="after the last observation"):
        target_probability(share_series(), 30, "2019-12-31", model="linear")


def test_crossing_date_from_a_frame_interpolates():
    frame = pd.DataFrame({"date": pd.to_datetime(["2021-01-01", "2022-01-01", "2023-01-01"]),
                          "mean": [10.0, 20.0, 30.0]})
    assert crossing_date(frame, 25) == pd.Timestamp("2022-07-02")
    assert crossing_date(frame, 5) == pd.Timestamp("2021-01-01")  # already met
    assert crossing_date(frame, 50) is None
    assert crossing_date(frame, 15, direction="at_most") == pd.Timestamp("2021-01-01")
    falling = frame.assign(mean=[100.0, 80.0, 60.0])
    falling.attrs["measure"] = "rank"
    assert crossing_date(falling, 70) == pd.Timestamp("2022-07-02")


def test_crossing_date_from_a_fit():
    s = share_series()
    when = crossing_date(fit(s, "linear"), 50)
    assert when is not None and pd.Timestamp("2021-01-01") < when < pd.Timestamp("2024-01-01")
    assert crossing_date(fit(s, "naive"), 50) is None
    rank_cross = crossing_date(fit(egdi_ranks(), "drift"), 60)
    assert rank_cross is None or rank_cross > pd.Timestamp("2024-07-01")


def test_evaluate_past_target_outcome_and_forecast():
    s = share_series()
    out = evaluate_past_target(s, 30, "2020-06-30", cutoff="2019-06-30", model="linear", level=0.8)
    assert out.actual_date == pd.Timestamp("2020-06-30") and out.actual_offset_days == 0
    assert out.actual_value == 31.0 and out.actual_qualifier == "more_than"
    assert out.met is True  # "more than 31 %" settles a 30 % target
    assert out.forecast_origin == pd.Timestamp("2019-03-01")
    assert 0 <= out.probability <= 1 and out.lower <= out.central <= out.upper
    assert out.as_dict()["model"] == "linear"
    # the same forecast as target_probability on the data up to the cutoff
    direct = target_probability(s[s.index <= "2019-06-30"], 30, "2020-06-30", model="linear")
    assert out.probability == pytest.approx(direct)


def test_evaluate_past_target_tolerance_and_ties():
    dates = pd.to_datetime(["2019-01-01", "2019-06-01", "2020-01-01", "2020-10-31", "2021-03-02"])
    s = pd.Series([10.0, 15.0, 20.0, 26.0, 29.0], index=dates)
    # 2020-10-31 and 2021-03-02 are 61 days either side of 2020-12-31: the one before wins
    out = evaluate_past_target(s, 25, "2020-12-31", cutoff="2020-01-31", model="drift")
    assert out.actual_date == pd.Timestamp("2020-10-31") and out.actual_offset_days == -61 and out.met is True
    far = evaluate_past_target(s, 25, "2020-12-31", cutoff="2020-01-31", model="drift", tolerance_days=30)
    assert far.actual_date is None and far.met is None
    with pytest.raises(ForecastError, match="before the deadline"):
        evaluate_past_target(s, 25, "2020-12-31", cutoff="2021-01-31", model="drift")


def test_evaluate_past_rank_target():
    out = evaluate_past_target(egdi_ranks(), 80, "2022-07-01", cutoff="2019-01-01", model="logit")
    assert out.direction == "at_most"
    assert out.actual_value == 86.0 and out.met is False
    assert 1 <= out.lower <= out.central <= out.upper <= 193


@pytest.mark.parametrize(("value", "qualifier", "target", "direction", "expected"), [
    (31.0, "", 30.0, "at_least", True),
    (29.0, "", 30.0, "at_least", False),
    (28.0, "more_than", 30.0, "at_least", None),
    (30.0, "at_least", 30.0, "at_least", True),
    (30.0, "less_than", 30.0, "at_least", False),
    (30.0, "at_most", 30.0, "at_least", None),
    (35.0, "less_than", 30.0, "at_least", None),
    (29.5, "nearly", 30.0, "at_least", False),
    (65.0, "", 70.0, "at_most", True),
    (75.0, "less_than", 70.0, "at_most", None),
    (70.0, "less_than", 70.0, "at_most", True),
    (72.0, "more_than", 70.0, "at_most", False),
    (30.0, "more_than|less_than", 30.0, "at_least", None),
])
def test_target_met_with_qualifiers(value, qualifier, target, direction, expected):
    assert target_met(value, qualifier, target, direction) is expected


def test_target_tracking_is_deterministic():
    s = share_series()
    a = [target_probability(s, 40, "2022-12-31", model=m) for m in ("naive", "drift", "linear", "logit")]
    b = [target_probability(s, 40, "2022-12-31", model=m) for m in ("naive", "drift", "linear", "logit")]
    assert a == b
    assert np.all(np.isfinite(a))
