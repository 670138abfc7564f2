"""The forecasting API (DESIGN.md contract): :func:`forecast_indicator` returns a :class:`ForecastResult`.

``forecast_indicator("portal_accounts")`` loads the data itself (:mod:`egovanalysis.data`), builds the series
(:mod:`~egovanalysis.forecasting.series`), takes the method the calibration benchmark supports for its kind
(:mod:`~egovanalysis.forecasting.choice`), forecasts with an interval, and reads the series' recorded targets
(:mod:`~egovanalysis.forecasting.target_readings`). The forecast notebook and the calibration benchmark
(:mod:`~egovanalysis.forecasting.calibration`) call it, or :func:`forecast_from`, the same path with the
tables passed in, so what they show is what a user gets.

**The EGDI rank** (indicator ``un_egdi_rank``) of any country in the panel is modelled as a percentile of
the countries ranked (the number ranked changed from 173 to 193), learning from every country of the panel
(:mod:`~egovanalysis.forecasting.pooled`), and given back in ranks (1 = best) with the number ranked beside
them; every other indicator is one of the focus country's reported series.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from egovanalysis import config, data
from egovanalysis.analysis.egdi import EGDI_SOURCE_ID
from egovanalysis.conventions import FOCUS_COUNTRY, percentile_to_rank
from egovanalysis.errors import ForecastError
from egovanalysis.forecasting.choice import METHODS, ChoiceBasis, ModelChoice, choose_method
from egovanalysis.forecasting.forecaster import Forecaster
from egovanalysis.forecasting.growth_band import growth_band
from egovanalysis.forecasting.models import MODELS, fit
from egovanalysis.forecasting.pooled import SurveyPool, pooled_naive
from egovanalysis.forecasting.series import (
    DAYS_PER_YEAR,
    EGDI_INDICATOR,
    egdi_percentile_series,
    series_for,
    up_to,
)
from egovanalysis.forecasting.target_readings import TargetReading, read_targets, recorded_targets

__all__ = ["EGDI_INDICATOR", "ForecastInputs", "ForecastResult", "forecast_from", "forecast_indicator",
           "load_inputs"]


@dataclass(frozen=True, eq=False)
class ForecastInputs:
    """The tables a forecast reads: observations, the indicator registry (indexed by id), the EGDI panel."""

    observations: pd.DataFrame
    registry: pd.DataFrame
    panel: pd.DataFrame

    @functools.cached_property
    def pool(self) -> SurveyPool:
        """Every country's survey percentiles, the pool survey ranks learn from (built once)."""
        return SurveyPool.from_panel(self.panel)

    @functools.cached_property
    def _panel_rows(self) -> dict[str, pd.DataFrame]:
        return {str(iso3): rows for iso3, rows in self.panel.groupby("iso3", sort=False)}

    @functools.cached_property
    def country_names(self) -> dict[str, str]:
        """The panel's name of each country (its latest spelling)."""
        return {iso3: str(rows["country"].iloc[-1]) for iso3, rows in self._panel_rows.items()}

    @functools.cached_property
    def _survey_series(self) -> dict[str, pd.Series]:
        return {}

    def survey_series(self, country: str) -> pd.Series:
        """A country's survey percentiles (:func:`~egovanalysis.forecasting.series.egdi_percentile_series`),
        built once per country."""
        if country not in self._survey_series:
            rows = self._panel_rows.get(country)
            rows = self.panel if rows is None else rows
            self._survey_series[country] = egdi_percentile_series(rows, country)
        cached = self._survey_series[country]
        series = cached.copy()
        series.attrs = dict(cached.attrs)
        return series


@functools.lru_cache(maxsize=2)
def _load(stamp: tuple[tuple[str, int], ...]) -> ForecastInputs:
    del stamp  # the cache key: the files' paths and modification times
    return ForecastInputs(data.load_observations(), data.load_indicators(), data.load_egdi())


def load_inputs() -> ForecastInputs:
    """The committed tables, read once per version of the files (a rebuild is picked up)."""
    paths: Sequence[Path] = (config.OBSERVATIONS_CSV, config.INDICATORS_CSV, config.EGDI_CSV)
    return _load(tuple((str(path), path.stat().st_mtime_ns) for path in paths))


@dataclass
class ForecastResult:
    """A forecast of one indicator, with what it rests on.

    **Contract** (DESIGN.md): :attr:`table` has ``date, mean, lower, upper`` in the indicator's own unit (for
    ``un_egdi_rank``: ranks, 1 = best, ``lower`` the better rank, with ``n_ranked`` beside them);
    :attr:`model` is the model used and :attr:`reason` why (a :class:`~egovanalysis.forecasting.choice.
    ChoiceBasis`; :attr:`choice` holds the numbers behind it).

    ``label`` is the registry's label of the indicator, ``country_name`` the panel's name of the country.
    The rest is what the forecast notebook shows: the series the forecast rests on (:attr:`series`, on the
    modelled scale: percentiles for the EGDI rank, in :attr:`unit`) and every actual (:attr:`actuals`), the
    :attr:`forecaster` (its distribution at any later date), the forecast on the modelled scale
    (:attr:`forecast`), the target readings (:attr:`targets`), the actuals after the cutoff against the
    forecast, in the table's unit (:attr:`later`), and the source ids of the rows used.
    """

    indicator: str
    label: str
    country: str
    country_name: str
    scope: str
    unit: str
    measure: str
    horizon: float
    level: float
    cutoff: pd.Timestamp | None
    series: pd.Series
    actuals: pd.Series
    forecaster: Forecaster
    choice: ModelChoice
    forecast: pd.DataFrame
    table: pd.DataFrame
    targets: list[TargetReading]
    later: pd.DataFrame
    sources: list[str] = field(default_factory=list)

    @property
    def model(self) -> str:
        """The model the forecast uses."""
        return self.choice.model

    @property
    def reason(self) -> ChoiceBasis:
        """Why that model (plain words as the enum's value; the numbers are in :attr:`choice`)."""
        return self.choice.basis

    @property
    def is_survey(self) -> bool:
        """Whether the indicator is the UN survey rank (modelled as a percentile)."""
        return self.indicator == EGDI_INDICATOR


# --------------------------------------------------------------------------------------------------------
# Parameters
# --------------------------------------------------------------------------------------------------------


def _check_parameters(horizon: Any, level: Any, model: str | None) -> None:
    if not isinstance(horizon, int | float) or isinstance(horizon, bool) or not horizon > 0:
        raise ForecastError(f"horizon must be a positive number of years, not {horizon!r}")
    if not isinstance(level, int | float) or isinstance(level, bool) or not 0 < float(level) < 1:
        raise ForecastError(f"level must be between 0 and 1 (e.g. 0.8), not {level!r}")
    if model is not None and model not in (*METHODS, *MODELS):
        raise ForecastError(f"unknown model {model!r}; choose one of: {', '.join((*METHODS, *MODELS))}")


def _timestamp(value: Any, what: str) -> pd.Timestamp | None:
    if value is None:
        return None
    try:
        return pd.Timestamp(value).normalize()
    except (TypeError, ValueError) as exc:
        raise ForecastError(f"{what} must be a date (YYYY-MM-DD), not {value!r}") from exc


# --------------------------------------------------------------------------------------------------------
# The forecast
# --------------------------------------------------------------------------------------------------------


def _actuals(inputs: ForecastInputs, indicator: str, country: str, scope: str) -> tuple[pd.Series, list[str]]:
    """Every actual of the indicator (modelled scale) and the source ids of its rows."""
    if indicator == EGDI_INDICATOR:
        return inputs.survey_series(country), [EGDI_SOURCE_ID]
    if country != FOCUS_COUNTRY:
        raise ForecastError(
            f"the reported series are {FOCUS_COUNTRY}'s; '{indicator}' cannot be forecast for {country}. "
            f"Only '{EGDI_INDICATOR}' is available for every country of the EGDI panel"
        )
    actuals = series_for(inputs.observations, indicator, scope=scope, registry=inputs.registry)
    obs = inputs.observations
    rows = obs[(obs["indicator"] == indicator) & (obs["kind"] == "actual") & (obs["scope"] == scope)]
    return actuals, list(dict.fromkeys(rows.sort_values("date")["source_id"].astype(str)))


def _names(inputs: ForecastInputs, indicator: str, country: str) -> tuple[str, str]:
    """The indicator's registry label and the country's name in the EGDI panel (the ids when unknown)."""
    registry = inputs.registry
    label = str(registry.loc[indicator, "label"]) if indicator in registry.index else indicator
    return label, inputs.country_names.get(country, country)


def _factory(model: str, inputs: ForecastInputs, survey: bool) -> Callable[[pd.Series], Forecaster]:
    """A function building ``model``'s forecaster from a series (the targets refit it on earlier data)."""
    if model == "pooled_naive":
        if not survey:
            raise ForecastError(f"'pooled_naive' forecasts a survey rank ('{EGDI_INDICATOR}') only")
        return lambda series: pooled_naive(series, inputs.pool)
    if model == "growth_band":
        return growth_band
    return lambda series: fit(series, model)


def _in_indicator_unit(frame: pd.DataFrame, survey: bool, n_ranked: float | None) -> pd.DataFrame:
    """The contract's table: ``date, mean, lower, upper`` (ranks with ``n_ranked`` for the survey)."""
    columns = {name: frame[name].to_numpy() for name in ("date", "mean", "lower", "upper")}
    if survey:
        n = float(n_ranked) if n_ranked is not None else math.nan
        # the better (upper) percentile is the better (smaller) rank
        columns["mean"], columns["lower"], columns["upper"] = (
            percentile_to_rank(columns["mean"], n), percentile_to_rank(columns["upper"], n),
            percentile_to_rank(columns["lower"], n))
        columns["n_ranked"] = np.full(len(frame), int(n))
    return pd.DataFrame(columns)


def _later(forecaster: Forecaster, actuals: pd.Series, cutoff: pd.Timestamp | None, level: float,
           survey: bool) -> pd.DataFrame:
    """The actuals after the cutoff against the forecast made at the cutoff, in the table's unit.

    For a survey rank: the ranks as published against the forecast in ranks (``error`` in ranks; there is
    no relative error of a rank). Otherwise ``error_pct`` is relative to the actual (NaN for an actual of 0).
    Actuals the method cannot reach (more surveys ahead than the pooled past holds) are left out and listed
    in ``attrs["not_forecast"]``.
    """
    columns = ["date", "years_ahead", "actual", "qualifier", "central", "lower", "upper", "inside", "error",
               "error_pct"]
    if cutoff is None:
        return pd.DataFrame(columns=columns)
    later = actuals[actuals.index > cutoff]
    reachable, unreachable = [], []
    for date in later.index:  # a pooled method has no moves over more surveys than the past holds
        try:
            forecaster.forecast(0.0, level=level, dates=[date])
            reachable.append(date)
        except ForecastError:
            unreachable.append(date)
    later = later[later.index.isin(reachable)]
    if later.empty:
        empty = pd.DataFrame(columns=columns)
        empty.attrs["not_forecast"] = unreachable
        return empty
    frame = forecaster.forecast(0.0, level=level, dates=later.index)
    table = _in_indicator_unit(frame, survey, forecaster.n_ranked)
    actual = later.to_numpy(dtype=float)
    if survey:
        actual = actuals.attrs["ranks"].reindex(later.index).to_numpy(dtype=float)
    central, lower, upper = (table[c].to_numpy(dtype=float) for c in ("mean", "lower", "upper"))
    quals = actuals.attrs.get("qualifiers") or {}
    days = np.asarray((later.index - forecaster.last_date) / pd.Timedelta(days=1), dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        error_pct = np.where(actual != 0, 100 * (central - actual) / np.abs(actual), np.nan)
    out = pd.DataFrame({
        "date": later.index,
        "years_ahead": days / DAYS_PER_YEAR,
        "actual": actual,
        "qualifier": [quals.get(f"{d:%Y-%m-%d}", "") for d in later.index],
        "central": central,
        "lower": lower,
        "upper": upper,
        "inside": (lower <= actual) & (actual <= upper),
        "error": central - actual,
        "error_pct": np.full(len(actual), np.nan) if survey else error_pct,
    })[columns]
    out.attrs["not_forecast"] = unreachable
    return out


def forecast_from(
    inputs: ForecastInputs,
    indicator: str,
    *,
    country: str = FOCUS_COUNTRY,
    scope: str = "national",
    cutoff: str | None = None,
    horizon: float = 3,
    level: float = 0.8,
    model: str | None = None,
    dates: list[str] | None = None,
    details: bool = True,
) -> ForecastResult:
    """:func:`forecast_indicator` on tables passed in (``inputs``), e.g. a panel of every member state.

    ``details=False`` skips what a benchmark does not need: reading the recorded targets and setting the
    later actuals against the forecast (:attr:`ForecastResult.targets` and :attr:`~ForecastResult.later`
    are then empty).
    """
    _check_parameters(horizon, level, model)
    if not isinstance(indicator, str) or not indicator.strip():
        raise ForecastError(f"indicator must be one indicator id (a string), not {indicator!r}")
    indicator, country, level = indicator.strip(), str(country).strip().upper(), float(level)
    cut = _timestamp(cutoff, "cutoff")
    survey = indicator == EGDI_INDICATOR
    actuals, sources = _actuals(inputs, indicator, country, scope)
    series = up_to(actuals, cut)
    choice = (ModelChoice(model, ChoiceBasis.REQUESTED) if model is not None
              else choose_method(series, survey=survey))
    make = _factory(choice.model, inputs, survey)
    forecaster = make(series)
    when = [_timestamp(d, "a forecast date") for d in dates] if dates else None
    frame = forecaster.forecast(0.0 if when else float(horizon), level=level, dates=when)
    targets: list[TargetReading] = []
    if details and (not survey or country == FOCUS_COUNTRY):  # rank targets: the focus country's
        target_rows = recorded_targets(inputs.observations, indicator)
        targets = read_targets(series, actuals, target_rows, model=make, level=level, cutoff=cut,
                               survey=survey)
        sources += [s for reading in targets for s in reading.source_ids.split(";") if s not in sources]
    label, country_name = _names(inputs, indicator, country)
    return ForecastResult(
        indicator=indicator, label=label, country=country, country_name=country_name, scope=scope,
        unit=str(series.attrs.get("unit") or ""), measure=str(series.attrs.get("measure") or ""),
        horizon=float(horizon), level=level, cutoff=cut, series=series, actuals=actuals,
        forecaster=forecaster, choice=choice, forecast=frame,
        table=_in_indicator_unit(frame, survey, forecaster.n_ranked), targets=targets,
        later=_later(forecaster, actuals, cut if details else None, level, survey), sources=sources,
    )


def forecast_indicator(
    indicator: str,
    *,
    country: str = FOCUS_COUNTRY,
    scope: str = "national",
    cutoff: str | None = None,
    horizon: int = 3,
    level: float = 0.8,
    model: str | None = None,
    dates: list[str] | None = None,
) -> ForecastResult:
    """Forecast one indicator from the data dated up to ``cutoff`` (DESIGN.md's forecasting contract).

    ``indicator`` is an id of the indicator registry with reported actuals of ``country`` (the focus country,
    :data:`~egovanalysis.conventions.FOCUS_COUNTRY`) at ``scope``, or ``"un_egdi_rank"`` for the UN
    E-Government Survey rank of any ISO3 ``country`` in the EGDI panel. ``horizon`` counts years: a forecast
    at each anniversary of the last observation (for the survey rank: at each survey expected within the
    horizon, at least the next one); ``dates``, when given, asks for the forecast at exactly those dates
    instead. ``level`` is the interval's level; ``model`` forces a method or a classic model (default: the
    method the calibration benchmark supports for the kind of series,
    :mod:`~egovanalysis.forecasting.choice`).

    Raises :class:`~egovanalysis.errors.ForecastError` for an unknown indicator or model, too few points up to
    the cutoff, or an invalid parameter; :class:`~egovanalysis.errors.SelectionError` for a country that is
    not in the EGDI panel.
    """
    return forecast_from(load_inputs(), indicator, country=country, scope=scope, cutoff=cutoff,
                         horizon=horizon, level=level, model=model, dates=dates)
