"""The EGDI notebook's helpers, on the committed panel: numbers in the sentences match the panel."""

from __future__ import annotations

import pandas as pd
import pytest

from egovanalysis.analysis import egdi as egdi_story
from egovanalysis.data import load_observations
from egovanalysis.reporting import texts
from egovanalysis.reporting.formatting import ordinal


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    return egdi_story.load_panel()


def test_select_defaults_to_south_east_asia_and_positions_match_the_press(panel: pd.DataFrame) -> None:
    rows = egdi_story.select(panel, "VNM")
    assert rows["iso3"].nunique() == 11
    vietnam = rows[rows["iso3"] == "VNM"].set_index("survey_year")
    assert vietnam.loc[2018, "group_position"] == 6 and vietnam.loc[2020, "group_position"] == 6
    assert (vietnam["group_position"] == vietnam["sea_position"]).all()


def test_select_with_other_peers_ranks_within_them(panel: pd.DataFrame) -> None:
    rows = egdi_story.select(panel, "VNM", peers=["THA", "KHM"], start_year=2018)
    assert sorted(rows["survey_year"].unique()) == [2018, 2020, 2022, 2024]
    latest = rows[rows["survey_year"] == 2024].set_index("iso3")["group_position"].to_dict()
    assert latest == {"THA": 1, "VNM": 2, "KHM": 3}


def test_select_rejects_unknown_codes(panel: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="XXX"):
        egdi_story.select(panel, "XXX")


def test_sentences_are_drawn_from_the_numbers(panel: pd.DataFrame) -> None:
    rows = egdi_story.select(panel, "THA")
    text = texts.trajectory_text(rows, "THA")
    assert "Thailand ranked 56 of 173 in 2003 and 52 of 193 in 2024 (up 4 places)" in text
    assert "173 → 178" in text
    assert "2nd in 2024" in texts.regional_text(rows, "THA")
    assert "weakest pillar of Thailand was the Online Service Index (rank 62)" in texts.pillar_text(
        rows, "THA"
    )


def test_goal_distance_for_viet_nam_only(panel: pd.DataFrame) -> None:
    observations = load_observations()
    goals = egdi_story.goal_distance(egdi_story.select(panel, "VNM"), observations, "VNM")
    assert goals.set_index("goal")["places_to_go"].to_dict() == {"top 50": 21, "top 70": 1}
    assert not goals["reached"].any()
    assert egdi_story.goal_distance(egdi_story.select(panel, "THA"), observations, "THA").empty


@pytest.mark.parametrize(("number", "text"), [(1, "1st"), (2, "2nd"), (3, "3rd"), (11, "11th"), (22, "22nd")])
def test_ordinal(number: int, text: str) -> None:
    assert ordinal(number) == text


def test_codes_are_normalised() -> None:
    assert egdi_story.normalise_codes(" vnm", ["tha ", "Khm"]) == ("VNM", ["THA", "KHM"])
    assert egdi_story.normalise_codes("VNM", None) == ("VNM", None)
    assert egdi_story.normalise_codes("VNM", "['tha', 'KHM']") == ("VNM", ["THA", "KHM"])  # papermill -p
    assert egdi_story.normalise_codes("VNM", "THA,KHM") == ("VNM", ["THA", "KHM"])
