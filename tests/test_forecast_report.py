"""Tests of the forecasting notebook's logic (egovanalysis.forecasting.report) on the committed data."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from egovanalysis.conventions import UN_MEMBER_STATES, rank_to_percentile
from egovanalysis.data import load_egdi, load_indicators, load_observations
from egovanalysis.errors import ForecastError
from egovanalysis.forecasting import report as fr


@pytest.fixture(scope="module")
def data() -> dict[str, pd.DataFrame]:
    return {"observations": load_observations(), "panel": load_egdi(), "registry": load_indicators()}


@pytest.fixture(scope="module")
def accounts_2021(data: dict[str, pd.DataFrame]) -> fr.ForecastResult:
    return fr.run("portal_accounts", horizon=2, cutoff="2021-03-31", **data)


@pytest.fixture(scope="module")
def egdi(data: dict[str, pd.DataFrame]) -> fr.ForecastResult:
    return fr.run(fr.EGDI_INDICATOR, horizon=3, **data)


@pytest.fixture(scope="module")
def level4(data: dict[str, pd.DataFrame]) -> fr.ForecastResult:
    return fr.run("level4_services_share", horizon=3, **data)


def test_select_indicators() -> None:
    assert fr.select_indicators(None) == ["level4_services_share", "portal_accounts", "un_egdi_rank"]
    assert fr.select_indicators("portal_accounts") == ["portal_accounts"]
    with pytest.raises(ForecastError):
        fr.select_indicators("")


def test_normalise_models_accepts_papermill_text() -> None:
    assert fr.normalise_models(None) is None
    assert fr.normalise_models("naive,drift") == ("naive", "drift")
    assert fr.normalise_models("['naive', 'linear']") == ("naive", "linear")
    assert fr.normalise_models(["logit"]) == ("logit",)
    with pytest.raises(ForecastError):
        fr.normalise_models("")


def test_cutoff_fits_only_earlier_data(accounts_2021: fr.ForecastResult) -> None:
    assert accounts_2021.series.index.max() <= pd.Timestamp("2021-03-31")
    assert len(accounts_2021.series) == 7  # 412,000 reported on 24 and 31 Dec 2020 counts once
    assert accounts_2021.actuals.index.max() == pd.Timestamp("2023-07-31")
    assert accounts_2021.fitted.last_date == pd.Timestamp("2021-03-08")


def test_later_actuals_table_holds_2022_and_2023(accounts_2021: fr.ForecastResult) -> None:
    later = accounts_2021.later
    assert list(later["date"]) == ["2022-07-31", "2023-07-31"]
    assert list(later["actual"]) == [2_100_000, 7_770_000]
    assert list(later["qualifier"]) == ["more_than", "about"]
    lower, upper = later["lower (80%)"].astype(float), later["upper (80%)"].astype(float)
    inside = (lower <= later["actual"].astype(float)) & (later["actual"].astype(float) <= upper)
    assert list(later["inside"]) == list(inside)
    assert (later["years ahead"] > 1).all()


def test_fared_text_says_how_it_went(accounts_2021: fr.ForecastResult) -> None:
    text = accounts_2021.texts["fared"]
    inside = int(accounts_2021.later["inside"].sum())
    assert f"{inside} of 2 later actual(s) fell inside the 80% interval" in text
    assert "2022-07-31" in text and "2023-07-31" in text


def test_no_cutoff_no_later_actuals(level4: fr.ForecastResult) -> None:
    assert level4.later.empty
    assert "No cutoff" in level4.texts["fared"]


def test_forecast_rows_and_interval_order(accounts_2021: fr.ForecastResult) -> None:
    frame = accounts_2021.forecast
    assert len(frame) == 2  # horizon 2: two yearly anniversaries of the last point
    assert (frame["lower"] <= frame["mean"]).all() and (frame["mean"] <= frame["upper"]).all()
    table = accounts_2021.forecast_table()
    assert list(table.columns) == ["date", "central", "lower (80%)", "upper (80%)"]


def test_choice_and_reason_come_from_the_backtest(accounts_2021: fr.ForecastResult) -> None:
    assert accounts_2021.model in accounts_2021.fits
    assert accounts_2021.reason in accounts_2021.texts["choice"]
    assert set(accounts_2021.backtest["model"]) <= set(accounts_2021.fits)
    assert {"naive", "drift", "linear", "loglinear"} <= set(accounts_2021.models_table["model"])


def test_egdi_percentile_forecast_stays_in_0_100(egdi: fr.ForecastResult) -> None:
    assert egdi.unit == "percentile"
    assert egdi.series.between(0, 100).all()
    assert egdi.forecast[["mean", "lower", "upper"]].stack().between(0, 100).all()
    for name, fitted in egdi.fits.items():
        frame = fitted.forecast(30, level=0.95)
        assert frame[["mean", "lower", "upper"]].stack().between(0, 100).all(), name
    ranks = egdi.forecast_table()["rank (central)"]
    assert ranks.between(1, UN_MEMBER_STATES).all()


def test_egdi_series_is_the_panel_percentile(egdi: fr.ForecastResult, data: dict[str, pd.DataFrame]) -> None:
    own = data["panel"][data["panel"]["iso3"] == "VNM"].sort_values("survey_year")
    assert np.allclose(egdi.series.to_numpy(), own["percentile"].to_numpy())
    assert egdi.sources[0] == fr.EGDI_SOURCE_ID


def test_rank_targets_become_percentile_targets(egdi: fr.ForecastResult) -> None:
    targets = egdi.targets.set_index("target")
    assert len(targets) == 2
    pct70 = rank_to_percentile(70, 193)
    pct50 = rank_to_percentile(50, 193)
    assert sorted(egdi.target_points["value"].round(6)) == sorted([round(pct70, 6), round(pct50, 6)])
    top50 = targets.loc[[t for t in targets.index if t.startswith("top 50")][0]]
    top70 = targets.loc[[t for t in targets.index if t.startswith("top 70")][0]]
    # No survey is expected between the 2024 survey (rank 71) and the 2025-12-31 deadline: both targets are
    # decided by it, with certainty, not given a chance.
    for row in (top50, top70):
        assert row["status"] == "decided" and row["met"] == "no" and row["p_met"] == 0.0
        assert row["evaluated at"] == "2024-07-01" and row["actual"] == "rank 71 (2024 survey)"
        assert row["note"].startswith(
            "decided by the 2024 survey: rank 71; no survey is expected before the deadline"
        )
    text = egdi.texts["targets"]
    assert "chance" not in text and "so it is not met" in text


def test_rank_targets_with_a_cutoff_are_read_at_the_last_survey_before_the_deadline(
    data: dict[str, pd.DataFrame],
) -> None:
    result = fr.run(fr.EGDI_INDICATOR, horizon=3, cutoff="2021-01-01", **data)
    targets = result.targets.set_index("target")
    top50 = targets.loc[[t for t in targets.index if t.startswith("top 50")][0]]
    top70 = targets.loc[[t for t in targets.index if t.startswith("top 70")][0]]
    for row in (top50, top70):
        assert row["forecast from data up to"] == "2020-07-01"
        assert row["evaluated at"] == "2024-07-01"  # the 2024 survey, not the 2025-12-31 deadline
        assert row["status"] == "decided" and row["met"] == "no"  # the actual 2024 survey decides it
    assert 0 <= top50["p_met"] <= top70["p_met"] < 1  # top 50 is harder than top 70
    assert "at the last survey expected by the deadline, 2024-07-01" in result.texts["targets"]
    assert not [r for r in result.headlines() if "top" in r["label"]]  # the cutoff hides the 2024 survey


def test_past_targets_show_outcome_and_earlier_forecast(level4: fr.ForecastResult) -> None:
    targets = level4.targets.set_index("deadline")
    assert list(targets.index) == ["2019-12-31", "2020-12-31"]
    assert (targets["status"] == "passed").all()
    assert targets.loc["2019-12-31", "met"] == "no"  # 10.76 % at the end of 2019
    # about 31 % was reported in March 2021, after the deadline: it cannot show the end-2020 share
    assert targets.loc["2020-12-31", "met"] == "not known at the deadline"
    assert targets.loc["2020-12-31", "actual"] == (
        "next report: about 31.00% on 2021-03-31, reported after the deadline"
    )
    assert "no figure dated on or before the deadline" in targets.loc["2020-12-31", "note"]
    assert "outcome not known at the deadline" in level4.texts["targets"]
    assert "met: yes" not in level4.texts["targets"]
    # Before the 2019 deadline there are only 2 points: no forecast, said so.
    assert np.isnan(targets.loc["2019-12-31", "p_met"])
    assert "no forecast" in targets.loc["2019-12-31", "forecast from data up to"]
    # The 2020 target is read against a forecast from the data before it only.
    assert targets.loc["2020-12-31", "forecast from data up to"] == "2019-12-31"
    assert 0 <= targets.loc["2020-12-31", "p_met"] <= 1


def test_plot_fan_draws_actuals_fan_targets_and_cutoff(
    accounts_2021: fr.ForecastResult, level4: fr.ForecastResult
) -> None:
    fig, ax = plt.subplots()
    fr.plot_fan(accounts_2021, ax)
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert "80% prediction interval" in labels
    assert "actual after the cutoff (not used)" in labels
    assert "cutoff 2021-03-31" in labels
    assert ax.get_yscale() == "log"  # counts over two orders of magnitude
    plt.close(fig)
    fig, ax = plt.subplots()
    fr.plot_fan(level4, ax)
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert "target (value by deadline)" in labels
    assert ax.get_ylim() == (0, 100)
    plt.close(fig)


def test_headlines(egdi: fr.ForecastResult) -> None:
    records = egdi.headlines()
    assert records[0]["value"] == round(float(egdi.forecast["mean"].iloc[-1]), 2)
    assert not [r for r in records if "chance" in r["label"]]  # decided targets have no "chance"
    decided = [r for r in records if "by 2025-12-31" in r["label"]]
    assert len(decided) == 2 and all(r["value"] == "not met" for r in decided)
    assert all(r["note"].startswith("decided by the 2024 survey: rank 71") for r in decided)


def test_models_parameter_is_respected(data: dict[str, pd.DataFrame]) -> None:
    result = fr.run("portal_accounts", horizon=1, models="naive,drift", level=0.9, **data)
    assert set(result.fits) == {"naive", "drift"}
    assert result.forecast["level"].eq(0.9).all()
    assert "lower (90%)" in result.forecast_table().columns


def test_errors(data: dict[str, pd.DataFrame]) -> None:
    with pytest.raises(ForecastError, match="no observations of indicator 'no_such_indicator'"):
        fr.run("no_such_indicator", **data)
    with pytest.raises(ForecastError, match="at least 3"):
        fr.run("un_egdi_rank_change", **data)  # 2 national actuals only
    with pytest.raises(ForecastError, match="cutoff"):
        fr.run("portal_accounts", cutoff="2020-03-31", **data)  # 2 points up to the cutoff
    with pytest.raises(ForecastError, match="unknown model"):
        fr.run("portal_accounts", models=["naive", "prophet"], **data)
    with pytest.raises(ForecastError, match="horizon"):
        fr.run("portal_accounts", horizon=0, **data)
    with pytest.raises(ForecastError, match="level"):
        fr.run("portal_accounts", level=80, **data)
    with pytest.raises(ForecastError, match="panel"):
        fr.run(fr.EGDI_INDICATOR, observations=data["observations"])


def test_summary_table(accounts_2021: fr.ForecastResult, egdi: fr.ForecastResult) -> None:
    table = fr.summary_table([accounts_2021, egdi])
    assert list(table["indicator"]) == ["portal_accounts", "un_egdi_rank"]
    assert list(table["points used"]) == [7, 12]
