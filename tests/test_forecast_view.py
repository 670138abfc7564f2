"""Tests of the forecast notebook's tables, sentences and chart (egovanalysis.reporting.forecast_*), on the
committed data: a few on the wording, the rest on the numbers and verdicts behind it."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from egovanalysis.conventions import UN_MEMBER_STATES
from egovanalysis.errors import ForecastError
from egovanalysis.forecasting import ForecastResult, forecast_indicator
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


def test_method_text_is_generated_from_the_choice(
    accounts_2021: ForecastResult, level4: ForecastResult, egdi: ForecastResult
) -> None:
    assert "a cumulative count cannot fall" in forecast_texts.method_text(accounts_2021)
    assert "always stays within 0-100%" in forecast_texts.method_text(level4)
    text = forecast_texts.method_text(egdi)
    assert text.startswith("Viet Nam's next rank is forecast to stay where it is")
    moves = egdi.forecaster.moves(1)
    assert f"({moves.n} moves, {moves.first_survey.year} to {moves.last_survey.year})" in text
    forced = forecast_indicator("portal_accounts", model="linear")
    assert "**linear was asked for**" in forecast_texts.method_text(forced)


def test_method_table(accounts_2021: ForecastResult, egdi: ForecastResult) -> None:
    band = forecast_view.method_table(accounts_2021).iloc[0]
    assert band["pace measured since"] == "2020-12-24" and band["band (80%)"] == "0 to 1.5 x pace"
    pooled = forecast_view.method_table(egdi).iloc[0]
    assert pooled["surveys ahead"] == 1 and pooled["moves pooled"] == egdi.forecaster.moves(1).n


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


def test_later_table_of_a_survey_rank_is_in_ranks() -> None:
    result = forecast_indicator("un_egdi_rank", country="THA", cutoff="2018-12-31")
    table = forecast_view.later_table(result)
    assert list(table.columns) == ["date", "years ahead", "actual rank", "central rank", "lower (80%)",
                                   "upper (80%)", "inside", "error (ranks)"]
    assert list(table["actual rank"]) == [57, 55, 52]
    text = forecast_texts.fared_text(result)
    assert "in the survey of 2020-07-01 it ranked 57" in text


def test_calibration_tables_and_text(egdi: ForecastResult, accounts_2021: ForecastResult) -> None:
    from egovanalysis.forecasting import calibration

    benches = forecast_view.calibrate([egdi, accounts_2021])
    assert set(benches) == {True, False}
    table = forecast_view.calibration_table(benches[True], survey=True)
    assert list(table["horizon"]) == ["next survey", "second survey"]
    summary = calibration.egdi_summary(benches[True])
    assert list(table["coverage (80%)"]) == list(summary["coverage"].round(3))
    reliability = forecast_view.reliability_table(benches[True])
    assert list(reliability["nominal"]) == list(calibration.LEVELS)
    held, cases = forecast_view.own_record(benches[True], egdi)
    own = benches[True].cases[benches[True].cases["country"] == "VNM"]
    assert (held, cases) == (int(own["covered"].sum()), len(own)) and cases > 0
    text = forecast_texts.calibration_text(egdi, held, cases, summary)
    assert f"On Viet Nam's own past they held {held} of {cases} times." in text
    reported = forecast_view.calibration_table(benches[False], survey=False)
    assert reported["cumulative below last"].sum() == 0
    assert forecast_view.benchmark_sources(benches[True], survey=True) == ["un-desa-egov-data-center"]
    fig, ax = plt.subplots()
    forecast_chart.plot_reliability(calibration.reliability(benches[True]), ax)
    assert len(ax.get_lines()) == 3  # the diagonal and one line per horizon
    plt.close(fig)
