"""Tests of the forecast notebook's tables, sentences and chart (egovanalysis.reporting.forecast_*), on the
committed data: a few on the wording, the rest on the numbers and verdicts behind it."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from egovanalysis.conventions import UN_MEMBER_STATES
from egovanalysis.errors import ForecastError
from egovanalysis.forecasting import ForecastResult, forecast_indicator
from egovanalysis.forecasting.choice import ChoiceBasis, ModelChoice
from egovanalysis.reporting import forecast_chart, forecast_texts, forecast_view


@pytest.fixture(scope="module")
def accounts_2021() -> ForecastResult:
    return forecast_indicator("portal_accounts", horizon=2, cutoff="2021-03-31")


@pytest.fixture(scope="module")
def egdi() -> ForecastResult:
    return forecast_indicator("un_egdi_rank", horizon=3)


@pytest.fixture(scope="module")
def level4() -> ForecastResult:
    return forecast_indicator("level4_services_share", horizon=3)


def test_select_indicators() -> None:
    assert forecast_view.select_indicators(None) == list(forecast_view.HEADLINE_INDICATORS)
    assert forecast_view.HEADLINE_INDICATORS == ("level4_services_share", "portal_accounts", "un_egdi_rank")
    assert forecast_view.select_indicators("portal_accounts") == ["portal_accounts"]
    with pytest.raises(ForecastError):
        forecast_view.select_indicators("")


def test_a_run_for_another_country_forecasts_its_egdi_rank_only() -> None:
    results = forecast_view.run(None, country="THA", horizon=2)
    assert [r.indicator for r in results] == ["un_egdi_rank"] and results[0].country == "THA"
    assert forecast_view.label(results[0]) == "Thailand's EGDI rank, as a percentile"


def test_later_table_holds_2022_and_2023(accounts_2021: ForecastResult) -> None:
    later = forecast_view.later_table(accounts_2021)
    assert list(later["date"]) == ["2022-07-31", "2023-07-31"]
    assert list(later["actual"]) == [2_100_000, 7_770_000]
    assert list(later["inside"]) == list(accounts_2021.later["inside"])


def test_fared_text_says_how_it_went(accounts_2021: ForecastResult) -> None:
    text = forecast_texts.fared_text(accounts_2021)
    inside = int(accounts_2021.later["inside"].sum())
    assert f"{inside} of 2 later actual(s) fell inside the 80% interval" in text
    assert "2022-07-31" in text and "2023-07-31" in text


def test_no_cutoff_no_later_actuals(level4: ForecastResult) -> None:
    assert "No cutoff" in forecast_texts.fared_text(level4)


def test_forecast_table_columns(accounts_2021: ForecastResult, egdi: ForecastResult) -> None:
    assert list(forecast_view.forecast_table(accounts_2021).columns) == [
        "date", "central", "lower (80%)", "upper (80%)"]
    ranks = forecast_view.forecast_table(egdi)["rank (central)"]
    assert ranks.between(1, UN_MEMBER_STATES).all()
    assert list(ranks) == list(np.rint(egdi.table["mean"]).astype(int))


@pytest.mark.parametrize(("basis", "words"), [
    (ChoiceBasis.NAIVE_BEST_IN_BACKTEST, "no model beats the naive forecast; use naive"),
    (ChoiceBasis.BEST_IN_BACKTEST, "lowest backtest MASE (0.50 over 12 forecasts), against 1.25 for naive"),
    (ChoiceBasis.IN_SAMPLE_AICC, "an in-sample criterion"),
    (ChoiceBasis.TOO_SHORT, "too few backtest forecasts and no AICc"),
    (ChoiceBasis.REQUESTED, "linear was asked for"),
])
def test_reason_text_is_generated_from_the_basis(basis: ChoiceBasis, words: str) -> None:
    model = "naive" if basis in (ChoiceBasis.NAIVE_BEST_IN_BACKTEST, ChoiceBasis.TOO_SHORT) else "linear"
    choice = ModelChoice(model, basis, mase=0.5, n_forecasts=12, naive_mase=1.25, aicc={"linear": 3.0})
    assert words in forecast_texts.reason_text(choice)


def test_choice_text_and_models_table(accounts_2021: ForecastResult) -> None:
    text = forecast_texts.choice_text(accounts_2021)
    assert text.startswith(f"**Model chosen: {accounts_2021.model}.**")
    assert forecast_texts.reason_text(accounts_2021.choice) in text
    table = forecast_view.models_table(accounts_2021)
    assert {"naive", "drift", "linear", "loglinear"} <= set(table["model"])
    assert table.loc[table["model"] == "ets_damped", "note"].iloc[0].startswith("not fitted:")


def test_rank_targets_table_and_text(egdi: ForecastResult) -> None:
    table = forecast_view.targets_table(egdi).set_index("target")
    assert sorted(table.index) == ["top 50 (percentile >= 74.48)", "top 70 (percentile >= 64.06)"]
    for _, row in table.iterrows():
        assert row["status"] == "decided" and row["met"] == "missed" and row["p_met"] == 0.0
        assert row["actual"] == "rank 71 (2024 survey)"
        assert row["note"].startswith(
            "decided by the 2024 survey: rank 71; no survey is expected before the deadline")
    text = forecast_texts.targets_text(egdi, forecast_view.targets_table(egdi))
    assert "chance" not in text and "so it is not met" in text


def test_rank_targets_with_a_cutoff_say_where_they_are_read() -> None:
    result = forecast_indicator("un_egdi_rank", cutoff="2021-01-01")
    text = forecast_texts.targets_text(result, forecast_view.targets_table(result))
    assert "at the last survey expected by the deadline, 2024-07-01" in text
    assert not [r for r in forecast_view.headlines(result) if "top" in r["label"]]  # the cutoff hides 2024


def test_past_targets_table_and_text(level4: ForecastResult) -> None:
    table = forecast_view.targets_table(level4).set_index("deadline")
    assert table.loc["2019-12-31", "met"] == "missed"
    assert table.loc["2020-12-31", "met"] == "not known at the deadline"
    assert table.loc["2020-12-31", "actual"] == (
        "next report: about 31.00% on 2021-03-31, reported after the deadline")
    assert "no forecast" in table.loc["2019-12-31", "forecast from data up to"]
    text = forecast_texts.targets_text(level4, forecast_view.targets_table(level4))
    assert "outcome not known at the deadline" in text and "actual 10.76% (2019-12-31): not met" in text


def test_plot_fan_draws_actuals_fan_targets_and_cutoff(
    accounts_2021: ForecastResult, level4: ForecastResult
) -> None:
    fig, ax = plt.subplots()
    forecast_chart.plot_fan(accounts_2021, ax)
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert "80% prediction interval" in labels
    assert "actual after the cutoff (not used)" in labels
    assert "cutoff 2021-03-31" in labels
    assert ax.get_yscale() == "log"  # counts over two orders of magnitude
    plt.close(fig)
    fig, ax = plt.subplots()
    forecast_chart.plot_fan(level4, ax)
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert "target (value by deadline)" in labels
    assert ax.get_ylim() == (0, 100)
    plt.close(fig)


def test_headlines(egdi: ForecastResult) -> None:
    records = forecast_view.headlines(egdi)
    assert records[0]["value"] == round(float(egdi.forecast["mean"].iloc[-1]), 2)
    assert not [r for r in records if "chance" in r["label"]]  # decided targets have no "chance"
    decided = [r for r in records if "by 2025-12-31" in r["label"]]
    assert len(decided) == 2 and all(r["value"] == "not met" for r in decided)
    assert all(r["note"].startswith("decided by the 2024 survey: rank 71") for r in decided)


def test_summary_table(accounts_2021: ForecastResult, egdi: ForecastResult) -> None:
    table = forecast_view.summary_table([accounts_2021, egdi])
    assert list(table["indicator"]) == ["portal_accounts", "un_egdi_rank"]
    assert list(table["points used"]) == [7, 12]
