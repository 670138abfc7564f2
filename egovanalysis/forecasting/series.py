"""Building the series a forecast is fitted on: one value per snapshot, dated, with what was assumed.

Two kinds of input:

* **Reported figures** (``observations.csv``): :func:`series_for` keeps one indicator's actual values at one
  scope, folds reports of one snapshot into one value by the project's rule
  (:func:`~egovanalysis.conventions.collapse_reports`) and keeps the qualifiers ("more than 468,000") beside
  the values, with how they are treated (:data:`QUALIFIER_TREATMENT`).
* **The UN E-Government Survey panel** (``egdi.csv``): :func:`egdi_rank_series` gives a country's rank per
  survey with the number of countries ranked; :func:`egdi_percentile_series` the same survey as a percentile
  (:func:`~egovanalysis.conventions.rank_to_percentile`), the scale the rank is forecast on, because the
  number of countries ranked changed (173 in 2003, 193 since 2014).

Every series carries ``attrs``: ``indicator, unit, scope, measure, qualifiers, n_reports, repeats,
qualifier_treatment, conflict_rule`` (and ``n_ranked``/``ranks`` for the survey).

**Time** is measured in years (days / 365.25, :func:`years_between`) from the first observation.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from egovanalysis.conventions import (
    APPROXIMATE_QUALIFIERS,
    LOWER_BOUND_QUALIFIERS,
    QUALIFIERS,
    SNAPSHOT_RULE,
    UPPER_BOUND_QUALIFIERS,
    collapse_reports,
    rank_to_percentile,
)
from egovanalysis.errors import ForecastError, SelectionError

__all__ = [
    "DAYS_PER_YEAR",
    "EGDI_INDICATOR",
    "MIN_SERIES_POINTS",
    "QUALIFIER_TREATMENT",
    "coerce",
    "egdi_percentile_series",
    "egdi_rank_series",
    "n_ranked_values",
    "series_for",
    "up_to",
    "years_between",
]

DAYS_PER_YEAR = 365.25
#: Fewest dated values any model is fitted on.
MIN_SERIES_POINTS = 3
#: The indicator id of the UN E-Government Survey rank: forecast from the panel, not from press figures.
EGDI_INDICATOR = "un_egdi_rank"

def _listed(qualifiers: frozenset[str]) -> str:
    return ", ".join(q for q in QUALIFIERS if q in qualifiers)


QUALIFIER_TREATMENT = (
    "qualified figures are fitted as point values at their stated figure: lower bounds "
    f"({_listed(LOWER_BOUND_QUALIFIERS)}) bias the fitted level down slightly, upper bounds "
    f"({_listed(UPPER_BOUND_QUALIFIERS - APPROXIMATE_QUALIFIERS)}) bias it up, and "
    f"{'/'.join(q for q in QUALIFIERS if q in APPROXIMATE_QUALIFIERS)} are taken at face value"
)


def years_between(start: pd.Timestamp, dates: Any) -> np.ndarray:
    """Decimal years (days / 365.25) from ``start`` to each of ``dates``."""
    idx = pd.DatetimeIndex(pd.to_datetime(dates))
    return np.asarray((idx - pd.Timestamp(start)) / pd.Timedelta(days=1), dtype=float) / DAYS_PER_YEAR


def _clean_qualifier(value: Any) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def _combine_rows(dates: pd.DatetimeIndex, values: np.ndarray, qualifiers: Sequence[str]) -> pd.Series:
    """One value per snapshot, by the project's one rule (:data:`~egovanalysis.conventions.SNAPSHOT_RULE`)."""
    rows = pd.DataFrame({"date": dates, "value": values, "qualifier": list(qualifiers)})
    snapshots = collapse_reports(rows)
    series = pd.Series(snapshots["value"].to_numpy(dtype=float),
                       index=pd.DatetimeIndex(snapshots["date"], name="date"), name="value")
    days = [f"{d:%Y-%m-%d}" for d in snapshots["date"]]
    series.attrs["qualifiers"] = {d: q for d, q in zip(days, snapshots["qualifier"], strict=True) if q}
    series.attrs["n_reports"] = {d: int(n) for d, n in zip(days, snapshots["n_reports"], strict=True)
                                 if n > 1}
    series.attrs["repeats"] = {later: d for d, repeated in zip(days, snapshots["repeated_on"], strict=True)
                               for later in repeated.split("|") if later}
    series.attrs["qualifier_treatment"] = QUALIFIER_TREATMENT
    series.attrs["conflict_rule"] = SNAPSHOT_RULE
    return series


def _single(frame: pd.DataFrame, column: str, what: str) -> str | None:
    if column not in frame.columns:
        return None
    found = sorted({str(v) for v in frame[column].dropna().unique()})
    if len(found) > 1:
        raise ForecastError(
            f"mixed definitions: the rows hold {len(found)} {what}s ({', '.join(found)}); different {what}s "
            f"must never be spliced into one series. Select one {what} first (e.g. with series_for)"
        )
    return found[0] if found else None


def _series_from_rows(rows: pd.DataFrame) -> pd.Series:
    """A series from observation rows that must all share one indicator, unit and scope."""
    if "kind" in rows.columns:
        kinds = {str(k) for k in rows["kind"].dropna().unique()}
        if "target" in kinds:
            raise ForecastError("the rows include targets (kind == 'target'); forecast actual values only")
    indicator = _single(rows, "indicator", "indicator")
    unit = _single(rows, "unit", "unit")
    scope = _single(rows, "scope", "scope")
    if "date" not in rows.columns or "value" not in rows.columns:
        raise ForecastError("observation rows need 'date' and 'value' columns")
    qualifiers = (
        [_clean_qualifier(q) for q in rows["qualifier"]] if "qualifier" in rows.columns else [""] * len(rows)
    )
    series = _combine_rows(
        pd.DatetimeIndex(pd.to_datetime(rows["date"])), rows["value"].to_numpy(dtype=float), qualifiers
    )
    series.attrs.update({"indicator": indicator, "unit": unit, "scope": scope})
    series.name = indicator or "value"
    return series


def _registry_row(registry: pd.DataFrame | None, indicator: str) -> pd.Series | None:
    """The registry row of ``indicator``; a *concept* passed in its place is refused."""
    if registry is None:
        return None
    reg = registry.set_index("id") if "id" in registry.columns else registry
    if indicator in reg.index:
        return reg.loc[indicator]
    if "concept" in reg.columns and (reg["concept"] == indicator).any():
        members = sorted(str(i) for i in reg.index[reg["concept"] == indicator])
        raise ForecastError(
            f"mixed definitions: '{indicator}' is a concept grouping indicators with different "
            f"definitions ({', '.join(members)}); forecast one of them, never a splice"
        )
    return None


def series_for(
    observations: pd.DataFrame,
    indicator: str,
    *,
    scope: str = "national",
    cutoff: str | pd.Timestamp | None = None,
    registry: pd.DataFrame | None = None,
) -> pd.Series:
    """One indicator's actual values at one scope, as a float series on a DatetimeIndex.

    ``observations`` follows the observations contract (``indicator, date, value, ..., unit, qualifier, kind,
    scope, ...``). Only ``kind == "actual"`` rows of exactly ``indicator`` and ``scope`` are kept, up to and
    including ``cutoff`` when given. Reports of one snapshot are combined by
    :func:`~egovanalysis.conventions.collapse_reports`; qualified figures are kept at their stated value
    (:data:`QUALIFIER_TREATMENT`).

    ``registry`` (``data/raw/indicators.csv``: id, label, unit, measure, concept, definition), when given,
    supplies ``attrs["measure"]`` and is used to refuse a *concept* passed in place of an indicator (the
    indicators of one concept have different definitions and are never spliced) and a unit that disagrees
    with the registry.

    Raises :class:`ForecastError` for an unknown indicator, a concept, several units, or fewer than 3 dates.
    """
    if not isinstance(indicator, str):
        raise ForecastError(f"indicator must be one indicator id (a string), not {indicator!r}")
    reg_row = _registry_row(registry, indicator)
    rows = observations[observations["indicator"] == indicator]
    if rows.empty:
        raise ForecastError(
            f"no observations of indicator '{indicator}'; check the id in data/raw/indicators.csv"
        )
    rows = rows[(rows["kind"] == "actual") & (rows["scope"] == scope)]
    if cutoff is not None:
        rows = rows[pd.to_datetime(rows["date"]) <= pd.Timestamp(cutoff)]
    if rows.empty:
        raise ForecastError(
            f"no actual observations of '{indicator}' at scope '{scope}'"
            + (f" up to {pd.Timestamp(cutoff).date()}" if cutoff is not None else "")
        )
    series = _series_from_rows(rows)
    if reg_row is not None:
        if series.attrs["unit"] is not None and str(reg_row["unit"]) != series.attrs["unit"]:
            raise ForecastError(
                f"mixed definitions: '{indicator}' is registered in unit '{reg_row['unit']}' but its rows "
                f"are in '{series.attrs['unit']}'"
            )
        series.attrs["measure"] = str(reg_row["measure"])
    if len(series) < MIN_SERIES_POINTS:
        raise ForecastError(
            f"'{indicator}' ({scope}) has {len(series)} dated value(s); at least {MIN_SERIES_POINTS} are "
            "needed"
        )
    return series


def _survey_dates(years: Any) -> pd.DatetimeIndex:
    """Each survey dated 1 July of its year (the panel holds the year only; surveys come out mid-year)."""
    return pd.DatetimeIndex([pd.Timestamp(int(y), 7, 1) for y in years], name="date")


def egdi_rank_series(panel: pd.DataFrame, country: str) -> pd.Series:
    """A country's EGDI rank per survey from the EGDI panel, ready for ``measure="rank"``.

    ``attrs["n_ranked"]`` holds the number of ranked countries of each survey, which the models use for the
    percentile conversion. Raises :class:`~egovanalysis.errors.SelectionError` for a country with no ranked
    survey in the panel.
    """
    rows = panel[(panel["iso3"] == country) & panel["egdi_rank"].notna()].sort_values("survey_year")
    if rows.empty:
        raise SelectionError(
            f"no ranked surveys for '{country}' in the EGDI panel; it holds "
            f"{panel['iso3'].nunique()} countries (e.g. {', '.join(sorted(panel['iso3'].unique())[:5])})"
        )
    index = _survey_dates(rows["survey_year"])
    series = pd.Series(rows["egdi_rank"].to_numpy(dtype=float), index=index, name=f"egdi_rank_{country}")
    series.attrs.update(
        {
            "indicator": "egdi_rank",
            "unit": "rank",
            "measure": "rank",
            "scope": country,
            "n_ranked": pd.Series(rows["n_ranked"].to_numpy(dtype=float), index=index),
            "qualifiers": {},
            "n_reports": {},
            "qualifier_treatment": QUALIFIER_TREATMENT,
            "conflict_rule": SNAPSHOT_RULE,
        }
    )
    return series


def egdi_percentile_series(panel: pd.DataFrame, country: str) -> pd.Series:
    """A country's EGDI rank per survey as a percentile (100 = first, 0 = last), modelled as a bounded share.

    ``attrs["ranks"]`` keeps the ranks as published and ``attrs["n_ranked"]`` the number ranked per survey.
    """
    ranks = egdi_rank_series(panel, country)
    n_ranked = ranks.attrs["n_ranked"].to_numpy(dtype=float)
    values = np.asarray(rank_to_percentile(ranks.to_numpy(dtype=float), n_ranked), dtype=float)
    series = pd.Series(values, index=ranks.index, name=EGDI_INDICATOR)
    series.attrs.update({
        "indicator": EGDI_INDICATOR, "unit": "percentile", "measure": "share", "scope": country,
        "qualifiers": {}, "n_reports": {}, "qualifier_treatment": QUALIFIER_TREATMENT,
        "conflict_rule": SNAPSHOT_RULE, "ranks": ranks.copy(), "n_ranked": ranks.attrs["n_ranked"],
    })
    return series


def up_to(series: pd.Series, cutoff: pd.Timestamp | None) -> pd.Series:
    """The part of ``series`` dated on or before ``cutoff`` (all of it for ``None``), attrs kept.

    Raises :class:`ForecastError` when fewer than 3 values are left.
    """
    if cutoff is None:
        return series
    out = series[series.index <= cutoff]
    out.attrs = dict(series.attrs)
    out.attrs["qualifiers"] = {d: q for d, q in (series.attrs.get("qualifiers") or {}).items()
                               if pd.Timestamp(d) <= cutoff}
    if len(out) < MIN_SERIES_POINTS:
        raise ForecastError(
            f"'{series.attrs.get('indicator')}' has {len(out)} actual value(s) up to the cutoff "
            f"{cutoff.date()}; at least {MIN_SERIES_POINTS} are needed. Choose a later cutoff"
        )
    return out


def coerce(series: pd.Series | pd.DataFrame) -> pd.Series:
    """A clean series: one value per snapshot (:func:`_combine_rows`), sorted, NaN dropped, attrs kept.

    A frame of observation rows is turned into a series first (it must hold one indicator, unit, scope).
    """
    if isinstance(series, pd.DataFrame):
        return _series_from_rows(series)
    if not isinstance(series, pd.Series):
        raise ForecastError(f"expected a pandas Series with a DatetimeIndex, got {type(series).__name__}")
    attrs = dict(series.attrs)
    try:
        index = pd.DatetimeIndex(pd.to_datetime(series.index))
    except (TypeError, ValueError) as exc:
        raise ForecastError("the series index must hold dates") from exc
    values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
    qual_map = attrs.get("qualifiers") or {}
    quals = [qual_map.get(d.strftime("%Y-%m-%d"), "") for d in index]
    out = _combine_rows(index, values, quals)
    if attrs.get("n_reports"):
        merged = dict(attrs["n_reports"])
        merged.update(out.attrs["n_reports"])
        out.attrs["n_reports"] = merged
    for key, value in attrs.items():
        if key not in ("qualifiers", "n_reports"):
            out.attrs[key] = value
    out.name = series.name
    return out


def n_ranked_values(series: pd.Series, n_ranked: Any) -> np.ndarray:
    """The number of ranked countries at each date of a rank series (``n_ranked``: a number, a series by
    date, or ``None`` for ``series.attrs["n_ranked"]``)."""
    source = n_ranked if n_ranked is not None else series.attrs.get("n_ranked")
    if source is None:
        raise ForecastError(
            "a rank series needs n_ranked (the number of ranked countries of each survey, or one number) to "
            "be converted to percentiles; ranks are never modelled raw"
        )
    if isinstance(source, pd.Series):
        aligned = source.copy()
        aligned.index = pd.DatetimeIndex(pd.to_datetime(aligned.index))
        aligned = aligned.groupby(level=0).last().reindex(series.index)
        if aligned.isna().any():
            missing = ", ".join(str(d.date()) for d in aligned.index[aligned.isna()])
            raise ForecastError(f"n_ranked is missing for the rank(s) dated {missing}")
        return aligned.to_numpy(dtype=float)
    return np.full(len(series), float(source))
