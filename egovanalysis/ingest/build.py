"""``egovanalysis build``: validate ``data/raw``, parse and normalise, write ``data/processed``.

Steps, each reported as it runs:

1. check every registered raw dataset (:mod:`egovanalysis.ingest.datasets`) through the one validation
   layer (:mod:`egovanalysis.ingest.validation`): its ``.meta.yml`` and checksum, its CSV, its schema;
2. parse every reported phrase (:func:`~egovanalysis.ingest.figures.parser.parse_figures`) in its source's
   language, check it against its indicator (unit, plausible size:
   :func:`~egovanalysis.ingest.schemas.implausible`), resolve ``as_of`` and ``period_start``
   (:mod:`egovanalysis.ingest.dates`) and assemble the observations;
3. build the UN EGDI panel (:mod:`egovanalysis.ingest.egdi_panel`) and the provinces
   (:mod:`egovanalysis.ingest.provinces`);
4. only if no step found a problem, write every output atomically. A failure leaves ``data/processed`` as
   it was.

Problems of every step are gathered and reported together (a schema problem in one row does not hide a
parse problem in another). Every raw row ends in a processed table, in the error report, or (UN panel rows
the UN did not rank) in the count of rows the contract leaves out; the build prints the counts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from egovanalysis import config
from egovanalysis.errors import DataIssue, DataValidationError, OutputError
from egovanalysis.ingest import datasets
from egovanalysis.ingest.atomic import write_texts_atomic
from egovanalysis.ingest.dates import (
    DateResolutionError,
    parse_published,
    resolve_absolute,
    resolve_as_of,
    resolve_period_start,
)
from egovanalysis.ingest.egdi_panel import panel_from_raw, validate_egdi_panel
from egovanalysis.ingest.figures.parser import parse_figures
from egovanalysis.ingest.provinces import build_provinces
from egovanalysis.ingest.rawio import LINE_COLUMN
from egovanalysis.ingest.schemas import (
    EARLIEST_YEAR,
    LANGUAGES,
    MAX_TARGET_HORIZON_YEARS,
    OBSERVATIONS_COLUMNS,
    PERIOD_MEASURES,
    fix_for,
    implausible,
    observations_schema,
)
from egovanalysis.ingest.validation import RawTables, read_raw

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
_FIGURES = datasets.REPORTED_FIGURES


@dataclass
class BuildResult:
    """What a build produced and what it wrote."""

    observations: pd.DataFrame
    egdi: pd.DataFrame
    rows_read: int
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)


def load_raw(raw_dir: Path = config.RAW_DIR, today: date | None = None) -> RawTables:
    """Read and check every registered raw dataset; raise :class:`DataValidationError` listing every
    problem."""
    raw = read_raw(raw_dir, datasets.RAW_DATASETS, today or date.today())
    if raw.issues:
        raise raw.error()
    return raw


# --------------------------------------------------------------------------------------------------------
# Reported figures -> observations
# --------------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Row:
    """One reported figure being checked: where it is, what it says, and the problems found so far."""

    line: int
    figure_id: str
    indicator: str
    as_of: str
    period_start: str
    kind: str
    published: str | None
    unit: str
    measure: str
    bad_cells: set[str]


def _check_value(row: _Row, parsed: dict, path: Path) -> list[DataIssue]:
    """The parsed phrase against its indicator: a figure at all, the unit, a plausible size."""
    if "reported" in row.bad_cells:
        return []  # the schema already reported this cell
    reported = parsed["text"]
    if parsed["error"]:
        return [DataIssue(path, row.line, "reported", reported, f"not a figure: {parsed['error']}",
                          fix_for(_FIGURES, "reported"))]
    unit = parsed["unit"]
    if row.unit not in COMPATIBLE_UNITS.get(unit, set()):
        return [DataIssue(path, row.line, "reported", reported,
                          f"the phrase reads as unit {unit or 'count'!r} but indicator '{row.indicator}' is "
                          f"in {row.unit!r}",
                          "check the phrase, or use an indicator whose unit and measure fit it")]
    problem = implausible(float(parsed["value"]), row.unit, row.measure)
    if problem:
        return [DataIssue(path, row.line, "reported", reported, problem,
                          "check the phrase (digits, scale word), or use an indicator whose unit and measure "
                          "fit it")]
    return []


def _check_date(row: _Row, today: date, path: Path) -> tuple[date | None, list[DataIssue]]:
    """``as_of`` as a date, checked against the source's date, the build's date and the plausible years."""
    if "as_of" in row.bad_cells:
        return None, []
    try:
        if row.published is None:  # the source's date is wrong (reported there): check what is absolute
            return None, _future_actual(row, resolve_absolute(row.as_of), today, path)
        resolved = resolve_as_of(row.as_of, row.published)
    except DateResolutionError as error:
        return None, [DataIssue(path, row.line, "as_of", row.as_of, str(error), fix_for(_FIGURES, "as_of"))]
    published = parse_published(row.published)
    problem = None
    if resolved.year < EARLIEST_YEAR:
        problem = f"the date {resolved} is before {EARLIEST_YEAR}, earlier than any e-government figure"
    elif row.kind == "actual" and resolved > published:
        problem = f"an actual figure dated {resolved} cannot come from a source published {row.published}"
    elif row.kind == "actual" and resolved > today:
        problem = f"an actual figure cannot be dated {resolved}, after the build's date {today}"
    elif resolved.year > published.year + MAX_TARGET_HORIZON_YEARS:
        problem = (f"a deadline of {resolved} is more than {MAX_TARGET_HORIZON_YEARS} years after the "
                   f"source ({row.published})")
    if problem is None:
        return resolved, []
    return None, [DataIssue(path, row.line, "as_of", row.as_of, problem,
                            "check the date, or mark the figure kind=target if it is a goal")]


def _future_actual(row: _Row, resolved: date | None, today: date, path: Path) -> list[DataIssue]:
    if resolved is None or row.kind != "actual" or resolved <= today:
        return []
    return [DataIssue(path, row.line, "as_of", row.as_of,
                      f"an actual figure cannot be dated {resolved}, after the build's date {today}",
                      "check the date, or mark the figure kind=target if it is a goal")]


def _check_period(row: _Row, resolved: date | None, path: Path) -> tuple[str, list[DataIssue]]:
    """``period_start`` as an ISO date ("" for figures that are not flows), checked against the date."""
    if "period_start" in row.bad_cells or row.published is None:
        return "", []
    fix = fix_for(_FIGURES, "period_start")
    is_flow = row.measure in PERIOD_MEASURES
    if not is_flow:
        if row.period_start:
            return "", [DataIssue(path, row.line, "period_start", row.period_start,
                                  f"a figure of measure {row.measure!r} covers no period", fix)]
        return "", []
    if not row.period_start:
        return "", [DataIssue(path, row.line, "period_start", "",
                              f"a flow (indicator '{row.indicator}') needs the first day of its period", fix)]
    try:
        start = resolve_period_start(row.period_start, row.published)
    except DateResolutionError as error:
        return "", [DataIssue(path, row.line, "period_start", row.period_start, str(error), fix)]
    if resolved is not None and start > resolved:
        return "", [DataIssue(path, row.line, "period_start", row.period_start,
                              f"the period starts on {start}, after the figure's date {resolved}", fix)]
    if start.year < EARLIEST_YEAR:
        return "", [DataIssue(path, row.line, "period_start", row.period_start,
                              f"the period starts before {EARLIEST_YEAR}", fix)]
    return start.isoformat(), []


def _rows(raw: RawTables) -> Iterator[_Row]:
    """The reported figures as :class:`_Row` records, joined with their source's date and indicator."""
    figures = raw.frames[_FIGURES]
    sources = raw.frames[datasets.SOURCES]
    bad_sources = {line for line, column in raw.problem_cells(datasets.SOURCES) if column == "published"}
    published = {sid: date_text for sid, date_text, line in
                 zip(sources["source_id"], sources["published"], sources[LINE_COLUMN], strict=True)
                 if line not in bad_sources}
    indicators = raw.frames[datasets.INDICATORS]
    units = dict(zip(indicators["id"], indicators["unit"], strict=True))
    measures = dict(zip(indicators["id"], indicators["measure"], strict=True))
    bad: dict[int, set[str]] = {}
    for line, column in raw.problem_cells(_FIGURES):
        if line is not None:
            bad.setdefault(line, set()).add(column or "*")
    columns = ["figure_id", "indicator", "as_of", "period_start", "kind", "source_id", LINE_COLUMN]
    return (
        _Row(int(line), fid, ind, as_of, period, kind, published.get(sid), units.get(ind, ""),
             measures.get(ind, ""), bad.get(int(line), set()))
        for fid, ind, as_of, period, kind, sid, line in zip(*(figures[c].tolist() for c in columns),
                                                             strict=True)
    )


def make_observations(
    raw: RawTables, today: date, log: Log = print
) -> tuple[pd.DataFrame | None, list[DataIssue]]:
    """Parse, check and date every reported figure; the observations, or ``None`` and the problems."""
    if any(name not in raw.frames for name in (datasets.SOURCES, datasets.INDICATORS, _FIGURES)):
        return None, []
    figures = raw.frames[_FIGURES]
    path = raw.path(_FIGURES)
    sources = raw.frames[datasets.SOURCES].drop_duplicates("source_id").set_index("source_id")
    languages = figures["source_id"].map(sources["language"])
    known = languages.isin(LANGUAGES) & figures["indicator"].isin(raw.frames[datasets.INDICATORS]["id"])
    parsed = parse_figures(figures["reported"], lang=languages.where(known, "en"), errors="coerce")
    log(f"  parsed {figures['reported'].nunique()} distinct phrases in {len(figures)} rows")

    issues: list[DataIssue] = []
    dates: list[str] = []
    starts: list[str] = []
    columns = [parsed[name].tolist() for name in ("text", "value", "unit", "error")]
    records = ({"text": t, "value": v, "unit": u, "error": e} for t, v, u, e in zip(*columns, strict=True))
    for row, result, usable in zip(_rows(raw), records, known.tolist(), strict=True):
        if not usable:  # unknown source or indicator: reported by the schema
            dates.append("")
            starts.append("")
            continue
        issues += _check_value(row, result, path)
        resolved, found = _check_date(row, today, path)
        issues += found
        start, found = _check_period(row, resolved, path)
        issues += found
        dates.append(resolved.isoformat() if resolved else "")
        starts.append(start)
    if issues or raw.issues:  # the build fails: no observations are assembled from partial data
        return None, issues
    return _observations(figures, parsed, dates, starts, raw, log), []


def _observations(figures: pd.DataFrame, parsed: pd.DataFrame, dates: list[str], starts: list[str],
                  raw: RawTables, log: Log) -> pd.DataFrame:
    indicators = raw.frames[datasets.INDICATORS].set_index("id")
    units = figures["indicator"].map(indicators["unit"])
    implied = parsed["unit"].isna() & units.isin(["VND", "USD"])
    if implied.any():
        log(f"  {int(implied.sum())} money figure(s) print no currency; taken from the indicator: "
            + ", ".join(figures.loc[implied, "figure_id"]))
    observations = pd.DataFrame(
        {
            "indicator": figures["indicator"].to_numpy(),
            "date": dates,
            "period_start": starts,
            "value": parsed["value"].astype("float64").to_numpy(),
            "lower": parsed["lower"].astype("float64").to_numpy(),
            "upper": parsed["upper"].astype("float64").to_numpy(),
            "unit": units.to_numpy(),
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


# --------------------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------------------


def _format_float(value: float) -> str:
    """Shortest text that reads back as the same float; integers without a trailing '.0'; NaN empty."""
    if value != value:  # NaN
        return ""
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


def to_csv_text(frame: pd.DataFrame) -> str:
    """Serialise a frame deterministically: UTF-8, LF, floats in shortest round-trip form."""
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_float_dtype(out[column]):
            values = out[column].to_numpy(dtype="float64", na_value=float("nan")).tolist()
            out[column] = [_format_float(value) for value in values]
    return out.to_csv(index=False, lineterminator="\n")


def _accounting(raw: RawTables, observations: pd.DataFrame, egdi: pd.DataFrame) -> list[str]:
    """Where every raw row went; raises if a row is lost (a bug, never a data problem)."""
    figures = len(raw.frames[_FIGURES])
    panel_rows = len(raw.frames[datasets.UN_PANEL])
    not_ranked = panel_rows - len(egdi)
    if len(observations) != figures or not_ranked < 0:
        raise AssertionError(f"rows lost: {figures} figures -> {len(observations)} observations, "
                             f"{panel_rows} panel rows -> {len(egdi)}")
    return [
        f"  {figures} reported figures -> {len(observations)} observations",
        f"  {panel_rows} UN panel rows -> {len(egdi)} ranked country-survey rows in egdi.csv, "
        f"{not_ranked} not ranked by the UN (EGDI 0 or blank) and left out by the panel contract",
    ]


def build(
    raw_dir: Path = config.RAW_DIR,
    processed_dir: Path = config.PROCESSED_DIR,
    log: Log = print,
    today: date | None = None,
) -> BuildResult:
    """Run the whole build; write outputs only when every step succeeded.

    ``today`` is the build's date (default: the current date): no source may be published after it.

    Raises:
        DataValidationError: every problem of every step, each naming file, line, column, value and fix,
            with the count of rows read per file.
    """
    today = today or date.today()
    log(f"[1/4] reading and validating {raw_dir}")
    raw = read_raw(Path(raw_dir), datasets.RAW_DATASETS, today)
    for name, frame in raw.frames.items():
        log(f"  {name}.csv: {len(frame)} rows")
    log("[2/4] parsing figures, checking them against their indicators, resolving dates")
    observations, issues = make_observations(raw, today, log)
    raw.issues += issues
    log("[3/4] building the UN EGDI panel and the provinces")
    egdi, issues = panel_from_raw(raw)
    raw.issues += issues
    provinces = provincial_indices = None
    if observations is not None:  # the provincial rows link to observations (provincial_figures.csv)
        try:
            provinces, provincial_indices = build_provinces(Path(raw_dir), observations)
        except DataValidationError as error:
            raw.issues += error.issues
    if raw.issues or observations is None or egdi is None or provinces is None or provincial_indices is None:
        raise raw.error()
    log(f"  provinces: {len(provinces)} units (63 + 34), {len(provincial_indices)} provincial index rows")
    egdi = validate_egdi_panel(egdi)
    log(f"  {len(egdi)} country-survey rows, {egdi['iso3'].nunique()} countries, "
        f"{egdi['subregion'].nunique()} sub-regions, surveys {egdi['survey_year'].min()}-"
        f"{egdi['survey_year'].max()}")
    counts = _accounting(raw, observations, egdi)

    outputs = {
        Path(processed_dir) / config.OBSERVATIONS_CSV.name: to_csv_text(observations[OBSERVATIONS_COLUMNS]),
        Path(processed_dir) / config.EGDI_CSV.name: to_csv_text(egdi),
        Path(processed_dir) / config.PROVINCES_CSV.name: to_csv_text(provinces),
        Path(processed_dir) / config.PROVINCIAL_INDICES_CSV.name: to_csv_text(provincial_indices),
    }
    result = BuildResult(observations=observations, egdi=egdi, rows_read=len(raw.frames[_FIGURES]))
    log(f"[4/4] writing {processed_dir}")
    if Path(processed_dir).exists() and not Path(processed_dir).is_dir():
        raise OutputError(f"{processed_dir} is a file, not a folder. Fix: point --processed-dir at a folder")
    try:
        result.written, result.unchanged = write_texts_atomic(outputs)
    except OSError as error:
        raise OutputError(f"cannot write {processed_dir} ({error.strerror or error}). Fix: point "
                          "--processed-dir at a folder you can write to") from error
    for path in result.written:
        log(f"  wrote {path.name}")
    for path in result.unchanged:
        log(f"  unchanged {path.name}")
    for line in counts:
        log(line)
    log("done: 0 errors")
    return result
