"""Sentences the notebooks show, generated from the numbers so they stay true for any parameters.

Each function reads tables built by :mod:`egovanalysis.analysis` and decides nothing itself: verdicts
come as enums (e.g. :class:`~egovanalysis.analysis.targets.TargetVerdict`), numbers are written by
:func:`~egovanalysis.reporting.formatting.format_number`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from egovanalysis.analysis.egdi import (
    PILLARS,
    SMALL_GROUP,
    PeerGroup,
    country_name,
    country_story,
    pillar_table,
)
from egovanalysis.analysis.portal import PORTAL_METRICS, implied_growth
from egovanalysis.analysis.targets import TargetVerdict
from egovanalysis.conventions import BOUND_QUALIFIERS, QUALIFIER_WORDS, UN_MEMBER_STATES, qualifier_set
from egovanalysis.reporting.formatting import format_number, ordinal

__all__ = [
    "coverage_text",
    "goals_text",
    "peers_text",
    "pillar_text",
    "portal_summary_text",
    "press_text",
    "regional_text",
    "target_summary",
    "trajectory_text",
]


# --------------------------------------------------------------------------------------------------------
# The UN E-Government Survey (notebook 02)
# --------------------------------------------------------------------------------------------------------

#: M49 region names that take an article in a sentence.
_REGION_IN_SENTENCE = {"Americas": "the Americas"}
#: Longest list of countries written out in full; longer ones are counted and their first few named.
_MAX_NAMED = 6


def _name(rows: pd.DataFrame, country: str) -> str:
    return country_name(rows, country)


def _places(count: int) -> str:
    return f"{count} place" + ("" if count == 1 else "s")


def _and(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" and {items[-1]}"


def _years(years: pd.Index | list[int]) -> str:
    return _and([str(int(year)) for year in years])


def _countries(names: list[str]) -> str:
    """Every name when there are few; else how many, and the first few."""
    if len(names) <= _MAX_NAMED:
        return _and(names)
    return f"{len(names)} countries, led by {_and(names[:3])}"


def _best_and_worst(ranked: pd.DataFrame, column: str, word: str = "rank", write: Any = str) -> str:
    """``Its best rank was 1 (2018 and 2020), its worst 16 (2014).`` (ties list every survey)."""
    best, worst = int(ranked[column].min()), int(ranked[column].max())
    if best == worst:
        return f"Its {word} was {write(best)} in every one of these surveys."
    best_years = ranked.index[ranked[column] == best]
    worst_years = ranked.index[ranked[column] == worst]
    return (f"Its best {word} was {write(best)} ({_years(best_years)}), its worst {write(worst)} "
            f"({_years(worst_years)}).")


def trajectory_text(rows: pd.DataFrame, country: str) -> str:
    """Rank and score from the first to the last survey that ranks the country, its best and worst ranks,
    and the percentile when the number of countries ranked changed in between."""
    name = _name(rows, country)
    own = country_story(rows, country)
    ranked = own.loc[own["ranked"]]
    first_year, last_year = int(ranked.index[0]), int(ranked.index[-1])
    first, last = ranked.iloc[0], ranked.iloc[-1]
    if len(ranked) == 1:
        return (f"{name} ranked {int(first['egdi_rank'])} of {int(first['n_ranked'])} in {first_year}, the "
                f"only survey shown that ranks it; its EGDI was {first['egdi']:.3f}.")
    move = int(first["egdi_rank"]) - int(last["egdi_rank"])
    direction = (f"up {_places(move)}" if move > 0
                 else f"down {_places(-move)}" if move < 0 else "the same rank")
    change = {1: "rose", -1: "fell", 0: "stayed"}[int(np.sign(last["egdi"] - first["egdi"]))]
    score = (f"stayed at {last['egdi']:.3f}" if change == "stayed"
             else f"{change} from {first['egdi']:.3f} to {last['egdi']:.3f}")
    text = (
        f"{name} ranked {int(first['egdi_rank'])} of {int(first['n_ranked'])} in {first_year} and "
        f"{int(last['egdi_rank'])} of {int(last['n_ranked'])} in {last_year} ({direction}); "
        f"its EGDI {score}. "
        + _best_and_worst(ranked, "egdi_rank")
    )
    denominators = ranked["n_ranked"].astype(int).drop_duplicates().tolist()
    if len(denominators) > 1:
        text += (
            f" The number of countries ranked changed ({' → '.join(map(str, denominators))}), so raw "
            f"ranks of different surveys are not strictly comparable: the percentile (share of other "
            f"countries beaten) moved from {first['percentile']:.1f} to {last['percentile']:.1f}."
        )
    return text


def coverage_text(table: pd.DataFrame, name: str) -> str:
    """The denominator story of :func:`~egovanalysis.analysis.egdi.coverage`: how many countries each survey
    ranked, and the surveys that do not rank the country, said plainly."""
    years = table["survey_year"].astype(int)
    first_year, last_year = int(years.iloc[0]), int(years.iloc[-1])
    counts = table["n_ranked"].astype(int)
    if counts.nunique() == 1:
        text = f"Every survey from {first_year} to {last_year} ranked {counts.iloc[0]} countries."
    else:
        full = years[counts >= UN_MEMBER_STATES]
        tail = (f"all {UN_MEMBER_STATES} UN member states from {int(full.iloc[0])} on" if len(full)
                else f"{counts.iloc[-1]} in {last_year}")
        text = (f"The number of countries ranked grew from {counts.iloc[0]} in {first_year} to {tail}, so a "
                "rank is read against its survey's count.")
    missing = years[~table["ranked"]].tolist()
    if not missing:
        return text + f" {name} was ranked in all {len(table)} of these surveys."
    ranked_years = years[table["ranked"]]
    text += (f" {name} was ranked in {len(ranked_years)} of the {len(table)} surveys: it has no EGDI rank in "
             f"{_years(missing)}, so nothing is shown for {'that survey' if len(missing) == 1 else 'those'}")
    if ranked_years.empty:
        return text + "."
    if missing[0] == first_year:
        text += f" and its story starts in {int(ranked_years.iloc[0])}"
    return text + "."


def peers_text(group: PeerGroup, rows: pd.DataFrame) -> str:
    """Who the country is compared with: its UN sub-region (saying so when the group is small) or the
    countries chosen."""
    name = _name(rows, group.country)
    names = [_name(rows, code) for code in group.peers if code in set(rows["iso3"])]
    if group.label is not None:  # a sub-region: alphabetical; chosen peers keep the order given
        names = sorted(names)
    if group.label is None:
        chosen = _and(names) if names else "none"
        return f"{name} is compared with the {len(names)} countries chosen: {chosen}."
    text = (f"{name} is compared with the other member states of its UN sub-region, {group.label} "
            f"({len(names)} peer{'s' if len(names) != 1 else ''}: {_and(names) if names else 'none'}).")
    if len(group.members) < SMALL_GROUP:
        region = _REGION_IN_SENTENCE.get(str(group.region), str(group.region))
        text += (f" A group of {len(group.members)} is small, so a position in it says little"
                 + (f"; the position in {region} as a whole is given too." if group.region else "."))
    return text


def pillar_text(rows: pd.DataFrame, country: str) -> str:
    """Which pillar drags the score in the latest survey that ranks the country, and how the pillars moved
    since the first."""
    table = pillar_table(rows, country)
    first_year, last_year = int(table.index[0]), int(table.index[-1])
    latest = table.loc[last_year]
    ranks = {pillar: int(latest[f"{pillar}_rank"])
             for pillar in PILLARS if pd.notna(latest[f"{pillar}_rank"])}
    weakest = max(ranks, key=lambda pillar: (ranks[pillar], pillar))
    strongest = min(ranks, key=lambda pillar: (ranks[pillar], pillar))
    text = (f"In {last_year} the weakest pillar of {_name(rows, country)} was the {PILLARS[weakest]} "
            f"(rank {ranks[weakest]}), the strongest the {PILLARS[strongest]} (rank {ranks[strongest]}).")
    if first_year == last_year:
        return text
    start = table.loc[first_year]
    change = {pillar: latest[pillar] - start[pillar] for pillar in ranks if pd.notna(start[pillar])}
    fastest = max(change, key=lambda pillar: (change[pillar], pillar))
    moved = f"{start[fastest]:.3f} → {latest[fastest]:.3f}"
    if change[fastest] > 0:
        return text + f" Since {first_year} the {PILLARS[fastest]} gained most ({moved})."
    return text + f" Since {first_year} no pillar gained; the {PILLARS[fastest]} lost least ({moved})."


def _position_phrase(frame: pd.DataFrame, year: int, count_column: str, position_column: str) -> str:
    row = frame.loc[year]
    return f"{ordinal(int(row[position_column]))} of {int(row[count_column])} in {year}"


def regional_text(rows: pd.DataFrame, country: str, group: PeerGroup | None = None) -> str:
    """Where the country stands among its peers (first and last survey that ranks it, best position), who
    leads and who is ahead; with the M49 region beside it when the panel has regions."""
    name = _name(rows, country)
    own = country_story(rows, country)
    ranked = own.loc[own["ranked"]]
    first_year, last_year = int(ranked.index[0]), int(ranked.index[-1])
    size = len(group.members) if group is not None else rows["iso3"].nunique()
    among = (f"Among the {size} countries compared" if group is None or group.label is None
             else f"Among the {size} member states of {group.label}")
    text = f"{among}, {name} was {_position_phrase(ranked, first_year, 'group_ranked', 'group_position')}"
    if last_year != first_year:
        text += f" and {_position_phrase(ranked, last_year, 'group_ranked', 'group_position')}. "
        text += _best_and_worst(ranked, "group_position", "position", ordinal)
    else:
        text += "."
    latest = rows.loc[rows["survey_year"] == last_year].sort_values(["group_position", "country"])
    leaders = latest.loc[latest["group_position"] == 1, "country"].tolist()
    if leaders == [name]:
        text += f" It leads the group in {last_year}."
    else:
        joint = " (joint)" if len(leaders) > 1 else ""
        text += f" {_and(leaders)} lead{'s' if len(leaders) == 1 else ''}{joint} in {last_year}."
        ahead = latest.loc[latest["group_position"] < ranked.loc[last_year, "group_position"], "country"]
        text += f" Ahead of {name} in {last_year}: {_countries(ahead.tolist())}."
    if "region_position" in ranked.columns and group is not None and group.region is not None:
        region = _REGION_IN_SENTENCE.get(group.region, group.region)
        text += (f" In {region} as a whole it was "
                 f"{_position_phrase(ranked, last_year, 'region_ranked', 'region_position')}.")
    return text


def goals_text(goals: pd.DataFrame, name: str, described: str) -> str:
    """The stated EGDI goals (:func:`~egovanalysis.analysis.egdi.goal_distance`) against the latest rank,
    or a plain statement that the data records none for ``name`` (``described``: whom the reported
    figures describe)."""
    if goals.empty:
        whose = "" if described == name else f" The goals in the data are {described}'s."
        return f"No stated EGDI goals are recorded for {name}.{whose}"
    listed = [f"{row.goal} by {row.deadline:%d %b %Y} ({row.publisher}, {row.published})"
              for row in goals.itertuples(index=False)]
    plural = "s" if len(goals) != 1 else ""
    text = f"{len(goals)} stated goal{plural} for the EGDI rank of {name}: {_and(listed)}."
    shared = goals.groupby("deadline")["goal_rank"].nunique()
    if (shared > 1).any():
        text += (" Different goals share a deadline; they conflict, and both are kept with their sources.")
    latest = goals.iloc[0]
    distance = [f"{row.goal} reached ({_places(-row.places_to_go)} to spare)" if row.reached
                else f"{_places(row.places_to_go)} short of {row.goal}"
                for row in goals.itertuples(index=False)]
    text += (f" In the {latest['latest_survey']} survey {name} ranked {latest['latest_rank']}: "
             f"{_and(distance)}.")
    if not goals["survey_before_deadline"].any():
        text += (f" No survey is due between the {latest['latest_survey']} survey and the deadline, so the "
                 f"{latest['latest_survey']} rank is the standing at the deadline.")
    return text


def press_text(press: pd.DataFrame | None, name: str, described: str) -> str:
    """How many press figures (:func:`~egovanalysis.analysis.press_check.crosscheck_press_ranks`) agree with
    the UN data, naming those that do not; ``press=None`` when the press figures are not about ``name``."""
    if press is None:
        return f"The press figures in the data are about {described}, not {name}: nothing to check."
    checked = press.loc[press["agrees"].notna()]
    text = f"{int(checked['agrees'].sum())} of {len(press)} press figures agree with the UN data."
    if len(checked) < len(press):
        text += f" {len(press) - len(checked)} cannot be checked (no matching survey)."
    wrong = checked.loc[~checked["agrees"].astype(bool)]
    if len(wrong):
        text += " Disagreeing: " + "; ".join(
            f"{row.figure_id} (reported {row.reported_value:g}, UN {row.panel_value:g})"
            for row in wrong.itertuples(index=False)) + "."
    return text


# --------------------------------------------------------------------------------------------------------
# Targets at their deadlines (notebook 03)
# --------------------------------------------------------------------------------------------------------


def _target_line(row: pd.Series) -> str:
    head = (f"- {row['indicator']} ({row['scope']}): {row['direction']} {row['target']:g} "
            f"by {row['deadline']:%d %b %Y}")
    verdict = TargetVerdict(row["verdict"])
    if verdict is TargetVerdict.NO_FIGURE:
        return f"{head}: no figure of the same definition near the deadline."
    if verdict is TargetVerdict.NOT_KNOWN_AT_DEADLINE:
        return (f"{head}: not known at the deadline; the next figure, {row['actual']:g} on "
                f"{row['actual_date']:%d %b %Y}, was reported after it.")
    if verdict is TargetVerdict.TOO_CLOSE:
        words = ", ".join(QUALIFIER_WORDS[q] for q in sorted(qualifier_set(row["actual_qualifier"])))
        return f"{head}: reported {row['actual']:g} ({words}), too close to call."
    return (f"{head}: {verdict.value}, reported {row['actual']:g} on {row['actual_date']:%d %b %Y} "
            f"({row['gap']:+.2f}).")


def target_summary(table: pd.DataFrame) -> str:
    """Plain sentences on a :func:`~egovanalysis.analysis.targets.target_table`: how many targets were met,
    missed or cannot be judged, then one line per target."""
    verdicts = table["verdict"].map(TargetVerdict).tolist()
    met = verdicts.count(TargetVerdict.MET)
    missed = verdicts.count(TargetVerdict.MISSED)
    lines = [
        f"{len(table)} targets: {met} met and {missed} missed by their deadline; "
        f"{len(table) - met - missed} cannot be judged from the data."
    ]
    lines += [_target_line(row) for _, row in table.iterrows()]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------------------
# The National Public Service Portal (notebook 04)
# --------------------------------------------------------------------------------------------------------


def portal_summary_text(snapshots: pd.DataFrame, metric: str = "portal_accounts") -> str:
    """Two sentences on one metric: first to latest snapshot, the multiple, and how growth slowed."""
    rows = snapshots[snapshots["indicator"] == metric].sort_values("date")
    label = PORTAL_METRICS.get(metric, metric)
    if len(rows) < 2:
        return f"Fewer than two snapshots of {label} in the selected dates."
    first, last = rows.iloc[0], rows.iloc[-1]
    growth = implied_growth(rows)
    bounds = sum(bool(qualifier_set(q) & BOUND_QUALIFIERS) for q in rows["qualifier"])
    caveat = (f"{bounds} of the {len(rows)} figures are bounds (\"more than\", \"nearly\"), so these rates "
              "are approximate." if bounds else "Every figure is exact.")
    return (
        f"{label.capitalize()} went from {format_number(first['value'], words=True)} "
        f"({first['date']:%d %b %Y}) to {format_number(last['value'], words=True)} "
        f"({last['date']:%d %b %Y}), "
        f"{format_number(last['value'] / first['value'], decimals=0)} times as many. The implied average "
        f"daily growth was {growth['daily_growth_%'].iloc[0]:.2f} % over the first interval and "
        f"{growth['daily_growth_%'].iloc[-1]:.2f} % over the last. {caveat}"
    )
