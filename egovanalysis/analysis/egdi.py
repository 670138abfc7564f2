"""The EGDI notebook's logic: pick any UN member state and its peers, and lay out what the panel shows.

Sentences are generated from these tables (:mod:`egovanalysis.reporting.texts`) so that they stay true when
the notebook runs for another country (``-p country BRA``) or on another data folder.

Rules decided here, once:

* **Which country.** ``country`` is an ISO 3166 alpha-3 code of a state in the panel, in any case, with
  surrounding spaces ignored. Anything else raises :class:`~egovanalysis.errors.SelectionError` listing
  near matches (:func:`near_matches`: similar codes and names, and what ``pycountry`` makes of the text).
* **Peers.** By default the other member states of the country's UN M49 sub-region (the panel's
  ``subregion`` column); an explicit list replaces them.
* **Ranked or not.** A survey counts for a country only where it has an EGDI rank; a survey without one
  (not yet a member state, not assessed, or absent from the UN file) is listed, never filled in.
* **Reported figures.** The stated goals and the press figures in ``observations.csv`` describe
  :data:`~egovanalysis.conventions.FOCUS_COUNTRY` (:func:`reported_figures_apply`).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pycountry

from egovanalysis import data
from egovanalysis.conventions import FOCUS_COUNTRY, SURVEY_EVERY_YEARS
from egovanalysis.errors import SelectionError
from egovanalysis.ingest.egdi_panel import compute_sea_positions, panel_from_exports

__all__ = [
    "EGDI_SOURCE_ID",
    "PILLARS",
    "SMALL_GROUP",
    "PeerGroup",
    "country_story",
    "country_name",
    "coverage",
    "goal_distance",
    "load_panel",
    "near_matches",
    "normalise_codes",
    "peer_group",
    "percentiles_table",
    "pillar_table",
    "positions_table",
    "reported_figures_apply",
    "resolve_country",
    "select",
]

#: Row of ``data/raw/sources.csv`` that cites the UN E-Government Survey data.
EGDI_SOURCE_ID = "un-desa-egov-data-center"
PILLARS: dict[str, str] = {
    "osi": "Online Service Index",
    "hci": "Human Capital Index",
    "tii": "Telecommunication Infrastructure Index",
    "epi": "E-Participation Index",
}
#: A peer group of fewer states than this is called small in the sentences, and the wider M49 region is
#: given beside it (Northern America and Australia and New Zealand have 2 member states, Micronesia 5).
SMALL_GROUP = 6
#: Near matches listed by :func:`near_matches`.
_MAX_SUGGESTIONS = 5


def load_panel(data_dir: str | Path | None = None) -> pd.DataFrame:
    """The EGDI panel: the committed one (``data_dir=None``) or one built from a folder of UN exports."""
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


# --------------------------------------------------------------------------------------------------------
# Which country
# --------------------------------------------------------------------------------------------------------


def _names(panel: pd.DataFrame) -> dict[str, str]:
    """ISO3 -> the country's name in the latest survey that lists it."""
    latest = panel.sort_values("survey_year").drop_duplicates("iso3", keep="last")
    return dict(zip(latest["iso3"], latest["country"].astype(str), strict=True))


def country_name(rows: pd.DataFrame, code: str) -> str:
    """The name of ``code`` in the latest survey of ``rows`` (a panel or a selection) that lists it."""
    own = rows["iso3"] == code
    if not own.any():
        raise SelectionError(f"{code} has no row here; the rows hold {sorted(rows['iso3'].unique())}")
    return str(rows.loc[rows.loc[own, "survey_year"].idxmax(), "country"])


def _pycountry_code(text: str) -> str:
    """The alpha-3 code ``pycountry`` resolves ``text`` to exactly (code, name or number), else ``""``."""
    try:
        return str(pycountry.countries.lookup(text).alpha_3)
    except LookupError:
        return ""


def _letters_in_order(code: str, name: str) -> bool:
    """Whether ``name`` starts with the code's first letter and holds its other letters in order."""
    letters = iter(name.casefold()[1:])
    first, *rest = code.casefold()
    return name.casefold().startswith(first) and all(letter in letters for letter in rest)


def near_matches(panel: pd.DataFrame, text: str, limit: int = _MAX_SUGGESTIONS) -> list[str]:
    """Codes of the panel that ``text`` may have meant, best first (``"VTN"`` -> VNM, ``"Brasil"`` -> BRA).

    Three well-kept matchers, each for what it does best: ``pycountry`` resolves names, official names and
    two-letter or numeric codes exactly (``"Vietnam"``, ``"VN"``, ``"704"``); :mod:`difflib` finds codes a
    letter or two away (``"VTN"``) and misspelt names (``"Brasil"``), case-insensitively.
    """
    names = _names(panel)
    text = text.strip()
    found: list[str] = []
    exact = _pycountry_code(text)
    if exact in names:
        found.append(exact)
    by_name = {name.casefold(): code for code, name in names.items()}
    if len(text) == 3 and text.isalpha():
        # A made-up code is usually letters of the name in order ("VTN": Viet Nam); such names come first.
        found += [code for code, name in sorted(names.items()) if _letters_in_order(text, name)]
    found += difflib.get_close_matches(text.upper(), list(names), n=limit, cutoff=0.6)
    found += [by_name[name] for name in difflib.get_close_matches(text.casefold(), list(by_name), n=limit,
                                                                  cutoff=0.6)]
    return list(dict.fromkeys(found))[:limit]


def resolve_country(panel: pd.DataFrame, code: str, role: str = "country") -> str:
    """The panel's ISO3 code for ``code`` (any case, spaces ignored), or :class:`SelectionError`.

    The error names the value (as the ``role`` it was given for: ``country`` or ``peer``), says what the
    panel holds and lists near matches ("did you mean").
    """
    wanted = str(code).strip().upper()
    if (panel["iso3"] == wanted).any():
        return wanted
    names = _names(panel)
    suggestions = near_matches(panel, str(code))
    hint = (
        "did you mean " + ", ".join(f"{match} ({names[match]})" for match in suggestions) + "?"
        if suggestions
        else "no code or name in the panel is close to it."
    )
    known = _pycountry_code(wanted)
    if known and known not in names:  # a real country or territory the UN survey does not rank
        hint = f"{known} ({pycountry.countries.get(alpha_3=known).name}) is not in it; {hint}"
    raise SelectionError(
        f"{role} {code!r} is not an ISO 3166 alpha-3 code of the EGDI panel, which holds {len(names)} "
        f"states (UN member states only); {hint}"
    )


# --------------------------------------------------------------------------------------------------------
# Peers and the selected rows
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PeerGroup:
    """The countries a country is compared with, itself included.

    ``label`` names the group in sentences (``"South America"``; ``None`` for an explicit list of peers);
    ``region`` is the country's M49 region (``"Americas"``), ``None`` when the panel has no region column.
    """

    country: str
    members: tuple[str, ...]
    label: str | None
    region: str | None

    @property
    def peers(self) -> tuple[str, ...]:
        """The members other than the country."""
        return tuple(code for code in self.members if code != self.country)


def _latest_value(panel: pd.DataFrame, country: str, column: str) -> str | None:
    if column not in panel.columns:
        return None
    values = panel.loc[panel["iso3"] == country].sort_values("survey_year")[column].dropna()
    return None if values.empty else str(values.iloc[-1])


def peer_group(panel: pd.DataFrame, country: str, peers: list[str] | None = None) -> PeerGroup:
    """The country and its peers: by default every state of its UN sub-region; else ``peers`` (resolved).

    Raises :class:`SelectionError` for an unknown code, or when the default is asked of a panel without a
    ``subregion`` column (e.g. a folder of UN exports built without regions): pass ``peers`` then.
    """
    country = resolve_country(panel, country)
    region = _latest_value(panel, country, "region")
    if peers is not None:
        chosen = [resolve_country(panel, code, "peer") for code in peers]
        members = [country, *[code for code in chosen if code != country]]
        return PeerGroup(country, tuple(dict.fromkeys(members)), None, region)
    subregion = _latest_value(panel, country, "subregion")
    if subregion is None:
        raise SelectionError(
            f"the panel gives no UN sub-region for {country} (no 'subregion' column or value), so there are "
            "no default peers: pass peers explicitly, e.g. peers=['THA', 'KHM']"
        )
    codes = sorted(set(panel.loc[panel["subregion"] == subregion, "iso3"]) - {country})
    return PeerGroup(country, (country, *codes), subregion, region)


def _positions(ranks: pd.Series, by: list[pd.Series]) -> pd.Series:
    """1 + the number of strictly better ranks in the same group (ties share); NA for unranked rows."""
    ranked = ranks.notna()
    position = pd.Series(pd.NA, index=ranks.index, dtype="Int64")
    keys = [key[ranked] for key in by]
    position[ranked] = ranks[ranked].astype("float64").groupby(keys).rank(method="min").astype("Int64")
    return position


def select(
    panel: pd.DataFrame,
    country: str,
    peers: list[str] | None = None,
    start_year: int = 2003,
) -> pd.DataFrame:
    """Rows of ``country`` and its peers (default: its UN sub-region) from ``start_year`` on.

    Adds ``group_position`` (position among the selected countries in each survey, 1 = best EGDI rank;
    for the default peers, the position in the sub-region), ``group_ranked`` (how many of them were
    ranked in that survey) and, where the panel has regions, ``region_position`` and ``region_ranked``
    (the same within the country's M49 region). Unranked rows are kept, with NA positions.

    Raises :class:`SelectionError` for an unknown code or when the country has no ranked survey from
    ``start_year`` on.
    """
    group = peer_group(panel, country, peers)
    country = group.country
    rows = panel.loc[panel["iso3"].isin(group.members) & (panel["survey_year"] >= start_year)].copy()
    own_ranked = rows.loc[(rows["iso3"] == country), "egdi_rank"].notna()
    if not own_ranked.any():
        ranked_years = panel.loc[(panel["iso3"] == country) & panel["egdi_rank"].notna(), "survey_year"]
        fix = (f"it is ranked in {sorted(ranked_years.astype(int).tolist())}: choose an earlier start_year"
               if len(ranked_years) else "no survey of the panel ranks it")
        raise SelectionError(f"{country} has no EGDI rank in any survey from {start_year} on; {fix}")
    rows["group_position"] = _positions(rows["egdi_rank"], [rows["survey_year"]])
    rows["group_ranked"] = rows.groupby("survey_year")["egdi_rank"].transform("count").astype("int64")
    if group.region is not None:
        region_rows = panel.loc[(panel["region"] == group.region) & (panel["survey_year"] >= start_year)]
        position = _positions(region_rows["egdi_rank"], [region_rows["survey_year"]])
        counted = region_rows.groupby("survey_year")["egdi_rank"].transform("count").astype("int64")
        extra = pd.DataFrame({"survey_year": region_rows["survey_year"], "iso3": region_rows["iso3"],
                              "region_position": position, "region_ranked": counted})
        rows = rows.merge(extra, on=["survey_year", "iso3"], how="left", validate="1:1")
    if "sea_position" not in rows.columns:  # a panel from exports of another layout: recompute it
        rows["sea_position"] = compute_sea_positions(panel).set_index(["survey_year", "iso3"]).loc[
            list(zip(rows["survey_year"], rows["iso3"], strict=True)), "sea_position"].to_numpy()
    return rows.sort_values(["survey_year", "iso3"]).reset_index(drop=True)


# --------------------------------------------------------------------------------------------------------
# Tables of one country
# --------------------------------------------------------------------------------------------------------


def coverage(panel: pd.DataFrame, country: str, start_year: int = 2003) -> pd.DataFrame:
    """One row per survey of the panel from ``start_year``: was ``country`` ranked, and how many were.

    Columns ``survey_year, ranked, egdi_rank, n_ranked, listed``; ``listed`` is False where the panel has no
    row at all for the country in that survey (e.g. a panel holding ranked rows only).
    """
    surveys = panel.loc[panel["survey_year"] >= start_year].groupby("survey_year")["n_ranked"].max()
    own = panel.loc[panel["iso3"] == country].set_index("survey_year")
    table = pd.DataFrame({"survey_year": surveys.index.astype(int), "n_ranked": surveys.to_numpy()})
    table["listed"] = table["survey_year"].isin(own.index)
    table["egdi_rank"] = table["survey_year"].map(own["egdi_rank"]).astype("Int64")
    table["ranked"] = table["egdi_rank"].notna()
    return table[["survey_year", "ranked", "egdi_rank", "n_ranked", "listed"]].reset_index(drop=True)


def _survey_years(rows: pd.DataFrame, surveys: Iterable[int] | None) -> list[int]:
    """``surveys`` (e.g. ``coverage(...)["survey_year"]``) or, by default, the surveys present in ``rows``.

    Passing them matters when no selected country was ranked in some survey (Micronesia in 2008): that
    survey has no row, yet it must show as a gap, not vanish.
    """
    return sorted({int(year) for year in (rows["survey_year"] if surveys is None else surveys)})


def country_story(rows: pd.DataFrame, country: str, coverage: pd.DataFrame | None = None) -> pd.DataFrame:
    """The country's row for every survey, indexed by ``survey_year``.

    The surveys are those of ``coverage`` (the table of :func:`coverage`, whose ``n_ranked`` also fills the
    surveys the selection has no row for) or, by default, those in ``rows``. Scores, ranks and positions are
    blank (NA) in the surveys where the country was not ranked (an EGDI of 0 in the UN file is not a score),
    so charts show a gap there instead of a zero; ``ranked`` says which. The counts of a survey
    (``n_ranked``, ``group_ranked``, ``region_ranked``) are given in every survey the rows hold.
    """
    years = _survey_years(rows, None if coverage is None else coverage["survey_year"])
    own = rows.loc[rows["iso3"] == country].set_index("survey_year").reindex(years)
    own.index.name = "survey_year"
    own["ranked"] = own["egdi_rank"].notna()
    counts = [column for column in ("n_ranked", "group_ranked", "region_ranked") if column in rows.columns]
    # Facts about the country in that survey; the counts describe the survey and are kept.
    facts = [column for column in own.columns
             if column not in ("iso3", "country", "region", "subregion", "ranked", *counts)]
    own[facts] = own[facts].astype("object").where(own["ranked"], pd.NA)
    for column in facts:
        own[column] = pd.to_numeric(own[column])
        if column.endswith(("_rank", "_position")):
            own[column] = own[column].astype("Int64")
    per_survey = rows.groupby("survey_year")[counts].first().reindex(years)
    if coverage is not None:
        per_survey["n_ranked"] = coverage.set_index("survey_year")["n_ranked"].reindex(years)
    if "group_ranked" in per_survey:  # a survey without a row ranks no one of the group
        per_survey["group_ranked"] = per_survey["group_ranked"].fillna(0)
    for column in counts:
        own[column] = per_survey[column].astype("Int64")
    own["iso3"] = country
    return own


def pillar_table(rows: pd.DataFrame, country: str) -> pd.DataFrame:
    """The country's four sub-indices and their (computed) ranks in every survey where it was ranked."""
    own = country_story(rows, country)
    columns = [*PILLARS, *[f"{pillar}_rank" for pillar in PILLARS], "n_ranked"]
    return own.loc[own["ranked"], columns]


def positions_table(rows: pd.DataFrame, surveys: Iterable[int] | None = None) -> pd.DataFrame:
    """Position among the selected countries, one row per survey (``surveys``, default those in ``rows``)
    and one column per country; NA where unranked."""
    table = rows.pivot(index="survey_year", columns="iso3", values="group_position")
    return table.reindex(_survey_years(rows, surveys)).astype("Int64")


def percentiles_table(rows: pd.DataFrame, surveys: Iterable[int] | None = None) -> pd.DataFrame:
    """EGDI percentile of each selected country (columns: names), one row per survey (``surveys``, default
    those in ``rows``); NA where unranked."""
    table = rows.pivot(index="survey_year", columns="country", values="percentile")
    table = table.where(rows.pivot(index="survey_year", columns="country", values="egdi_rank").notna())
    return table.reindex(_survey_years(rows, surveys))


# --------------------------------------------------------------------------------------------------------
# Stated goals
# --------------------------------------------------------------------------------------------------------


def reported_figures_apply(country: str) -> bool:
    """Whether the reported figures (stated goals, press ranks) describe ``country``: only the focus country's
    figures are transcribed (:data:`~egovanalysis.conventions.FOCUS_COUNTRY`)."""
    return country == FOCUS_COUNTRY


def goal_distance(
    rows: pd.DataFrame,
    observations: pd.DataFrame,
    country: str,
    sources: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Stated UN-ranking goals (``un_egdi_rank`` targets) against the latest rank of ``country``.

    Empty (with the same columns) for a country the reported figures do not describe
    (:func:`reported_figures_apply`). ``places_to_go`` is the latest rank minus the goal (0 or less:
    reached). ``survey_before_deadline`` is True when a survey after the latest one is due (every
    :data:`~egovanalysis.conventions.SURVEY_EVERY_YEARS` years) by the deadline, so the latest rank is not
    yet the standing at the deadline. ``publisher`` and ``published`` come from ``sources`` (default
    ``data/raw/sources.csv``).
    """
    columns = ["goal", "goal_rank", "deadline", "source_id", "publisher", "published", "figure_id",
               "latest_survey", "latest_rank", "places_to_go", "reached", "survey_before_deadline"]
    goals = observations[(observations["indicator"] == "un_egdi_rank") & (observations["kind"] == "target")]
    if not reported_figures_apply(country) or goals.empty:
        return pd.DataFrame(columns=columns)
    sources = data.load_sources() if sources is None else sources
    own = country_story(rows, country)
    own = own.loc[own["ranked"]].iloc[-1]
    latest_survey, latest_rank = int(own.name), int(own["egdi_rank"])  # type: ignore[call-overload]
    table = pd.DataFrame(
        {
            "goal": "top " + goals["value"].astype(int).astype(str),
            "goal_rank": goals["value"].astype(int),
            "deadline": goals["date"].dt.date,
            "source_id": goals["source_id"].astype(str),
            "publisher": goals["source_id"].map(sources["publisher"]).astype(str),
            "published": goals["source_id"].map(sources["published"]).astype(str),
            "figure_id": goals["figure_id"],
            "latest_survey": latest_survey,
            "latest_rank": latest_rank,
            "places_to_go": latest_rank - goals["value"].astype(int),
        }
    )
    table["reached"] = table["places_to_go"] <= 0
    table["survey_before_deadline"] = goals["date"].dt.year.to_numpy() >= latest_survey + SURVEY_EVERY_YEARS
    table = table.sort_values(["deadline", "goal_rank"], ascending=[True, False])
    return table[columns].reset_index(drop=True)
