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
    """The tidy observations table (DESIGN.md contract), with ``date`` as datetime64."""
    frame = pd.read_csv(
        path,
        dtype=_OBSERVATION_DTYPES,
        keep_default_na=False,
        na_values={"lower": [""], "upper": [""], "qualifier": [""]},
    )
    frame["date"] = pd.to_datetime(frame["date"], format="%Y-%m-%d")
    return frame


def load_sources(path: Path = config.SOURCES_CSV) -> pd.DataFrame:
    """The cited sources, indexed by ``source_id``."""
    return pd.read_csv(path, dtype="string", keep_default_na=False).set_index("source_id")


def load_indicators(path: Path = config.INDICATORS_CSV) -> pd.DataFrame:
    """The indicator registry, indexed by ``id``."""
    return pd.read_csv(path, dtype="string", keep_default_na=False).set_index("id")


def load_reported_figures(path: Path = config.REPORTED_FIGURES_CSV) -> pd.DataFrame:
    """The raw reported figures, as text, indexed by ``figure_id``."""
    return pd.read_csv(path, dtype="string", keep_default_na=False).set_index("figure_id")


def load_egdi(path: Path = config.EGDI_CSV) -> pd.DataFrame:
    """The UN E-Government Survey panel (DESIGN.md contract)."""
    frame = pd.read_csv(path)
    for column in [name for name in frame.columns if name.endswith("_rank") or name == "sea_position"]:
        frame[column] = frame[column].astype("Int64")
    return frame


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
