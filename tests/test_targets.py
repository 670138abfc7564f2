"""Tests of egovanalysis.forecasting.probabilities: target probabilities, crossing dates, past targets."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from egovanalysis.analysis.targets import TargetVerdict, deadline_outcome, target_met
from egovanalysis.conventions import rank_to_percentile
from egovanalysis.errors import ForecastError
from egovanalysis.forecasting.models import fit, forecast
from egovanalysis.forecasting.probabilities import (
    crossing_date,
    evaluate_past_target,
    survey_read_date,
    survey_target,
    target_probability,
)
from egovanalysis.forecasting.series import egdi_rank_series


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
    return egdi_rank_series(panel, "VNM")


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
    assert out.outcome.date == pd.Timestamp("2020-06-30") and out.outcome.offset_days == 0
    assert out.outcome.value == 31.0 and out.outcome.qualifier == "more_than"
    assert out.met is True  # "more than 31 %" settles a 30 % target
    assert out.forecast_origin == pd.Timestamp("2019-03-01")
    assert 0 <= out.probability <= 1 and out.lower <= out.central <= out.upper
    row = out.as_dict()
    assert row["model"] == "linear" and row["actual_value"] == 31.0 and row["verdict"] is TargetVerdict.MET
    # the same forecast as target_probability on the data up to the cutoff
    direct = target_probability(s[s.index <= "2019-06-30"], 30, "2020-06-30", model="linear")
    assert out.probability == pytest.approx(direct)


def test_evaluate_past_target_tolerance_and_ties():
    dates = pd.to_datetime(["2019-01-01", "2019-06-01", "2020-01-01", "2020-10-31", "2021-03-02"])
    s = pd.Series([10.0, 15.0, 20.0, 26.0, 29.0], index=dates)
    # 2020-10-31 and 2021-03-02 are 61 days either side of 2020-12-31: only the one before can decide
    out = evaluate_past_target(s, 25, "2020-12-31", cutoff="2020-01-31", model="drift")
    assert out.outcome.date == pd.Timestamp("2020-10-31") and out.outcome.offset_days == -61
    assert out.met is True
    assert out.outcome.later_date == pd.Timestamp("2021-03-02") and out.outcome.later_value == 29.0  # context
    far = evaluate_past_target(s, 25, "2020-12-31", cutoff="2020-01-31", model="drift", tolerance_days=30)
    assert far.outcome.date is None and far.met is None and far.outcome.later_date is None
    with pytest.raises(ForecastError, match="before the deadline"):
        evaluate_past_target(s, 25, "2020-12-31", cutoff="2021-01-31", model="drift")


def test_a_figure_after_the_deadline_never_decides():
    # "30 % by 2020-12-31", "about 31 %" reported on 2021-03-31: nothing says where it stood at the deadline
    dates = pd.to_datetime(["2017-12-31", "2018-12-31", "2019-12-31", "2021-03-31", "2022-03-31"])
    s = pd.Series([2.0, 4.55, 10.76, 31.0, 52.33], index=dates)
    s.attrs.update({"measure": "share", "unit": "%", "qualifiers": {"2021-03-31": "about"}})
    out = evaluate_past_target(s, 30, "2020-12-31", cutoff="2019-12-31", model="linear")
    assert out.met is None and out.outcome.date is None and out.outcome.value is None
    assert out.outcome.later_date == pd.Timestamp("2021-03-31") and out.outcome.later_value == 31.0
    assert out.outcome.later_qualifier == "about"
    # even a plain figure well above the target, a day after the deadline, does not decide
    plain = pd.Series([10.0, 20.0, 45.0], index=pd.to_datetime(["2019-12-31", "2020-06-30", "2021-01-01"]))
    after = deadline_outcome(plain, 30, "2020-12-31", direction="at_least")
    assert after.met is None and after.date is None and after.later_date == pd.Timestamp("2021-01-01")
    # the latest figure on or before the deadline decides, however near a later one is
    both = pd.Series([28.0, 45.0], index=pd.to_datetime(["2020-11-30", "2021-01-01"]))
    decided = deadline_outcome(both, 30, "2020-12-31", direction="at_least")
    assert decided.date == pd.Timestamp("2020-11-30") and decided.offset_days == -31 and decided.met is False
    on_the_day = deadline_outcome(pd.Series([31.0], index=pd.to_datetime(["2020-12-31"])), 30, "2020-12-31",
                                  direction="at_least")
    assert on_the_day.met is True and on_the_day.offset_days == 0


def test_an_approximate_figure_close_to_the_target_does_not_decide():
    s = pd.Series([31.0], index=pd.to_datetime(["2020-12-15"]))
    s.attrs["qualifiers"] = {"2020-12-15": "about"}
    # about 31 %: within 5 % of 30 %
    assert deadline_outcome(s, 30, "2020-12-31", direction="at_least").met is None
    s.iloc[0] = 40.0
    # about 40 %: clearly above
    assert deadline_outcome(s, 30, "2020-12-31", direction="at_least").met is True


def test_evaluate_past_rank_target():
    out = evaluate_past_target(egdi_ranks(), 80, "2022-07-01", cutoff="2019-01-01", model="logit")
    assert out.direction == "at_most"
    assert out.outcome.value == 86.0 and out.met is False
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
    (30.0, "nearly", 30.0, "at_least", False),  # nearly 30 is a little under 30
    (31.0, "nearly", 30.0, "at_least", None),  # a little under 31 may be under 30
    (35.0, "nearly", 30.0, "at_least", True),
    (31.0, "about", 30.0, "at_least", None),  # within 5 % of the target
    (31.5, "about", 30.0, "at_least", None),  # exactly 5 %
    (28.6, "about", 30.0, "at_least", None),
    (32.0, "about", 30.0, "at_least", True),
    (27.0, "about", 30.0, "at_least", False),
    (72.0, "about", 70.0, "at_most", None),
    (60.0, "about", 70.0, "at_most", True),
    (69.0, "nearly", 70.0, "at_most", True),
    (71.0, "nearly", 70.0, "at_most", None),
    (31.0, "about|more_than", 30.0, "at_least", True),  # the bound settles it
    (65.0, "", 70.0, "at_most", True),
    (75.0, "less_than", 70.0, "at_most", None),
    (70.0, "less_than", 70.0, "at_most", True),
    (72.0, "more_than", 70.0, "at_most", False),
    (30.0, "more_than|less_than", 30.0, "at_least", None),
])
def test_target_met_with_qualifiers(value, qualifier, target, direction, expected):
    assert target_met(value, qualifier, target, direction) is expected


def test_target_met_margin_is_a_parameter():
    assert target_met(31.0, "about", 30.0, "at_least", approx_margin=0.01) is True
    assert target_met(33.0, "about", 30.0, "at_least", approx_margin=0.2) is None
    with pytest.raises(ForecastError, match="direction"):
        target_met(31.0, "", 30.0, "above")


# --------------------------------------------------------------------------------------------------------
# Survey series: read at the last survey expected on or before the deadline
# --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("deadline", "expected"), [
    ("2025-12-31", "2024-07-01"),  # the next survey (mid-2026) comes after the deadline
    ("2026-06-30", "2024-07-01"),
    ("2026-07-01", "2026-07-01"),
    ("2026-12-31", "2026-07-01"),
    ("2028-12-31", "2028-07-01"),
    ("2024-07-01", "2024-07-01"),
])
def test_survey_read_date(deadline, expected):
    assert survey_read_date("2024-07-01", deadline) == pd.Timestamp(expected)


def test_survey_read_date_refuses_a_deadline_before_the_last_survey():
    with pytest.raises(ForecastError, match="before the last survey"):
        survey_read_date("2024-07-01", "2023-12-31")


def test_rank_target_decided_by_the_last_survey():
    # last survey 2024 (rank 71), deadline 2025-12-31: no survey before the deadline, so it is decided
    s = egdi_ranks()
    top70 = survey_target(s, 70, "2025-12-31", model="logit")
    assert top70.decided and top70.read_at == pd.Timestamp("2024-07-01")
    assert top70.survey_date == pd.Timestamp("2024-07-01") and top70.survey_value == 71.0
    assert top70.met is False and top70.probability == 0.0
    assert top70.next_survey == pd.Timestamp("2026-07-01")
    assert top70.central == top70.lower == top70.upper == 71.0
    top50 = survey_target(s, 50, "2025-12-31", model="logit")
    assert top50.decided and top50.met is False and top50.probability == 0.0
    top80 = survey_target(s, 80, "2025-12-31")  # no model needed when decided
    assert top80.decided and top80.met is True and top80.probability == 1.0


def test_rank_target_with_a_survey_to_come_is_read_at_that_survey():
    s = egdi_ranks()
    out = survey_target(s, 70, "2026-12-31", model="logit", level=0.8)
    assert not out.decided and out.met is None and out.survey_date is None
    assert out.read_at == pd.Timestamp("2026-07-01")
    fitted = fit(s, "logit")
    pct = rank_to_percentile(70, 193)
    assert out.probability == pytest.approx(float(fitted.prob_at_least(["2026-07-01"], pct)[0]))
    assert out.probability != pytest.approx(float(fitted.prob_at_least(["2026-12-31"], pct)[0]))
    assert out.probability == pytest.approx(target_probability(s, 70, "2026-07-01", model="logit"))
    assert 1 <= out.lower <= out.central <= out.upper <= 193
    assert np.isnan(survey_target(s, 70, "2026-12-31").probability)  # no model: no probability


def test_survey_target_on_a_percentile_series_and_past_deadlines():
    ranks = egdi_ranks()
    pct = pd.Series(rank_to_percentile(ranks.to_numpy(), ranks.attrs["n_ranked"].to_numpy()),
                    index=ranks.index)
    pct.attrs.update({"measure": "share", "unit": "percentile"})
    threshold = rank_to_percentile(70, 193)
    decided = survey_target(pct, threshold, "2025-12-31", model="naive")
    assert decided.decided and decided.met is False and decided.direction == "at_least"
    # a deadline before the last survey: the last survey on or before it decides
    past = survey_target(ranks, 87, "2023-12-31")
    assert past.decided and past.survey_date == pd.Timestamp("2022-07-01") and past.met is True
    # data up to 2020 only: the 2024 survey is the last before a 2025 deadline, still to come
    early = ranks[ranks.index <= "2020-12-31"]
    early.attrs = dict(ranks.attrs)
    early.attrs["n_ranked"] = ranks.attrs["n_ranked"][ranks.index <= "2020-12-31"]
    ahead = survey_target(early, 70, "2025-12-31", model="naive")
    assert not ahead.decided and ahead.read_at == pd.Timestamp("2024-07-01") and 0 < ahead.probability < 1
    with pytest.raises(ForecastError, match="no survey on or before"):
        survey_target(ranks, 70, "2000-12-31")


def test_target_tracking_is_deterministic():
    s = share_series()
    a = [target_probability(s, 40, "2022-12-31", model=m) for m in ("naive", "drift", "linear", "logit")]
    b = [target_probability(s, 40, "2022-12-31", model=m) for m in ("naive", "drift", "linear", "logit")]
    assert a == b
    assert np.all(np.isfinite(a))
