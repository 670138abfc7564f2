"""Which method a forecast uses, and why: a record (:class:`ModelChoice`) with a basis (:class:`ChoiceBasis`).

The choice is made per kind of series, by the calibration benchmark (:mod:`egovanalysis.forecasting.
calibration`, run by ``make bench`` and in the forecast notebook), never by in-sample fit on a handful of
points of one series:

* a **survey rank** (the UN E-Government Survey): :mod:`~egovanalysis.forecasting.pooled`, naive with the
  moves of similar countries, because on every member state since 2008 no trend model beat "no change";
* a **share or a positive count** reported by the press and officials:
  :mod:`~egovanalysis.forecasting.growth_band`, whose intervals held Viet Nam's later reports where every
  single-series model chosen by backtest or AICc fell short;
* **anything else** (a change, a reported rank): the naive random walk of
  :mod:`~egovanalysis.forecasting.models`, the benchmark's reference.

The choice is a verdict, not a sentence: code reads :attr:`ModelChoice.basis`; the sentences shown to
readers are generated from it (:mod:`egovanalysis.reporting.forecast_texts`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import pandas as pd

from egovanalysis.forecasting import growth_band

__all__ = ["METHODS", "ChoiceBasis", "ModelChoice", "choose_method"]

#: The benchmarked methods, beside the classic models of :data:`~egovanalysis.forecasting.models.MODELS`.
METHODS: tuple[str, ...] = ("pooled_naive", "growth_band")


class ChoiceBasis(enum.StrEnum):
    """Why a method was used. The values are plain words; sentences are built in reporting."""

    #: A survey rank: naive, the model no trend model beat on the benchmark of every country.
    POOLED_BENCHMARK = "no model beats no change on the benchmark of every country"
    #: A share or a count: the method the benchmark of the reported series supports.
    BENCHMARKED_FOR_MEASURE = "the method the benchmark supports for this kind of series"
    #: No benchmarked method applies: the naive forecast.
    NO_BENCHMARKED_METHOD = "no benchmarked method for this kind of series"
    #: The caller asked for this model.
    REQUESTED = "the model asked for"


@dataclass(frozen=True)
class ModelChoice:
    """A method (a name of :data:`METHODS` or a classic model) and why it was chosen."""

    model: str
    basis: ChoiceBasis

    def __str__(self) -> str:
        return f"{self.model}: {self.basis.value}"


def choose_method(series: pd.Series, *, survey: bool) -> ModelChoice:
    """The benchmarked method for a series (a survey rank when ``survey``), or naive when none applies."""
    if survey:
        return ModelChoice("pooled_naive", ChoiceBasis.POOLED_BENCHMARK)
    if growth_band.supports(series):
        return ModelChoice("growth_band", ChoiceBasis.BENCHMARKED_FOR_MEASURE)
    return ModelChoice("naive", ChoiceBasis.NO_BENCHMARKED_METHOD)
