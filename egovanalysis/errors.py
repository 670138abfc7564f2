"""Errors that point at the exact place in a raw file, and say how to fix it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from egovanalysis import config


@dataclass(frozen=True, slots=True)
class DataIssue:
    """One problem found in an input file.

    ``line`` is the 1-based physical line of the file (the header is line 1); ``None`` when the
    problem concerns the whole file (it is empty, a column is missing, ...).
    """

    file: Path
    line: int | None
    column: str | None
    value: str | None
    problem: str
    fix: str

    def __str__(self) -> str:
        try:
            shown = self.file.resolve().relative_to(config.PROJECT_ROOT)
        except ValueError:
            shown = self.file
        where = f"{shown}:{self.line}" if self.line is not None else f"{shown}"
        if self.column is not None:
            where += f": column '{self.column}'"
        value = f" (value {self.value!r})" if self.value is not None else ""
        return f"{where}: {self.problem}{value}. Fix: {self.fix}"


class EgovError(Exception):
    """Base class of the errors raised by egovanalysis for bad inputs."""


class DataValidationError(EgovError):
    """Raised when input files hold problems; carries every problem found, not only the first."""

    def __init__(self, issues: list[DataIssue], summary: str | None = None) -> None:
        self.issues = list(issues)
        self.summary = summary
        count = len(self.issues)
        lines = "\n".join(f"  - {issue}" for issue in self.issues)
        tail = f"\n{summary}" if summary else ""
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the raw data:\n{lines}{tail}")
