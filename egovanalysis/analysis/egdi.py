"""The EGDI notebook's logic: pick a country and its peers, and say in words what the panel shows.

Sentences are generated from the numbers so that they stay true when the notebook runs for another
country (``-p country THA``) or on another data folder.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from egovanalysis import data
from egovanalysis.ingest.un_panel import SEA_ISO3, compute_sea_positions, panel_from_exports

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


def ordinal(number: int) -> str:
    """``1`` -> ``1st``, ``12`` -> ``12th``, ``22`` -> ``22nd``."""
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def _name(rows: pd.DataFrame, country: str) -> str:
    return str(rows.loc[rows["iso3"] == country, "country"].iloc[-1])


def trajectory_text(rows: pd.DataFrame, country: str) -> str:
    """Two or three sentences on the country's rank, score and the changing number of countries ranked."""
    own = rows[rows["iso3"] == country].sort_values("survey_year")
    first, last = own.iloc[0], own.iloc[-1]
    best = own.loc[own["egdi_rank"].idxmin()]
    worst = own.loc[own["egdi_rank"].idxmax()]
    move = int(first["egdi_rank"]) - int(last["egdi_rank"])
    direction = f"up {move} places" if move > 0 else (f"down {-move} places" if move < 0 else "unchanged")
    denominators = own["n_ranked"].drop_duplicates().astype(int).tolist()
    text = (
        f"{_name(rows, country)} ranked {int(first['egdi_rank'])} of {int(first['n_ranked'])} in "
        f"{int(first['survey_year'])} and {int(last['egdi_rank'])} of {int(last['n_ranked'])} in "
        f"{int(last['survey_year'])} ({direction}); its EGDI rose from {first['egdi']:.3f} to "
        f"{last['egdi']:.3f}. Its best rank was {int(best['egdi_rank'])} ({int(best['survey_year'])}), its "
        f"worst {int(worst['egdi_rank'])} ({int(worst['survey_year'])})."
    )
    if len(denominators) > 1:
        text += (
            f" The number of countries ranked changed ({' → '.join(map(str, denominators))}), so raw "
            f"ranks of different surveys are not strictly comparable: the percentile (share of other "
            f"countries beaten) moved from {first['percentile']:.1f} to {last['percentile']:.1f}."
        )
    return text


def pillar_table(rows: pd.DataFrame, country: str) -> pd.DataFrame:
    """The country's four sub-indices and their (computed) ranks per survey."""
    own = rows[rows["iso3"] == country].sort_values("survey_year")
    columns = ["survey_year", *PILLARS, *[f"{pillar}_rank" for pillar in PILLARS], "n_ranked"]
    return own[columns].set_index("survey_year")


def pillar_text(rows: pd.DataFrame, country: str) -> str:
    """Which pillar drags the score in the latest survey, and how the pillars moved since the first."""
    table = pillar_table(rows, country)
    first_year, last_year = table.index[0], table.index[-1]
    latest = table.loc[last_year]
    ranks = {pillar: int(latest[f"{pillar}_rank"]) for pillar in PILLARS}
    weakest = max(ranks, key=lambda pillar: (ranks[pillar], pillar))
    strongest = min(ranks, key=lambda pillar: (ranks[pillar], pillar))
    change = {pillar: latest[pillar] - table.loc[first_year, pillar] for pillar in PILLARS}
    fastest = max(change, key=lambda pillar: (change[pillar], pillar))
    return (
        f"In {last_year} the weakest pillar of {_name(rows, country)} was the {PILLARS[weakest]} "
        f"(rank {ranks[weakest]}), the strongest the {PILLARS[strongest]} (rank {ranks[strongest]}). "
        f"Since {first_year} the {PILLARS[fastest]} gained most ({table.loc[first_year, fastest]:.3f} → "
        f"{latest[fastest]:.3f})."
    )


def positions_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Position among the selected countries, one row per survey and one column per country."""
    return rows.pivot(index="survey_year", columns="iso3", values="group_position")


def regional_text(rows: pd.DataFrame, country: str) -> str:
    """Where the country stands among the selected peers, first and last survey, and who leads."""
    own = rows[rows["iso3"] == country].sort_values("survey_year")
    first, last = own.iloc[0], own.iloc[-1]
    size = rows.groupby("survey_year")["iso3"].nunique()
    latest_year = int(last["survey_year"])
    leader = rows[(rows["survey_year"] == latest_year) & (rows["group_position"] == 1)]["country"].iloc[0]
    overtaken = rows[
        (rows["survey_year"] == latest_year) & (rows["group_position"] < last["group_position"])
    ]["country"].tolist()
    ahead = ", ".join(overtaken) if overtaken else "no one"
    return (
        f"Among the {size.iloc[-1]} countries compared, {_name(rows, country)} was "
        f"{ordinal(int(first['group_position']))} in {int(first['survey_year'])} and "
        f"{ordinal(int(last['group_position']))} in {latest_year}; {leader} leads. "
        f"Ahead of it in {latest_year}: {ahead}."
    )


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
