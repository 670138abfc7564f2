"""Typed loaders for the processed tables and the raw registries, for notebooks and analyses.

All paths default to :mod:`egovanalysis.config`, so a notebook reads the same files whether it runs in
JupyterLab, under papermill or under nbval.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from egovanalysis import config

_OBSERVATION_DTYPES = {
    "indicator": "string",
    "value": "float64",
    "lower": "float64",
    "upper": "float64",
    "unit": "string",
    "qualifier": "string",
    "kind": "string",
    "scope": "string",
    "source_id": "string",
    "figure_id": "string",
}


def load_observations(path: Path = config.OBSERVATIONS_CSV) -> pd.DataFrame:
    """The tidy observations table (DESIGN.md contract), with ``date`` and ``period_start`` as datetime64.

    ``period_start`` (the first day of a flow's period) is NaT for stocks, shares, ranks and indices.
    """
    frame = pd.read_csv(
        path,
        dtype=_OBSERVATION_DTYPES,
        keep_default_na=False,
        na_values={"lower": [""], "upper": [""], "qualifier": [""], "period_start": [""]},
    )
    frame["date"] = pd.to_datetime(frame["date"], format="%Y-%m-%d")
    if "period_start" in frame.columns:
        frame["period_start"] = pd.to_datetime(frame["period_start"], format="%Y-%m-%d")
    return frame


def load_sources(path: Path = config.SOURCES_CSV) -> pd.DataFrame:
    """The cited sources, indexed by ``source_id``.

    ``reprint_of`` names the ``source_id`` of the original when a source reprints another (empty
    otherwise), so that a reprint is not counted as independent corroboration.
    """
    frame = pd.read_csv(path, dtype="string", keep_default_na=False)
    if "reprint_of" not in frame.columns:
        frame["reprint_of"] = pd.Series("", index=frame.index, dtype="string")
    return frame.set_index("source_id")


def load_indicators(path: Path = config.INDICATORS_CSV) -> pd.DataFrame:
    """The indicator registry, indexed by ``id``."""
    return pd.read_csv(path, dtype="string", keep_default_na=False).set_index("id")


def load_reported_figures(path: Path = config.REPORTED_FIGURES_CSV) -> pd.DataFrame:
    """The raw reported figures, as text, indexed by ``figure_id``."""
    return pd.read_csv(path, dtype="string", keep_default_na=False).set_index("figure_id")


_EGDI_DTYPES = {
    "survey_year": "int64",
    "iso3": "str",
    "country": "str",
    "region": "str",
    "subregion": "str",
    "egdi": "float64",
    "osi": "float64",
    "hci": "float64",
    "tii": "float64",
    "epi": "float64",
    "egdi_rank": "Int64",
    "n_ranked": "int64",
    "sea_position": "Int64",
    "subregion_position": "Int64",
    "percentile": "float64",
    "osi_rank": "Int64",
    "hci_rank": "Int64",
    "tii_rank": "Int64",
    "epi_rank": "Int64",
}


def load_egdi(path: Path = config.EGDI_CSV) -> pd.DataFrame:
    """The UN E-Government Survey panel (DESIGN.md contract): every member state in every survey that
    ranked it, with its UN M49 region and sub-region.

    Ranks and positions are nullable integers (``Int64``; ``sea_position`` is NA outside South-East Asia),
    indices and the percentile ``float64``, names ``str``.
    """
    frame = pd.read_csv(path, keep_default_na=False, na_values={"sea_position": [""]})
    return frame.astype({name: dtype for name, dtype in _EGDI_DTYPES.items() if name in frame.columns})
