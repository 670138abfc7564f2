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
    """The tidy observations table (the observations contract); ``date`` and ``period_start`` as datetime64.

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
    """The UN E-Government Survey panel (the EGDI panel contract): every member state in every survey that
    ranked it, with its UN M49 region and sub-region.

    Ranks and positions are nullable integers (``Int64``; ``sea_position`` is NA outside South-East Asia),
    indices and the percentile ``float64``, names ``str``.
    """
    frame = pd.read_csv(path, keep_default_na=False, na_values={"sea_position": [""]})
    return frame.astype({name: dtype for name, dtype in _EGDI_DTYPES.items() if name in frame.columns})


# --------------------------------------------------------------------------------------------------------
# Provinces (issue 13): the units before and after the 2025 merger, and the provincial indices
# --------------------------------------------------------------------------------------------------------


def load_provinces(path: Path = config.PROVINCES_CSV) -> pd.DataFrame:
    """Every provincial-level unit before and after the 2025 merger (DESIGN.md contract), by ``province_id``.

    ``code`` stays text (``"01"``); ``merged_into`` is ``<NA>`` for the units from 2025.
    """
    frame = pd.read_csv(
        path,
        dtype={name: "string" for name in ("province_id", "name_vi", "name_ascii", "code", "era")}
        | {"merged_into": "string"},
        keep_default_na=False,
        na_values={"merged_into": [""]},
    )
    return frame.set_index("province_id")


def load_provincial_indices(path: Path = config.PROVINCIAL_INDICES_CSV) -> pd.DataFrame:
    """The provincial rankings and scores (DESIGN.md contract); ``rank`` and ``n_ranked`` may be missing."""
    return pd.read_csv(
        path,
        dtype={"index": "string", "year": "int64", "province_id": "string", "rank": "Int64",
               "n_ranked": "Int64", "score": "float64", "source_id": "string"},
    )
