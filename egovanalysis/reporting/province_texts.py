"""Sentences of the provinces notebook (06), from the tables of :mod:`egovanalysis.analysis.provinces`.

Each function only words what the tables hold: how much of a ranking is known, who leads and trails, who
moved, what the ministry's method gives on the 34 new units, and one unit's story. Numbers are written by
:func:`~egovanalysis.reporting.formatting.format_number` and
:func:`~egovanalysis.reporting.formatting.ordinal`.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from egovanalysis.analysis.provinces import Coverage, Merger
from egovanalysis.conventions import QUALIFIER_WORDS, qualifier_set
from egovanalysis.ingest.provinces import PROVINCIAL_INDICES, Era
from egovanalysis.reporting.formatting import format_number, ordinal

__all__ = [
    "coverage_text",
    "index_label",
    "leaders_text",
    "movers_text",
    "name_note",
    "new_units_text",
    "rank_runs",
    "story_text",
]


def index_label(index: str) -> str:
    """The index's label for sentences: ``"Digital Transformation Index (DTI), provincial"``."""
    return PROVINCIAL_INDICES[index].label


def _score(value: float, index: str) -> str:
    spec = PROVINCIAL_INDICES[index]
    return format_number(value, "%" if spec.unit == "%" else "", decimals=2 if spec.unit == "%" else 4)


def rank_runs(ranks: tuple[int, ...] | list[int]) -> str:
    """``(1, 2, 3, 6, 12, 15, 15)`` -> ``"1-3, 6, 12, 15 (tie)"``: the known ranks, compactly."""
    counts = pd.Series(list(ranks), dtype="int64").value_counts().sort_index()
    parts: list[str] = []
    run: list[int] = []
    for rank, count in counts.items():
        if count > 1:
            parts += [_run(run)] if run else []
            parts.append(f"{rank} (tie)")
            run = []
        elif run and rank == run[-1] + 1:
            run.append(int(rank))
        else:
            parts += [_run(run)] if run else []
            run = [int(rank)]
    parts += [_run(run)] if run else []
    return ", ".join(parts)


def _run(run: list[int]) -> str:
    return (
        str(run[0]) if len(run) == 1 else (f"{run[0]}, {run[1]}" if len(run) == 2 else f"{run[0]}-{run[-1]}")
    )


def _names(rows: pd.DataFrame) -> str:
    return ", ".join(
        f"{ordinal(int(rank))} {name}" for rank, name in zip(rows["rank"], rows["name_vi"], strict=True)
    )


def coverage_text(coverage: Coverage, index: str, year: int, era: Era, names: pd.Series) -> str:
    """How much of the ranking is known, said before any rank is shown. ``names``: id -> name."""
    label = f"{index_label(index)} {year}"
    if coverage.rows == 0:
        return f"No figure of {label} on {era.label} is in the data."
    scores = (
        f"Scores are given for {coverage.scores_known} of them."
        if coverage.scores_known
        else "No scores are given, only ranks."
    )
    ties = " ".join(
        f"{' and '.join(names[pid] for pid in ids)} share {ordinal(rank)} place."
        for rank, ids in coverage.ties.items()
    )
    if coverage.n_ranked is None:
        return f"{label}: {coverage.rows} units of {era.label} have a score, none a rank."
    if coverage.complete:
        text = f"{label} ranks all {coverage.n_ranked} units ({era.label}). {scores}"
        return f"{text} {ties}".strip()
    known = len(coverage.ranks_known)
    verb = "is" if known == 1 else "are"
    text = (
        f"{label}: {known} of the {coverage.n_ranked} ranks {verb} known "
        f"({rank_runs(coverage.ranks_known)}), so this is not a ranking of all {coverage.n_ranked} units; "
        "a unit not listed is unknown, not last."
    )
    if coverage.top_run >= 2:
        text += f" Places 1-{coverage.top_run} are known without a gap."
    if coverage.rows > known:
        text += f" {coverage.rows - known} more unit(s) have a score without a rank."
    elif coverage.scores_known:
        text += f" {scores}"
    return f"{text} {ties}".strip()


def leaders_text(leaders: pd.DataFrame, laggards: pd.DataFrame, coverage: Coverage) -> str:
    """Who leads, and who trails when the bottom of the ranking is known (otherwise: the lowest known)."""
    if leaders.empty and laggards.empty:
        return "No ranks are known, so no leaders or laggards can be named."
    text = f"Leading: {_names(leaders)}." if not leaders.empty else "The top places are not known."
    if laggards.empty:
        return text
    if coverage.bottom_known:
        return f"{text} Trailing: {_names(laggards)}."
    return (
        f"{text} The lowest ranks known are {_names(laggards)}; ranks {coverage.lowest_known + 1}-"
        f"{coverage.n_ranked} are not in the data, so these are not the laggards of the ranking."
    )


def movers_text(table: pd.DataFrame, from_year: int | None, to_year: int | None) -> str:
    """Who climbed and who fell between two years, among the units ranked in both."""
    if from_year is None or to_year is None:
        return "There is no other year with ranks of this index on the same units to compare with."
    if table.empty:
        return f"No unit has a known rank in both {from_year} and {to_year}."
    size = int(table["n_ranked"].iloc[0])
    text = f"{len(table)} units have a known rank (of {size}) in both {from_year} and {to_year}."
    up, down = table[table["change"] > 0], table[table["change"] < 0]
    for rows, word in ((up, "climb"), (down, "fall")):
        if rows.empty:
            continue
        best = rows[rows["change"].abs() == rows["change"].abs().max()]
        who = "; ".join(
            f"{row.name_vi} ({ordinal(int(row.rank_from))} → {ordinal(int(row.rank_to))})"
            for row in best.itertuples()
        )
        text += f" Biggest {word}: {abs(int(best['change'].iloc[0]))} places, {who}."
    same = int((table["change"] == 0).sum())
    if same:
        text += f" {same} kept {'its' if same == 1 else 'their'} rank."
    return text + " Ranks are compared, not scores: the method changed between years."


def new_units_text(table: pd.DataFrame, check: pd.DataFrame, index: str, year: int) -> str:
    """What the ministry's method gives on the 34 units from July 2025; whether it reproduces its figures."""
    complete = int(table["complete"].sum())
    some = int(((table["n_scored"] > 0) & ~table["complete"]).sum())
    none = int((table["n_scored"] == 0).sum())
    text = (
        f"The ministry's method (the unweighted mean of the members' values) applied to {index_label(index)} "
        f"{year}: {complete} of the {len(table)} units from July 2025 have a value for every member, "
        f"{some} for some members only (their mean is shown but is not comparable), {none} for none."
    )
    ranked = int((table["n_ranked_members"] == table["n_members"]).sum())
    if ranked:
        text += (
            f" {ranked} units have a rank for every member; the mean member rank orders them where scores "
            "are missing (a stand-in, not the ministry's method)."
        )
    if not check.empty:
        agree = check[check["agrees"]]
        text += (
            f" Where the ministry published the 34-unit score and every member's score is known, the mean "
            f"reproduces it for {len(agree)} of {len(check)} units"
            + (f" ({', '.join(agree['name_vi'])})." if len(agree) else ".")
        )
    return text


def name_note(name: str, province_id: str, switched: bool, units: pd.DataFrame) -> str:
    """How the ``province`` parameter was read: ``"'Hue' is Thừa Thiên Huế (thua-thien-hue), ..."``."""
    unit = units.loc[province_id]
    era = Era(unit["era"])
    text = f"{name!r} is {unit['name_vi']} ({province_id}), one of {era.label}."
    if switched:
        text += f" It is not a unit of {era.other.label}, so its story is told from {era.label}."
    return text


def _rank_phrase(row: pd.Series, index: str) -> str:
    parts = []
    if pd.notna(row["rank"]):
        parts.append(f"{ordinal(int(row['rank']))} of {int(row['n_ranked'])}")
    if pd.notna(row["score"]):
        parts.append(_score(row["score"], index))
    return f"{' with '.join(parts)} in {int(row['year'])}"


def _merger_sentence(merger: Merger, units: pd.DataFrame) -> str:
    name = units.loc[merger.province_id, "name_vi"]
    unit = units.loc[merger.unit_2025]
    if merger.era is Era.FROM_2025:
        if not merger.merged:
            before = merger.members[0]
            earlier = units.loc[before, "name_vi"]
            return f"{name} was not merged on 1 July 2025: it keeps the territory of {earlier} ({before})."
        members = ", ".join(units.loc[list(merger.members), "name_vi"])
        return f"{name} was formed on 1 July 2025 from {len(merger.members)} units: {members}."
    if not merger.merged:
        return (
            f"{name} was not merged on 1 July 2025: it continues as {unit['name_vi']} ({merger.unit_2025}), "
            "one of the 34 units."
        )
    partners = ", ".join(units.loc[list(merger.partners), "name_vi"])
    return f"On 1 July 2025 {name} merged with {partners} into {unit['name_vi']} ({merger.unit_2025})."


def _reported_sentence(reported: pd.DataFrame, units: pd.DataFrame, labels: Mapping[str, str]) -> str:
    if reported.empty:
        return ""
    phrases = []
    for row in reported.itertuples():
        words = " ".join(QUALIFIER_WORDS[q] for q in sorted(qualifier_set(row.qualifier)))
        value = format_number(row.value, row.unit)
        phrases.append(
            f"{labels.get(row.indicator, row.indicator)}: {words + ' ' if words else ''}{value} "
            f"({units.loc[row.province_id, 'name_vi']}, as of {pd.Timestamp(row.date):%d %b %Y})"
        )
    return " Reported figures: " + "; ".join(phrases) + "."


def _unit_phrases(rows: pd.DataFrame) -> str:
    """``"<index label>: 2nd of 63 in 2020, ...; <index label>: ..."`` for one unit's rows."""
    parts = []
    for index, of_index in rows.groupby("index", sort=False):
        phrases = ", ".join(_rank_phrase(row, str(index)) for _, row in of_index.iterrows())
        parts.append(f"{index_label(str(index))}: {phrases}")
    return "; ".join(parts)


def story_text(
    story: pd.DataFrame,
    merger: Merger,
    units: pd.DataFrame,
    reported: pd.DataFrame,
    indicator_labels: Mapping[str, str] | None = None,
) -> str:
    """A unit's story: its ranks per index and year, its merger, its 2025 unit's or members' ranks, and the
    reported figures about it (``indicator_labels``: indicator id -> label, e.g. from the registry)."""
    name = units.loc[merger.province_id, "name_vi"]
    own = story[story["relation"] == "itself"]
    lines = [f"{name}: {_unit_phrases(own)}." if not own.empty else f"{name} has no provincial index row."]
    lines.append(_merger_sentence(merger, units))
    for relation, role in (("2025 unit", "As part of"), ("member", "Member")):
        others = story[story["relation"] == relation]
        for province_id, rows in others.groupby("province_id", sort=False):
            lines.append(
                f"{role} {units.loc[province_id, 'name_vi']} ({province_id}): {_unit_phrases(rows)}."
            )
    labels = {spec.indicator: spec.label for spec in PROVINCIAL_INDICES.values() if spec.indicator}
    labels |= dict(indicator_labels) if indicator_labels is not None else {}
    return " ".join(lines) + _reported_sentence(reported, units, labels)
