"""Draft rows of ``reported_figures.csv`` from the figures found in a new report, for a person to review.

``egovanalysis extract`` turns the output of
:func:`~egovanalysis.ingest.figures.extract.extract_figures` into these rows.

A draft row has the columns of ``data/raw/reported_figures.csv`` (``figure_id, source_id, indicator,
reported, as_of, scope, kind, notes``) plus ``period_start``; ``figure_id`` continues the source's numbering
(``<source_id>-NN`` after the last ``NN`` already used), ``reported`` is the phrase verbatim, and ``notes``
says what was guessed. Nothing here writes into ``data/raw``: adding the reviewed rows is an edit like any
other, checked by ``egovanalysis build``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from egovanalysis.errors import SelectionError
from egovanalysis.ingest.schemas import REPORTED_FIGURES_COLUMNS

#: Columns of a draft file: those of reported_figures.csv, then period_start if the raw file lacks it.
DRAFT_COLUMNS: tuple[str, ...] = tuple(REPORTED_FIGURES_COLUMNS) + (
    () if "period_start" in REPORTED_FIGURES_COLUMNS else ("period_start",)
)
_DRAFT_NOTE = "draft from egovanalysis extract, review every field"


@dataclass(frozen=True, slots=True)
class Source:
    """What a draft needs to know about its source."""

    source_id: str
    language: str
    published: str


def find_source(sources_csv: Path, source_id: str) -> Source:
    """The source ``source_id`` of ``sources_csv``; :class:`~egovanalysis.errors.SelectionError` if it is
    not there."""
    sources = pd.read_csv(sources_csv, dtype=str, keep_default_na=False)
    row = sources[sources["source_id"] == source_id]
    if row.empty:
        raise SelectionError(
            f"unknown source id {source_id!r}: it is not in {sources_csv}. Fix: add the source there first "
            "(publisher, title, url, published date, language, kind), then extract again"
        )
    first = row.iloc[0]
    return Source(source_id, first["language"], first["published"])


def next_number(source_id: str, figure_ids: Iterable[str]) -> int:
    """The first ``NN`` after the ones ``source_id`` already uses (``<source_id>-NN``), starting at 1."""
    pattern = re.compile(re.escape(source_id) + r"-(\d+)")
    used = [int(m.group(1)) for fid in figure_ids if (m := pattern.fullmatch(str(fid)))]
    return max(used, default=0) + 1


def existing_figure_ids(reported_figures_csv: Path) -> list[str]:
    """The figure ids already in ``reported_figures.csv`` (none when the file does not exist yet)."""
    if not reported_figures_csv.exists():
        return []
    return pd.read_csv(reported_figures_csv, dtype=str, keep_default_na=False)["figure_id"].tolist()


def draft_rows(figures: pd.DataFrame, source_id: str, first_number: int) -> pd.DataFrame:
    """Draft rows of ``reported_figures.csv`` for the extracted ``figures`` (one each, same order)."""
    width = max(2, len(str(first_number + len(figures) - 1)))
    rows = []
    for k, (_, fig) in enumerate(figures.iterrows()):
        rows.append(
            {
                "figure_id": f"{source_id}-{first_number + k:0{width}d}",
                "source_id": source_id,
                "indicator": fig["indicator"] or "",
                "reported": fig["phrase"],
                "as_of": fig["as_of"],
                "scope": fig["scope"],
                "kind": fig["kind"],
                "notes": f"{_DRAFT_NOTE}: {fig['notes']}",
                "period_start": fig["period_start"] or "",
            }
        )
    return pd.DataFrame(rows, columns=list(DRAFT_COLUMNS), dtype=object)


def to_csv_text(rows: pd.DataFrame) -> str:
    """The rows as CSV text in the style of ``data/raw`` (UTF-8, LF, quoting only where needed)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(rows.columns)
    for record in rows.itertuples(index=False):
        writer.writerow(["" if value is None else str(value) for value in record])
    return buffer.getvalue()


def marked(context: str, phrase: str) -> str:
    """The sentence with the figure's phrase marked: ``... more than [[468,000 accounts]] ...``."""
    flat = " ".join(phrase.split())
    at = context.find(flat)
    if at < 0:
        return f"{context}  [[{flat}]]"
    return f"{context[:at]}[[{flat}]]{context[at + len(flat) :]}"
