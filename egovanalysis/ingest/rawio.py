"""Read raw CSV files as text, remembering the physical line of every row.

pandas' reader loses line numbers and silently pads or truncates ragged rows, so raw files are read
with the standard ``csv`` module instead: every error can then name its file, line and column.
Values stay strings; typing happens after validation.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from egovanalysis.errors import DataIssue, DataValidationError

LINE_COLUMN = "_line"


def _decode(path: Path) -> str:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        raise DataValidationError(
            [
                DataIssue(
                    file=path,
                    line=line,
                    column=None,
                    value=repr(data[exc.start : exc.end])[2:-1],
                    problem=f"byte {exc.start - line_start + 1} of the line is not valid UTF-8",
                    fix="re-save the file as UTF-8 "
                    "(e.g. in LibreOffice: Save As > CSV > Character set UTF-8)",
                )
            ]
        ) from exc
    return text.removeprefix("\ufeff")


def _quote_problem(line: str, header: list[str]) -> tuple[str | None, str | None]:
    """The column and text of the cell whose quoting breaks ``line`` (a quote left open, or text after a
    closing quote), for the error message; ``(None, None)`` when it cannot be told."""
    field, start, quoted, closed, position = 0, 0, False, False, 0
    while position < len(line):
        char = line[position]
        if quoted and char == '"':
            if line[position + 1 : position + 2] == '"':
                position += 1  # a doubled quote inside a quoted cell
            else:
                quoted, closed = False, True
        elif not quoted and char == '"' and position == start:
            quoted = True
        elif not quoted and char == ",":
            field, start, closed = field + 1, position + 1, False
        elif not quoted and closed:
            break  # text after a closing quote: this cell is the bad one
        position += 1
    else:
        if not quoted:
            return None, None
    name = header[field] if field < len(header) else None
    end = line.find(",", start + 1) if not quoted else -1
    return name, line[start : end if end > 0 else None][:80]


def read_raw_csv(path: Path, expected_columns: list[str]) -> pd.DataFrame:
    """Read ``path`` into a DataFrame of strings with an extra ``_line`` column.

    Raises :class:`DataValidationError` when the file is missing, empty, not UTF-8, lacks a column
    of ``expected_columns`` or has rows with the wrong number of fields. Extra columns are reported
    later by the schema, which knows the file's contract.
    """
    path = Path(path)
    if not path.is_file():
        problem = "is a folder, not a file" if path.is_dir() else "file not found"
        if path.exists() and not path.is_dir():
            problem = "is not a regular file"
        raise DataValidationError(
            [DataIssue(path, None, None, None, problem, f"restore it from git (git checkout -- {path.name})")]
        )
    text = _decode(path)
    if not text.strip():
        raise DataValidationError(
            [
                DataIssue(
                    path,
                    1,
                    None,
                    None,
                    "the file is empty",
                    "it needs a header row: " + ",".join(expected_columns),
                )
            ]
        )
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    issues: list[DataIssue] = []
    try:
        header = next(reader)
    except csv.Error as exc:
        raise DataValidationError(
            [DataIssue(path, 1, None, None, f"unreadable header ({exc})", "fix the header's quoting")]
        ) from exc
    header = [name.strip() for name in header]
    missing = [name for name in expected_columns if name not in header]
    for name in missing:
        issues.append(
            DataIssue(
                path,
                1,
                name,
                None,
                "required column is missing from the header",
                f"add the column '{name}'; the header must be: " + ",".join(expected_columns),
            )
        )
    duplicated = sorted({name for name in header if header.count(name) > 1})
    for name in duplicated:
        issues.append(DataIssue(path, 1, name, None, "column appears twice", "remove one of them"))
    if issues:
        raise DataValidationError(issues)

    records: list[list[str]] = []
    lines: list[int] = []
    start_line = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            physical = text.splitlines()[start_line - 1] if start_line <= len(text.splitlines()) else ""
            column, cell = _quote_problem(physical, header)
            issues.append(
                DataIssue(path, start_line, column, cell, f"malformed CSV row ({exc})",
                          'quote the whole cell and double any quote inside it ("say ""this""")')
            )
            start_line = reader.line_num + 1
            continue
        if not row or all(not cell.strip() for cell in row):
            start_line = reader.line_num + 1
            continue
        if len(row) != len(header):
            issues.append(
                DataIssue(
                    path,
                    start_line,
                    None,
                    ",".join(row),
                    f"row has {len(row)} fields but the header has {len(header)}",
                    "quote fields that contain commas, and give every column a value (empty is allowed)",
                )
            )
        else:
            records.append([cell.strip() for cell in row])
            lines.append(start_line)
        start_line = reader.line_num + 1
    if issues:
        raise DataValidationError(issues)
    frame = pd.DataFrame(records, columns=header, dtype=str)
    frame[LINE_COLUMN] = pd.Series(lines, dtype="int64")
    return frame
