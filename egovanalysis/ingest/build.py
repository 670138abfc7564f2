"""``egovanalysis build``: validate ``data/raw``, parse and normalise, write ``data/processed``.

Steps, each reported as it runs:

1. read the three raw tables as text, with the line of every row (:mod:`egovanalysis.ingest.rawio`);
2. validate them against their contracts (:mod:`egovanalysis.ingest.schemas`, pandera);
3. parse every reported phrase (:func:`~egovanalysis.ingest.figure_parser.parse_figures`) in its
   source's language;
4. check each figure against its indicator (unit, share within 0-100, rank at least 1);
5. resolve ``as_of`` to a date (:mod:`egovanalysis.ingest.dates`) and assemble the tidy observations;
6. build the UN EGDI panel (:mod:`egovanalysis.ingest.un_panel`);
7. only if nothing failed, write every output atomically. A failure leaves ``data/processed`` as it was.

Every raw figure ends up either in ``observations.csv`` or in the error report; the counts are printed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from egovanalysis import config
from egovanalysis.errors import DataIssue, DataValidationError
from egovanalysis.ingest.atomic import write_text_atomic
from egovanalysis.ingest.dates import DateResolutionError, parse_published, resolve_as_of
from egovanalysis.ingest.figure_parser import parse_figures
from egovanalysis.ingest.provinces import build_provinces
from egovanalysis.ingest.rawio import LINE_COLUMN, read_raw_csv
from egovanalysis.ingest.schemas import (
    FIX_HINTS,
    INDICATORS_COLUMNS,
    OBSERVATIONS_COLUMNS,
    REPORTED_FIGURES_COLUMNS,
    SOURCES_COLUMNS,
    indicators_schema,
    observations_schema,
    reported_figures_schema,
    sources_schema,
)
from egovanalysis.ingest.un_panel import SEA_CSV_NAME, build_egdi_panel, validate_egdi_panel

#: Parsed unit (``None`` is a plain number) -> registry units it may stand for. A bare number may stand
#: for money when the report leaves the currency to the context ("savings of about 8,000 billion");
#: the build counts such rows and says so, and the row's notes must explain it.
COMPATIBLE_UNITS: dict[str | None, set[str]] = {
    None: {"count", "index", "VND", "USD"},
    "%": {"%"},
    "VND": {"VND"},
    "USD": {"USD"},
    "rank": {"rank"},
    "times": {"times"},
}

Log = Callable[[str], None]


@dataclass
class RawTables:
    """The three raw tables, validated, as text, each with its ``_line`` column."""

    sources: pd.DataFrame
    indicators: pd.DataFrame
    figures: pd.DataFrame
    files: dict[str, Path]


@dataclass
class BuildResult:
    """What a build produced and what it wrote."""

    observations: pd.DataFrame
    egdi: pd.DataFrame
    rows_read: int
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)


def _describe_check(check: str) -> str:
    if check in ("field_uniqueness", "multiple_fields_uniqueness"):
        return "appears more than once; it must be unique"
    if check.startswith("str_matches"):
        return "does not have the expected form"
    if check.startswith("isin"):
        return "is not one of the allowed values"
    bounds = re.match(r"(in_range|greater_than_or_equal_to|less_than_or_equal_to)\((.*)\)$", check)
    if bounds:
        kind, limits = bounds.groups()
        words = {"in_range": "lie within", "greater_than_or_equal_to": "be at least",
                 "less_than_or_equal_to": "be at most"}
        return f"must {words[kind]} {limits}"
    return check


def schema_issues(error: pa.errors.SchemaErrors, frame: pd.DataFrame, path: Path) -> list[DataIssue]:
    """Turn pandera's failure cases into issues that name the file's line and column."""
    issues: list[DataIssue] = []
    seen: set[tuple[int | None, str | None]] = set()
    cases = error.failure_cases
    for case in cases.itertuples(index=False):
        column = case.column if isinstance(case.column, str) else None
        if case.check == "column_in_schema":
            issues.append(
                DataIssue(
                    path,
                    1,
                    str(case.failure_case),
                    None,
                    "unexpected column",
                    "remove or rename it; the file's columns are fixed by DESIGN.md",
                )
            )
            continue
        index = case.index
        found = frame.loc[index, LINE_COLUMN] if index is not None and not pd.isna(index) else None
        line = int(found) if found is not None and not pd.isna(found) else None
        if (line, column) in seen:
            continue  # one problem per cell is enough to point at it
        seen.add((line, column))
        value = None if pd.isna(case.failure_case) else str(case.failure_case)
        issues.append(
            DataIssue(
                path,
                line,
                column,
                value,
                _describe_check(str(case.check)),
                FIX_HINTS.get(column or "", "see the file's contract in DESIGN.md"),
            )
        )
    return issues


def _validate(schema: pa.DataFrameSchema, frame: pd.DataFrame, path: Path) -> list[DataIssue]:
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as error:
        return schema_issues(error, frame, path)
    return []


def load_raw(raw_dir: Path = config.RAW_DIR) -> RawTables:
    """Read and validate the raw tables; raise :class:`DataValidationError` listing every problem."""
    files = {
        "sources": raw_dir / config.SOURCES_CSV.name,
        "indicators": raw_dir / config.INDICATORS_CSV.name,
        "figures": raw_dir / config.REPORTED_FIGURES_CSV.name,
    }
    expected = {
        "sources": SOURCES_COLUMNS,
        "indicators": INDICATORS_COLUMNS,
        "figures": REPORTED_FIGURES_COLUMNS,
    }
    frames: dict[str, pd.DataFrame] = {}
    issues: list[DataIssue] = []
    for name, path in files.items():
        try:
            frames[name] = read_raw_csv(path, expected[name])
        except DataValidationError as error:
            issues.extend(error.issues)
    if issues:
        raise DataValidationError(issues)
    issues += _validate(sources_schema(), frames["sources"], files["sources"])
    issues += _validate(indicators_schema(), frames["indicators"], files["indicators"])
    figures_schema = reported_figures_schema(
        sorted(frames["sources"]["source_id"]), sorted(frames["indicators"]["id"])
    )
    issues += _validate(figures_schema, frames["figures"], files["figures"])
    figures = frames["figures"]
    if figures.empty:
        issues.append(
            DataIssue(files["figures"], 2, None, None, "the file has a header but no figures",
                      "add one row per reported figure (README: adding a new figure)")
        )
    pairs = zip(figures["figure_id"], figures["source_id"], strict=True)
    unprefixed = [not figure_id.startswith(f"{source_id}-") for figure_id, source_id in pairs]
    for _, row in figures[unprefixed].iterrows():
        issues.append(
            DataIssue(files["figures"], int(row[LINE_COLUMN]), "figure_id", row["figure_id"],
                      f"does not start with its source_id '{row['source_id']}-'", FIX_HINTS["figure_id"])
        )
    if issues:
        raise DataValidationError(issues, _row_count(frames["figures"], files["figures"], issues))
    return RawTables(frames["sources"], frames["indicators"], frames["figures"], files)


def _row_count(figures: pd.DataFrame, path: Path, issues: list[DataIssue]) -> str:
    """Account for every raw figure: how many were read, and on how many rows problems were found."""
    bad = {issue.line for issue in issues if issue.file == path and issue.line not in (None, 1)}
    return (
        f"{len(figures)} reported figures read: {len(figures) - len(bad)} without problems, "
        f"{len(bad)} with problems (listed above)."
    )


def _check_figure(indicator: pd.Series, parsed: pd.Series) -> str | None:
    """Return what is wrong with a parsed figure for its indicator, or ``None``."""
    unit = None if pd.isna(parsed["unit"]) else parsed["unit"]
    allowed = COMPATIBLE_UNITS.get(unit, set())
    if indicator["unit"] not in allowed:
        return (
            f"the phrase reads as unit {unit or 'count'!r} but indicator '{indicator['id']}' is in "
            f"{indicator['unit']!r}"
        )
    value = parsed["value"]
    if indicator["measure"] == "share" and not 0 <= value <= 100:
        return f"a share must lie between 0 and 100 %, this one is {value:g}"
    if indicator["unit"] == "rank" and value < 1:
        return f"a rank must be at least 1, this one is {value:g}"
    if indicator["measure"] in ("cumulative", "count", "flow") and value < 0:
        return f"a count cannot be negative, this one is {value:g}"
    return None


def make_observations(raw: RawTables, log: Log = print) -> pd.DataFrame:
    """Parse, check and date every reported figure; raise if any cannot become an observation."""
    figures = raw.figures
    path = raw.files["figures"]
    sources = raw.sources.set_index("source_id")
    indicators = raw.indicators.set_index("id", drop=False)
    languages = figures["source_id"].map(sources["language"])
    parsed = parse_figures(figures["reported"], lang=languages, errors="coerce")
    log(f"  parsed {figures['reported'].nunique()} distinct phrases in {len(figures)} rows")

    issues: list[DataIssue] = []
    dates: list[str | None] = []
    for position in range(len(figures)):
        row = figures.iloc[position]
        result = parsed.iloc[position]
        line = int(row[LINE_COLUMN])
        if not pd.isna(result["error"]) and result["error"]:
            issues.append(
                DataIssue(
                    path,
                    line,
                    "reported",
                    row["reported"],
                    f"not a figure: {result['error']}",
                    FIX_HINTS["reported"],
                )
            )
            dates.append(None)
            continue
        problem = _check_figure(indicators.loc[row["indicator"]], result)
        if problem:
            issues.append(
                DataIssue(
                    path,
                    line,
                    "reported",
                    row["reported"],
                    problem,
                    "check the phrase, or use an indicator whose unit and measure fit it",
                )
            )
        published = sources.loc[row["source_id"], "published"]
        try:
            resolved = resolve_as_of(row["as_of"], published)
        except DateResolutionError as error:
            issues.append(DataIssue(path, line, "as_of", row["as_of"], str(error), FIX_HINTS["as_of"]))
            dates.append(None)
            continue
        if row["kind"] == "actual" and resolved > parse_published(published):
            issues.append(
                DataIssue(path, line, "as_of", row["as_of"],
                          f"an actual figure dated {resolved} cannot come from a source "
                          f"published {published}",
                          "check the date, or mark the figure kind=target if it is a goal")
            )
        dates.append(resolved.isoformat())
    if issues:
        raise DataValidationError(issues, _row_count(figures, path, issues))
    implied = parsed["unit"].isna() & figures["indicator"].map(indicators["unit"]).isin(["VND", "USD"])
    if implied.any():
        log(
            f"  {int(implied.sum())} money figure(s) print no currency; taken from the indicator: "
            + ", ".join(figures.loc[implied, "figure_id"])
        )

    observations = pd.DataFrame(
        {
            "indicator": figures["indicator"].to_numpy(),
            "date": dates,
            "value": parsed["value"].astype("float64").to_numpy(),
            "lower": parsed["lower"].astype("float64").to_numpy(),
            "upper": parsed["upper"].astype("float64").to_numpy(),
            "unit": figures["indicator"].map(indicators["unit"]).to_numpy(),
            "qualifier": parsed["qualifier"].to_numpy(),
            "kind": figures["kind"].to_numpy(),
            "scope": figures["scope"].to_numpy(),
            "source_id": figures["source_id"].to_numpy(),
            "figure_id": figures["figure_id"].to_numpy(),
        }
    )
    observations["qualifier"] = observations["qualifier"].where(observations["qualifier"].notna(), None)
    observations = observations.sort_values(
        ["indicator", "scope", "date", "source_id", "figure_id"], kind="mergesort"
    ).reset_index(drop=True)
    observations = observations_schema().validate(observations)
    log(f"  {len(observations)} observations of {observations['indicator'].nunique()} indicators")
    return observations


def load_egdi_panel(raw_dir: Path) -> pd.DataFrame:
    """Build and validate the EGDI panel; turn its failures into issues naming file, line and fix."""
    path = raw_dir / SEA_CSV_NAME
    fix = "copy the value again from the UN export named in un_egdi_sea.meta.yml, then update its md5"
    panel = build_egdi_panel(raw_dir)  # its EgdiLoadError already names file, line, column and fix
    try:
        return validate_egdi_panel(panel)
    except pa.errors.SchemaErrors as error:
        raw = read_raw_csv(path, ["survey_year", "iso3"])
        lines = dict(zip(zip(raw["survey_year"], raw["iso3"], strict=True), raw[LINE_COLUMN], strict=True))
        keyed = panel.assign(**{LINE_COLUMN: [lines.get((str(y), str(c))) for y, c in
                                              zip(panel["survey_year"], panel["iso3"], strict=True)]})
        issues = schema_issues(error, keyed, path)
        located = [DataIssue(i.file, i.line, i.column, i.value, i.problem, fix) for i in issues]
        raise DataValidationError(located) from error


def _format_float(value: float) -> str:
    """Shortest text that reads back as the same float; integers without a trailing '.0'."""
    if pd.isna(value):
        return ""
    if float(value).is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(float(value))


def to_csv_text(frame: pd.DataFrame) -> str:
    """Serialise a frame deterministically: UTF-8, LF, floats in shortest round-trip form."""
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_float_dtype(out[column]):
            out[column] = out[column].map(_format_float)
    return out.to_csv(index=False, lineterminator="\n")


def build(
    raw_dir: Path = config.RAW_DIR,
    processed_dir: Path = config.PROCESSED_DIR,
    log: Log = print,
) -> BuildResult:
    """Run the whole build; write outputs only when every step succeeded."""
    log(f"[1/4] reading and validating {raw_dir}")
    raw = load_raw(raw_dir)
    rows_read = len(raw.figures)
    log(f"  {len(raw.sources)} sources, {len(raw.indicators)} indicators, {rows_read} reported figures")
    log("[2/4] parsing figures, checking them against their indicators, resolving dates")
    observations = make_observations(raw, log)
    log("[3/4] building the UN EGDI panel")
    egdi = load_egdi_panel(raw_dir)
    log(f"  {len(egdi)} country-survey rows, surveys {egdi['survey_year'].min()}-{egdi['survey_year'].max()}")
    provinces, provincial_indices = build_provinces(raw_dir, observations)  # provinces (issue 13)
    log(f"  provinces: {len(provinces)} units (63 + 34), {len(provincial_indices)} provincial index rows")

    if len(observations) != rows_read:  # every raw row must be accounted for
        raise AssertionError(f"{rows_read} figures read but {len(observations)} observations made")
    outputs = {
        processed_dir / config.OBSERVATIONS_CSV.name: to_csv_text(observations[OBSERVATIONS_COLUMNS]),
        processed_dir / config.EGDI_CSV.name: to_csv_text(egdi),
        processed_dir / config.PROVINCES_CSV.name: to_csv_text(provinces),
        processed_dir / config.PROVINCIAL_INDICES_CSV.name: to_csv_text(provincial_indices),
    }
    result = BuildResult(observations=observations, egdi=egdi, rows_read=rows_read)
    log(f"[4/4] writing {processed_dir}")
    for path, text in outputs.items():
        (result.written if write_text_atomic(path, text) else result.unchanged).append(path)
    for path in result.written:
        log(f"  wrote {path.name}")
    for path in result.unchanged:
        log(f"  unchanged {path.name}")
    log(f"done: {rows_read} figures read -> {len(observations)} observations, 0 errors")
    return result
