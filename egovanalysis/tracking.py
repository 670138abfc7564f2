"""Targets against actuals: what was promised, by when, and what was reported at the deadline."""

from __future__ import annotations

import pandas as pd

#: Qualifiers of a target meaning "lower is better" (a rank "top 70" is ``at_most`` 70).
_LOWER_IS_BETTER = {"at_most", "less_than"}


def target_table(
    observations: pd.DataFrame,
    indicators: list[str],
    *,
    tolerance_days: int = 92,
) -> pd.DataFrame:
    """One row per distinct target (indicator, scope, deadline, value) with the actual at its deadline.

    The actual is the figure of the *same indicator and scope* closest to the deadline within
    ``tolerance_days`` (on either side; the one before wins a tie); a figure of another definition is
    never used. ``gap`` is actual minus target (for a "lower is better" target such as a rank, a
    negative gap is good); ``met`` is True/False, or NA when no actual lies close enough. Reprints of
    the same target are merged and their sources listed together.
    """
    rows = observations[observations["indicator"].isin(indicators)]
    targets = rows[rows["kind"] == "target"]
    actuals = rows[rows["kind"] == "actual"]
    grouped = (
        targets.groupby(["indicator", "scope", "date", "value"], sort=True, dropna=False)
        .agg(
            qualifier=("qualifier", "first"),
            sources=("source_id", lambda ids: "; ".join(sorted(set(ids)))),
            figures=("figure_id", lambda ids: "; ".join(sorted(ids))),
        )
        .reset_index()
        .rename(columns={"date": "deadline", "value": "target"})
    )
    records = []
    for target in grouped.to_dict("records"):
        candidates = actuals[
            (actuals["indicator"] == target["indicator"]) & (actuals["scope"] == target["scope"])
        ]
        distance = (candidates["date"] - target["deadline"]).dt.days
        close = candidates.assign(distance=distance.abs(), after=distance > 0)
        close = close[close["distance"] <= tolerance_days].sort_values(["distance", "after", "figure_id"])
        lower_is_better = target["qualifier"] in _LOWER_IS_BETTER
        record = {
            **target,
            "direction": "at most" if lower_is_better else "at least",
            "actual": float("nan"),
            "actual_date": pd.NaT,
            "actual_qualifier": None,
            "actual_source": None,
            "gap": float("nan"),
            "met": pd.NA,
        }
        if not close.empty:
            best = close.iloc[0]
            record.update(
                actual=best["value"],
                actual_date=best["date"],
                actual_qualifier=best["qualifier"],
                actual_source=best["source_id"],
                gap=best["value"] - target["target"],
                met=bool(best["value"] <= target["target"])
                if lower_is_better
                else bool(best["value"] >= target["target"]),
            )
        records.append(record)
    columns = [
        "indicator",
        "scope",
        "deadline",
        "target",
        "direction",
        "actual",
        "actual_date",
        "gap",
        "met",
        "sources",
        "actual_source",
        "figures",
        "actual_qualifier",
    ]
    table = pd.DataFrame(records, columns=columns)
    table["met"] = table["met"].astype("boolean")
    return table.sort_values(["deadline", "indicator", "scope"]).reset_index(drop=True)


#: Concepts whose share indicators describe online public services (supply) and their use (dossiers).
ONLINE_SERVICE_CONCEPTS: tuple[str, ...] = ("online_service_level4", "online_dossier_use")


def share_definitions(
    observations: pd.DataFrame,
    indicators: pd.DataFrame,
    scope: str = "national",
    concepts: tuple[str, ...] = ONLINE_SERVICE_CONCEPTS,
) -> list[str]:
    """Share indicators of ``concepts`` with at least one actual figure at ``scope``, oldest first.

    ``indicators`` is the registry indexed by id. Each id is one definition: callers plot them as
    separate series and never join them.
    """
    registry = indicators[indicators["concept"].isin(concepts) & (indicators["measure"] == "share")]
    actual = observations[
        observations["indicator"].isin(registry.index)
        & (observations["scope"] == scope)
        & (observations["kind"] == "actual")
    ]
    first_seen = actual.groupby("indicator")["date"].min().sort_values(kind="mergesort")
    return list(first_seen.index)
