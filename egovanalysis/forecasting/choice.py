"""Which model a forecast uses, and why: a record (:class:`ModelChoice`) with a basis (:class:`ChoiceBasis`).

The choice is a verdict, not a sentence: code reads :attr:`ModelChoice.basis` and the numbers beside it, and
the sentences shown to readers are generated from them (:mod:`egovanalysis.reporting.forecast_texts`).
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from egovanalysis.forecasting.models import MODELS, OLS_MODELS, Fit

__all__ = ["MIN_BACKTEST_FORECASTS", "ChoiceBasis", "ModelChoice", "choose_model"]

#: A model needs at least this many backtest forecasts (over all horizons) to be compared on them.
MIN_BACKTEST_FORECASTS = 5


class ChoiceBasis(enum.StrEnum):
    """Why a model was chosen. The values are plain words; sentences with the numbers are built elsewhere."""

    #: Naive was backtested and no model had a lower mean MASE than naive.
    NAIVE_BEST_IN_BACKTEST = "no model beats the naive forecast in the backtest"
    #: Naive was not among the backtested models and every backtested model's MASE is 1 or more.
    NO_MODEL_BELOW_ONE = "no backtested model beats one year's typical naive change"
    #: The model had the lowest mean MASE in the backtest, below naive's.
    BEST_IN_BACKTEST = "lowest error in the backtest"
    #: Too few backtest forecasts; the OLS trend model with the lowest AICc (an in-sample criterion).
    IN_SAMPLE_AICC = "too few backtest forecasts; lowest AICc, an in-sample criterion"
    #: Too few backtest forecasts and no AICc to compare: naive.
    TOO_SHORT = "too few backtest forecasts to show that any model beats the naive forecast"
    #: The caller asked for this model.
    REQUESTED = "the model asked for"

    @property
    def tested(self) -> bool:
        """Whether the choice rests on out-of-sample (backtest) evidence."""
        return self in (ChoiceBasis.NAIVE_BEST_IN_BACKTEST, ChoiceBasis.NO_MODEL_BELOW_ONE,
                        ChoiceBasis.BEST_IN_BACKTEST)


@dataclass(frozen=True)
class ModelChoice:
    """A model and why it was chosen, with the numbers that decided it.

    ``mase``/``n_forecasts`` are the chosen model's mean backtest MASE and number of backtest forecasts (NaN
    and 0 when it was not backtested); ``naive_mase`` naive's on the same backtest (NaN when naive was not
    backtested); ``min_forecasts`` the threshold a model had to reach to be compared; ``aicc`` the AICc of
    each OLS trend model when the choice fell back to it.
    """

    model: str
    basis: ChoiceBasis
    mase: float = math.nan
    n_forecasts: int = 0
    naive_mase: float = math.nan
    min_forecasts: int = MIN_BACKTEST_FORECASTS
    aicc: dict[str, float] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.model}: {self.basis.value}"


def _summary(table: pd.DataFrame) -> pd.DataFrame:
    """Forecast-weighted mean MASE and number of backtest forecasts per model."""
    if table.empty:
        return pd.DataFrame(columns=["n", "mase"])
    weighted = table.assign(total=table["mase"] * table["n_forecasts"])
    grouped = weighted.groupby("model", sort=False)[["n_forecasts", "total"]].sum()
    return pd.DataFrame({"n": grouped["n_forecasts"], "mase": grouped["total"] / grouped["n_forecasts"]})


def requested(model: str, backtest_table: pd.DataFrame) -> ModelChoice:
    """The record of a model the caller asked for, with its backtest numbers beside naive's."""
    summary = _summary(backtest_table)

    def score(name: str) -> tuple[float, int]:
        if name in summary.index:
            return float(summary.loc[name, "mase"]), int(summary.loc[name, "n"])
        return math.nan, 0

    mase, n = score(model)
    return ModelChoice(model, ChoiceBasis.REQUESTED, mase=mase, n_forecasts=n, naive_mase=score("naive")[0])


def choose_model(
    backtest_table: pd.DataFrame,
    fits: Mapping[str, Fit] | None = None,
    *,
    min_forecasts: int = MIN_BACKTEST_FORECASTS,
) -> ModelChoice:
    """Pick a model from a backtest table (:func:`~egovanalysis.forecasting.backtest.backtest`).

    1. Models with at least ``min_forecasts`` backtest forecasts (over all horizons) and, when ``fits`` is
       given, a current fit, are compared by mean MASE (forecast-weighted over the horizon buckets); ties go
       to the simpler model (order of :data:`~egovanalysis.forecasting.models.MODELS`).
    2. If naive is among them and has the lowest MASE, the answer is naive
       (:attr:`ChoiceBasis.NAIVE_BEST_IN_BACKTEST`); if naive was not backtested and every model has
       MASE >= 1, naive too (:attr:`ChoiceBasis.NO_MODEL_BELOW_ONE`). Naive's own MASE grows with the horizon
       (it is about 1 one year ahead), so when naive was backtested the models are compared with it on the
       same origins rather than with the constant 1.
    3. If no model has enough backtest forecasts, the OLS trend models in ``fits`` are compared by AICc
       (computed on the original scale, so linear, loglinear and logit are comparable):
       :attr:`ChoiceBasis.IN_SAMPLE_AICC`. Without any AICc, naive (:attr:`ChoiceBasis.TOO_SHORT`).
    """
    fits = dict(fits or {})
    summary = _summary(backtest_table)
    eligible = summary[summary["n"] >= min_forecasts]
    if fits:
        eligible = eligible[eligible.index.isin(list(fits))]
    if not eligible.empty:
        order = {m: i for i, m in enumerate(MODELS)}
        best = min(eligible.index,
                   key=lambda m: (round(float(eligible.loc[m, "mase"]), 12), order.get(m, 99)))
        naive_mase = float(eligible.loc["naive", "mase"]) if "naive" in eligible.index else math.nan
        if "naive" in eligible.index:
            basis = ChoiceBasis.NAIVE_BEST_IN_BACKTEST if best == "naive" else ChoiceBasis.BEST_IN_BACKTEST
        else:
            below_one = bool((eligible["mase"] < 1.0).any())
            basis = ChoiceBasis.BEST_IN_BACKTEST if below_one else ChoiceBasis.NO_MODEL_BELOW_ONE
        model = best if basis is ChoiceBasis.BEST_IN_BACKTEST or best == "naive" else "naive"
        scored = model if model in eligible.index else best  # naive unbacktested: the best model's MASE
        return ModelChoice(model, basis, mase=float(eligible.loc[scored, "mase"]),
                           n_forecasts=int(eligible.loc[scored, "n"]), naive_mase=naive_mase,
                           min_forecasts=min_forecasts)
    aicc = {m: float(f.aicc) for m, f in fits.items()
            if m in OLS_MODELS and f.aicc is not None and math.isfinite(f.aicc)}
    if aicc:
        best = min(aicc, key=lambda m: (aicc[m], MODELS.index(m)))
        return ModelChoice(best, ChoiceBasis.IN_SAMPLE_AICC, min_forecasts=min_forecasts, aicc=aicc)
    return ModelChoice("naive", ChoiceBasis.TOO_SHORT, min_forecasts=min_forecasts)
