"""The forecasting API (DESIGN.md contract): :func:`forecast_indicator` returns a :class:`ForecastResult`.

``forecast_indicator("portal_accounts")`` loads the data itself (:mod:`egovanalysis.data`), builds the series
(:mod:`~egovanalysis.forecasting.series`), backtests the models that suit its measure
(:mod:`~egovanalysis.forecasting.backtest`), chooses one (:mod:`~egovanalysis.forecasting.choice`), forecasts
with an interval, and reads the series' recorded targets (:mod:`~egovanalysis.forecasting.target_readings`).
The forecast notebook and the calibration benchmark call it (or :func:`forecast_from`, the same path with
the data passed in), so what they show is what a user gets.

**The EGDI rank** (indicator ``un_egdi_rank``) of any country in the panel is modelled as a percentile of
the countries ranked (the number ranked changed from 173 to 193) and given back in ranks (1 = best) with
the number ranked beside them; every other indicator is one of the focus country's reported series.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from egovanalysis import config, data
from egovanalysis.analysis.egdi import EGDI_SOURCE_ID
from egovanalysis.conventions import FOCUS_COUNTRY, percentile_to_rank
from egovanalysis.errors import ForecastError
from egovanalysis.forecasting.backtest import backtest
from egovanalysis.forecasting.choice import ChoiceBasis, ModelChoice, choose_model, requested
from egovanalysis.forecasting.models import MODELS, Fits, default_models, fit_all, forecast_dates
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


@dataclass(frozen=True)
class ForecastInputs:
    """The tables a forecast reads: observations, the indicator registry (indexed by id), the EGDI panel."""

    observations: pd.DataFrame
    registry: pd.DataFrame
    panel: pd.DataFrame


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
    The rest is what the forecast notebook shows: the fitted series (:attr:`series`, on the modelled scale:
    percentiles for the EGDI rank, in :attr:`unit`) and every actual (:attr:`actuals`), the fits and the
    models refused, the backtest per model and horizon (:attr:`backtest`) and per model (:attr:`models`),
    the forecast on the modelled scale (:attr:`forecast`), the target readings (:attr:`targets`), the
    actuals after the cutoff against the forecast (:attr:`later`) and the source ids of the rows used.
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
    fits: Fits
    choice: ModelChoice
    forecast: pd.DataFrame
    table: pd.DataFrame
    backtest: pd.DataFrame
    models: pd.DataFrame
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
    def fitted(self) -> Any:
        """The chosen model's fit (:class:`~egovanalysis.forecasting.models.Fit`)."""
        return self.fits[self.model]

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
    if model is not None and model not in MODELS:
        raise ForecastError(f"unknown model {model!r}; choose one of: {', '.join(MODELS)}")


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
        return egdi_percentile_series(inputs.panel, country), [EGDI_SOURCE_ID]
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
    registry, panel = inputs.registry, inputs.panel
    label = str(registry.loc[indicator, "label"]) if indicator in registry.index else indicator
    names = panel.loc[panel["iso3"] == country, "country"]
    return label, str(names.iloc[-1]) if len(names) else country


def _in_indicator_unit(frame: pd.DataFrame, survey: bool, n_ranked: float | None) -> pd.DataFrame:
    """The contract's table: ``date, mean, lower, upper`` (ranks with ``n_ranked`` for the survey)."""
    table = frame[["date", "mean", "lower", "upper"]].reset_index(drop=True)
    if not survey:
        return table
    n = float(n_ranked) if n_ranked is not None else math.nan
    return pd.DataFrame({
        "date": table["date"],
        "mean": percentile_to_rank(table["mean"].to_numpy(dtype=float), n),
        # the better (upper) percentile is the better (smaller) rank
        "lower": percentile_to_rank(table["upper"].to_numpy(dtype=float), n),
        "upper": percentile_to_rank(table["lower"].to_numpy(dtype=float), n),
        "n_ranked": int(n),
    })


def _models_table(fits: Fits, table: pd.DataFrame, end: pd.Timestamp, level: float) -> pd.DataFrame:
    """Per model asked for: backtest forecasts, mean MASE, coverage, and its forecast at ``end``."""
    rows: list[dict[str, Any]] = []
    for name in [*fits, *fits.refused]:
        part = table[table["model"] == name]
        n_fc = int(part["n_forecasts"].sum())
        row: dict[str, Any] = {
            "model": name, "n_forecasts": n_fc,
            "mase": float((part["mase"] * part["n_forecasts"]).sum() / n_fc) if n_fc else math.nan,
            "coverage": float((part["coverage"] * part["n_forecasts"]).sum() / n_fc) if n_fc else math.nan,
            "central": math.nan, "lower": math.nan, "upper": math.nan, "refused": fits.refused.get(name, ""),
        }
        if name in fits:
            at = fits[name].forecast(0.0, level=level, dates=[end]).iloc[0]
            row.update(central=float(at["mean"]), lower=float(at["lower"]), upper=float(at["upper"]))
        rows.append(row)
    out = pd.DataFrame(rows)
    out.attrs["date"] = end
    return out


def _later(result_fit: Any, actuals: pd.Series, cutoff: pd.Timestamp | None, level: float) -> pd.DataFrame:
    """The actuals after the cutoff against the forecast made at the cutoff."""
    columns = ["date", "years_ahead", "actual", "qualifier", "central", "lower", "upper", "inside",
               "error_pct"]
    later = actuals[actuals.index > cutoff] if cutoff is not None else actuals.iloc[0:0]
    if later.empty:
        return pd.DataFrame(columns=columns)
    frame = result_fit.forecast(0.0, level=level, dates=later.index)
    actual = later.to_numpy(dtype=float)
    central = frame["mean"].to_numpy(dtype=float)
    quals = actuals.attrs.get("qualifiers") or {}
    with np.errstate(divide="ignore", invalid="ignore"):
        error = np.where(actual != 0, 100 * (central - actual) / np.abs(actual), np.nan)
    days = np.asarray((later.index - result_fit.last_date) / pd.Timedelta(days=1), dtype=float)
    lower, upper = frame["lower"].to_numpy(dtype=float), frame["upper"].to_numpy(dtype=float)
    return pd.DataFrame({
        "date": later.index,
        "years_ahead": days / DAYS_PER_YEAR,
        "actual": actual,
        "qualifier": [quals.get(f"{d:%Y-%m-%d}", "") for d in later.index],
        "central": central,
        "lower": lower,
        "upper": upper,
        "inside": (lower <= actual) & (actual <= upper),
        "error_pct": error,
    })[columns]


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
    with_targets: bool = True,
) -> ForecastResult:
    """:func:`forecast_indicator` on tables passed in (``inputs``), e.g. a panel of every member state.

    ``with_targets=False`` skips reading the recorded targets (a benchmark needs the forecast only).
    """
    _check_parameters(horizon, level, model)
    if not isinstance(indicator, str) or not indicator.strip():
        raise ForecastError(f"indicator must be one indicator id (a string), not {indicator!r}")
    indicator, country, level = indicator.strip(), str(country).strip().upper(), float(level)
    cut = _timestamp(cutoff, "cutoff")
    actuals, sources = _actuals(inputs, indicator, country, scope)
    series = up_to(actuals, cut)
    measure = str(series.attrs.get("measure") or "")
    candidates = default_models(measure or None)
    if model is not None and model not in candidates:
        candidates = (*candidates, model)
    fits = fit_all(series, candidates)
    if not fits:
        raise ForecastError("no model could be fitted: " + "; ".join(
            f"{m}: {why}" for m, why in fits.refused.items()))
    table = backtest(series, candidates, level)
    if model is None:
        choice = choose_model(table, fits)
    elif model in fits:
        choice = requested(model, table)
    else:
        raise ForecastError(f"model '{model}' cannot be fitted to this series: {fits.refused[model]}")
    fitted = fits[choice.model]
    when = (forecast_dates(fitted.last_date, 0.0, [_timestamp(d, "a forecast date") for d in dates])
            if dates else None)
    frame = fitted.forecast(0.0 if when is not None else float(horizon), level=level, dates=when)
    survey = indicator == EGDI_INDICATOR
    n_ranked = float(series.attrs["n_ranked"].iloc[-1]) if survey else None
    targets: list[TargetReading] = []
    if with_targets and (not survey or country == FOCUS_COUNTRY):  # rank targets: the focus country's
        target_rows = recorded_targets(inputs.observations, indicator)
        targets = read_targets(series, actuals, target_rows, model=choice.model, level=level, cutoff=cut,
                               survey=survey)
        sources += [s for reading in targets for s in reading.source_ids.split(";") if s not in sources]
    label, country_name = _names(inputs, indicator, country)
    return ForecastResult(
        indicator=indicator, label=label, country=country, country_name=country_name, scope=scope,
        unit=str(series.attrs.get("unit") or ""),
        measure=measure, horizon=float(horizon), level=level, cutoff=cut, series=series, actuals=actuals,
        fits=fits, choice=choice, forecast=frame, table=_in_indicator_unit(frame, survey, n_ranked),
        backtest=table, models=_models_table(fits, table, pd.Timestamp(frame["date"].iloc[-1]), level),
        targets=targets, later=_later(fitted, actuals, cut, level), sources=sources,
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
    E-Government Survey rank of any ISO3 ``country`` in the EGDI panel. ``horizon`` counts years (a forecast
    at each anniversary of the last observation); ``dates``, when given, asks for the forecast at exactly
    those dates instead. ``level`` is the interval's level; ``model`` forces a model (default: chosen by
    rolling-origin backtest against the naive forecast).

    Raises :class:`~egovanalysis.errors.ForecastError` for an unknown indicator or model, too few points up to
    the cutoff, or an invalid parameter; :class:`~egovanalysis.errors.SelectionError` for a country that is
    not in the EGDI panel.
    """
    return forecast_from(load_inputs(), indicator, country=country, scope=scope, cutoff=cutoff,
                         horizon=horizon, level=level, model=model, dates=dates)
