"""Targets at their deadlines: was a target met, judged from the figures dated by its deadline only.

One judgement serves every notebook: :func:`target_met` reads one (possibly qualified) figure against a
target, :func:`deadline_outcome` picks the figure that decides a target (the latest dated on or before the
deadline, at most :data:`~egovanalysis.conventions.DEADLINE_TOLERANCE_DAYS` before it) and returns a
:class:`TargetVerdict`. The online-services notebook (:func:`target_table`) and the forecasts both call it.

A figure dated after the deadline never decides: it says where the value stood later, not at the deadline
(a share reported at 31 % three months after a 30 % deadline may have been below 30 % at the deadline).
It is kept as context (``later_*``) and the verdict is then "not known at the deadline".
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from egovanalysis.conventions import (
    APPROX_MARGIN,
    APPROXIMATE_QUALIFIERS,
    DEADLINE_TOLERANCE_DAYS,
    LOWER_BOUND_QUALIFIERS,
    UPPER_BOUND_QUALIFIERS,
    collapse_reports,
    mirror_qualifier,
    qualifier_set,
)
from egovanalysis.errors import ForecastError

__all__ = [
    "DIRECTIONS",
    "DeadlineOutcome",
    "TargetVerdict",
    "deadline_outcome",
    "qualifier_on",
    "share_definitions",
    "snapshot_series",
    "target_direction",
    "target_met",
    "target_table",
]

#: ``at_least``: met when the value reaches the target (counts, shares); ``at_most``: met when the value is
#: at or below it (a rank: "top 70" is met by rank 70 or better).
DIRECTIONS: tuple[str, ...] = ("at_least", "at_most")


class TargetVerdict(enum.StrEnum):
    """What the figures dated by a deadline say about a target. Sentences are generated from these."""

    MET = "met"
    MISSED = "missed"
    #: The deciding figure is a bound that leaves it open, or an approximate figure too close to the target.
    TOO_CLOSE = "too close to call"
    #: No figure on or before the deadline within the tolerance; one came after it (context only).
    NOT_KNOWN_AT_DEADLINE = "not known at the deadline"
    #: No figure of the same definition and scope near the deadline at all.
    NO_FIGURE = "no figure near the deadline"

    @property
    def met(self) -> bool | None:
        """True/False when decided, None otherwise."""
        return {TargetVerdict.MET: True, TargetVerdict.MISSED: False}.get(self)


def target_direction(qualifier: Any) -> str:
    """A target's direction from its qualifier: "top 70" (``at_most``) or "less than 10 %" is met at or
    below the value; every other target at or above it."""
    return "at_most" if qualifier_set(qualifier) & {"at_most", "less_than"} else "at_least"


def _check_direction(direction: str) -> None:
    if direction not in DIRECTIONS:
        raise ForecastError(f"direction must be one of {DIRECTIONS}, not {direction!r}")


def target_met(value: float, qualifier: Any, target: float, direction: str, *,
               approx_margin: float = APPROX_MARGIN) -> bool | None:
    """Whether a (possibly qualified) figure shows the target met: True, False, or None when it cannot tell.

    A lower bound ("more than x", "at least x") proves an ``at_least`` target met when x reaches it and
    leaves it open otherwise; an upper bound ("less than x", "at most x") proves it missed when x is below
    it. ``at_most`` targets mirror this. Plain figures are taken at face value. An approximate figure
    ("about x", "nearly x") within ``approx_margin`` of the target (relative to the target's value) cannot
    settle it (None); further away it is taken at face value. "Nearly x" is read as a little *below* x, so
    "nearly x" with x at or below the target settles it (an ``at_least`` target missed, an ``at_most``
    target met).
    """
    _check_direction(direction)
    quals = set(qualifier_set(qualifier))
    hard_bounds = (LOWER_BOUND_QUALIFIERS | UPPER_BOUND_QUALIFIERS) - APPROXIMATE_QUALIFIERS
    if quals & APPROXIMATE_QUALIFIERS and not quals & hard_bounds:
        if quals & APPROXIMATE_QUALIFIERS == {"nearly"} and value <= target:
            return direction == "at_most"  # the value is a little under x <= target
        if abs(value - target) <= approx_margin * abs(target):
            return None
        return bool(value >= target) if direction == "at_least" else bool(value <= target)
    if direction == "at_most":
        # Mirror: an at_most target on x is an at_least target on -x, with the bounds swapped.
        return target_met(-value, "|".join(mirror_qualifier(q) for q in quals), -target, "at_least",
                          approx_margin=approx_margin)
    lower = bool(quals & LOWER_BOUND_QUALIFIERS)
    strict_upper, weak_upper = "less_than" in quals, "at_most" in quals
    if lower and (strict_upper or weak_upper):
        return None
    if lower:  # value > x (or >= x)
        return True if value >= target else None
    if strict_upper:  # value < x
        return False if value <= target else None
    if weak_upper:  # value <= x
        return False if value < target else None
    return bool(value >= target)


@dataclass(frozen=True)
class DeadlineOutcome:
    """What the actuals say about a target at its deadline (see :func:`deadline_outcome`).

    ``date``/``value``/``qualifier``/``offset_days`` describe the deciding figure: the latest actual dated on
    or before the deadline within the tolerance (``None`` when there is none; ``offset_days`` <= 0).
    ``later_*`` describe the first actual *after* the deadline within the tolerance: context only.
    """

    verdict: TargetVerdict
    date: pd.Timestamp | None
    value: float | None
    qualifier: str
    offset_days: int | None
    later_date: pd.Timestamp | None = None
    later_value: float | None = None
    later_qualifier: str = ""

    @property
    def met(self) -> bool | None:
        """True/False when the deciding figure settles the target, None otherwise."""
        return self.verdict.met


def snapshot_series(snapshots: pd.DataFrame) -> pd.Series:
    """A date-indexed value series from :func:`~egovanalysis.conventions.collapse_reports` rows, with the
    qualifier of each date in ``attrs["qualifiers"]`` (``YYYY-MM-DD`` -> qualifier), as forecasts carry it."""
    series = pd.Series(snapshots["value"].to_numpy(dtype=float),
                       index=pd.DatetimeIndex(snapshots["date"], name="date"), name="value")
    series.attrs["qualifiers"] = {
        f"{date:%Y-%m-%d}": str(qualifier)
        for date, qualifier in zip(snapshots["date"], snapshots["qualifier"], strict=True) if qualifier
    }
    return series


def qualifier_on(series: pd.Series, date: pd.Timestamp) -> str:
    """The qualifier a series carries for ``date`` (``attrs["qualifiers"]``); empty when exact."""
    return str((series.attrs.get("qualifiers") or {}).get(pd.Timestamp(date).strftime("%Y-%m-%d"), ""))


def deadline_outcome(
    series: pd.Series,
    target_value: float,
    deadline: Any,
    *,
    direction: str,
    tolerance_days: int = DEADLINE_TOLERANCE_DAYS,
    approx_margin: float = APPROX_MARGIN,
) -> DeadlineOutcome:
    """Whether the actuals show a target met by its deadline, from figures dated on or before it only.

    ``series`` holds one value per date (e.g. :func:`snapshot_series`), with qualifiers in
    ``attrs["qualifiers"]``. The deciding figure is the latest dated on or before ``deadline`` and at most
    ``tolerance_days`` before it, judged by :func:`target_met`. The first figure after the deadline within
    the tolerance is returned as context (``later_*``); it never decides.
    """
    _check_direction(direction)
    deadline = pd.Timestamp(deadline)
    index = pd.DatetimeIndex(series.index)
    offsets = np.asarray((index - deadline) / pd.Timedelta(days=1), dtype=float)
    before = np.flatnonzero((offsets <= 0) & (offsets >= -tolerance_days))
    after = np.flatnonzero((offsets > 0) & (offsets <= tolerance_days))
    later: dict[str, Any] = {}
    if len(after):
        first = int(after[np.argmin(offsets[after])])
        later = {"later_date": index[first], "later_value": float(series.iloc[first]),
                 "later_qualifier": qualifier_on(series, index[first])}
    if not len(before):
        verdict = TargetVerdict.NOT_KNOWN_AT_DEADLINE if later else TargetVerdict.NO_FIGURE
        return DeadlineOutcome(verdict, None, None, "", None, **later)
    best = int(before[np.argmax(offsets[before])])
    date = index[best]
    value = float(series.iloc[best])
    qualifier = qualifier_on(series, date)
    met = target_met(value, qualifier, float(target_value), direction, approx_margin=approx_margin)
    verdict = {True: TargetVerdict.MET, False: TargetVerdict.MISSED, None: TargetVerdict.TOO_CLOSE}[met]
    return DeadlineOutcome(verdict, date, value, qualifier, int(offsets[best]), **later)


def target_table(
    observations: pd.DataFrame,
    indicators: list[str],
    *,
    tolerance_days: int = DEADLINE_TOLERANCE_DAYS,
) -> pd.DataFrame:
    """One row per distinct target (indicator, scope, deadline, value) with what was reported around it.

    Only figures of the *same indicator and scope* are used, collapsed into snapshots
    (:func:`~egovanalysis.conventions.collapse_reports`), and judged by :func:`deadline_outcome`. ``actual``
    is the deciding figure, or, when there is none, the first figure after the deadline (context only:
    ``verdict`` is then "not known at the deadline"). ``gap`` is actual minus target (for an ``at_most``
    target such as a rank, a negative gap is good). Reprints of the same target are merged and their
    sources listed together.
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
        own = actuals[(actuals["indicator"] == target["indicator"]) & (actuals["scope"] == target["scope"])]
        snapshots = collapse_reports(own)
        direction = target_direction(target["qualifier"])
        outcome = deadline_outcome(snapshot_series(snapshots), target["target"], target["deadline"],
                                   direction=direction, tolerance_days=tolerance_days)
        shown_date = outcome.date if outcome.date is not None else outcome.later_date
        shown = snapshots[snapshots["date"] == shown_date].iloc[0] if shown_date is not None else None
        records.append({
            **target,
            "direction": direction.replace("_", " "),
            "actual": float("nan") if shown is None else float(shown["value"]),
            "actual_date": pd.NaT if shown is None else shown["date"],
            "gap": float("nan") if shown is None else float(shown["value"]) - target["target"],
            "verdict": outcome.verdict,
            "met": pd.NA if outcome.met is None else outcome.met,
            "actual_source": None if shown is None else shown["source_ids"].replace("|", "; "),
            "actual_qualifier": None if shown is None else (shown["qualifier"] or None),
        })
    columns = ["indicator", "scope", "deadline", "target", "direction", "actual", "actual_date", "gap",
               "verdict", "met", "sources", "actual_source", "figures", "actual_qualifier"]
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
