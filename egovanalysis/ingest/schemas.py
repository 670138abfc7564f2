"""Contracts of the raw and processed tables, as pandera schemas, and the plausibility bounds of figures.

Raw files are read as text (see :mod:`egovanalysis.ingest.rawio`), so raw schemas check the text's shape;
typing happens after validation. Every text cell of every raw file also passes two safety checks
(:func:`text_column`): no control characters (a NUL byte, an escape sequence, a bidirectional override can
hide text from a reviewer and break tools downstream) and no spreadsheet formula (a cell that a spreadsheet
would run, e.g. ``=HYPERLINK("…","3,000 services")``: its displayed text is not what the file holds).

Every check carries its own ``error`` text: that is the ``problem`` of the
:class:`~egovanalysis.errors.DataIssue` the validation layer (:mod:`egovanalysis.ingest.validation`)
makes of it, next to the fix for its column.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date

import pandas as pd
import pandera.pandas as pa

from egovanalysis.conventions import QUALIFIERS, UN_MEMBER_STATES
from egovanalysis.errors import ARCHITECTURE_DOC
from egovanalysis.ingest.dates import (
    AS_OF_PATTERN,
    PERIOD_START_PATTERN,
    DateResolutionError,
    parse_published,
    parse_release,
)

# --------------------------------------------------------------------------------------------------------
# Vocabularies and forms
# --------------------------------------------------------------------------------------------------------

UNITS = ["count", "%", "VND", "USD", "rank", "times", "index"]
MEASURES = ["cumulative", "flow", "share", "rank", "index", "count", "change"]
#: Measures whose figures cover a period and so carry a ``period_start`` (the observations contract).
PERIOD_MEASURES = frozenset({"flow"})
KINDS = ["actual", "target"]
SOURCE_KINDS = ["press", "official", "dataset"]
LANGUAGES = ["en", "vi"]
#: Editions of the UN E-Government Survey (there was no 2006 or 2007 edition; biennial from 2008).
SURVEY_YEARS: tuple[int, ...] = (2003, 2004, 2005, 2008, 2010, 2012, 2014, 2016, 2018, 2020, 2022, 2024)
RELEASE_PRECISIONS = ["day", "month", "year"]
#: The five UN M49 regions.
M49_REGIONS = ["Africa", "Americas", "Asia", "Europe", "Oceania"]

SLUG = r"^[a-z0-9][a-z0-9_.-]*$"
SCOPE = r"^(national|ministries|localities|ministries_and_localities|(province|ministry):[a-z0-9-]+)$"
ISO_DATE_OR_MONTH = r"^\d{4}-\d{2}(-\d{2})?$"
ISO3 = r"^[A-Z]{3}$"
_RELEASE_FORM = r"^\d{4}(-\d{2}(-\d{2})?)?$"
#: A plain decimal with a point, as the UN exports write indices (``0.66670``); no sign, no exponent.
PLAIN_DECIMAL = r"^\d{1,3}(\.\d{1,12})?$"
#: A whole number written with digits only (ranks, counts of countries): no sign, point or exponent.
WHOLE_NUMBER = r"^\d{1,9}$"
LINE = "_line"

#: Control characters refused in any cell: C0 and C1 controls (tab, newline and NUL included; no raw
#: cell needs them) and the bidirectional overrides and isolates that reorder what a reviewer sees.
CONTROL_CHARACTERS = r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"
#: A spreadsheet formula: a cell opening with ``=``, or with ``+``, ``-`` or ``@`` followed by ``=``, a
#: function call (``SUM(``, ``HYPERLINK(``), a cell reference (``A1``, ``$B$2``) or a DDE link (``cmd|``).
#: A signed number (``-5``, ``+84``) is not one.
SPREADSHEET_FORMULA = (
    r"^\s*(=|[+\-@]\s*(=|[A-Za-z_][\w.]*\s*\(|\$?[A-Za-z]{1,3}\$?\d+\b|[^|]*\|))"
)

# --------------------------------------------------------------------------------------------------------
# Plausibility of a figure's value: ONE table, by unit (and measure where it matters)
# --------------------------------------------------------------------------------------------------------

#: Largest plausible absolute value of a figure, by its indicator's unit. A value beyond it is a typo or a
#: misread scale (a count of 9 x 79 digits, "160 quadrillion" read as trillions), never a real figure:
#:
#: * ``count`` < 1e12: counts of people, accounts, visits, dossiers or transactions in one country; Viet Nam
#:   has about 1e8 people and its busiest counters (portal visits) reach about 1e9 a year, so 1e12 leaves
#:   three orders of magnitude of headroom while still catching a misplaced scale word;
#: * ``VND`` < 1e18: Viet Nam's yearly GDP is about 1e16 VND; a hundred times that is no public figure;
#: * ``USD`` < 1e14: about world GDP; the same rule for the dollar conversions;
#: * ``times`` < 1e4: a growth multiple; ``index`` <= 1e3 (indices are 0-1 or 0-100);
#: * ``rank`` <= 1e4: ranks among countries (193), provinces (63) or ministries;
#: * ``%`` <= 1e4 for a change (a growth of 10,000 %); shares are checked to 0-100 by their measure.
PLAUSIBLE_MAX: dict[str, float] = {
    "count": 1e12,
    "VND": 1e18,
    "USD": 1e14,
    "times": 1e4,
    "index": 1e3,
    "rank": 1e4,
    "%": 1e4,
}
#: Shares (measure ``share``) are percentages of a whole.
SHARE_RANGE: tuple[float, float] = (0.0, 100.0)
#: A target's deadline lies at most this many years after its source was published (national plans run
#: to 2030, 2045 at most); further is a typo in ``as_of``.
MAX_TARGET_HORIZON_YEARS = 30
#: No source of e-government figures predates this year (the first UN survey is of 2003; the web era).
EARLIEST_YEAR = 1990


def implausible(value: float, unit: str, measure: str) -> str | None:
    """What makes ``value`` implausible for an indicator of ``unit`` and ``measure``, or ``None``."""
    if measure == "share" and not SHARE_RANGE[0] <= value <= SHARE_RANGE[1]:
        return f"a share must lie between 0 and 100 %, this one is {value:g}"
    if unit == "rank" and value < 1:
        return f"a rank must be at least 1, this one is {value:g}"
    if measure in ("cumulative", "count", "flow") and value < 0:
        return f"a count cannot be negative, this one is {value:g}"
    limit = PLAUSIBLE_MAX.get(unit)
    if limit is not None and abs(value) > limit:
        return (
            f"{value:g} is beyond the plausible size of a figure in {unit!r} (at most {limit:g}; "
            "see PLAUSIBLE_MAX in egovanalysis/ingest/schemas.py)"
        )
    return None


# --------------------------------------------------------------------------------------------------------
# Columns
# --------------------------------------------------------------------------------------------------------

SOURCES_COLUMNS = ["source_id", "publisher", "title", "url", "published", "language", "kind", "notes"]
#: Optional columns of sources.csv: filled with "" when a file lacks them.
SOURCES_OPTIONAL = ["reprint_of"]
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
REPORTED_FIGURES_OPTIONAL = ["period_start"]
#: The columns of the committed reported_figures.csv, in its order (what new rows, e.g. drafts, should have).
REPORTED_FIGURES_FILE_COLUMNS = [
    "figure_id", "source_id", "indicator", "reported", "as_of", "period_start", "scope", "kind", "notes",
]  # fmt: skip
UN_PANEL_COLUMNS = ["survey_year", "iso3", "country", "egdi", "osi", "hci", "tii", "epi", "egdi_rank"]
UN_SURVEYS_COLUMNS = ["survey_year", "released", "released_precision", "n_ranked", "n_members",
                      "released_source"]  # fmt: skip
UN_REGIONS_COLUMNS = ["iso3", "m49", "name", "region", "subregion"]
OBSERVATIONS_COLUMNS = [
    "indicator",
    "date",
    "period_start",
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

# --------------------------------------------------------------------------------------------------------
# What to do about a failure in each column
# --------------------------------------------------------------------------------------------------------

_TRANSCRIBED_FIX = (
    "copy the value again from the UN export named in the file's .meta.yml (indices as plain decimals, "
    "ranks as whole numbers, blank where the UN gives none), then update the md5 in the .meta.yml"
)

#: Fix per file (its stem) and column; ``"*"`` is the fallback for a column in every file.
FIX_HINTS: dict[str, dict[str, str]] = {
    "*": {
        "source_id": "use a source_id listed in data/raw/sources.csv, or add the source there first "
        "(publisher, title, url, published date, language, kind)",
        "kind": "write one of: " + ", ".join(KINDS) + " (figures) or " + ", ".join(SOURCE_KINDS)
        + " (sources)",
    },
    "sources": {
        "source_id": "give every source a unique short slug (lower case, digits, - _ .)",
        "published": "write the publication date as YYYY-MM-DD, or YYYY-MM when only the month is known; "
        "it cannot be later than today",
        "language": "write en or vi: the language of the source's figure phrases",
        "url": "write the full address starting with http:// or https://, or leave it empty if unknown",
        "publisher": "name who published the source",
        "title": "give the source's title (or a short description in brackets)",
        "kind": "write one of: " + ", ".join(SOURCE_KINDS),
        "reprint_of": "write the source_id of the original this source reprints (another row of "
        "sources.csv), or leave it empty",
    },
    "indicators": {
        "id": "use a unique snake_case id",
        "unit": "write one of: " + ", ".join(UNITS),
        "measure": "write one of: " + ", ".join(MEASURES),
        "label": "give the indicator a human-readable label",
        "definition": "define the indicator: what is counted, over what, and whether it is supply or use",
        "concept": "write a snake_case concept id, or leave it empty",
    },
    "reported_figures": {
        "figure_id": "give every figure its own id, written <source_id>-NN",
        "indicator": "use an id from data/raw/indicators.csv, or register the indicator there first "
        "(label, unit, measure, definition)",
        "reported": "copy the figure's phrase verbatim from the source: a few words holding one figure, "
        "as plain text (no spreadsheet formula)",
        "as_of": "write YYYY-MM-DD, YYYY-MM, YYYY or one of: published, last year, this year, "
        "end of this year, by the end of this year, next year, in <Month>, in <Month> alone",
        "period_start": "for a flow (an indicator of measure 'flow') write the first day of its period: "
        "YYYY-MM-DD, YYYY-MM, YYYY, or in <Month> (alone), this year, last year; leave it empty otherwise",
        "scope": "write national, ministries, localities, ministries_and_localities, province:<slug> "
        "or ministry:<slug>",
        "kind": "write one of: " + ", ".join(KINDS),
    },
    "un_egdi_panel": {
        "survey_year": "write a survey edition: " + ", ".join(map(str, SURVEY_YEARS)),
        "iso3": "write the ISO 3166 alpha-3 code of a UN member state listed in un_m49_regions.csv",
        "country": "copy the country name from the UN export",
        **dict.fromkeys(["egdi", "osi", "hci", "tii", "epi", "egdi_rank"], _TRANSCRIBED_FIX),
    },
    "un_egdi_surveys": {
        "survey_year": "write a survey edition: " + ", ".join(map(str, SURVEY_YEARS)),
        "released": "write the release date as known: YYYY-MM-DD, YYYY-MM or YYYY, in the survey's year, "
        "and its precision (day, month or year) in released_precision",
        "released_precision": "write day, month or year: how precisely the release date is known",
        "n_ranked": "write the number of countries the survey ranked (a whole number, at most n_members)",
        "n_members": f"write the number of UN member states surveyed (a whole number, at most "
        f"{UN_MEMBER_STATES}, at least n_ranked)",
        "released_source": "say where the release date comes from",
    },
    "un_m49_regions": {
        "iso3": "regenerate the table from country_converter (see the file's .meta.yml)",
        "m49": "write the three-digit UN M49 code",
        "region": "regenerate the table from country_converter (see the file's .meta.yml)",
        "subregion": "regenerate the table from country_converter (see the file's .meta.yml)",
    },
}


def fix_for(dataset: str, column: str | None) -> str:
    """The fix to print for a failure in ``column`` of the raw file ``dataset`` (its stem)."""
    hints = FIX_HINTS.get(dataset, {})
    if column is not None and column in hints:
        return hints[column]
    if column is not None and column in FIX_HINTS["*"]:
        return FIX_HINTS["*"][column]
    return f"see the file's contract in {ARCHITECTURE_DOC}"


# --------------------------------------------------------------------------------------------------------
# Column builders (every text cell gets the safety checks)
# --------------------------------------------------------------------------------------------------------

def per_value(predicate: Callable[[str], bool], error: str) -> pa.Check:
    """A check of each cell by ``predicate``, run once per *distinct* value of the column.

    Raw columns repeat (a source id, an as_of, a scope per figure): checking each distinct text once and
    mapping the verdict back keeps validation fast on large files (see benchmarks/bench_build.py).
    """

    def check(series: pd.Series) -> pd.Series:
        bad = [value for value in _distinct(series) if not predicate(value)]
        if not bad:
            return pd.Series(True, index=series.index)
        return ~series.isin(bad)

    # Cells are never missing (raw files are read as text), so pandera need not look for missing values.
    return pa.Check(check, error=error, ignore_na=False)


_DISTINCT_CACHE: list[tuple[object, list[str]]] = []


def _distinct(series: pd.Series) -> list[str]:
    """Distinct values of a column; the last column's are reused, as every check of a column asks again."""
    values = series.array
    last = _DISTINCT_CACHE[-1] if _DISTINCT_CACHE else None  # one read: safe if another thread replaces it
    if last is not None and last[0] is values:
        return last[1]
    distinct = pd.unique(series.to_numpy(dtype=object)).tolist()
    _DISTINCT_CACHE[:] = [(values, distinct)]  # holds the array, so its identity cannot be reused
    return distinct


_CONTROL_RE = re.compile(CONTROL_CHARACTERS)
_FORMULA_RE = re.compile(SPREADSHEET_FORMULA)


def _no_control_characters() -> pa.Check:
    return per_value(lambda text: _CONTROL_RE.search(text) is None,
                     "holds a control character (a NUL byte, tab, line break or bidirectional override)")


def _no_formula() -> pa.Check:
    return per_value(lambda text: _FORMULA_RE.match(text) is None, "is a spreadsheet formula, not plain text")


def text_column(*checks: pa.Check, required: bool = True, unique: bool = False) -> pa.Column:
    """A raw text column: the safety checks, non-empty unless ``required=False``, then ``checks``."""
    first = [per_value(bool, "must not be empty")] if required else []
    return pa.Column(
        str,
        checks=[_no_control_characters(), _no_formula(), *first, *checks],
        unique=unique,
        nullable=False,
    )


def row_check(column: str, check: Callable[[pd.DataFrame], pd.Series], error: str) -> pa.Check:
    """A check of each row across columns, reported on ``column`` (``check`` returns one bool per row).

    The column travels as the check's ``name``; the validation layer reads it back to point at the cell.
    """
    return pa.Check(check, error=error, name=column)


def _matches(pattern: str, error: str) -> pa.Check:
    compiled = re.compile(pattern)
    return per_value(lambda text: compiled.match(text) is not None, error)


def _one_of(values: Iterable[str], what: str = "allowed values") -> pa.Check:
    values = list(values)
    return pa.Check.isin(values, error=f"is not one of the {what}: " + ", ".join(values), ignore_na=False)


def _is_calendar_date(text: str) -> bool:
    try:
        parse_published(text)
    except DateResolutionError:
        return False
    return True


def _is_release(text: str) -> bool:
    try:
        parse_release(text)
    except DateResolutionError:
        return False
    return True


def _whole_between(low: int, high: int, what: str = "a whole number") -> pa.Check:
    """Whole numbers in ``low..high``; blank and malformed cells are left to the form check."""

    def check(series: pd.Series) -> pd.Series:
        numbers = series.where(series.str.fullmatch(WHOLE_NUMBER), str(low)).astype("int64")
        return (numbers >= low) & (numbers <= high)

    return pa.Check(check, error=f"must be {what} from {low} to {high}")


#: Index values above 1 that the UN published (the 2003 Human Capital Index of Micronesia, 1.422, and of
#: Tuvalu, 1.03): kept as published; any other index above 1 is an error.
PUBLISHED_INDEX_ABOVE_ONE: frozenset[tuple[str, str, str]] = frozenset(
    {("2003", "FSM", "hci"), ("2003", "TUV", "hci")}
)


def _index_at_most_one(column: str) -> pa.Check:
    def check(df: pd.DataFrame) -> pd.Series:
        text = df[column]
        numbers = text.where(text.str.fullmatch(PLAIN_DECIMAL), "0").astype(float)
        known = pd.Series(
            [(year, code, column) in PUBLISHED_INDEX_ABOVE_ONE
             for year, code in zip(df["survey_year"], df["iso3"], strict=True)],
            index=df.index,
        )
        return (numbers <= 1.0) | known

    return row_check(column, check, "an index must lie between 0 and 1")


# --------------------------------------------------------------------------------------------------------
# Raw tables
# --------------------------------------------------------------------------------------------------------


def _line_column() -> pa.Column:
    return pa.Column(int)


def _published_between(earliest: date, today: date) -> pa.Check:
    """A publication date from :data:`EARLIEST_YEAR` to ``today`` (a month-only date: its first day)."""

    def ok(text: str) -> bool:
        try:
            return earliest <= parse_release(text) <= today
        except DateResolutionError:
            return True  # left to the calendar-date check

    return per_value(ok, f"lies outside {earliest.year} to the build's date ({today}): no e-government "
                         "source is that old, and none can be published in the future")


def sources_schema(source_ids: Iterable[str] = (), today: date | None = None) -> pa.DataFrameSchema:
    """Schema of ``data/raw/sources.csv``; ``source_ids`` are the ids ``reprint_of`` may name, ``today``
    the latest publication date allowed (default: the current date)."""
    ids = sorted(set(source_ids))
    today = date.today() if today is None else today
    return pa.DataFrameSchema(
        {
            "source_id": text_column(_matches(SLUG, "is not a slug (a-z, 0-9, - _ .)"), unique=True),
            "publisher": text_column(),
            "title": text_column(),
            "url": text_column(_matches(r"^(https?://\S+)?$", "is not an http(s) address"), required=False),
            "published": text_column(
                _matches(ISO_DATE_OR_MONTH, "is not YYYY-MM-DD or YYYY-MM"),
                per_value(_is_calendar_date, "is not a real calendar date"),
                _published_between(date(EARLIEST_YEAR, 1, 1), today),
            ),
            "language": text_column(_one_of(LANGUAGES, "languages")),
            "kind": text_column(_one_of(SOURCE_KINDS, "source kinds")),
            "notes": text_column(required=False),
            "reprint_of": text_column(
                pa.Check(lambda s: (s == "") | s.isin(ids), error="names no source_id of sources.csv"),
                required=False,
            ),
            LINE: _line_column(),
        },
        checks=[
            row_check("reprint_of",
                      lambda df: (df["reprint_of"] == "") | (df["reprint_of"] != df["source_id"]),
                      "a source cannot be a reprint of itself"),
        ],
        strict=True,
        name="sources",
    )


def indicators_schema() -> pa.DataFrameSchema:
    """Schema of ``data/raw/indicators.csv`` (the indicator registry)."""
    return pa.DataFrameSchema(
        {
            "id": text_column(_matches(r"^[a-z][a-z0-9_]*$", "is not a snake_case id"), unique=True),
            "label": text_column(),
            "unit": text_column(_one_of(UNITS, "units")),
            "measure": text_column(_one_of(MEASURES, "measures")),
            "concept": text_column(_matches(r"^([a-z][a-z0-9_]*)?$", "is not a snake_case id"),
                                   required=False),
            "definition": text_column(),
            LINE: _line_column(),
        },
        strict=True,
        name="indicators",
    )


def reported_figures_schema(source_ids: Iterable[str], indicator_ids: Iterable[str]) -> pa.DataFrameSchema:
    """Schema of ``data/raw/reported_figures.csv``, given the known sources and indicators."""
    return pa.DataFrameSchema(
        {
            "figure_id": text_column(_matches(SLUG, "is not a slug (a-z, 0-9, - _ .)"), unique=True),
            "source_id": text_column(_one_of_ids(source_ids, "unknown source_id")),
            "indicator": text_column(_one_of_ids(indicator_ids, "unknown indicator")),
            "reported": text_column(per_value(lambda text: len(text) <= 80, "longer than 80 characters")),
            "as_of": text_column(_matches(AS_OF_PATTERN, "is not a date nor a known relative phrase")),
            "period_start": text_column(
                _matches(PERIOD_START_PATTERN, "is not a date nor a known period phrase"), required=False
            ),
            "scope": text_column(_matches(SCOPE, "is not a known scope")),
            "kind": text_column(_one_of(KINDS, "figure kinds")),
            "notes": text_column(required=False),
            LINE: _line_column(),
        },
        checks=[
            row_check("figure_id", _figure_id_has_source_prefix,
                      "does not start with its source_id and a hyphen"),
        ],
        strict=True,
        name="reported_figures",
    )


def _figure_id_has_source_prefix(df: pd.DataFrame) -> pd.Series:
    pairs = zip(df["figure_id"], df["source_id"], strict=True)
    return pd.Series([fid.startswith(f"{sid}-") for fid, sid in pairs], index=df.index)


def _one_of_ids(ids: Iterable[str], error: str) -> pa.Check:
    known = sorted(set(ids))
    return pa.Check(lambda s: s.isin(known), error=error)


def un_panel_schema(member_iso3: Iterable[str] | None = None, complete: bool = True) -> pa.DataFrameSchema:
    """Schema of a UN E-Government Survey panel as text (``data/raw/un_egdi_panel.csv``, or the UN exports).

    ``member_iso3``: the codes allowed (the member states of ``un_m49_regions.csv``); ``None`` accepts any
    three-letter code. ``complete``: every listed member state in every survey of :data:`SURVEY_YEARS`
    exactly once (the committed transcription; a folder of exports may hold fewer).
    """
    members = None if member_iso3 is None else sorted(set(member_iso3))
    iso3_checks = [_matches(ISO3, "is not an ISO 3166 alpha-3 code")]
    if members is not None:
        iso3_checks.append(pa.Check(lambda s: s.isin(members), error="is not a UN member state"))
    index = text_column(
        _matches(r"^$|" + PLAIN_DECIMAL, "is not a plain decimal (digits and a point) or blank"),
        required=False,
    )
    frame_checks = [_index_at_most_one(column) for column in ("egdi", "osi", "hci", "tii", "epi")]
    frame_checks.append(row_check("iso3", lambda df: ~df.duplicated(["survey_year", "iso3"], keep="first"),
                                  "duplicate country: an earlier row has the same survey_year and iso3"))
    if complete and members is not None:
        expected = {(str(year), code) for year in SURVEY_YEARS for code in members}

        def complete_grid(df: pd.DataFrame) -> bool:
            present = set(zip(df["survey_year"], df["iso3"], strict=True))
            return len(df) == len(expected) and present == expected

        frame_checks.append(
            pa.Check(complete_grid, error="must hold every member state in every survey exactly once")
        )
    return pa.DataFrameSchema(
        {
            "survey_year": text_column(_one_of(map(str, SURVEY_YEARS), "survey editions")),
            "iso3": text_column(*iso3_checks),
            "country": text_column(),
            "egdi": index,
            "osi": index,
            "hci": index,
            "tii": index,
            "epi": index,
            "egdi_rank": text_column(
                _matches(r"^$|" + WHOLE_NUMBER, "is not a whole number or blank"),
                _whole_between(1, UN_MEMBER_STATES, "a rank"),
                required=False,
            ),
            LINE: _line_column(),
        },
        checks=frame_checks,
        strict=True,
        name="un_egdi_panel",
    )


def un_surveys_schema() -> pa.DataFrameSchema:
    """Schema of ``data/raw/un_egdi_surveys.csv``: one row per survey edition."""
    return pa.DataFrameSchema(
        {
            "survey_year": text_column(_one_of(map(str, SURVEY_YEARS), "survey editions"), unique=True),
            "released": text_column(
                _matches(_RELEASE_FORM, "is not YYYY-MM-DD, YYYY-MM or YYYY"),
                per_value(_is_release, "is not a real calendar date"),
            ),
            "released_precision": text_column(_one_of(RELEASE_PRECISIONS, "precisions")),
            "n_ranked": text_column(
                _matches(WHOLE_NUMBER, "is not a whole number"), _whole_between(1, UN_MEMBER_STATES)
            ),
            "n_members": text_column(
                _matches(WHOLE_NUMBER, "is not a whole number"), _whole_between(1, UN_MEMBER_STATES)
            ),
            "released_source": text_column(),
            LINE: _line_column(),
        },
        checks=[
            row_check("released", _released_in_survey_year, "the release date is not in the survey's year"),
            row_check("released_precision", _precision_matches,
                      "does not match the precision of the release date"),
            row_check("n_ranked", _ranked_within_members, "is larger than n_members"),
        ],
        strict=True,
        name="un_egdi_surveys",
    )


def _released_in_survey_year(df: pd.DataFrame) -> pd.Series:
    malformed = ~df["released"].str.fullmatch(_RELEASE_FORM)  # left to the form check
    return malformed | (df["released"].str[:4] == df["survey_year"])


def _precision_matches(df: pd.DataFrame) -> pd.Series:
    malformed = ~df["released"].str.fullmatch(_RELEASE_FORM)  # left to the form check
    expected = df["released"].str.len().map({4: "year", 7: "month", 10: "day"})
    return malformed | (expected == df["released_precision"])


def _ranked_within_members(df: pd.DataFrame) -> pd.Series:
    ranked = df["n_ranked"].where(df["n_ranked"].str.fullmatch(WHOLE_NUMBER), "0").astype("int64")
    members = df["n_members"].where(df["n_members"].str.fullmatch(WHOLE_NUMBER), "0").astype("int64")
    return ranked <= members


def un_regions_schema() -> pa.DataFrameSchema:
    """Schema of ``data/raw/un_m49_regions.csv``: the M49 region and sub-region of every member state."""
    return pa.DataFrameSchema(
        {
            "iso3": text_column(_matches(ISO3, "is not an ISO 3166 alpha-3 code"), unique=True),
            "m49": text_column(_matches(r"^\d{3}$", "is not a three-digit M49 code"), unique=True),
            "name": text_column(),
            "region": text_column(_one_of(M49_REGIONS, "M49 regions")),
            "subregion": text_column(),
            LINE: _line_column(),
        },
        checks=[
            pa.Check(lambda df: len(df) == UN_MEMBER_STATES,
                     error=f"must list the {UN_MEMBER_STATES} UN member states"),
        ],
        strict=True,
        name="un_m49_regions",
    )


def text_table_schema(name: str, columns: Iterable[str]) -> pa.DataFrameSchema:
    """A raw table whose domain rules live in the module that reads it (the province files,
    :mod:`egovanalysis.ingest.provinces`): its columns, and the safety checks of every text cell."""
    return pa.DataFrameSchema(
        {**{column: text_column(required=False) for column in columns}, LINE: _line_column()},
        strict=True,
        name=name,
    )


# --------------------------------------------------------------------------------------------------------
# Processed tables
# --------------------------------------------------------------------------------------------------------


def observations_schema() -> pa.DataFrameSchema:
    """Schema of ``data/processed/observations.csv`` (the tidy output)."""
    return pa.DataFrameSchema(
        {
            "indicator": pa.Column(str),
            "date": pa.Column(str, pa.Check.str_matches(r"^\d{4}-\d{2}-\d{2}$")),
            "period_start": pa.Column(str, pa.Check.str_matches(r"^(\d{4}-\d{2}-\d{2})?$")),
            "value": pa.Column(float, pa.Check(lambda s: s.notna().all(), error="value is missing")),
            "lower": pa.Column(float, nullable=True),
            "upper": pa.Column(float, nullable=True),
            "unit": pa.Column(str, pa.Check.isin(UNITS)),
            "qualifier": pa.Column(str, pa.Check.isin(list(QUALIFIERS)), nullable=True),
            "kind": pa.Column(str, pa.Check.isin(KINDS)),
            "scope": pa.Column(str, pa.Check.str_matches(SCOPE)),
            "source_id": pa.Column(str),
            "figure_id": pa.Column(str, unique=True),
        },
        checks=[
            pa.Check(lambda df: (df["period_start"] == "") | (df["period_start"] <= df["date"]),
                     error="period_start after date"),
        ],
        strict=True,
        ordered=True,
        name="observations",
    )
