"""The EGDI notebook's logic: pick a country and its peers, and say in words what the panel shows.

Sentences are generated from the numbers so that they stay true when the notebook runs for another
country (``-p country THA``) or on another data folder.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from egovanalysis import data
from egovanalysis.ingest.egdi_panel import SEA_ISO3, compute_sea_positions, panel_from_exports

#: Row of ``data/raw/sources.csv`` that cites the UN E-Government Survey data.
EGDI_SOURCE_ID = "un-desa-egov-data-center"
PILLARS: dict[str, str] = {
    "osi": "Online Service Index",
    "hci": "Human Capital Index",
    "tii": "Telecommunication Infrastructure Index",
    "epi": "E-Participation Index",
}


def load_panel(data_dir: str | Path | None = None) -> pd.DataFrame:
    """The EGDI panel: the committed one (``data_dir=None``) or one built from a folder of UN exports.

    A folder (e.g. the full download from the UN Data Center) gives every country in it, so peers
    outside South-East Asia can be compared.
    """
    if data_dir is None:
        return data.load_egdi()
    return panel_from_exports(Path(data_dir), countries=None)


def normalise_codes(country: str, peers: list[str] | str | None) -> tuple[str, list[str] | None]:
    """ISO3 codes in upper case with surrounding spaces removed (``" vnm"`` -> ``"VNM"``).

    ``peers`` may also be one string (``"THA,KHM"``, or ``"['THA', 'KHM']"`` as ``papermill -p`` passes a
    list), from which the three-letter codes are taken.
    """
    if isinstance(peers, str):
        peers = re.findall(r"[A-Za-z]{3}", peers)
    return country.strip().upper(), None if peers is None else [code.strip().upper() for code in peers]


def select(
    panel: pd.DataFrame, country: str, peers: list[str] | None = None, start_year: int = 2003
) -> pd.DataFrame:
    """Rows of ``country`` and ``peers`` (default: the other South-East Asian states) from ``start_year``.

    Adds ``group_position``: the position among the selected countries in each survey (1 = best rank),
    which equals the South-East Asia position for the default peers. Raises ``ValueError`` naming any
    code that the panel does not hold.
    """
    peers = [code for code in SEA_ISO3 if code != country] if peers is None else list(peers)
    wanted = [country, *[code for code in peers if code != country]]
    missing = sorted(set(wanted) - set(panel["iso3"]))
    if missing:
        raise ValueError(
            f"ISO3 code(s) {missing} are not in the panel; it holds {sorted(panel['iso3'].unique())}. "
            "Use ISO 3166 alpha-3 codes, or point data_dir at the full UN exports for other countries."
        )
    rows = panel[panel["iso3"].isin(wanted) & (panel["survey_year"] >= start_year)]
    if rows.empty:
        raise ValueError(f"no survey from {start_year} on; the panel ends in {panel['survey_year'].max()}")
    rows = compute_sea_positions(rows, members=wanted).rename(columns={"sea_position": "group_position"})
    rows["sea_position"] = rows.merge(panel[["survey_year", "iso3", "sea_position"]], how="left",
                                      on=["survey_year", "iso3"])["sea_position"].to_numpy()
    return rows.sort_values(["survey_year", "iso3"]).reset_index(drop=True)


def pillar_table(rows: pd.DataFrame, country: str) -> pd.DataFrame:
    """The country's four sub-indices and their (computed) ranks per survey."""
    own = rows[rows["iso3"] == country].sort_values("survey_year")
    columns = ["survey_year", *PILLARS, *[f"{pillar}_rank" for pillar in PILLARS], "n_ranked"]
    return own[columns].set_index("survey_year")


def positions_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Position among the selected countries, one row per survey and one column per country."""
    return rows.pivot(index="survey_year", columns="iso3", values="group_position")


def goal_distance(rows: pd.DataFrame, observations: pd.DataFrame, country: str) -> pd.DataFrame:
    """Stated UN-ranking goals (``un_egdi_rank`` targets) against the latest rank of ``country``.

    The goals in the data are Viet Nam's; for another country the table is empty. ``places_to_go`` is
    the latest rank minus the goal (0 or less: reached).
    """
    columns = ["goal", "deadline", "source_id", "figure_id", "latest_survey", "latest_rank", "places_to_go",
               "reached"]
    if country != "VNM":
        return pd.DataFrame(columns=columns)
    goals = observations[(observations["indicator"] == "un_egdi_rank") & (observations["kind"] == "target")]
    own = rows[rows["iso3"] == country].sort_values("survey_year").iloc[-1]
    table = pd.DataFrame(
        {
            "goal": "top " + goals["value"].astype(int).astype(str),
            "deadline": goals["date"].dt.date,
            "source_id": goals["source_id"],
            "figure_id": goals["figure_id"],
            "latest_survey": int(own["survey_year"]),
            "latest_rank": int(own["egdi_rank"]),
            "places_to_go": int(own["egdi_rank"]) - goals["value"].astype(int),
        }
    )
    table["reached"] = table["places_to_go"] <= 0
    return table[columns].sort_values(["deadline", "goal"]).reset_index(drop=True)
