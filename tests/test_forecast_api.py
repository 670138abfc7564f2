"""Tests of the forecasting contract, egovanalysis.forecasting.forecast_indicator, on the committed data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from egovanalysis.analysis.targets import TargetVerdict
from egovanalysis.conventions import FOCUS_COUNTRY, UN_MEMBER_STATES, percentile_to_rank, rank_to_percentile
from egovanalysis.data import load_egdi
from egovanalysis.errors import ForecastError, SelectionError
from egovanalysis.forecasting import ForecastResult, forecast_indicator
from egovanalysis.forecasting.choice import ChoiceBasis, ModelChoice
from egovanalysis.forecasting.target_readings import TargetStatus


@pytest.fixture(scope="module")
def accounts_2021() -> ForecastResult:
    return forecast_indicator("portal_accounts", horizon=2, cutoff="2021-03-31")


@pytest.fixture(scope="module")
def egdi() -> ForecastResult:
    return forecast_indicator("un_egdi_rank")


@pytest.fixture(scope="module")
def level4() -> ForecastResult:
    return forecast_indicator("level4_services_share")


def test_the_contracted_signature_and_defaults() -> None:
    import inspect

    signature = inspect.signature(forecast_indicator)
    assert list(signature.parameters) == ["indicator", "country", "scope", "cutoff", "horizon", "level",
                                          "model", "dates"]
    defaults = {name: p.default for name, p in signature.parameters.items() if name != "indicator"}
    assert defaults == {"country": FOCUS_COUNTRY, "scope": "national", "cutoff": None, "horizon": 3,
                        "level": 0.8, "model": None, "dates": None}
    assert all(p.kind is p.KEYWORD_ONLY for name, p in signature.parameters.items() if name != "indicator")


def test_table_model_and_reason(accounts_2021: ForecastResult) -> None:
    table = accounts_2021.table
    assert list(table.columns) == ["date", "mean", "lower", "upper"]
    assert len(table) == 2  # horizon 2: two yearly anniversaries of the last point
    assert (table["lower"] <= table["mean"]).all() and (table["mean"] <= table["upper"]).all()
    assert accounts_2021.model == "growth_band" and accounts_2021.forecaster.model == "growth_band"
    assert isinstance(accounts_2021.choice, ModelChoice)
    assert accounts_2021.reason is accounts_2021.choice.basis is ChoiceBasis.BENCHMARKED_FOR_MEASURE


def test_cutoff_fits_only_earlier_data(accounts_2021: ForecastResult) -> None:
    assert accounts_2021.series.index.max() <= pd.Timestamp("2021-03-31")
    assert len(accounts_2021.series) == 7  # 412,000 reported on 24 and 31 Dec 2020 counts once
    assert accounts_2021.actuals.index.max() == pd.Timestamp("2023-07-31")
    assert accounts_2021.forecaster.last_date == pd.Timestamp("2021-03-08")


def test_later_actuals_against_the_forecast(accounts_2021: ForecastResult) -> None:
    later = accounts_2021.later
    assert list(later["date"]) == [pd.Timestamp("2022-07-31"), pd.Timestamp("2023-07-31")]
    assert list(later["actual"]) == [2_100_000, 7_770_000]
    assert list(later["qualifier"]) == ["more_than", "about"]
    inside = (later["lower"] <= later["actual"]) & (later["actual"] <= later["upper"])
    assert list(later["inside"]) == list(inside)
    assert (later["years_ahead"] > 1).all()
    expected = 100 * (later["central"] - later["actual"]) / later["actual"]
    assert np.allclose(later["error_pct"], expected)


def test_no_cutoff_no_later_actuals(level4: ForecastResult) -> None:
    assert level4.later.empty and level4.cutoff is None


def test_dates_ask_for_exactly_those_dates() -> None:
    asked = ["2020-07-01", "2022-07-01", "2024-07-01"]
    result = forecast_indicator("un_egdi_rank", country="THA", cutoff="2018-12-31", dates=asked)
    assert [f"{d:%Y-%m-%d}" for d in result.table["date"]] == asked
    assert result.series.index.max() == pd.Timestamp("2018-07-01")


def test_egdi_rank_table_is_in_ranks_with_n_ranked(egdi: ForecastResult) -> None:
    assert egdi.model == "pooled_naive" and egdi.reason is ChoiceBasis.POOLED_BENCHMARK
    # the rank moves at surveys only: a horizon of 3 years from the 2024 survey holds the 2026 survey
    assert list(egdi.table["date"]) == [pd.Timestamp("2026-07-01")]
    table = egdi.table
    assert list(table.columns) == ["date", "mean", "lower", "upper", "n_ranked"]
    assert (table["n_ranked"] == UN_MEMBER_STATES).all()
    assert table[["mean", "lower", "upper"]].stack().between(1, UN_MEMBER_STATES).all()
    assert (table["lower"] <= table["mean"]).all() and (table["mean"] <= table["upper"]).all()
    # the model works on percentiles underneath: the table is the percentile forecast in ranks
    assert np.allclose(table["mean"], percentile_to_rank(egdi.forecast["mean"], UN_MEMBER_STATES))
    assert np.allclose(table["lower"], percentile_to_rank(egdi.forecast["upper"], UN_MEMBER_STATES))
    assert egdi.unit == "percentile" and egdi.series.between(0, 100).all()


def test_egdi_series_is_the_panel_percentile(egdi: ForecastResult) -> None:
    panel = load_egdi()
    own = panel[panel["iso3"] == FOCUS_COUNTRY].sort_values("survey_year")
    assert np.allclose(egdi.series.to_numpy(), own["percentile"].to_numpy())
    assert egdi.sources[0] == "un-desa-egov-data-center"
    assert egdi.country_name == own["country"].iloc[-1]


def test_egdi_rank_of_another_country_has_no_recorded_targets() -> None:
    result = forecast_indicator("un_egdi_rank", country="tha")
    assert result.country == "THA" and result.country_name == "Thailand"
    assert result.targets == []  # the recorded rank targets are the focus country's


def test_rank_targets_are_decided_by_the_2024_survey(egdi: ForecastResult) -> None:
    by_rank = {reading.stated_value: reading for reading in egdi.targets}
    assert set(by_rank) == {50.0, 70.0}
    for stated, reading in by_rank.items():
        assert reading.value == pytest.approx(rank_to_percentile(stated, UN_MEMBER_STATES))
        assert reading.direction == "at_least" and reading.stated_direction == "at_most"
        # No survey is expected between the 2024 survey (rank 71) and the 2025-12-31 deadline.
        assert reading.status is TargetStatus.DECIDED and reading.verdict is TargetVerdict.MISSED
        assert reading.probability == 0.0 and reading.survey_rank == 71
        assert reading.evaluated_at == pd.Timestamp("2024-07-01") and reading.decided_by_the_data


def test_rank_targets_with_a_cutoff_are_read_at_the_last_survey_before_the_deadline() -> None:
    result = forecast_indicator("un_egdi_rank", cutoff="2021-01-01")
    by_rank = {reading.stated_value: reading for reading in result.targets}
    for reading in by_rank.values():
        assert reading.forecast_origin == pd.Timestamp("2020-07-01")
        assert reading.evaluated_at == pd.Timestamp("2024-07-01")  # the 2024 survey, not the deadline
        assert reading.status is TargetStatus.DECIDED and reading.verdict is TargetVerdict.MISSED
        assert reading.is_forecast and not reading.decided_by_the_data
    assert 0 <= by_rank[50.0].probability <= by_rank[70.0].probability < 1  # top 50 is harder than top 70


def test_past_targets_are_judged_by_the_one_target_rule(level4: ForecastResult) -> None:
    by_deadline = {f"{r.deadline:%Y-%m-%d}": r for r in level4.targets}
    assert list(by_deadline) == ["2019-12-31", "2020-12-31"]
    first, second = by_deadline["2019-12-31"], by_deadline["2020-12-31"]
    assert first.status is second.status is TargetStatus.PASSED
    assert first.verdict is TargetVerdict.MISSED and first.actual_value == 10.76
    # about 31 % was reported in March 2021, after the deadline: it cannot show the end-2020 share
    assert second.verdict is TargetVerdict.NOT_KNOWN_AT_DEADLINE
    assert second.later_value == 31.0 and second.later_qualifier == "about"
    # Before the 2019 deadline there are only 2 points: no forecast.
    assert not first.has_forecast and first.points_before == 2 and np.isnan(first.probability)
    assert second.forecast_origin == pd.Timestamp("2019-12-31") and 0 <= second.probability <= 1


def test_a_forced_model_is_used_and_said_so() -> None:
    result = forecast_indicator("portal_accounts", horizon=1, model="drift", level=0.9)
    assert result.model == "drift" and result.reason is ChoiceBasis.REQUESTED
    assert result.forecast["level"].eq(0.9).all() and result.forecaster.model == "drift"
    with pytest.raises(ForecastError, match="survey rank"):
        forecast_indicator("portal_accounts", model="pooled_naive")


def test_the_later_survey_ranks_are_compared_in_ranks() -> None:
    result = forecast_indicator("un_egdi_rank", cutoff="2019-01-01", horizon=4)
    later = result.later
    assert list(later["date"].dt.year) == [2020, 2022, 2024]
    assert list(later["actual"]) == [86.0, 86.0, 71.0]  # the ranks as published
    assert np.allclose(later["error"], later["central"] - later["actual"])
    assert later["error_pct"].isna().all()  # no relative error of a rank
    assert (later["lower"] < later["upper"]).all()


def test_errors() -> None:
    with pytest.raises(ForecastError, match="no observations of indicator 'no_such_indicator'"):
        forecast_indicator("no_such_indicator")
    with pytest.raises(ForecastError, match="at least 3"):
        forecast_indicator("un_egdi_rank_change")  # 2 national actuals only
    with pytest.raises(ForecastError, match="cutoff"):
        forecast_indicator("portal_accounts", cutoff="2020-03-31")  # 2 points up to the cutoff
    with pytest.raises(ForecastError, match="unknown model"):
        forecast_indicator("portal_accounts", model="prophet")
    with pytest.raises(ForecastError, match="horizon"):
        forecast_indicator("portal_accounts", horizon=0)
    with pytest.raises(ForecastError, match="level"):
        forecast_indicator("portal_accounts", level=80)
    with pytest.raises(ForecastError, match="cannot be forecast for THA"):
        forecast_indicator("portal_accounts", country="THA")
    with pytest.raises(SelectionError, match="no ranked surveys for 'XXX'"):
        forecast_indicator("un_egdi_rank", country="XXX")
    with pytest.raises(ForecastError, match="ets_damped"):
        forecast_indicator("portal_accounts", model="ets_damped")  # 9 irregular points
