"""Sentences the notebooks show, generated from the numbers so they stay true for any parameters.

Each function reads tables built by :mod:`egovanalysis.analysis` and decides nothing itself: verdicts
come as enums (e.g. :class:`~egovanalysis.analysis.targets.TargetVerdict`), numbers are written by
:func:`~egovanalysis.reporting.formatting.format_number`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from egovanalysis.analysis.egdi import PILLARS, pillar_table
from egovanalysis.analysis.portal import PORTAL_METRICS, implied_growth
from egovanalysis.analysis.targets import TargetVerdict
from egovanalysis.conventions import BOUND_QUALIFIERS, QUALIFIER_WORDS, qualifier_set
from egovanalysis.reporting.formatting import format_number, ordinal

__all__ = ["pillar_text", "portal_summary_text", "regional_text", "target_summary", "trajectory_text"]


# --------------------------------------------------------------------------------------------------------
# The UN E-Government Survey (notebook 02)
# --------------------------------------------------------------------------------------------------------


def _name(rows: pd.DataFrame, country: str) -> str:
    return str(rows.loc[rows["iso3"] == country, "country"].iloc[-1])


def trajectory_text(rows: pd.DataFrame, country: str) -> str:
    """Two or three sentences on the country's rank, score and the changing number of countries ranked."""
    own = rows[(rows["iso3"] == country) & rows["egdi_rank"].notna()].sort_values("survey_year")
    first, last = own.iloc[0], own.iloc[-1]
    best = own.loc[own["egdi_rank"].idxmin()]
    worst = own.loc[own["egdi_rank"].idxmax()]
    move = int(first["egdi_rank"]) - int(last["egdi_rank"])
    direction = f"up {move} places" if move > 0 else (f"down {-move} places" if move < 0 else "unchanged")
    change = {1: "rose", -1: "fell", 0: "stayed"}[int(np.sign(last["egdi"] - first["egdi"]))]
    denominators = own["n_ranked"].drop_duplicates().astype(int).tolist()
    text = (
        f"{_name(rows, country)} ranked {int(first['egdi_rank'])} of {int(first['n_ranked'])} in "
        f"{int(first['survey_year'])} and {int(last['egdi_rank'])} of {int(last['n_ranked'])} in "
        f"{int(last['survey_year'])} ({direction}); its EGDI {change} from {first['egdi']:.3f} to "
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


def regional_text(rows: pd.DataFrame, country: str) -> str:
    """Where the country stands among the selected peers, first and last survey, and who leads."""
    own = rows[(rows["iso3"] == country) & rows["group_position"].notna()].sort_values("survey_year")
    first, last = own.iloc[0], own.iloc[-1]
    latest_year = int(last["survey_year"])
    latest = rows[rows["survey_year"] == latest_year]
    leader = latest[latest["group_position"] == 1]["country"].iloc[0]
    ahead = latest[latest["group_position"] < last["group_position"]]["country"].tolist()
    return (
        f"Among the {latest['iso3'].nunique()} countries compared, {_name(rows, country)} was "
        f"{ordinal(int(first['group_position']))} in {int(first['survey_year'])} and "
        f"{ordinal(int(last['group_position']))} in {latest_year}; {leader} leads. "
        f"Ahead of it in {latest_year}: {', '.join(ahead) if ahead else 'no one'}."
    )


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
