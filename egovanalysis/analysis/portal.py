"""National Public Service Portal adoption: cumulative snapshots, implied growth, value per payment."""

from __future__ import annotations

import numpy as np
import pandas as pd

from egovanalysis.conventions import collapse_reports
from egovanalysis.errors import SelectionError

#: Cumulative portal indicators, with a label for charts.
PORTAL_METRICS: dict[str, str] = {
    "portal_accounts": "registered accounts",
    "portal_visits": "visits",
    "portal_dossiers_synced": "dossiers synchronised",
    "portal_dossiers_processed": "dossiers processed online",
    "portal_payments": "online payments",
    "portal_payment_value_vnd": "value of online payments (VND)",
}

#: Launch date of the National Public Service Portal.
PORTAL_LAUNCH = pd.Timestamp("2019-12-09")


def _national_actuals(
    observations: pd.DataFrame,
    indicators: list[str],
    start: str | pd.Timestamp | None,
    end: str | pd.Timestamp | None,
) -> pd.DataFrame:
    """National, actual rows of ``indicators`` dated within ``start``..``end`` (both optional, inclusive)."""
    rows = observations[
        observations["indicator"].isin(indicators)
        & (observations["scope"] == "national")
        & (observations["kind"] == "actual")
    ]
    if start is not None:
        rows = rows[rows["date"] >= pd.Timestamp(start)]
    if end is not None:
        rows = rows[rows["date"] <= pd.Timestamp(end)]
    return rows


def snapshots(
    observations: pd.DataFrame,
    metrics: list[str],
    start: str | pd.Timestamp | None = None,
    end: str | pd.Timestamp | None = None,
) -> pd.DataFrame:
    """National, actual snapshots of the given cumulative metrics between ``start`` and ``end``.

    Reports are collapsed into snapshots by the project's one rule
    (:func:`~egovanalysis.conventions.collapse_reports`): several reports of one date become their median,
    and a report repeating the previous value within a few days is the same snapshot, counted once at
    its first date. The forecasts build their series the same way, so both show the same points.
    Columns: ``indicator, date, value, qualifier, n_reports, source_ids, figure_ids, repeated_on``.
    """
    unknown = sorted(set(metrics) - set(PORTAL_METRICS))
    if unknown:
        raise SelectionError(f"unknown portal metric(s) {unknown}; choose from {sorted(PORTAL_METRICS)}")
    rows = _national_actuals(observations, metrics, start, end)
    frames = [collapse_reports(group).assign(indicator=indicator)
              for indicator, group in rows.groupby("indicator", sort=True)]
    columns = ["indicator", "date", "value", "qualifier", "n_reports", "source_ids", "figure_ids",
               "repeated_on"]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]


def implied_growth(snapshot_rows: pd.DataFrame) -> pd.DataFrame:
    """Average growth implied between consecutive snapshots of each metric.

    ``per_day`` is the absolute increase per day; ``daily_growth_%`` the constant daily rate that turns
    the first value into the second, ``100 * ((v2 / v1) ** (1 / days) - 1)``. Both are averages over the
    interval, not daily observations.
    """
    frames = []
    for indicator, group in snapshot_rows.sort_values("date").groupby("indicator", sort=True):
        previous = group.shift(1)
        days = (group["date"] - previous["date"]).dt.days
        frame = pd.DataFrame(
            {
                "indicator": indicator,
                "from": previous["date"].dt.date,
                "to": group["date"].dt.date,
                "days": days,
                "value_from": previous["value"],
                "value_to": group["value"],
            }
        ).dropna(subset=["days"])
        frame["days"] = frame["days"].astype(int)
        frame["per_day"] = (frame["value_to"] - frame["value_from"]) / frame["days"]
        ratio = frame["value_to"] / frame["value_from"]
        frame["daily_growth_%"] = 100 * (np.power(ratio, 1 / frame["days"]) - 1)
        frames.append(frame)
    if not frames:
        return pd.DataFrame(
            columns=["indicator", "from", "to", "days", "value_from", "value_to", "per_day", "daily_growth_%"]
        )
    return pd.concat(frames, ignore_index=True)


def growth_multiples(snapshot_rows: pd.DataFrame) -> pd.DataFrame:
    """For each metric: first and latest snapshot and how many times the latest is the first."""
    ordered = snapshot_rows.sort_values("date")
    first = ordered.groupby("indicator").first()
    last = ordered.groupby("indicator").last()
    table = pd.DataFrame(
        {
            "first_date": first["date"].dt.date,
            "first_value": first["value"],
            "latest_date": last["date"].dt.date,
            "latest_value": last["value"],
        }
    )
    table["multiple"] = table["latest_value"] / table["first_value"]
    table["years"] = (
        pd.to_datetime(table["latest_date"]) - pd.to_datetime(table["first_date"])
    ).dt.days / 365.25
    return table


def value_per_payment(observations: pd.DataFrame) -> pd.DataFrame:
    """Average value of an online payment where a count and a value are reported for the same date
    (and, for flows, the same period).

    Uses the cumulative pair (``portal_payments``, ``portal_payment_value_vnd``) and the in-period pair
    (``portal_payments_in_period``, ``portal_payment_value_vnd_in_period``); never mixes the two, and
    never divides a value by a count of another period.
    """
    pairs = {
        "cumulative": ("portal_payments", "portal_payment_value_vnd"),
        "in period": ("portal_payments_in_period", "portal_payment_value_vnd_in_period"),
    }
    national = observations[(observations["scope"] == "national") & (observations["kind"] == "actual")]
    frames = []
    for basis, (count_id, value_id) in pairs.items():
        keys = ["period_start", "date"]
        counts = national.loc[national["indicator"] == count_id, [*keys, "value", "source_id"]]
        values = national.loc[national["indicator"] == value_id, [*keys, "value", "source_id"]]
        joined = counts.merge(values, on=keys, how="inner", suffixes=("_count", "_value"))
        if joined.empty:
            continue
        joined = joined.rename(columns={"value_count": "payments", "value_value": "value_vnd"})
        joined["vnd_per_payment"] = joined["value_vnd"] / joined["payments"]
        joined["basis"] = basis
        frames.append(joined)
    columns = [
        "period_start",
        "date",
        "basis",
        "payments",
        "value_vnd",
        "vnd_per_payment",
        "source_id_count",
        "source_id_value",
    ]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns].sort_values(["date", "basis"]).reset_index(drop=True)


#: Portal flows: counts reported for a period (a month, a half-year), not since the launch.
PORTAL_FLOWS: dict[str, str] = {
    "portal_accounts_in_period": "accounts registered",
    "portal_visits_in_period": "visits",
    "portal_dossiers_synced_in_period": "dossiers synchronised",
    "portal_dossiers_processed_in_period": "dossiers processed online",
    "portal_payments_in_period": "online payments",
    "portal_payment_value_vnd_in_period": "value of online payments (VND)",
}


def flows_of(metrics: list[str]) -> list[str]:
    """The period flows counting what the cumulative ``metrics`` count, in ``PORTAL_FLOWS`` order."""
    wanted = {f"{metric}_in_period" for metric in metrics}
    return [flow for flow in PORTAL_FLOWS if flow in wanted]


def flow_rates(
    observations: pd.DataFrame,
    flows: list[str] | None = None,
    start: str | pd.Timestamp | None = None,
    end: str | pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Portal flows of different periods made comparable: each report's period and its daily average.

    A flow reported for "August alone" (27 days), "July and August" (62 days) or "the first half of 2022"
    (181 days) cannot be compared as reported; per day it can. ``days`` counts both ends of the period
    (``period_start`` to ``date``). ``start`` and ``end`` select reports by their ``date``, as
    :func:`snapshots` does. Columns: ``indicator, period_start, date, days, value, per_day, qualifier,
    source_id``.
    """
    wanted = list(PORTAL_FLOWS) if flows is None else flows
    unknown = sorted(set(wanted) - set(PORTAL_FLOWS))
    if unknown:
        raise SelectionError(f"unknown portal flow(s) {unknown}; choose from {sorted(PORTAL_FLOWS)}")
    rows = _national_actuals(observations, wanted, start, end).sort_values(
        ["indicator", "date", "period_start", "figure_id"]
    )
    days = (rows["date"] - rows["period_start"]).dt.days + 1
    table = rows.assign(days=days, per_day=rows["value"] / days)
    columns = ["indicator", "period_start", "date", "days", "value", "per_day", "qualifier", "source_id"]
    return table[columns].reset_index(drop=True)
