"""One validation layer for every raw file: its origin, its CSV, its schema, every problem at once.

A raw dataset is a CSV in ``data/raw`` plus its ``.meta.yml`` plus a pandera schema, registered once in
:mod:`egovanalysis.ingest.datasets`. :func:`read_raw` takes every registered dataset through the same steps
and never stops at the first problem:

1. its sidecar (:func:`egovanalysis.ingest.raw_meta.check_meta`): present, readable, origin keys, checksum;
2. its CSV, read as text with the physical line of every row (:func:`egovanalysis.ingest.rawio.read_raw_csv`):
   UTF-8, header, quoting, field counts;
3. its schema, validated lazily (pandera ``lazy=True``): every failing cell becomes a
   :class:`~egovanalysis.errors.DataIssue` naming file, line, column, value, problem and fix.

A CSV in ``data/raw`` that is not registered is an error too, so no file is silently ignored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pandera.pandas as pa

from egovanalysis.errors import DataIssue, DataValidationError
from egovanalysis.ingest.raw_meta import check_meta
from egovanalysis.ingest.rawio import LINE_COLUMN, read_raw_csv
from egovanalysis.ingest.schemas import fix_for


@dataclass(frozen=True)
class Context:
    """What a schema may depend on: the tables read before it (by name) and the build's date."""

    tables: Mapping[str, pd.DataFrame]
    today: date


#: Builds a dataset's schema from the frame being validated and the :class:`Context`.
SchemaFactory = Callable[[pd.DataFrame, Context], pa.DataFrameSchema]


@dataclass(frozen=True)
class RawDataset:
    """A registered raw dataset: ``data/raw/<name>.csv`` with ``<name>.meta.yml`` and a schema.

    ``columns`` are required in the header (in any order); ``optional`` columns may be absent and then read
    as empty. ``rows_are`` names a row in the build's counts ("reported figures").
    """

    name: str
    columns: tuple[str, ...]
    schema: SchemaFactory
    optional: tuple[str, ...] = ()
    rows_are: str = "rows"

    @property
    def file_name(self) -> str:
        """The CSV's file name."""
        return f"{self.name}.csv"


@dataclass
class RawTables:
    """Every registered raw table as text (with ``_line``), its sidecar, and every problem found."""

    raw_dir: Path
    datasets: tuple[RawDataset, ...]
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    meta: dict[str, dict[str, Any]] = field(default_factory=dict)
    issues: list[DataIssue] = field(default_factory=list)

    def path(self, name: str) -> Path:
        """Path of the raw file of dataset ``name``."""
        return self.raw_dir / f"{name}.csv"

    def problem_cells(self, name: str) -> set[tuple[int | None, str | None]]:
        """``(line, column)`` of every problem found so far in dataset ``name``'s CSV."""
        path = self.path(name)
        return {(issue.line, issue.column) for issue in self.issues if issue.file == path}

    def problem_lines(self, name: str) -> set[int]:
        """Data lines (not the header) of dataset ``name`` with at least one problem."""
        return {line for line, _ in self.problem_cells(name) if line is not None and line > 1}

    def counts(self) -> str:
        """One line per dataset: rows read, and how many have problems (every raw row is accounted for)."""
        lines = []
        for dataset in self.datasets:
            frame = self.frames.get(dataset.name)
            if frame is None:
                lines.append(f"  {dataset.file_name}: not read (see the problems above)")
                continue
            bad = len(self.problem_lines(dataset.name) & set(frame[LINE_COLUMN]))
            lines.append(
                f"  {dataset.file_name}: {len(frame)} {dataset.rows_are} read: {len(frame) - bad} without "
                f"problems, {bad} with problems"
            )
        return "\n".join(lines)

    def error(self) -> DataValidationError:
        """The problems found, sorted by file and line, with the per-file counts as summary."""
        ordered = sorted(self.issues, key=_issue_order)
        return DataValidationError(ordered, "Rows read per file:\n" + self.counts())


def _issue_order(issue: DataIssue) -> tuple[str, int, str]:
    return (str(issue.file), -1 if issue.line is None else issue.line, issue.column or "")


def _cell(frame: pd.DataFrame, index: Any, column: str | None) -> str | None:
    if column is None or column not in frame.columns or index not in frame.index:
        return None
    return str(frame.at[index, column])


def validate_frame(
    schema: pa.DataFrameSchema, frame: pd.DataFrame, path: Path, dataset: str,
    shown: Mapping[str, str] | None = None,
) -> list[DataIssue]:
    """Validate ``frame`` (text with ``_line``) lazily; one :class:`DataIssue` per failing cell.

    ``dataset`` (the file's stem) picks the fixes (:func:`~egovanalysis.ingest.schemas.fix_for`); ``shown``
    maps a schema column to the name the file itself uses (the UN exports' headers), for the messages.
    """
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as error:
        return _issues_of(error.failure_cases, schema, frame, path, dataset, shown or {})
    return []


def _target_column(case: Any, schema: pa.DataFrameSchema, frame: pd.DataFrame) -> tuple[str | None, bool]:
    """The column a failure points at, and whether this failure row is the one to keep.

    A row check (:func:`~egovanalysis.ingest.schemas.row_check`) fails on every column of its row in
    pandera's report; the column it names (its ``name``) is the one to report, once.
    """
    column = case.column if isinstance(case.column, str) and case.column in frame.columns else None
    frame_check = case.schema_context == "DataFrameSchema" and case.check_number is not None
    if frame_check and not pd.isna(case.check_number):
        named = schema.checks[int(case.check_number)].name
        if named in frame.columns:
            return named, column in (None, named)
    return column, True


def _issues_of(
    cases: pd.DataFrame, schema: pa.DataFrameSchema, frame: pd.DataFrame, path: Path, dataset: str,
    shown: Mapping[str, str],
) -> list[DataIssue]:
    issues: list[DataIssue] = []
    seen: set[tuple[int | None, str | None]] = set()
    for case in cases.itertuples(index=False):
        column, keep = _target_column(case, schema, frame)
        if not keep:
            continue
        if case.check == "column_in_schema":
            issues.append(DataIssue(path, 1, str(case.failure_case), None, "unexpected column",
                                    f"remove or rename it; the file's columns are listed in {path.stem}'s "
                                    "schema (egovanalysis/ingest/schemas.py)"))
            continue
        index = case.index
        has_row = index is not None and not pd.isna(index) and index in frame.index
        line = int(frame.at[index, LINE_COLUMN]) if has_row else None
        if (line, column) in seen:
            continue  # one problem per cell is enough to point at it
        seen.add((line, column))
        value = _cell(frame, index, column) if has_row else None
        if value is None and isinstance(case.failure_case, str):
            value = case.failure_case
        problem = _describe(str(case.check))
        issues.append(DataIssue(path, line, shown.get(column, column) if column else None, value, problem,
                                fix_for(dataset, column)))
    return issues


def _describe(check: str) -> str:
    """Pandera's built-in check names in words; our own checks carry their own ``error`` text."""
    if check in ("field_uniqueness", "multiple_fields_uniqueness"):
        return "appears more than once; it must be unique"
    if check.startswith("dtype("):
        return "has the wrong type"
    return check


def read_raw(
    raw_dir: Path, datasets: Iterable[RawDataset], today: date, every_file: bool = True
) -> RawTables:
    """Check every dataset of ``datasets`` in ``raw_dir`` (in order); never raises for a data problem.

    Schemas see the tables read before them (:class:`Context`), so list a dataset after those it refers to.
    With ``every_file`` (the build), a CSV of ``raw_dir`` outside ``datasets`` is a problem too; loaders of
    a few tables pass ``False``. The problems are in :attr:`RawTables.issues`; a table that cannot be read
    at all is left out of :attr:`RawTables.frames`.
    """
    raw_dir = Path(raw_dir)
    tables = RawTables(raw_dir=raw_dir, datasets=tuple(datasets))
    if not raw_dir.is_dir():
        tables.issues.append(DataIssue(raw_dir, None, None, None, "no such folder",
                                       "point --raw-dir at the folder holding the raw CSV files"))
        return tables
    registered = {dataset.file_name for dataset in tables.datasets}
    for path in sorted(raw_dir.glob("*.csv")) if every_file else []:
        if path.name not in registered:
            tables.issues.append(DataIssue(
                path, None, None, None, "is not a registered dataset, so nothing would check or use it",
                "register it in egovanalysis/ingest/datasets.py with its schema (and a .meta.yml), "
                "or move it out of the raw folder"))
    for dataset in tables.datasets:
        _read_one(tables, dataset, today)
    return tables


def _read_one(tables: RawTables, dataset: RawDataset, today: date) -> None:
    path = tables.path(dataset.name)
    meta, issues = check_meta(path)
    tables.issues += issues
    if meta is not None:
        tables.meta[dataset.name] = meta
    try:
        frame = read_raw_csv(path, list(dataset.columns))
    except DataValidationError as error:
        tables.issues += error.issues
        return
    if frame.empty:
        tables.issues.append(DataIssue(path, 2, None, None, "the file has a header but no rows",
                                       f"add one row per {dataset.rows_are.rstrip('s')}, or restore the file "
                                       "from git"))
    for column in dataset.optional:
        if column not in frame.columns:
            frame.insert(len(frame.columns) - 1, column, "")
    context = Context(tables=dict(tables.frames), today=today)
    tables.issues += validate_frame(dataset.schema(frame, context), frame, path, dataset.name)
    tables.frames[dataset.name] = frame
