"""Contracts of the raw and processed tables, as pandera schemas.

Raw files are read as text (see :mod:`egovanalysis.ingest.rawio`), so raw schemas check the text's shape;
cross-file references (a figure's source and indicator) are checked by schemas built from the
files they point to. ``FIX_HINTS`` tells the user what to do for a failure in each column.
"""

from __future__ import annotations

import pandera.pandas as pa

from egovanalysis.ingest.dates import AS_OF_PATTERN, DateResolutionError, parse_published

SOURCES_COLUMNS = ["source_id", "publisher", "title", "url", "published", "language", "kind", "notes"]
INDICATORS_COLUMNS = ["id", "label", "unit", "measure", "concept", "definition"]
REPORTED_FIGURES_COLUMNS = [
    "figure_id",
    "source_id",
    "indicator",
    "reported",
    "as_of",
    "scope",
    "kind",
    "notes",
]
OBSERVATIONS_COLUMNS = [
    "indicator",
    "date",
    "value",
    "lower",
    "upper",
    "unit",
    "qualifier",
    "kind",
    "scope",
    "source_id",
    "figure_id",
]

UNITS = ["count", "%", "VND", "USD", "rank", "times", "index"]
MEASURES = ["cumulative", "flow", "share", "rank", "index", "count", "change"]
QUALIFIERS = ["more_than", "less_than", "at_least", "at_most", "about", "nearly"]
KINDS = ["actual", "target"]
SOURCE_KINDS = ["press", "official", "dataset"]
LANGUAGES = ["en", "vi"]

SLUG = r"^[a-z0-9][a-z0-9_.-]*$"
SCOPE = r"^(national|ministries|localities|ministries_and_localities|(province|ministry):[a-z0-9-]+)$"
ISO_DATE_OR_MONTH = r"^\d{4}-\d{2}(-\d{2})?$"
LINE = "_line"

FIX_HINTS: dict[str, str] = {
    "source_id": "use a source_id listed in data/raw/sources.csv, or add the source there first "
    "(publisher, title, url, published date, language, kind)",
    "figure_id": "give every figure its own id, written <source_id>-NN",
    "indicator": "use an id from data/raw/indicators.csv, or register the indicator there first "
    "(label, unit, measure, definition)",
    "reported": "copy the figure's phrase verbatim from the source: a few words holding one figure",
    "as_of": "write YYYY-MM-DD, YYYY-MM, YYYY or one of: published, last year, this year, "
    "end of this year, by the end of this year, next year, in <Month>, in <Month> alone",
    "scope": "write national, ministries, localities, ministries_and_localities, province:<slug> "
    "or ministry:<slug>",
    "kind": "write one of: " + ", ".join(KINDS) + " (figures) or " + ", ".join(SOURCE_KINDS) + " (sources)",
    "published": "write the publication date as YYYY-MM-DD, or YYYY-MM when only the month is known",
    "language": "write en or vi: the language of the source's figure phrases",
    "url": "write the full address starting with http:// or https://, or leave it empty if unknown",
    "id": "use a unique snake_case id",
    "unit": "write one of: " + ", ".join(UNITS),
    "measure": "write one of: " + ", ".join(MEASURES),
    "label": "give the indicator a human-readable label",
    "definition": "define the indicator: what is counted, over what, and whether it is supply or use",
    "publisher": "name who published the source",
    "title": "give the source's title (or a short description in brackets)",
}


def _is_calendar_date(text: str) -> bool:
    try:
        parse_published(text)
    except DateResolutionError:
        return False
    return True


def _text(*checks: pa.Check, required: bool = True, unique: bool = False) -> pa.Column:
    all_checks = [pa.Check.str_length(min_value=1, error="must not be empty")] if required else []
    return pa.Column(None, checks=[*all_checks, *checks], unique=unique, nullable=False)


def sources_schema() -> pa.DataFrameSchema:
    """Schema of ``data/raw/sources.csv``."""
    return pa.DataFrameSchema(
        {
            "source_id": _text(pa.Check.str_matches(SLUG), unique=True),
            "publisher": _text(),
            "title": _text(),
            "url": _text(pa.Check.str_matches(r"^(https?://\S+)?$"), required=False),
            "published": _text(
                pa.Check.str_matches(ISO_DATE_OR_MONTH),
                pa.Check(lambda s: s.map(_is_calendar_date), error="is not a real calendar date"),
            ),
            "language": _text(pa.Check.isin(LANGUAGES)),
            "kind": _text(pa.Check.isin(SOURCE_KINDS)),
            "notes": _text(required=False),
            LINE: pa.Column(int),
        },
        strict=True,
        name="sources",
    )


def indicators_schema() -> pa.DataFrameSchema:
    """Schema of ``data/raw/indicators.csv`` (the indicator registry)."""
    return pa.DataFrameSchema(
        {
            "id": _text(pa.Check.str_matches(r"^[a-z][a-z0-9_]*$"), unique=True),
            "label": _text(),
            "unit": _text(pa.Check.isin(UNITS)),
            "measure": _text(pa.Check.isin(MEASURES)),
            "concept": _text(pa.Check.str_matches(r"^([a-z][a-z0-9_]*)?$"), required=False),
            "definition": _text(),
            LINE: pa.Column(int),
        },
        strict=True,
        name="indicators",
    )


def reported_figures_schema(source_ids: list[str], indicator_ids: list[str]) -> pa.DataFrameSchema:
    """Schema of ``data/raw/reported_figures.csv``, given the known sources and indicators."""
    return pa.DataFrameSchema(
        {
            "figure_id": _text(pa.Check.str_matches(SLUG), unique=True),
            "source_id": _text(pa.Check.isin(source_ids, error="unknown source_id")),
            "indicator": _text(pa.Check.isin(indicator_ids, error="unknown indicator")),
            "reported": _text(pa.Check.str_length(max_value=80, error="longer than 80 characters")),
            "as_of": _text(pa.Check.str_matches(AS_OF_PATTERN)),
            "scope": _text(pa.Check.str_matches(SCOPE)),
            "kind": _text(pa.Check.isin(KINDS)),
            "notes": _text(required=False),
            LINE: pa.Column(int),
        },
        strict=True,
        name="reported_figures",
    )


def observations_schema() -> pa.DataFrameSchema:
    """Schema of ``data/processed/observations.csv`` (the tidy output)."""
    return pa.DataFrameSchema(
        {
            "indicator": pa.Column(str),
            "date": pa.Column(str, pa.Check.str_matches(r"^\d{4}-\d{2}-\d{2}$")),
            "value": pa.Column(float, pa.Check(lambda s: s.notna().all(), error="value is missing")),
            "lower": pa.Column(float, nullable=True),
            "upper": pa.Column(float, nullable=True),
            "unit": pa.Column(str, pa.Check.isin(UNITS)),
            "qualifier": pa.Column(str, pa.Check.isin(QUALIFIERS), nullable=True),
            "kind": pa.Column(str, pa.Check.isin(KINDS)),
            "scope": pa.Column(str, pa.Check.str_matches(SCOPE)),
            "source_id": pa.Column(str),
            "figure_id": pa.Column(str, unique=True),
        },
        strict=True,
        ordered=True,
        name="observations",
    )
