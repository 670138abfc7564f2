"""Rules every stage shares, each written once: every other module imports them from here.

* **Qualifiers** ("more than 468,000", "nearly 6,800", "about 31 %"): which qualifiers exist, which make a
  figure a floor or a ceiling, which make it approximate, and the bounds they imply (:func:`bounds`).
* **Several reports, one snapshot** (:func:`collapse_reports`): reports of one indicator and scope on the
  same date are combined into the median of their values; a report repeating the previous snapshot's value
  (within :data:`SNAPSHOT_REL_TOL`) within :data:`SNAPSHOT_WINDOW_DAYS` days is that snapshot reported again
  and counts once, at its first date. The portal notebook and the forecasts both build their series this
  way, so they show the same points.
* **Targets at their deadline**: a figure dated at most :data:`DEADLINE_TOLERANCE_DAYS` before a deadline
  can decide a target; an approximate figure within :data:`APPROX_MARGIN` of the target cannot.
* **Ranks of the UN E-Government Survey**: the number of member states (:data:`UN_MEMBER_STATES`), a survey
  every :data:`SURVEY_EVERY_YEARS` years, and rank <-> percentile (:func:`rank_to_percentile`).
* **The country followed by default** (:data:`FOCUS_COUNTRY`); every analysis takes the country as a
  parameter.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from egovanalysis.errors import ForecastError

# --------------------------------------------------------------------------------------------------------
# Qualifiers
# --------------------------------------------------------------------------------------------------------

#: Every qualifier a figure may carry, as stored in ``observations.csv`` (empty = an exact figure).
QUALIFIERS: tuple[str, ...] = ("more_than", "less_than", "at_least", "at_most", "about", "nearly")
#: The figure is a floor: the true value is above ("more_than") or at least ("at_least") it.
LOWER_BOUND_QUALIFIERS: frozenset[str] = frozenset({"more_than", "at_least"})
#: The figure is a ceiling: the true value is below it ("less_than", and "nearly": a little under it).
UPPER_BOUND_QUALIFIERS: frozenset[str] = frozenset({"less_than", "at_most", "nearly"})
#: Bounds that exclude the figure itself ("more than 5" is not 5).
STRICT_QUALIFIERS: frozenset[str] = frozenset({"more_than", "less_than"})
#: The figure is approximate: "about x" (either side) and "nearly x" (a little under x).
APPROXIMATE_QUALIFIERS: frozenset[str] = frozenset({"about", "nearly"})
#: Qualifiers that make a figure a bound rather than a value (what the audit counts as "bounds").
BOUND_QUALIFIERS: frozenset[str] = LOWER_BOUND_QUALIFIERS | UPPER_BOUND_QUALIFIERS
#: Plain words for each qualifier, for tables and sentences.
QUALIFIER_WORDS: dict[str, str] = {
    "more_than": "more than",
    "less_than": "less than",
    "at_least": "at least",
    "at_most": "at most",
    "about": "about",
    "nearly": "nearly",
}


def qualifier_set(qualifier: Any) -> frozenset[str]:
    """The qualifiers of a figure or of a combined snapshot (``"more_than|about"``); empty when exact."""
    if qualifier is None or qualifier is pd.NA or (isinstance(qualifier, float) and math.isnan(qualifier)):
        return frozenset()
    return frozenset(part for part in str(qualifier).split("|") if part)


def bounds(value: float, qualifier: str | None) -> tuple[float | None, float | None]:
    """``(lower, upper)`` implied by a qualified figure; ``None`` where unbounded.

    Floors (:data:`LOWER_BOUND_QUALIFIERS`) set ``lower``, ceilings (:data:`UPPER_BOUND_QUALIFIERS`)
    set ``upper``; "about" and an exact figure leave both ``None``.
    """
    if qualifier in LOWER_BOUND_QUALIFIERS:
        return value, None
    if qualifier in UPPER_BOUND_QUALIFIERS:
        return None, value
    return None, None


#: Each hard bound and its mirror image: ``x > t`` is ``-x < -t``. Approximate qualifiers have none.
MIRRORED_QUALIFIER: dict[str, str] = {
    "more_than": "less_than",
    "less_than": "more_than",
    "at_least": "at_most",
    "at_most": "at_least",
}


def mirror_qualifier(qualifier: str) -> str:
    """The qualifier of the negated figure (``more_than`` -> ``less_than``); others are unchanged."""
    return MIRRORED_QUALIFIER.get(qualifier, qualifier)


def is_floor(qualifier: Any) -> bool:
    """Whether a (possibly combined) qualifier makes the figure a floor, e.g. for chart markers."""
    return bool(qualifier_set(qualifier) & LOWER_BOUND_QUALIFIERS)


# --------------------------------------------------------------------------------------------------------
# Several reports, one snapshot
# --------------------------------------------------------------------------------------------------------

#: Reports this close in time (days) and value are one snapshot reported twice: e.g. 412,000 accounts on
#: 24 Dec 2020 (one source) and "more than 412,000" on 31 Dec 2020 (another). Counting both would fake a
#: plateau in a chart and shrink a forecast's intervals. The audit compares stocks within the same window.
SNAPSHOT_WINDOW_DAYS = 10
#: Relative difference below which two values are "the same value".
SNAPSHOT_REL_TOL = 0.005

SAME_DATE_RULE = "reports of the same date are combined into the median of their values"
SNAPSHOT_RULE = (
    f"{SAME_DATE_RULE}, their qualifiers kept (joined with '|' when they differ); a report repeating the "
    f"previous snapshot's value within {SNAPSHOT_WINDOW_DAYS} days is that snapshot reported again and "
    "counts once, at its first date"
)


def same_value(a: float, b: float, rel_tol: float = SNAPSHOT_REL_TOL) -> bool:
    """Whether two reported values agree within ``rel_tol`` of the larger one."""
    return abs(a - b) <= rel_tol * max(abs(a), abs(b), 1e-12)


def collapse_reports(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per snapshot from the reports of one indicator and scope (see :data:`SNAPSHOT_RULE`).

    ``rows`` needs ``date`` and ``value`` (``qualifier``, ``source_id`` and ``figure_id`` are kept when
    present). Returns, sorted by date: ``date, value, qualifier, n_reports, source_ids, figure_ids,
    repeated_on`` where ``qualifier`` joins the distinct qualifiers of the date's reports with ``|``,
    ``source_ids``/``figure_ids`` join those of every report folded into the snapshot (repeats included),
    and ``repeated_on`` lists the later dates on which the snapshot was reported again. Rows whose value
    is not finite are ignored.
    """
    frame = pd.DataFrame({
        "date": pd.to_datetime(rows["date"]).to_numpy(),
        "value": pd.to_numeric(rows["value"]).to_numpy(dtype=float),
        "qualifier": _text_column(rows, "qualifier"),
        "source_id": _text_column(rows, "source_id"),
        "figure_id": _text_column(rows, "figure_id"),
    })
    frame = frame[np.isfinite(frame["value"].to_numpy())]
    out: list[dict[str, Any]] = []
    for date, group in frame.groupby("date", sort=True):
        value = float(group["value"].median())
        record = {
            "date": date,
            "value": value,
            "qualifier": _joined(group["qualifier"]),
            "n_reports": len(group),
            "source_ids": _joined(group["source_id"], keep_order=True),
            "figure_ids": _joined(group["figure_id"], keep_order=True),
            "repeated_on": "",
        }
        previous = out[-1] if out else None
        if (
            previous is not None
            and (date - previous["date"]).days <= SNAPSHOT_WINDOW_DAYS
            and same_value(value, previous["value"])
        ):
            previous["n_reports"] += len(group)
            previous["repeated_on"] = _joined(pd.Series([previous["repeated_on"], f"{date:%Y-%m-%d}"]))
            previous["source_ids"] = _joined(pd.Series([previous["source_ids"], record["source_ids"]]),
                                             keep_order=True)
            previous["figure_ids"] = _joined(pd.Series([previous["figure_ids"], record["figure_ids"]]),
                                             keep_order=True)
            continue
        out.append(record)
    columns = ["date", "value", "qualifier", "n_reports", "source_ids", "figure_ids", "repeated_on"]
    result = pd.DataFrame(out, columns=columns)
    result["date"] = pd.to_datetime(result["date"])
    return result


def _text_column(rows: pd.DataFrame, column: str) -> list[str]:
    if column not in rows.columns:
        return [""] * len(rows)
    return ["" if pd.isna(value) else str(value).strip() for value in rows[column]]


def _joined(values: pd.Series, keep_order: bool = False) -> str:
    parts = [part for value in values for part in str(value).split("|") if part]
    unique = list(dict.fromkeys(parts)) if keep_order else sorted(set(parts))
    return "|".join(unique)


# --------------------------------------------------------------------------------------------------------
# Targets at their deadline
# --------------------------------------------------------------------------------------------------------

#: A figure dated on or before a deadline, at most this many days (about a quarter) before it, can say
#: whether the target was met; a figure dated after the deadline never decides it.
DEADLINE_TOLERANCE_DAYS = 92
#: An "about"/"nearly" figure within this fraction of the target (relative) cannot settle it: "about 31 %"
#: against a 30 % target is left open.
APPROX_MARGIN = 0.05

# --------------------------------------------------------------------------------------------------------
# The UN E-Government Survey
# --------------------------------------------------------------------------------------------------------

#: UN member states, all ranked by the E-Government Survey since 2014 (173 to 190 were ranked before).
UN_MEMBER_STATES = 193
#: Years between two surveys (2020, 2022, 2024, ...; each released around July).
SURVEY_EVERY_YEARS = 2
#: The country whose national figures ``reported_figures.csv`` holds (its targets, its portal, its press
#: ranks), and so the country the notebooks follow by default (ISO 3166 alpha-3). Every analysis takes
#: the country as a parameter; for another country the reported figures do not apply.
FOCUS_COUNTRY = "VNM"


def rank_to_percentile(rank: Any, n: Any) -> Any:
    """Percentile of a rank among ``n`` ranked countries: ``100 * (n - rank) / (n - 1)``.

    The share of the *other* ranked countries beaten: 100 is first, 0 is last. Works on scalars and arrays
    (NaN stays NaN). Raises :class:`~egovanalysis.errors.ForecastError` for ``n < 2`` or a rank outside
    ``1..n``.
    """
    rank_a = np.asarray(rank, dtype=float)
    n_a = np.asarray(n, dtype=float)
    if np.any(n_a < 2):
        raise ForecastError("a percentile needs at least 2 ranked countries (n >= 2)")
    if np.any((rank_a < 1) | (rank_a > n_a)):
        raise ForecastError(f"rank outside 1..n (rank {rank!r}, n {n!r}): check the rank and the survey's n")
    out = 100.0 * (n_a - rank_a) / (n_a - 1.0)
    return float(out) if out.ndim == 0 else out


def percentile_to_rank(pct: Any, n: Any) -> Any:
    """Rank among ``n`` countries of a percentile (inverse of :func:`rank_to_percentile`), clipped to 1..n.

    The result is a real number (a central forecast of a rank need not be whole); round it for display.
    """
    pct_a = np.clip(np.asarray(pct, dtype=float), 0.0, 100.0)
    n_a = np.asarray(n, dtype=float)
    out = np.clip(n_a - pct_a * (n_a - 1.0) / 100.0, 1.0, n_a)
    return float(out) if out.ndim == 0 else out

