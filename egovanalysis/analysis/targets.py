"""Targets against actuals: what was promised, by when, and what was reported at the deadline."""

from __future__ import annotations

import pandas as pd

from egovanalysis.forecasting.probabilities import target_met

#: Qualifiers of a target meaning "lower is better" (a rank "top 70" is ``at_most`` 70).
_LOWER_IS_BETTER = {"at_most", "less_than"}


def target_table(
    observations: pd.DataFrame,
    indicators: list[str],
    *,
    tolerance_days: int = 92,
) -> pd.DataFrame:
    """One row per distinct target (indicator, scope, deadline, value) with what was reported around it.

    Only a figure of the *same indicator and scope* dated on or before the deadline (at most
    ``tolerance_days`` before it; the latest wins) can say whether the target was met; a figure of
    another definition is never used. When the nearest figure comes after the deadline it is shown as
    context (``when`` = ``after deadline``) and ``met`` stays NA, since it does not say where the series
    stood at the deadline. ``gap`` is actual minus target (for a "lower is better" target such as a rank,
    a negative gap is good). Reprints of the same target are merged and their sources listed together.
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
        offset = (candidates["date"] - target["deadline"]).dt.days
        near = candidates[offset.abs() <= tolerance_days].assign(offset=offset)
        before = near[near["offset"] <= 0].sort_values(["offset", "figure_id"], ascending=[False, True])
        after = near[near["offset"] > 0].sort_values(["offset", "figure_id"])
        lower_is_better = target["qualifier"] in _LOWER_IS_BETTER
        record = {
            **target,
            "direction": "at most" if lower_is_better else "at least",
            "actual": float("nan"),
            "actual_date": pd.NaT,
            "when": "no figure near the deadline",
            "actual_qualifier": None,
            "actual_source": None,
            "gap": float("nan"),
            "met": pd.NA,
        }
        chosen = before if not before.empty else after
        if not chosen.empty:
            best = chosen.iloc[0]
            record.update(
                actual=best["value"],
                actual_date=best["date"],
                when="by the deadline" if not before.empty else "after the deadline",
                actual_qualifier=best["qualifier"],
                actual_source=best["source_id"],
                gap=best["value"] - target["target"],
            )
            if not before.empty:
                qualifier = "" if pd.isna(best["qualifier"]) else str(best["qualifier"])
                direction = "at_most" if lower_is_better else "at_least"
                met = target_met(best["value"], qualifier, target["target"], direction)
                record["met"] = pd.NA if met is None else met
        records.append(record)
    columns = [
        "indicator",
        "scope",
        "deadline",
        "target",
        "direction",
        "actual",
        "actual_date",
        "when",
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


def target_summary(table: pd.DataFrame) -> str:
    """Plain sentences on a :func:`target_table`: how many targets were met, missed or cannot be judged."""
    decided = table[table["met"].notna()]
    lines = [
        f"{len(table)} targets: {int(decided['met'].sum())} met and {int((~decided['met']).sum())} missed by "
        f"their deadline; {len(table) - len(decided)} cannot be judged from the data."
    ]
    for row in table.itertuples():
        head = f"- {row.indicator} ({row.scope}): {row.direction} {row.target:g} by {row.deadline:%d %b %Y}"
        if pd.isna(row.actual):
            lines.append(f"{head}: no figure of the same definition near the deadline.")
        elif row.when == "after the deadline":
            lines.append(
                f"{head}: not known at the deadline; the next figure, {row.actual:g} on "
                f"{row.actual_date:%d %b %Y}, was reported after it."
            )
        elif pd.isna(row.met):
            lines.append(f"{head}: reported {row.actual:g} ({row.actual_qualifier}), too close to call.")
        else:
            verdict = "met" if row.met else "missed"
            lines.append(
                f"{head}: {verdict}, reported {row.actual:g} on {row.actual_date:%d %b %Y} ({row.gap:+.2f})."
            )
    return "\n".join(lines)


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
