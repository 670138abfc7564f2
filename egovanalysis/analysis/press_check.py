"""The press against the UN data: ranks, regional positions and rank changes quoted by the press,
compared with the EGDI panel (one row per press figure; agreement and disagreement shown, never
overwritten)."""

from __future__ import annotations

import pandas as pd

from egovanalysis.analysis.egdi import reported_figures_apply
from egovanalysis.conventions import FOCUS_COUNTRY
from egovanalysis.errors import SelectionError
from egovanalysis.ingest.egdi_panel import ASEAN10_ISO3, compute_sea_positions, load_surveys

__all__ = ["PRESS_INDICATORS", "crosscheck_press_ranks"]

#: Indicators of reported figures that the UN panel can check.
PRESS_INDICATORS: tuple[str, ...] = ("un_egdi_rank", "un_egdi_sea_position", "un_egdi_rank_change")

# --------------------------------------------------------------------------------------------------------


def _release_start(released: str) -> pd.Timestamp:
    """Earliest date a release known as ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` can have happened."""
    year, month, day = ([int(part) for part in released.split("-")] + [1, 1])[:3]
    return pd.Timestamp(year, month, day)


def _match_survey(date: pd.Timestamp, releases: pd.DataFrame) -> tuple[int | None, str]:
    """Survey a press figure dated ``date`` refers to, and how it was matched."""
    years = set(releases["survey_year"])
    if date.month == 12 and date.day == 31 and date.year in years:
        return date.year, f"dated 31 Dec {date.year}: the {date.year} survey"
    released = releases.loc[releases["start"] <= date]
    if released.empty:
        return None, f"no survey released on or before {date.date()}"
    row = released.sort_values("start").iloc[-1]
    how = f"latest survey released on or before {date.date()}: {row['released']}"
    if row["released_precision"] != "day":
        how += f" (release date known only to the {row['released_precision']})"
    return int(row["survey_year"]), how


def _int_or_none(value: object) -> int | None:
    return None if value is None or pd.isna(value) else int(value)  # type: ignore[arg-type]


def _rank_value(mine: pd.DataFrame, year: int, country: str, notes: list[str]) -> float | None:
    """The panel's EGDI rank in ``year`` (None if unranked); what was compared goes into ``notes``."""
    rank = _int_or_none(mine.at[year, "egdi_rank"])
    if rank is None:
        notes.append(f"{country} is not ranked in the {year} survey")
        return None
    notes.append(f"panel: EGDI rank {rank} of {int(mine.at[year, 'n_ranked'])} ranked")
    return float(rank)


def _sea_value(mine: pd.DataFrame, in_asean: object, year: int, reported: float, country: str,
               notes: list[str]) -> float | None:
    """The SE-Asia position in ``year``, or the ASEAN-10 one when that is what the press quoted."""
    position = _int_or_none(mine.at[year, "sea_position"])
    asean = _int_or_none(in_asean)
    if position is None:
        notes.append(f"{country} has no SE-Asia position in the {year} survey")
        return None
    notes.append(f"panel: position {position} among the 11 SE-Asian states")
    if asean is not None and asean != position:
        notes.append(f"position {asean} within ASEAN-10 (without Timor-Leste)")
        if asean == reported:
            return float(asean)
    return float(position)


def _change_value(mine: pd.DataFrame, year: int, country: str, notes: list[str]) -> float | None:
    """Places moved up since the previous survey in the panel (previous rank minus rank)."""
    earlier = mine.index[mine.index < year]
    if len(earlier) == 0:
        notes.append("no earlier survey in the panel to compare with")
        return None
    prev = int(earlier.max())
    now, before = _int_or_none(mine.at[year, "egdi_rank"]), _int_or_none(mine.at[prev, "egdi_rank"])
    if before is None or now is None:
        notes.append(f"{country} is not ranked in {prev} or {year}")
        return None
    notes.append(f"panel: rank {before} in {prev} -> {now} in {year} ({before - now:+d} places)")
    return float(before - now)


def crosscheck_press_ranks(
    observations: pd.DataFrame,
    panel: pd.DataFrame,
    country: str = FOCUS_COUNTRY,
    surveys: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Compare EGDI ranks reported by the press with the panel; one row per press figure.

    Takes the ``actual`` rows of ``observations`` (DESIGN contract) whose indicator is:

    * ``un_egdi_rank``: the EGDI rank (compared with ``egdi_rank``);
    * ``un_egdi_sea_position``: position in South-East Asia / ASEAN (compared with ``sea_position``; since
      Timor-Leste is one of the 11, the note also gives the ASEAN-10 position when it differs);
    * ``un_egdi_rank_change``: places moved *up* since the previous survey in the panel (previous rank minus
      rank; negative = moved down).

    Each figure is matched to a survey: a figure dated 31 December of a survey year is that survey (the
    annual-figure convention of the observations table); otherwise it is the latest survey released on or
    before the figure's date (a release known only to the month or year counts from its first day).

    Args:
        observations: the observations table (needs ``indicator, date, value, kind, source_id, figure_id``;
            ``qualifier`` is reported in the note when present).
        panel: the EGDI panel contract (e.g. :func:`~egovanalysis.ingest.egdi_panel.build_egdi_panel`).
        country: ISO3 code of the country the press figures are about: the reported figures describe
            :data:`~egovanalysis.conventions.FOCUS_COUNTRY` only, so any other code is refused rather than
            compared with figures about another country.
        surveys: release dates per survey (:func:`load_surveys`); read from ``config.RAW_DIR`` if omitted.

    Returns:
        Columns ``figure_id, source_id, indicator, date, survey_year, reported_value, panel_value, agrees,
        note``; ``agrees`` is a nullable boolean, NA when the panel has nothing to compare (no matching
        survey, or no previous survey for a change). Inputs are not modified; nothing is written.

    Raises:
        SelectionError: ``country`` is not the country the reported figures describe.
    """
    if not reported_figures_apply(country):
        raise SelectionError(
            f"the press figures in the data are about {FOCUS_COUNTRY}, not {country}: comparing them with "
            f"{country}'s ranks would report false disagreements"
        )
    columns = ["figure_id", "source_id", "indicator", "date", "survey_year", "reported_value", "panel_value",
               "agrees", "note"]  # fmt: skip
    if surveys is None:
        surveys = load_surveys()
    releases = surveys.loc[:, ["survey_year", "released", "released_precision"]].copy()
    releases["start"] = releases["released"].map(_release_start)

    mine = panel.loc[panel["iso3"] == country].set_index("survey_year").sort_index()
    asean = compute_sea_positions(panel.loc[panel["iso3"].isin(ASEAN10_ISO3)], members=ASEAN10_ISO3)
    asean_pos = asean.loc[asean["iso3"] == country].set_index("survey_year")["sea_position"]

    wanted = observations["indicator"].isin(PRESS_INDICATORS) & (observations["kind"] == "actual")
    rows: list[dict[str, object]] = []
    for obs in observations.loc[wanted].itertuples(index=False):
        date = pd.Timestamp(obs.date)
        reported = float(obs.value)
        year, how = _match_survey(date, releases)
        panel_value: float | None = None
        notes = [how]
        if year is None:
            pass
        elif year not in mine.index:
            notes.append(f"no {country} row in the panel for the {year} survey")
        elif obs.indicator == "un_egdi_rank":
            panel_value = _rank_value(mine, year, country, notes)
        elif obs.indicator == "un_egdi_sea_position":
            panel_value = _sea_value(mine, asean_pos.get(year), year, reported, country, notes)
        else:  # un_egdi_rank_change
            panel_value = _change_value(mine, year, country, notes)
        qualifier = getattr(obs, "qualifier", None)
        if isinstance(qualifier, str) and qualifier:
            notes.append(f"reported with qualifier '{qualifier}'")
        agrees: bool | None = None if panel_value is None else reported == panel_value
        if agrees is False:
            notes.insert(0, f"DISAGREES: reported {reported:g}, panel {panel_value:g}")
        rows.append(
            {
                "figure_id": obs.figure_id,
                "source_id": obs.source_id,
                "indicator": obs.indicator,
                "date": date.strftime("%Y-%m-%d"),
                "survey_year": year,
                "reported_value": reported,
                "panel_value": panel_value,
                "agrees": agrees,
                "note": "; ".join(notes),
            }
        )
    result = pd.DataFrame.from_records(rows, columns=columns)
    return result.astype(
        {
            "figure_id": "str",
            "source_id": "str",
            "indicator": "str",
            "date": "str",
            "survey_year": "Int64",
            "reported_value": "float64",
            "panel_value": "float64",
            "agrees": "boolean",
            "note": "str",
        }
    )
