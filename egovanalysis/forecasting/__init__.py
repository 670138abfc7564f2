"""Stage 3, forecasting: series building, simple models with intervals, backtests, the model choice, target
readings, and the contracted entry point :func:`forecast_indicator`. Imports the top-level modules, ingest and
analysis; writes no sentences and draws nothing (that is :mod:`egovanalysis.reporting`)."""

from egovanalysis.forecasting.api import ForecastResult, forecast_indicator

__all__ = ["ForecastResult", "forecast_indicator"]
