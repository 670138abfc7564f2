"""Provincial rankings: what is known of each, who moved, leaders and laggards, the 34 new units, one story.

Everything reads the processed tables (``provinces.csv``, ``provincial_indices.csv``) and keeps their
gaps: a ranking of which 7 ranks are known is reported as 7 of 63, never stretched to a ranking of 63,
and tied units keep their shared rank.

**Ranks, not scores, across years.** The DTI changed its method in 2021 and its framework in 2024, so
scores of different years are not comparable; movers are measured in ranks of the same ranking size.

**The 34 new units, by the ministry's method.** For DTI 2024 the Ministry of Science and Technology
recomputed the index on the 34 units from July 2025 as the unweighted mean of the members' values ("the
average value of the main indicators of DTI of the provinces before the mergers"). :func:`on_new_units`
applies the same mean to any index and year, says how many members had a value, and puts the published
34-unit figures beside it where they exist, so the method can be checked (new Đà Nẵng 2024: (0.8335 +
0.5803) / 2 = 0.7069, as published).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from egovanalysis.errors import ProvinceNameError, SelectionError
from egovanalysis.ingest.provinces import PROVINCIAL_INDICES, Era, era_of_id, parse_era, resolve

__all__ = [
    "SCORE_TOLERANCE",
    "Coverage",
    "available",
    "coverage",
    "leaders_and_laggards",
    "method_check",
    "movers",
    "neighbour_years",
    "on_new_units",
    "ranking",
    "Merger",
    "merger_of",
    "reported_about",
    "resolve_province",
    "story",
]

#: Published scores have four decimals: a recomputed mean within half a unit of the last one agrees.
SCORE_TOLERANCE = 0.00005


def _with_era(indices: pd.DataFrame) -> pd.DataFrame:
    return indices.assign(era=indices["province_id"].map(lambda pid: str(era_of_id(str(pid)))))


def available(indices: pd.DataFrame) -> pd.DataFrame:
    """What the data hold: per index, year and era, the rows, the ranks known, the ranking size and scores."""
    rows = _with_era(indices)
    table = (
        rows.groupby(["index", "year", "era"], sort=True)
        .agg(
            rows=("province_id", "size"),
            ranks_known=("rank", "count"),
            n_ranked=("n_ranked", "max"),
            scores_known=("score", "count"),
        )
        .reset_index()
    )
    table["era"] = pd.Categorical(table["era"], [str(era) for era in Era], ordered=True)
    return table.sort_values(["index", "year", "era"]).reset_index(drop=True)


def _check_index(indices: pd.DataFrame, index: str) -> None:
    if index not in PROVINCIAL_INDICES:
        raise SelectionError(f"unknown provincial index {index!r}; known: {', '.join(PROVINCIAL_INDICES)}")
    if not (indices["index"] == index).any():
        raise SelectionError(f"no rows of {index!r} in the data")


def ranking(
    indices: pd.DataFrame, provinces: pd.DataFrame, index: str, year: int, era: Era | str
) -> pd.DataFrame:
    """The rows of one index, year and era, best first, with names and centroids (may be empty).

    Raises :class:`~egovanalysis.errors.SelectionError` for an unknown index or a year with no rows of it
    in either era (the message lists the years there are).
    """
    era = parse_era(era)
    _check_index(indices, index)
    rows = _with_era(indices)
    of_index = rows[rows["index"] == index]
    if not (of_index["year"] == year).any():
        years = ", ".join(str(y) for y in sorted(of_index["year"].unique()))
        raise SelectionError(f"{index} has no rows for {year}; years with rows: {years}")
    chosen = of_index[(of_index["year"] == year) & (of_index["era"] == str(era))]
    names = provinces[["name_vi", "name_ascii", "lat", "lon"]]
    table = chosen.join(names, on="province_id")
    table = table.sort_values(
        ["rank", "score", "province_id"], ascending=[True, False, True], na_position="last"
    )
    columns = ["rank", "province_id", "name_vi", "name_ascii", "score", "n_ranked", "source_id", "lat", "lon"]
    return table[columns].reset_index(drop=True)


@dataclass(frozen=True)
class Coverage:
    """How much of a ranking is known: the numbers every sentence about a partial ranking needs."""

    rows: int
    n_ranked: int | None  # size of the ranking as the sources state it (63, 34); None without ranks
    ranks_known: tuple[int, ...]  # sorted, ties repeated
    scores_known: int
    ties: dict[int, tuple[str, ...]] = field(default_factory=dict)  # rank -> ids sharing it

    @property
    def complete(self) -> bool:
        """Every unit of the ranking has its rank."""
        return self.n_ranked is not None and len(self.ranks_known) == self.n_ranked

    @property
    def top_run(self) -> int:
        """The ranks 1..k known without a gap (ties count for the places they take): k."""
        place, previous = 0, None
        for rank in self.ranks_known:
            if rank != place + 1 and rank != previous:
                break
            place, previous = place + 1, rank
        return place

    @property
    def lowest_known(self) -> int | None:
        return self.ranks_known[-1] if self.ranks_known else None

    @property
    def bottom_run(self) -> int:
        """How many of the last places are known without a gap (a tie of c at rank r takes r..r+c-1)."""
        if self.n_ranked is None:
            return 0
        counts = pd.Series(self.ranks_known, dtype="int64").value_counts()
        places, last_open = 0, self.n_ranked
        for rank in sorted(counts.index, reverse=True):
            if rank + counts[rank] - 1 != last_open:
                break
            places, last_open = places + int(counts[rank]), int(rank) - 1
        return places

    @property
    def bottom_known(self) -> bool:
        """The last place of the ranking is known (so its laggards can be named)."""
        return self.bottom_run > 0


def coverage(rows: pd.DataFrame) -> Coverage:
    """The coverage of a :func:`ranking`'s rows."""
    ranked = rows[rows["rank"].notna()]
    sizes = ranked["n_ranked"].dropna().unique()
    if len(sizes) > 1:
        raise SelectionError(f"rows of rankings of different sizes ({sorted(sizes)}) cannot be one ranking")
    counts = ranked["rank"].value_counts()
    ties = {
        int(rank): tuple(sorted(ranked.loc[ranked["rank"] == rank, "province_id"]))
        for rank in sorted(counts[counts > 1].index)
    }
    return Coverage(
        rows=len(rows),
        n_ranked=int(sizes[0]) if len(sizes) else None,
        ranks_known=tuple(sorted(int(rank) for rank in ranked["rank"])),
        scores_known=int(rows["score"].notna().sum()),
        ties=ties,
    )


def leaders_and_laggards(rows: pd.DataFrame, n: int = 5) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The leaders and the laggards of a ranking, as far as they are known (ties included).

    Leaders are the first ``n`` places when places 1..n are known, else the known run from 1. Laggards are
    the last ``n`` places when known without a gap from the bottom (else the known run at the bottom);
    when the last place is unknown they are the lowest *known* ranks, and :attr:`Coverage.bottom_known`
    is false: the text then says they are not the laggards of the ranking.
    """
    known = coverage(rows)
    ranked = rows[rows["rank"].notna()]
    leaders = ranked[ranked["rank"] <= min(n, known.top_run)]
    rest = ranked[~ranked.index.isin(leaders.index)]
    if known.bottom_known and known.n_ranked is not None:
        last = known.n_ranked - min(n, known.bottom_run)
        laggards = rest[rest["rank"] > last]
    elif len(rest):
        threshold = rest["rank"].sort_values(ascending=False).iloc[min(n, len(rest)) - 1]
        laggards = rest[rest["rank"] >= threshold]
    else:
        laggards = rest
    return leaders.reset_index(drop=True), laggards.sort_values("rank", ascending=False).reset_index(
        drop=True
    )


def neighbour_years(
    indices: pd.DataFrame, index: str, year: int, era: Era | str
) -> tuple[int | None, int | None]:
    """The years before and after ``year`` with ranks of ``index`` in ``era`` (``None``: there is none)."""
    era = parse_era(era)
    rows = _with_era(indices)
    years = sorted(
        rows.loc[(rows["index"] == index) & (rows["era"] == str(era)) & rows["rank"].notna(), "year"].unique()
    )
    before = [y for y in years if y < year]
    after = [y for y in years if y > year]
    return (int(before[-1]) if before else None), (int(after[0]) if after else None)


def movers(
    indices: pd.DataFrame, provinces: pd.DataFrame, index: str, from_year: int, to_year: int, era: Era | str
) -> pd.DataFrame:
    """Units ranked in both years (same ranking size), with ``change`` = places climbed (negative: fell).

    Sorted by change, biggest climb first; ties of change by the later rank.
    """
    first = ranking(indices, provinces, index, from_year, era)
    second = ranking(indices, provinces, index, to_year, era)
    both = first.dropna(subset=["rank"]).merge(
        second.dropna(subset=["rank"]), on=["province_id", "name_vi", "name_ascii"], suffixes=("_from", "_to")
    )
    both = both[both["n_ranked_from"] == both["n_ranked_to"]]
    both = both.assign(change=(both["rank_from"] - both["rank_to"]).astype("Int64"))
    columns = [
        "province_id",
        "name_vi",
        "name_ascii",
        "rank_from",
        "rank_to",
        "change",
        "n_ranked_to",
        "source_id_from",
        "source_id_to",
    ]
    table = both[columns].rename(columns={"n_ranked_to": "n_ranked"})
    return table.sort_values(["change", "rank_to"], ascending=[False, True]).reset_index(drop=True)


def _members(provinces: pd.DataFrame) -> dict[str, list[str]]:
    old = provinces[provinces["era"] == str(Era.BEFORE_2025)]
    members: dict[str, list[str]] = {}
    for province_id, merged_into in old["merged_into"].items():
        members.setdefault(str(merged_into), []).append(str(province_id))
    return members


def on_new_units(indices: pd.DataFrame, provinces: pd.DataFrame, index: str, year: int) -> pd.DataFrame:
    """The index of ``year`` on the 34 units from July 2025, by the ministry's method (unweighted mean).

    One row per 2025 unit: ``members`` (names), ``n_members``; ``n_scored`` and ``mean_score`` (the mean of
    the members' scores, the ministry's method; ``complete`` when every member has one); ``n_ranked_members``
    and ``mean_member_rank`` (the mean of the members' ranks: an ordering where scores are missing, not the
    ministry's method); ``published_rank`` / ``published_score`` (the 34-unit figures of the same index and
    year, where published). Ordered by complete mean score, then mean member rank.
    """
    _check_index(indices, index)
    rows = indices[(indices["index"] == index) & (indices["year"] == year)]
    old = rows.set_index("province_id")
    new_units = provinces[provinces["era"] == str(Era.FROM_2025)]
    records = []
    for unit_id, members in _members(provinces).items():
        member_rows = old.reindex(members)
        published = old.loc[unit_id] if unit_id in old.index else None
        scores = member_rows["score"].dropna()
        ranks = member_rows["rank"].dropna()
        records.append(
            {
                "province_id": unit_id,
                "name_vi": new_units.loc[unit_id, "name_vi"],
                "members": " + ".join(provinces.loc[m, "name_vi"] for m in members),
                "n_members": len(members),
                "n_scored": len(scores),
                "mean_score": float(scores.mean()) if len(scores) else np.nan,
                "complete": len(scores) == len(members),
                "n_ranked_members": len(ranks),
                "mean_member_rank": float(ranks.astype(float).mean()) if len(ranks) else np.nan,
                "published_rank": published["rank"] if published is not None else pd.NA,
                "published_score": published["score"] if published is not None else np.nan,
            }
        )
    table = pd.DataFrame(records)
    table["published_rank"] = table["published_rank"].astype("Int64")
    table["_complete_score"] = table["mean_score"].where(table["complete"])
    table = table.sort_values(
        ["_complete_score", "mean_member_rank", "province_id"],
        ascending=[False, True, True],
        na_position="last",
    )
    return table.drop(columns="_complete_score").reset_index(drop=True)


def method_check(table: pd.DataFrame) -> pd.DataFrame:
    """Units whose recomputed mean can be compared with a published 34-unit score, and whether they agree."""
    comparable = table[table["complete"] & table["published_score"].notna()].copy()
    comparable["difference"] = comparable["mean_score"] - comparable["published_score"]
    comparable["agrees"] = comparable["difference"].abs() <= SCORE_TOLERANCE
    return comparable[
        ["province_id", "name_vi", "members", "mean_score", "published_score", "difference", "agrees"]
    ]


def resolve_province(name: str, era: Era | str) -> tuple[str, bool]:
    """The id ``name`` names in ``era``; if it names a unit of the other era only, that one.

    Returns ``(province_id, switched)``; ``switched`` says the other era's unit was taken (the story of a
    unit covers its 2025 unit or its members anyway). Cities and unknown names raise
    :class:`~egovanalysis.errors.ProvinceNameError`.
    """
    try:
        return resolve(name, era), False
    except ProvinceNameError as error:
        if error.other_era is None or error.city_of is not None:
            raise
        return error.other_era, True


@dataclass(frozen=True)
class Merger:
    """What happened to a unit in July 2025."""

    province_id: str
    era: Era
    unit_2025: str  # the 2025 unit (itself for a 2025 unit)
    members: tuple[str, ...]  # the 2008-2025 units of unit_2025
    partners: tuple[str, ...]  # the members other than the unit itself

    @property
    def merged(self) -> bool:
        return len(self.members) > 1


def merger_of(provinces: pd.DataFrame, province_id: str) -> Merger:
    """The merger a unit of either era took part in."""
    if province_id not in provinces.index:
        raise SelectionError(f"unknown province id {province_id!r}")
    era = parse_era(provinces.loc[province_id, "era"])
    unit_2025 = province_id if era is Era.FROM_2025 else str(provinces.loc[province_id, "merged_into"])
    members = tuple(_members(provinces)[unit_2025])
    return Merger(province_id, era, unit_2025, members, tuple(m for m in members if m != province_id))


def story(indices: pd.DataFrame, provinces: pd.DataFrame, province_id: str) -> pd.DataFrame:
    """Every index row of a unit and of the units it merged with, across indices and years.

    ``relation`` says whose row it is: ``itself``, ``2025 unit`` (the unit it became part of), ``member``
    (a 2008-2025 unit of the 2025 unit). Sorted by index, year, era, relation.
    """
    merger = merger_of(provinces, province_id)
    related = {merger.unit_2025: "2025 unit", **{m: "member" for m in merger.members}, province_id: "itself"}
    rows = _with_era(indices[indices["province_id"].isin(list(related))])
    rows = rows.assign(
        relation=rows["province_id"].map(related),
        label=rows["index"].map(lambda index: PROVINCIAL_INDICES[index].label),
    ).join(provinces[["name_vi"]], on="province_id")
    order = {"itself": 0, "2025 unit": 1, "member": 2}
    rows = rows.assign(_order=rows["relation"].map(order)).sort_values(
        ["index", "year", "era", "_order", "province_id"]
    )
    columns = [
        "index",
        "label",
        "year",
        "era",
        "relation",
        "province_id",
        "name_vi",
        "rank",
        "n_ranked",
        "score",
        "source_id",
    ]
    return rows[columns].reset_index(drop=True)


def reported_about(
    observations: pd.DataFrame, province_ids: list[str] | tuple[str, ...], indices: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The reported figures whose scope is one of ``province_ids`` (bounds included, e.g. "under 10 %").

    With ``indices``, figures that already are rows of ``provincial_indices`` (same unit, indicator, year
    and value) are left out, so a story does not tell them twice.
    """
    scopes = {f"province:{province_id}": province_id for province_id in province_ids}
    rows = observations[observations["scope"].isin(list(scopes))]
    rows = rows.assign(province_id=rows["scope"].map(scopes))
    if indices is not None:
        by_indicator = {spec.indicator: index for index, spec in PROVINCIAL_INDICES.items() if spec.indicator}
        known = {
            (row.province_id, row.index, int(row.year), float(row.score))
            for row in indices.dropna(subset=["score"]).itertuples()
        }
        keys = zip(
            rows["province_id"],
            rows["indicator"].map(by_indicator),
            pd.to_datetime(rows["date"]).dt.year,
            rows["value"].astype(float),
            strict=True,
        )
        fresh = [(pid, index, int(year), value) not in known for pid, index, year, value in keys]
        rows = rows[pd.Series(fresh, index=rows.index, dtype=bool)]
    columns = [
        "province_id",
        "indicator",
        "date",
        "value",
        "unit",
        "qualifier",
        "kind",
        "source_id",
        "figure_id",
    ]
    return rows[columns].sort_values(["province_id", "date", "indicator"]).reset_index(drop=True)
