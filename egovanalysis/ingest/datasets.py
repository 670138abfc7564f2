"""The registry of raw datasets: every CSV in ``data/raw`` is listed here, once, with its schema.

Adding a dataset = a CSV in ``data/raw``, its ``.meta.yml`` (:mod:`egovanalysis.ingest.raw_meta`), a schema
(:mod:`egovanalysis.ingest.schemas`) and one :class:`~egovanalysis.ingest.validation.RawDataset` entry in
:data:`RAW_DATASETS`. The build then checks it like every other raw file (origin, checksum, CSV, schema,
safety of every text cell) and reports its problems with the rest. A dataset whose schema refers to
another table (a figure's source, a country's region) is listed after that table.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from egovanalysis.ingest import provinces, schemas
from egovanalysis.ingest.validation import Context, RawDataset


def _ids(context: Context, name: str, column: str) -> list[str]:
    table = context.tables.get(name)
    return [] if table is None else table[column].tolist()


def _sources(frame: pd.DataFrame, context: Context) -> pa.DataFrameSchema:
    return schemas.sources_schema(frame["source_id"].tolist(), context.today)


def _indicators(_frame: pd.DataFrame, _context: Context) -> pa.DataFrameSchema:
    return schemas.indicators_schema()


def _reported_figures(_frame: pd.DataFrame, context: Context) -> pa.DataFrameSchema:
    return schemas.reported_figures_schema(
        _ids(context, "sources", "source_id"), _ids(context, "indicators", "id")
    )


def _un_regions(_frame: pd.DataFrame, _context: Context) -> pa.DataFrameSchema:
    return schemas.un_regions_schema()


def _un_surveys(_frame: pd.DataFrame, _context: Context) -> pa.DataFrameSchema:
    return schemas.un_surveys_schema()


def _un_panel(_frame: pd.DataFrame, context: Context) -> pa.DataFrameSchema:
    return schemas.un_panel_schema(_ids(context, "un_m49_regions", "iso3"), complete=True)


def _text_table(name: str, columns: list[str]) -> Callable[[pd.DataFrame, Context], pa.DataFrameSchema]:
    def schema(_frame: pd.DataFrame, _context: Context) -> pa.DataFrameSchema:
        return schemas.text_table_schema(name, columns)

    return schema


def _province_datasets() -> tuple[RawDataset, ...]:
    """The province files: checked here for their origin, CSV and cell safety; their domain rules (names
    resolved to provinces, ranks, scores, the merger) are checked by :mod:`egovanalysis.ingest.provinces`."""
    files = [(provinces.MERGER_CSV, provinces.MERGER_COLUMNS, "units"),
             *[(name, provinces.INDEX_COLUMNS, "index rows") for name in provinces.INDEX_FILES],
             (provinces.FIGURES_CSV, provinces.FIGURES_COLUMNS, "index rows")]
    return tuple(
        RawDataset(Path(file).stem, tuple(columns), _text_table(Path(file).stem, columns), rows_are=rows)
        for file, columns, rows in files
    )


#: Every raw dataset, in the order they are checked (a table before the tables that refer to it).
RAW_DATASETS: tuple[RawDataset, ...] = (
    RawDataset("sources", tuple(schemas.SOURCES_COLUMNS), _sources,
               optional=tuple(schemas.SOURCES_OPTIONAL), rows_are="sources"),
    RawDataset("indicators", tuple(schemas.INDICATORS_COLUMNS), _indicators, rows_are="indicators"),
    RawDataset("reported_figures", tuple(schemas.REPORTED_FIGURES_COLUMNS), _reported_figures,
               optional=tuple(schemas.REPORTED_FIGURES_OPTIONAL), rows_are="reported figures"),
    RawDataset("un_m49_regions", tuple(schemas.UN_REGIONS_COLUMNS), _un_regions, rows_are="member states"),
    RawDataset("un_egdi_surveys", tuple(schemas.UN_SURVEYS_COLUMNS), _un_surveys, rows_are="surveys"),
    RawDataset("un_egdi_panel", tuple(schemas.UN_PANEL_COLUMNS), _un_panel, rows_are="country-survey rows"),
    *_province_datasets(),
)

#: File names of the raw datasets the build turns into processed tables.
SOURCES = "sources"
INDICATORS = "indicators"
REPORTED_FIGURES = "reported_figures"
UN_REGIONS = "un_m49_regions"
UN_SURVEYS = "un_egdi_surveys"
UN_PANEL = "un_egdi_panel"
