"""Every exception egovanalysis raises for bad input, under one root: :class:`EgovError`.

Data problems travel as :class:`DataIssue` records (file, line, column, value, problem, fix) from where they
are found to where they are printed; nothing downstream re-reads a file or a message to find the line.
The command line catches :class:`EgovError`, prints the message and exits non-zero, never a traceback.

Errors that are also a ``ValueError`` (a bad phrase, date, parameter or request) say so in their bases,
so callers that already catch ``ValueError`` keep working.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from egovanalysis import config

#: Where the layers, the data contracts and the "where does it go" table are explained; fixes point here.
ARCHITECTURE_DOC = "docs/architecture.md"


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
            shown = Path(self.file).resolve().relative_to(config.PROJECT_ROOT)
        except ValueError:
            shown = self.file
        where = f"{shown}:{self.line}" if self.line is not None else f"{shown}"
        if self.column is not None:
            where += f": column '{self.column}'"
        value = f" (value {self.value!r})" if self.value is not None else ""
        return f"{where}: {self.problem}{value}. Fix: {self.fix}"


class EgovError(Exception):
    """Root of the errors raised by egovanalysis for bad inputs, requests or runs."""


class DataValidationError(EgovError):
    """Input files hold problems; carries every problem found (:attr:`issues`), not only the first."""

    def __init__(self, issues: list[DataIssue], summary: str | None = None) -> None:
        self.issues = list(issues)
        self.summary = summary
        count = len(self.issues)
        lines = "\n".join(f"  - {issue}" for issue in self.issues)
        tail = f"\n{summary}" if summary else ""
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the raw data:\n{lines}{tail}")


class EgdiLoadError(DataValidationError, ValueError):
    """UN EGDI exports cannot be read as documented; carries every problem as a :class:`DataIssue`."""


class FigureParseError(EgovError, ValueError):
    """The text holds no figure, or more than one; the message quotes the text."""


class DateResolutionError(EgovError, ValueError):
    """An ``as_of`` or published date cannot be read as a calendar date."""


class SelectionError(EgovError, ValueError):
    """A requested country, indicator, metric or survey is not in the data; the message lists what is."""


class ForecastError(EgovError, ValueError):
    """A series cannot be forecast as asked; the message says why and what to do."""


class UsageError(EgovError, ValueError):
    """The command was asked for something it cannot do as asked (an unknown notebook, a bad option value);
    the command line exits 2 for it, as for any usage error."""


class ParameterError(UsageError):
    """A notebook parameter is unknown, ill-typed, or declared in a way that cannot be checked."""


class OutputError(EgovError):
    """An output folder cannot be written (not a folder, read-only, ...); nothing was written to it."""


class RefreshError(EgovError):
    """A refresh could not start or finish (no notebooks, bad selection, failed build, bad destination)."""


class ReportError(EgovError, ValueError):
    """A chart or report cannot be finished as asked (e.g. a chart without the sources of its rows)."""


class ProvinceNameError(SelectionError):
    """A name is not a provincial-level unit of the era asked for.

    Carries what the message says as data, so callers decide without reading the message: ``near`` (ids
    of similar names), ``city_of`` (the id of the province when the name is a city inside one) and
    ``other_era`` (the id the name has in the other era, when it names a unit there).
    """

    def __init__(
        self,
        message: str,
        *,
        name: str,
        era: str,
        near: tuple[str, ...] = (),
        city_of: str | None = None,
        other_era: str | None = None,
    ) -> None:
        super().__init__(message)
        self.name = name
        self.era = era
        self.near = near
        self.city_of = city_of
        self.other_era = other_era
