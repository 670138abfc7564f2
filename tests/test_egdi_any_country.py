"""The EGDI story for any member state: peers by UN sub-region, surveys that do not rank a country, and
sentences whose numbers are checked against the panel for very different countries (Denmark at the top,
Brazil in South America, South Sudan ranked from 2012 and near the bottom, Nauru in a sub-region of five
with two unranked surveys, Montenegro a member state from 2006, the United States in a sub-region of two).
The notebook itself runs under papermill for Brazil and South Sudan.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from egovanalysis import config
from egovanalysis.analysis import egdi as egdi_story
from egovanalysis.errors import SelectionError
from egovanalysis.reporting import texts
from egovanalysis.reporting.formatting import ordinal
from egovanalysis.reporting.headlines import read_headlines

COUNTRIES = ("DNK", "BRA", "SSD", "NRU", "VNM", "MNE", "USA")


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    return egdi_story.load_panel()


def _listed_unranked(panel: pd.DataFrame, code: str) -> pd.DataFrame:
    """The panel plus a row for ``code`` in every survey that does not rank it, as the UN files list such a
    country (scores of 0, no rank): the story must read the same whether such rows are there or not."""
    own = panel[panel["iso3"] == code]
    missing = sorted(set(panel["survey_year"]) - set(own["survey_year"]))
    template = own.iloc[[0] * len(missing)].reset_index(drop=True)
    scores = dict.fromkeys(["egdi", "osi", "hci", "tii", "epi", "percentile"], 0.0)
    counts = panel.groupby("survey_year")["n_ranked"].first()
    filler = template.assign(survey_year=missing, n_ranked=counts.loc[missing].to_numpy(), egdi_rank=pd.NA,
                             subregion_position=pd.NA, **scores)
    return pd.concat([panel, filler], ignore_index=True)


def _ranked(panel: pd.DataFrame, code: str) -> pd.DataFrame:
    """The country's ranked surveys, read straight from the panel (independently of the code under test)."""
    own = panel[(panel["iso3"] == code) & panel["egdi_rank"].notna()]
    return own.sort_values("survey_year").set_index("survey_year")


# --------------------------------------------------------------------------------------------------------
# Peers
# --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "label", "region", "members"),
    [
        ("BRA", "South America", "Americas",
         {"ARG", "BOL", "BRA", "CHL", "COL", "ECU", "GUY", "PER", "PRY", "SUR", "URY", "VEN"}),
        ("NRU", "Micronesia", "Oceania", {"FSM", "KIR", "MHL", "NRU", "PLW"}),  # M49 places Nauru here
        ("USA", "Northern America", "Americas", {"USA", "CAN"}),
        ("DNK", "Northern Europe", "Europe",
         {"DNK", "EST", "FIN", "GBR", "IRL", "ISL", "LTU", "LVA", "NOR", "SWE"}),
    ],
)
def test_peers_default_to_the_un_sub_region(
    panel: pd.DataFrame, code: str, label: str, region: str, members: set[str]
) -> None:
    group = egdi_story.peer_group(panel, code.lower())
    assert (group.country, group.label, group.region, set(group.members)) == (code, label, region, members)
    assert code not in group.peers
    rows = egdi_story.select(panel, code)
    assert set(rows["iso3"]) == members
    ranked = rows[rows["egdi_rank"].notna()]
    # the position in the group is the position in the sub-region, survey by survey
    assert ranked["group_position"].tolist() == ranked["subregion_position"].astype(int).tolist()
    # and the group's count is how many of its members the survey ranked
    counted = ranked.groupby("survey_year")["iso3"].count()
    assert rows.groupby("survey_year")["group_ranked"].first().loc[counted.index].tolist() == counted.tolist()


def test_a_small_sub_region_says_how_many_peers(panel: pd.DataFrame) -> None:
    for code, size in (("USA", 2), ("NRU", 5)):
        group = egdi_story.peer_group(panel, code)
        text = texts.peers_text(group, egdi_story.select(panel, code))
        assert f"({size - 1} peer{'s' if size > 2 else ''}: " in text
        assert f"A group of {size} is small" in text and "as a whole is given too" in text
    brazil = texts.peers_text(egdi_story.peer_group(panel, "BRA"), egdi_story.select(panel, "BRA"))
    assert "South America (11 peers: Argentina, Bolivia" in brazil and "small" not in brazil


def test_chosen_peers_are_named_in_the_order_given(panel: pd.DataFrame) -> None:
    group = egdi_story.peer_group(panel, "THA", ["VNM", "MYS", "IDN"])
    text = texts.peers_text(group, egdi_story.select(panel, "THA", list(group.peers)))
    assert text == "Thailand is compared with the 3 countries chosen: Viet Nam, Malaysia and Indonesia."


def test_no_sub_region_column_asks_for_explicit_peers(panel: pd.DataFrame) -> None:
    bare = panel.drop(columns=["region", "subregion"])
    with pytest.raises(SelectionError, match="pass peers explicitly"):
        egdi_story.peer_group(bare, "BRA")
    rows = egdi_story.select(bare, "BRA", peers=["ARG"])
    assert set(rows["iso3"]) == {"BRA", "ARG"} and "region_position" not in rows


# --------------------------------------------------------------------------------------------------------
# Surveys that do not rank a country
# --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "unranked", "starts"),
    [("SSD", [2003, 2004, 2005, 2008, 2010], 2012), ("MNE", [2003, 2004, 2005], 2008),
     ("NRU", [2008, 2010], None), ("BRA", [], None)],
)
def test_coverage_names_the_surveys_without_a_rank(
    panel: pd.DataFrame, code: str, unranked: list[int], starts: int | None
) -> None:
    for frame, listed in ((panel, False), (_listed_unranked(panel, code), True)):  # rows left out, or listed
        table = egdi_story.coverage(frame, code)
        assert table["survey_year"][~table["ranked"]].tolist() == unranked
        assert table["listed"].all() == (listed or not unranked)
        assert len(table) == 12 and table["ranked"].sum() == len(_ranked(panel, code))
        name = egdi_story.country_name(panel, code)
        text = texts.coverage_text(table, name)
        assert "grew from 173 in 2003 to all 193 UN member states from 2014 on" in text
        if unranked:
            years = ", ".join(map(str, unranked[:-1])) + f" and {unranked[-1]}"
            assert f"{name} was ranked in {12 - len(unranked)} of the 12 surveys" in text
            assert f"no EGDI rank in {years}" in text
        else:
            assert f"{name} was ranked in all 12 of these surveys." in text
        assert (f"its story starts in {starts}" in text) == (starts is not None)


@pytest.mark.parametrize("listed", [False, True])
def test_unranked_surveys_are_gaps_not_zeros(panel: pd.DataFrame, listed: bool) -> None:
    frame = _listed_unranked(panel, "SSD") if listed else panel
    rows = egdi_story.select(frame, "SSD")
    story = egdi_story.country_story(rows, "SSD")
    assert story.index.tolist() == [2003, 2004, 2005, 2008, 2010, 2012, 2014, 2016, 2018, 2020, 2022, 2024]
    assert story.loc[:2010, ["egdi", "osi", "percentile"]].isna().all().all()  # not the zeros of the UN file
    assert story.loc[:2010, "group_position"].isna().all() and not story.loc[:2010, "ranked"].any()
    assert story.loc[2012, "egdi_rank"] == 175 and story.loc[2012, "group_ranked"] == 18
    assert egdi_story.pillar_table(rows, "SSD").index.min() == 2012
    percentiles = egdi_story.percentiles_table(rows)
    assert pd.isna(percentiles.loc[2010, "South Sudan"]) and percentiles.loc[2012, "South Sudan"] > 0
    assert texts.trajectory_text(rows, "SSD").startswith("South Sudan ranked 175 of 190 in 2012")


def test_a_survey_that_ranks_no_one_of_the_group_stays_a_gap(panel: pd.DataFrame) -> None:
    rows = egdi_story.select(panel, "NRU")
    assert 2008 not in set(rows["survey_year"])  # no state of Micronesia was ranked in 2008
    coverage = egdi_story.coverage(panel, "NRU")
    surveys = coverage["survey_year"]
    story = egdi_story.country_story(rows, "NRU", coverage)
    assert len(story) == 12 and story.loc[[2008, 2010], "ranked"].tolist() == [False, False]
    assert story.loc[[2005, 2008, 2010], "n_ranked"].tolist() == [179, 182, 183]  # the survey's own counts
    assert story.loc[[2008, 2010], "group_ranked"].tolist() == [0, 1]
    assert str(story["n_ranked"].dtype) == "Int64" and story["egdi_rank"].isna().sum() == 2
    positions = egdi_story.positions_table(rows, surveys)
    assert positions.loc[2008].isna().all() and positions.loc[2010].notna().tolist() == [
        code == "PLW" for code in positions.columns]  # only Palau was ranked in 2010
    assert egdi_story.percentiles_table(rows, surveys).loc[2008].isna().all()


def test_no_ranked_survey_after_start_year_is_a_clear_error(panel: pd.DataFrame) -> None:
    early = panel[panel["survey_year"] <= 2010]
    with pytest.raises(SelectionError, match=r"SSD \(South Sudan\) is not in it"):
        egdi_story.select(early, "SSD")  # a panel of ranked rows only has no row for it
    unranked = panel[(panel["iso3"] == "SSD") & (panel["survey_year"] == 2012)].assign(
        survey_year=2010, egdi_rank=pd.NA)  # a panel that lists it unranked
    with pytest.raises(SelectionError, match=r"SSD has no EGDI rank in any survey from 2003 on; no survey"):
        egdi_story.select(pd.concat([early, unranked], ignore_index=True), "SSD")
    with pytest.raises(SelectionError, match=r"from 2026 on; it is ranked in \[2012, .*, 2024\]: choose an"):
        egdi_story.select(panel, "SSD", start_year=2026)
    # a start after the gap is fine
    assert egdi_story.select(panel, "SSD", start_year=2012)["survey_year"].min() == 2012


# --------------------------------------------------------------------------------------------------------
# Sentences, checked against the numbers of the panel
# --------------------------------------------------------------------------------------------------------


def _direction(first: int, last: int) -> str:
    move = first - last
    if move == 0:
        return "the same rank"
    places = f"{abs(move)} place{'s' if abs(move) != 1 else ''}"
    return f"up {places}" if move > 0 else f"down {places}"


@pytest.mark.parametrize("code", COUNTRIES)
def test_trajectory_text_numbers(panel: pd.DataFrame, code: str) -> None:
    own = _ranked(panel, code)
    first, last = own.iloc[0], own.iloc[-1]
    text = texts.trajectory_text(egdi_story.select(panel, code), code)
    name = egdi_story.country_name(panel, code)
    assert text.startswith(
        f"{name} ranked {first['egdi_rank']} of {first['n_ranked']} in {own.index[0]} and "
        f"{last['egdi_rank']} of {last['n_ranked']} in {own.index[-1]} "
        f"({_direction(first['egdi_rank'], last['egdi_rank'])})"
    )
    verb = "rose" if last["egdi"] > first["egdi"] else "fell"
    assert f"its EGDI {verb} from {first['egdi']:.3f} to {last['egdi']:.3f}" in text
    best_years = own.index[own["egdi_rank"] == own["egdi_rank"].min()].tolist()
    assert f"Its best rank was {own['egdi_rank'].min()} ({best_years[0]}" in text
    assert f"moved from {first['percentile']:.1f} to {last['percentile']:.1f}" in text


def test_trajectory_text_pinned_facts(panel: pd.DataFrame) -> None:
    """A few facts checked by hand against the UN exports (EGOV_DATA_<year>.csv)."""
    assert "Its best rank was 1 (2018, 2020, 2022 and 2024), its worst 16 (2014)." in texts.trajectory_text(
        egdi_story.select(panel, "DNK"), "DNK")
    assert ("South Sudan ranked 175 of 190 in 2012 and 192 of 193 in 2024 (down 17 places); its EGDI fell "
            "from 0.224 to 0.119.") in texts.trajectory_text(egdi_story.select(panel, "SSD"), "SSD")
    assert "Brazil ranked 41 of 173 in 2003 and 50 of 193 in 2024 (down 9 places)" in texts.trajectory_text(
        egdi_story.select(panel, "BRA"), "BRA")
    one = texts.trajectory_text(egdi_story.select(panel, "BRA", start_year=2024), "BRA")
    assert one == "Brazil ranked 50 of 193 in 2024, the only survey shown that ranks it; its EGDI was 0.840."


@pytest.mark.parametrize("code", COUNTRIES)
def test_regional_text_numbers(panel: pd.DataFrame, code: str) -> None:
    group = egdi_story.peer_group(panel, code)
    rows = egdi_story.select(panel, code)
    text = texts.regional_text(rows, code, group)
    own = _ranked(panel, code)
    year = int(own.index[-1])
    latest = panel[(panel["survey_year"] == year) & (panel["subregion"] == group.label)
                   & panel["egdi_rank"].notna()]
    position = int((latest["egdi_rank"] < own.loc[year, "egdi_rank"]).sum()) + 1
    name = egdi_story.country_name(panel, code)
    assert text.startswith(f"Among the {len(group.members)} member states of {group.label}, {name} was ")
    assert f"{ordinal(position)} of {len(latest)} in {year}" in text
    leader = latest.loc[latest["egdi_rank"].idxmin(), "country"]
    assert ("It leads the group" in text) == (leader == name)
    if leader != name:
        assert f"{leader} leads in {year}" in text
    region = panel[(panel["survey_year"] == year) & (panel["region"] == group.region)
                   & panel["egdi_rank"].notna()]
    in_region = int((region["egdi_rank"] < own.loc[year, "egdi_rank"]).sum()) + 1
    expected = rf"In (the )?{group.region} as a whole it was {ordinal(in_region)} of {len(region)} in {year}"
    assert re.search(expected, text)


def test_regional_text_long_lists_are_counted(panel: pd.DataFrame) -> None:
    text = texts.regional_text(egdi_story.select(panel, "SSD"), "SSD", egdi_story.peer_group(panel, "SSD"))
    assert "18th of 18 in 2024" in text
    assert "Ahead of South Sudan in 2024: 17 countries, led by Mauritius" in text
    assert "In Africa as a whole it was 53rd of 54 in 2024." in text
    text = texts.regional_text(egdi_story.select(panel, "BRA"), "BRA", egdi_story.peer_group(panel, "BRA"))
    assert "Ahead of Brazil in 2024: Uruguay, Chile and Argentina." in text


@pytest.mark.parametrize("code", COUNTRIES)
def test_pillar_text_numbers(panel: pd.DataFrame, code: str) -> None:
    own = _ranked(panel, code)
    latest = own.iloc[-1]
    ranks = {pillar: latest[f"{pillar}_rank"] for pillar in egdi_story.PILLARS}
    weakest = max(ranks, key=lambda pillar: (ranks[pillar], pillar))
    text = texts.pillar_text(egdi_story.select(panel, code), code)
    assert (f"In {own.index[-1]} the weakest pillar of {egdi_story.country_name(panel, code)} was the "
            f"{egdi_story.PILLARS[weakest]} (rank {ranks[weakest]})") in text
    change = {pillar: latest[pillar] - own.iloc[0][pillar] for pillar in egdi_story.PILLARS}
    fastest = max(change, key=lambda pillar: (change[pillar], pillar))
    assert f"Since {own.index[0]} the {egdi_story.PILLARS[fastest]} gained most" in text


def test_pillar_text_when_every_pillar_fell(panel: pd.DataFrame) -> None:
    rows = egdi_story.select(panel, "SSD", start_year=2014)
    own = rows["iso3"] == "SSD"
    first = rows["survey_year"] == 2014
    for pillar in egdi_story.PILLARS:  # make 2014 the best year of every pillar
        rows.loc[own & first, pillar] = 0.99
    text = texts.pillar_text(rows, "SSD")
    assert "Since 2014 no pillar gained; the" in text and "lost least (0.990 → " in text


# --------------------------------------------------------------------------------------------------------
# The notebook under papermill
# --------------------------------------------------------------------------------------------------------


def _run_notebook(out_dir: Path, country: str) -> nbformat.NotebookNode:
    import papermill

    output = out_dir / f"02-egdi-{country}.ipynb"
    papermill.execute_notebook(
        str(config.NOTEBOOKS_DIR / "02-egdi.ipynb"), str(output), parameters={"country": country},
        cwd=str(config.NOTEBOOKS_DIR), kernel_name="python3", progress_bar=False, log_output=False,
    )
    return nbformat.read(output, as_version=4)


def _text(notebook: nbformat.NotebookNode) -> str:
    parts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            assert output.get("output_type") != "error", output
            parts.append(output.get("text", ""))
            parts += [str(output.get("data", {}).get(mime, "")) for mime in ("text/markdown", "text/plain")]
    return "\n".join(parts)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, nbformat.NotebookNode]:
    out_dir = tmp_path_factory.mktemp("egdi-runs")
    before = (config.NOTEBOOKS_DIR / "02-egdi.ipynb").read_bytes()
    done = {country: _run_notebook(out_dir, country) for country in ("bra", "SSD")}
    assert (config.NOTEBOOKS_DIR / "02-egdi.ipynb").read_bytes() == before
    return done


def test_notebook_tells_brazils_story_against_south_america(runs: dict[str, nbformat.NotebookNode]) -> None:
    text = _text(runs["bra"])
    assert "Brazil is compared with the other member states of its UN sub-region, South America" in text
    assert "Brazil ranked 41 of 173 in 2003 and 50 of 193 in 2024" in text
    assert "Among the 12 member states of South America, Brazil was 3rd of 11 in 2003 and 4th of 12 in " \
        "2024" in text
    assert "No stated EGDI goals are recorded for Brazil. The goals in the data are Viet Nam's." in text
    assert "The press figures in the data are about Viet Nam, not Brazil: nothing to check." in text
    assert "Viet Nam ranked" not in text
    headlines = {record["label"]: record["value"] for record in read_headlines(runs["bra"])}
    assert headlines == {"Brazil: EGDI rank 2024": 50, "Brazil: EGDI percentile 2024": 74.5,
                         "Brazil: position in South America 2024": 4,
                         "Brazil: places moved up in the EGDI rank, 2022-2024": -1}  # 49 -> 50


def test_notebook_tells_south_sudans_story_from_2012(runs: dict[str, nbformat.NotebookNode]) -> None:
    text = _text(runs["SSD"])
    assert "no EGDI rank in 2003, 2004, 2005, 2008 and 2010" in text and "its story starts in 2012" in text
    assert "South Sudan ranked 175 of 190 in 2012" in text
    assert "Among the 18 member states of Eastern Africa, South Sudan was 15th of 18 in 2012" in text
    headlines = {record["label"]: record["value"] for record in read_headlines(runs["SSD"])}
    assert headlines["South Sudan: position in Eastern Africa 2024"] == 18
    charts = sum("image/png" in output.get("data", {}) for cell in runs["SSD"].cells
                 for output in cell.get("outputs", []))
    assert charts == 3
