"""The EGDI notebook's helpers on the committed panel: choosing a country, its peers, and the goals.

The sentences for many countries are in ``test_egdi_any_country.py``.
"""

from __future__ import annotations

import pandas as pd
import pytest

from egovanalysis.analysis import egdi as egdi_story
from egovanalysis.conventions import FOCUS_COUNTRY
from egovanalysis.data import load_observations
from egovanalysis.errors import EgovError, SelectionError
from egovanalysis.ingest.egdi_panel import SEA_ISO3
from egovanalysis.reporting import texts
from egovanalysis.reporting.formatting import ordinal


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    return egdi_story.load_panel()


def test_viet_nam_defaults_to_the_eleven_south_east_asian_states(panel: pd.DataFrame) -> None:
    group = egdi_story.peer_group(panel, "VNM")
    assert group.label == "South-eastern Asia" and group.region == "Asia"
    assert set(group.members) == set(SEA_ISO3) and group.members[0] == "VNM"
    rows = egdi_story.select(panel, "VNM")
    assert rows["iso3"].nunique() == 11
    vietnam = rows[rows["iso3"] == "VNM"].set_index("survey_year")
    assert vietnam.loc[2018, "group_position"] == 6 and vietnam.loc[2020, "group_position"] == 6  # the press
    assert (vietnam["group_position"] == vietnam["sea_position"]).all()


def test_select_with_other_peers_ranks_within_them(panel: pd.DataFrame) -> None:
    rows = egdi_story.select(panel, "VNM", peers=["THA", "khm "], start_year=2018)
    assert sorted(rows["survey_year"].unique()) == [2018, 2020, 2022, 2024]
    latest = rows[rows["survey_year"] == 2024].set_index("iso3")["group_position"].to_dict()
    assert latest == {"THA": 1, "VNM": 2, "KHM": 3}
    assert egdi_story.peer_group(panel, "VNM", ["THA", "KHM"]).label is None


@pytest.mark.parametrize("typed", ["VNM", "vnm", " Vnm  "])
def test_any_case_and_surrounding_spaces_are_accepted(panel: pd.DataFrame, typed: str) -> None:
    assert egdi_story.resolve_country(panel, typed) == "VNM"
    assert egdi_story.select(panel, typed)["iso3"].nunique() == 11


@pytest.mark.parametrize(
    ("typed", "first_suggestion"),
    [
        ("VTN", "VNM (Viet Nam)"),  # letters of the name in order
        ("Brasil", "BRA (Brazil)"),  # a misspelt name
        ("Vietnam", "VNM (Viet Nam)"),  # a name pycountry knows
        ("vn", "VNM (Viet Nam)"),  # a two-letter code
        ("DNM", "DNK (Denmark)"),
        ("SSU", "SSD (South Sudan)"),
    ],
)
def test_unknown_code_lists_near_matches(panel: pd.DataFrame, typed: str, first_suggestion: str) -> None:
    with pytest.raises(SelectionError) as raised:
        egdi_story.resolve_country(panel, typed)
    message = str(raised.value)
    assert repr(typed) in message and "did you mean" in message
    assert message.split("did you mean ")[1].startswith(first_suggestion)
    assert isinstance(raised.value, EgovError) and isinstance(raised.value, ValueError)


def test_unknown_code_without_near_match_and_territories(panel: pd.DataFrame) -> None:
    with pytest.raises(SelectionError, match="no code or name in the panel is close to it"):
        egdi_story.resolve_country(panel, "QQQ")
    with pytest.raises(SelectionError, match=r"TWN \(Taiwan, Province of China\) is not in it"):
        egdi_story.resolve_country(panel, "twn")  # a real territory the UN survey does not rank
    with pytest.raises(SelectionError, match=r"^peer 'THX'.*did you mean THA \(Thailand\)"):
        egdi_story.select(panel, "VNM", peers=["THA", "THX"])  # peers are checked the same way


def test_goal_distance_for_the_focus_country_only(panel: pd.DataFrame) -> None:
    observations = load_observations()
    goals = egdi_story.goal_distance(egdi_story.select(panel, FOCUS_COUNTRY), observations, FOCUS_COUNTRY)
    assert goals.set_index("goal")["places_to_go"].to_dict() == {"top 50": 21, "top 70": 1}
    assert not goals["reached"].any() and not goals["survey_before_deadline"].any()
    assert set(goals["publisher"]) == {"Ministry of Information and Communications (english.mic.gov.vn)",
                                       "vietnam.vn"}
    assert egdi_story.reported_figures_apply(FOCUS_COUNTRY) and not egdi_story.reported_figures_apply("THA")
    assert egdi_story.goal_distance(egdi_story.select(panel, "THA"), observations, "THA").empty


def test_goals_text_for_viet_nam_and_another_country(panel: pd.DataFrame) -> None:
    observations = load_observations()
    goals = egdi_story.goal_distance(egdi_story.select(panel, "VNM"), observations, "VNM")
    text = texts.goals_text(goals, "Viet Nam", "Viet Nam")
    assert "2 stated goals for the EGDI rank of Viet Nam: top 70 by 31 Dec 2025" in text
    assert "In the 2024 survey Viet Nam ranked 71: 1 place short of top 70 and 21 places short of top 50" \
        in text
    assert "they conflict" in text and "the 2024 rank is the standing at the deadline" in text
    empty = egdi_story.goal_distance(egdi_story.select(panel, "BRA"), observations, "BRA")
    assert texts.goals_text(empty, "Brazil", "Viet Nam") == (
        "No stated EGDI goals are recorded for Brazil. The goals in the data are Viet Nam's."
    )


def test_a_goal_reached_and_a_later_survey_before_the_deadline(panel: pd.DataFrame) -> None:
    observations = load_observations()
    goal = observations[(observations["indicator"] == "un_egdi_rank") & (observations["kind"] == "target")]
    goal = goal.iloc[:1].assign(value=80.0, date=pd.Timestamp("2026-12-31"))
    table = egdi_story.goal_distance(egdi_story.select(panel, "VNM"), goal, "VNM")
    assert table["reached"].tolist() == [True] and table["survey_before_deadline"].tolist() == [True]
    text = texts.goals_text(table, "Viet Nam", "Viet Nam")
    assert "top 80 reached (9 places to spare)" in text and "standing at the deadline" not in text


def test_press_text(panel: pd.DataFrame) -> None:
    from egovanalysis.analysis.press_check import crosscheck_press_ranks

    assert texts.press_text(None, "Brazil", "Viet Nam") == (
        "The press figures in the data are about Viet Nam, not Brazil: nothing to check."
    )
    with pytest.raises(SelectionError, match="press figures in the data are about VNM, not BRA"):
        crosscheck_press_ranks(load_observations(), panel, country="BRA")
    press = crosscheck_press_ranks(load_observations(), panel, country="VNM")
    assert texts.press_text(press, "Viet Nam", "Viet Nam") == f"{len(press)} of {len(press)} press figures " \
        "agree with the UN data."
    wrong = press.assign(agrees=press["agrees"].mask(press.index == 0, False))
    disagreeing = texts.press_text(wrong, "Viet Nam", "Viet Nam")
    assert f"Disagreeing: {press.loc[0, 'figure_id']} (reported" in disagreeing


@pytest.mark.parametrize(("number", "text"), [(1, "1st"), (2, "2nd"), (3, "3rd"), (11, "11th"), (22, "22nd")])
def test_ordinal(number: int, text: str) -> None:
    assert ordinal(number) == text


def test_codes_are_normalised() -> None:
    assert egdi_story.normalise_codes(" vnm", ["tha ", "Khm"]) == ("VNM", ["THA", "KHM"])
    assert egdi_story.normalise_codes("VNM", None) == ("VNM", None)
    assert egdi_story.normalise_codes("VNM", "['tha', 'KHM']") == ("VNM", ["THA", "KHM"])  # papermill -p
    assert egdi_story.normalise_codes("VNM", "THA,KHM") == ("VNM", ["THA", "KHM"])
