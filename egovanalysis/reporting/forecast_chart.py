"""The forecast notebook's fan chart: actuals, the central forecast, its interval, targets and the cutoff."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from egovanalysis.reporting.forecast_texts import percent
from egovanalysis.reporting.forecast_view import date_text, target_label, ylabel
from egovanalysis.reporting.formatting import format_number

if TYPE_CHECKING:
    from egovanalysis.forecasting import ForecastResult

__all__ = ["plot_fan", "plot_reliability"]

#: Counts spanning more than this many orders of magnitude are drawn on a log scale.
LOG_SCALE_DECADES = 1.5


def _plot_grid(result: ForecastResult) -> pd.DatetimeIndex:
    last = result.forecaster.last_date
    later = result.later["date"].max() if not result.later.empty else last
    return result.forecaster.fan_dates(max(pd.Timestamp(result.forecast["date"].max()), pd.Timestamp(later)))


def _tick(value: float, _pos: Any = None) -> str:
    return format_number(value, compact=True)


def plot_fan(result: ForecastResult, ax: Axes | None = None) -> Axes:
    """Fan chart: actuals used for the fit, later actuals, central forecast, interval and targets.

    Counts spanning more than 1.5 orders of magnitude are drawn on a log scale (said in the axis label).
    Finish the chart with :func:`egovanalysis.reporting.style.finish` (title
    :func:`~egovanalysis.reporting.forecast_view.title`, sources ``result.sources``).
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots()
    grid = _plot_grid(result)
    frame = result.forecaster.forecast(0.0, level=result.level, dates=grid)
    # The benchmarked methods start at the last actual; a classic trend model's fan starts a month after it
    # (its line need not pass through the last point, and the gap shows it).
    dates = pd.DatetimeIndex(frame["date"])
    mean = frame["mean"].to_numpy(dtype=float)
    lower = frame["lower"].to_numpy(dtype=float)
    upper = frame["upper"].to_numpy(dtype=float)
    ax.fill_between(dates, lower, upper, color="C0", alpha=0.2, linewidth=0,
                    label=f"{percent(result.level)} prediction interval")
    ax.plot(dates, mean, color="C0", linestyle="--", label=f"central forecast ({result.model})")
    ax.plot(result.series.index, result.series.to_numpy(), color="0.15", marker="o",
            label="actual, used for the fit")
    if result.cutoff is not None:
        later = result.actuals[result.actuals.index > result.cutoff]
        if not later.empty:
            ax.plot(later.index, later.to_numpy(), linestyle="none", marker="o", markerfacecolor="white",
                    markeredgecolor="C3", markeredgewidth=1.8, markersize=8,
                    label="actual after the cutoff (not used)")
        ax.axvline(result.cutoff, color="0.5", linestyle=":", linewidth=1.2,
                   label=f"cutoff {date_text(result.cutoff)}")
    for i, reading in enumerate(result.targets):
        ax.plot([reading.deadline], [reading.value], linestyle="none", marker="X", markersize=10, color="C2",
                label="target (value by deadline)" if i == 0 else None, zorder=4)
        ax.annotate(f"{target_label(result, reading)} by {date_text(reading.deadline)}",
                    (reading.deadline, reading.value), textcoords="offset points",
                    xytext=(-6, 8 + 12 * (i % 2)), ha="right", fontsize=8, color="C2")
    values = np.concatenate([result.actuals.to_numpy(dtype=float), mean, upper])
    positive = values[values > 0]
    if (result.measure in ("cumulative", "count", "flow") and len(positive)
            and positive.max() / positive.min() > 10**LOG_SCALE_DECADES):
        ax.set_yscale("log")
        ax.yaxis.set_major_formatter(plt.FuncFormatter(_tick))
        ax.set_ylabel(f"{ylabel(result)} (log scale)")
    else:
        ax.set_ylabel(ylabel(result))
        if result.unit in ("%", "percentile"):
            ax.set_ylim(0, 100)
    ax.legend(loc="upper left", fontsize=8)
    return ax


def plot_reliability(table: pd.DataFrame, ax: Axes | None = None, *, step: str = "survey") -> Axes:
    """Reliability chart: observed coverage against the nominal level of the intervals, per horizon.

    ``table`` is :func:`egovanalysis.forecasting.calibration.reliability` (``h, nominal, observed``).
    Points on the diagonal are calibrated intervals; below it, intervals too narrow; above, too wide.
    ``step`` names what a horizon counts (``survey`` or ``report``).
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots()
    ax.plot([0.4, 1.0], [0.4, 1.0], color="0.6", linestyle=":", label="calibrated (observed = nominal)")
    for h, part in table.groupby("h"):
        ax.plot(part["nominal"], part["observed"], marker="o",
                label=f"{'next' if h == 1 else 'second'} {step} ahead")
    ax.set_xlim(0.4, 1.0)
    ax.set_ylim(0.4, 1.0)
    ax.set_xlabel("nominal level of the interval")
    ax.set_ylabel("share of actuals inside it")
    ax.legend(loc="upper left", fontsize=8)
    return ax
