"""What the dataset holds, and where it disagrees with itself: the data audit's building blocks."""

from __future__ import annotations

import enum
from collections.abc import Iterator
from typing import Any

import pandas as pd

from egovanalysis.conventions import BOUND_QUALIFIERS, SNAPSHOT_REL_TOL, SNAPSHOT_WINDOW_DAYS

#: A series whose actual figures are bounds at least this often (%) is "mostly bounds": its level is off.
MOSTLY_BOUNDS_PERCENT = 50


class Trust(enum.StrEnum):
    """How far a series can be trusted (:func:`trust_table`); the first that applies wins, in this order."""

    CONFLICTING = "conflicting"
    SINGLE_SOURCE = "single source"
    MOSTLY_BOUNDS = "mostly bounds"
    CORROBORATED = "corroborated"
    UNCORROBORATED = "uncorroborated"


def coverage(observations: pd.DataFrame, by: str = "indicator") -> pd.DataFrame:
    """Number of figures per ``by`` (indicator, source_id, ...) and year, with totals.

    Rows are the values of ``by``; columns are years, plus ``total``, ``first`` and ``last`` dates.
    """
    frame = observations.assign(year=observations["date"].dt.year)
    table = frame.pivot_table(index=by, columns="year", values="figure_id", aggfunc="count", fill_value=0)
    table.columns = [str(column) for column in table.columns]
    table["total"] = table.sum(axis=1)
    spans = frame.groupby(by)["date"].agg(["min", "max"])
    table["first"] = spans["min"].dt.strftime("%Y-%m-%d")
    table["last"] = spans["max"].dt.strftime("%Y-%m-%d")
    return table.sort_values(["total", "first"], ascending=[False, True])


def bounds_share(observations: pd.DataFrame) -> pd.DataFrame:
    """Per indicator: how many figures are exact, and how many are bounds or approximations."""
    qualifier = observations["qualifier"].fillna("exact")
    table = pd.crosstab(observations["indicator"], qualifier)
    table["total"] = table.sum(axis=1)
    exact = table.get("exact", 0)
    table["share_qualified_%"] = (100 * (table["total"] - exact) / table["total"]).round(1)
    return table.sort_values("share_qualified_%", ascending=False)


def conflicts(
    observations: pd.DataFrame,
    indicators: pd.DataFrame,
    window_days: int = SNAPSHOT_WINDOW_DAYS,
    rel_tol: float = SNAPSHOT_REL_TOL,
) -> pd.DataFrame:
    """Reports of the same indicator, scope and kind that disagree.

    Stocks (cumulative totals, levels, ranks, changes) are compared when reported within
    ``window_days`` of each other; flows and shares (figures for a period, rates at a moment) only
    when they carry the same date, since two periods or moments may rightly differ.
    ``indicators`` is the registry indexed by id. Two figures disagree when their values differ by
    more than ``rel_tol`` (relative) and neither is a bound that the other satisfies (``more than
    412,000`` does not conflict with ``412,000``). Returns one row per disagreeing pair with both
    figures and their sources; nothing is dropped or overwritten.
    """
    rows: list[dict[str, object]] = []
    for first, second in _close_pairs(observations, indicators, window_days):
        if _consistent(first, second, rel_tol):
            continue
        rows.append(
            {
                "indicator": first["indicator"],
                "scope": first["scope"],
                "kind": first["kind"],
                "date_a": first["date"].date(),
                "value_a": first["value"],
                "qualifier_a": first["qualifier"],
                "source_a": first["source_id"],
                "date_b": second["date"].date(),
                "value_b": second["value"],
                "qualifier_b": second["qualifier"],
                "source_b": second["source_id"],
                "relative_gap_%": round(100 * abs(second["value"] - first["value"]) / abs(first["value"]), 1)
                if first["value"]
                else float("nan"),
            }
        )
    return pd.DataFrame(rows)


def _close_pairs(
    observations: pd.DataFrame, indicators: pd.DataFrame, window_days: int
) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """Pairs of reports of one indicator, scope and kind that describe the same moment or period.

    Stocks are paired within ``window_days``; flows and shares only on the same date.
    """
    measures = observations["indicator"].map(indicators["measure"])
    for _, group in observations.sort_values("date").groupby(["indicator", "scope", "kind"], sort=True):
        window = 0 if measures[group.index[0]] in ("flow", "share") else window_days
        records = group.to_dict("records")
        for i, first in enumerate(records):
            for second in records[i + 1 :]:
                if (second["date"] - first["date"]).days > window:
                    break
                yield first, second


def _interval(record: dict[str, object]) -> tuple[float, float]:
    lower = record["lower"] if pd.notna(record["lower"]) else -float("inf")
    upper = record["upper"] if pd.notna(record["upper"]) else float("inf")
    if pd.isna(record["qualifier"]) or record["qualifier"] == "about":
        return float(record["value"]), float(record["value"])
    return float(lower), float(upper)


def _consistent(first: dict[str, object], second: dict[str, object], rel_tol: float) -> bool:
    a_low, a_high = _interval(first)
    b_low, b_high = _interval(second)
    scale = max(abs(float(first["value"])), abs(float(second["value"])), 1e-12)
    slack = rel_tol * scale
    return a_low - slack <= b_high and b_low - slack <= a_high


def definition_changes(observations: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """Concepts measured under more than one definition, with each definition's span of dates.

    ``indicators`` is the registry indexed by id. Shares count as rival definitions when they share a
    concept: a reader sees, e.g., that the level-4 share of *all* services
    (2018-2022) and of *eligible* services (2021-2022) are different series that must not be joined.
    """
    registry = indicators.reset_index().rename(columns={"index": "id"})
    registry = registry[(registry["concept"].fillna("") != "") & (registry["measure"] == "share")]
    multi = registry.groupby("concept")["id"].transform("count") > 1
    registry = registry[multi]
    spans = (
        observations[observations["kind"] == "actual"]
        .groupby("indicator")
        .agg(figures=("figure_id", "count"), first=("date", "min"), last=("date", "max"))
    )
    table = registry.merge(spans, left_on="id", right_index=True, how="left")
    table["figures"] = table["figures"].fillna(0).astype(int)
    table["first"] = table["first"].dt.strftime("%Y-%m-%d").fillna("")
    table["last"] = table["last"].dt.strftime("%Y-%m-%d").fillna("")
    columns = ["concept", "id", "unit", "measure", "figures", "first", "last", "definition"]
    return table[columns].sort_values(["concept", "first", "id"]).reset_index(drop=True)


def source_summary(observations: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """Per source: publisher, date, kind, number of figures and of indicators it reports."""
    counts = observations.groupby("source_id").agg(
        figures=("figure_id", "count"), indicators=("indicator", "nunique")
    )
    table = sources[["publisher", "published", "kind", "language"]].join(counts, how="left")
    table["figures"] = table["figures"].fillna(0).astype(int)
    table["indicators"] = table["indicators"].fillna(0).astype(int)
    return table.sort_values("published")


def trust_table(
    observations: pd.DataFrame,
    indicators: pd.DataFrame,
    min_figures: int = 2,
    sources: pd.DataFrame | None = None,
    window_days: int = SNAPSHOT_WINDOW_DAYS,
) -> pd.DataFrame:
    """A verdict per indicator with at least ``min_figures`` actual figures: can the series be trusted?

    ``corroborated`` counts the figures confirmed by a report of another, independent source for the
    same scope and moment (see :func:`conflicts` for what counts as the same moment). A source whose
    publisher is marked as a reprint in ``sources`` (``publisher`` containing "reprint") does not count
    as independent. Verdicts, first match wins:

    * ``conflicting``: two reports of the same thing disagree;
    * ``single source``: every figure comes from one publication;
    * ``mostly bounds``: half or more are "more than"/"nearly"-type bounds, so levels are off;
    * ``corroborated``: at least one figure is confirmed by an independent source;
    * ``uncorroborated``: several sources, but each figure stands alone (different dates or scopes).
    """
    actual = observations[observations["kind"] == "actual"]
    disagreeing = conflicts(actual, indicators, window_days=window_days)
    conflicted = set(disagreeing["indicator"]) if not disagreeing.empty else set()
    reprints: set[str] = set()
    if sources is not None:
        reprints = set(sources.index[sources["publisher"].str.contains("reprint", case=False, na=False)])
    confirmed: dict[str, set[str]] = {}
    for first, second in _close_pairs(actual, indicators, window_days):
        independent = first["source_id"] != second["source_id"] and not (
            {first["source_id"], second["source_id"]} & reprints
        )
        if independent and _consistent(first, second, SNAPSHOT_REL_TOL):
            confirmed.setdefault(first["indicator"], set()).update({first["figure_id"], second["figure_id"]})
    table = actual.groupby("indicator").agg(
        figures=("figure_id", "count"),
        sources=("source_id", "nunique"),
        first=("date", "min"),
        last=("date", "max"),
        qualified=("qualifier", lambda q: int(q.isin(BOUND_QUALIFIERS).sum())),
    )
    table = table[table["figures"] >= min_figures].copy()
    table["corroborated"] = [len(confirmed.get(indicator, ())) for indicator in table.index]
    table["qualified_%"] = (100 * table["qualified"] / table["figures"]).round(0).astype(int)
    table["first"] = table["first"].dt.strftime("%Y-%m-%d")
    table["last"] = table["last"].dt.strftime("%Y-%m-%d")

    def verdict(row: pd.Series) -> Trust:
        if row.name in conflicted:
            return Trust.CONFLICTING
        if row["sources"] == 1:
            return Trust.SINGLE_SOURCE
        if row["qualified_%"] >= MOSTLY_BOUNDS_PERCENT:
            return Trust.MOSTLY_BOUNDS
        if row["corroborated"] > 0:
            return Trust.CORROBORATED
        return Trust.UNCORROBORATED

    table["verdict"] = table.apply(verdict, axis=1)
    table["label"] = indicators["label"].reindex(table.index)
    columns = ["label", "figures", "sources", "corroborated", "first", "last", "qualified_%", "verdict"]
    return table[columns].sort_values(["verdict", "figures"], ascending=[True, False])


def scope_level(scope: pd.Series) -> pd.Series:
    """Coarse level of a scope, for charts: national, ministries/localities, or one unit."""
    level = pd.Series("one province or ministry", index=scope.index, dtype="object")
    level[scope == "national"] = "national"
    groups = ["ministries", "localities", "ministries_and_localities"]
    level[scope.isin(groups)] = "all ministries or localities"
    return level
