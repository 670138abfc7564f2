"""Read the UN E-Government Survey Data Center exports (``EGOV_DATA_<year>.csv``), in both header layouts.

The UN DESA Data Center publishes one CSV per survey. Two header layouts exist:

* the UN layout of 2003-2022: ``Survey Year, Country Name, E-Government Rank, E-Government Index,
  E-Participation Index, Online Service Index, Human Capital Index, Telecommunication Infrastructure Index``
  (country names quoted, with a trailing space);
* the renamed 2024 layout of the only copy found: ``Survey Year, Country, Rank, E_Index, E_Participation,
  Online_Service, Human_Capital, Tele_Infra`` plus a ``Region`` column added by that copy's author, with
  errors, and ignored here.

Every export is read as text with the line of every row (:func:`egovanalysis.ingest.rawio.read_raw_csv`),
country names are resolved to ISO 3166 alpha-3 codes (:func:`resolve_iso3`), and the values are checked by
the same schema as the committed transcription ``data/raw/un_egdi_panel.csv``
(:func:`egovanalysis.ingest.schemas.un_panel_schema`), so a file from the UN and the file in the repository
obey one contract. Every problem of every file is reported at once, as :class:`~egovanalysis.errors.DataIssue`
records naming the file, the line, the export's own column name, the value and the fix.

Rules decided here, for every reader of UN data (:func:`type_panel`):

* **Not ranked.** A blank rank means the country was not assessed. An EGDI of exactly 0 (or blank) also
  means the country was not ranked: in 2003-2010 the UN files give such countries a "last + 1" rank
  (e.g. 174 in 2003), which is not a real rank, so ``egdi_rank`` is NA whenever ``egdi`` is 0 or blank.
* Values are kept as published (5 decimals), including the two 2003 Human Capital Index values above 1
  (:data:`~egovanalysis.ingest.schemas.PUBLISHED_INDEX_ABOVE_ONE`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import pycountry

from egovanalysis.errors import DataIssue, DataValidationError, EgdiLoadError
from egovanalysis.ingest.rawio import LINE_COLUMN, read_raw_csv
from egovanalysis.ingest.schemas import UN_PANEL_COLUMNS, un_panel_schema
from egovanalysis.ingest.validation import validate_frame

__all__ = [
    "EXPORT_COLUMNS",
    "INDEX_COLUMNS",
    "UN_NAME_TO_ISO3",
    "load_un_exports",
    "read_exports_text",
    "resolve_iso3",
    "transcribe_exports",
    "type_panel",
]

#: Names in UN files that ``pycountry.countries.lookup`` cannot resolve (checked by the tests: every key here
#: must fail in pycountry, so the table stays minimal). The first five occur in the 2003-2024 exports; the
#: rest are UN spellings of the same states in other UN downloads.
UN_NAME_TO_ISO3: dict[str, str] = {
    "Democratic Republic of the Congo": "COD",
    "Georgia (Country)": "GEO",
    "Iran (Islamic Republic of)": "IRN",
    "Micronesia (Federated States of)": "FSM",
    "Republic of Korea": "KOR",
    "Bolivia (Plurinational State of)": "BOL",
    "Venezuela (Bolivarian Republic of)": "VEN",
    "Cote d'Ivoire": "CIV",
    "Turkey": "TUR",
    "Swaziland": "SWZ",
    "The former Yugoslav Republic of Macedonia": "MKD",
    "Cape Verde": "CPV",
}

INDEX_COLUMNS: tuple[str, ...] = ("egdi", "osi", "hci", "tii", "epi")
#: Typed output columns of :func:`load_un_exports` and :func:`type_panel`.
EXPORT_COLUMNS: tuple[str, ...] = ("survey_year", "iso3", "country", *INDEX_COLUMNS, "egdi_rank")

# Header layouts of the UN exports: source header -> tidy column.
_LAYOUT_UN: dict[str, str] = {
    "Survey Year": "survey_year",
    "Country Name": "country",
    "E-Government Rank": "egdi_rank",
    "E-Government Index": "egdi",
    "E-Participation Index": "epi",
    "Online Service Index": "osi",
    "Human Capital Index": "hci",
    "Telecommunication Infrastructure Index": "tii",
}
_LAYOUT_2024: dict[str, str] = {
    "Survey Year": "survey_year",
    "Country": "country",
    "Rank": "egdi_rank",
    "E_Index": "egdi",
    "E_Participation": "epi",
    "Online_Service": "osi",
    "Human_Capital": "hci",
    "Tele_Infra": "tii",
}
#: Columns of an export that are read and then dropped on purpose.
_IGNORED = frozenset({"Region"})
_EXPORT_FILE_RE = re.compile(r"^EGOV_DATA_(\d{4})\.csv$", re.IGNORECASE)
_FIX_NAME = (
    "add the name with its ISO 3166 alpha-3 code to UN_NAME_TO_ISO3 (egovanalysis/ingest/un_exports.py)"
)


def resolve_iso3(name: str) -> str | None:
    """Return the ISO 3166 alpha-3 code of a UN country name, or ``None`` if it cannot be resolved.

    Exact lookups only (no fuzzy matching): ``pycountry.countries.lookup`` (case-insensitive over alpha
    codes, ``name``, ``official_name`` and ``common_name``), then :data:`UN_NAME_TO_ISO3`.
    """
    name = name.strip()
    if not name:
        return None
    try:
        return str(pycountry.countries.lookup(name).alpha_3)
    except LookupError:
        return UN_NAME_TO_ISO3.get(name)


def _layout(header: list[str], path: Path) -> tuple[dict[str, str] | None, list[DataIssue]]:
    """The header layout of an export, or the problems with its header."""
    scores = [(sum(col in header for col in layout), layout) for layout in (_LAYOUT_UN, _LAYOUT_2024)]
    _, layout = max(scores, key=lambda pair: pair[0])
    missing = [col for col in layout if col not in header]
    fix = f"the header must be the UN layout {list(_LAYOUT_UN)} or the 2024 layout {list(_LAYOUT_2024)}"
    if missing:
        return None, [DataIssue(path, 1, col, None, "missing column", fix) for col in missing]
    unknown = [col for col in header if col not in layout and col not in _IGNORED]
    if unknown:
        return None, [DataIssue(path, 1, col, None, "unexpected column", fix) for col in unknown]
    return layout, []


def _read_export(path: Path, year: int) -> tuple[pd.DataFrame | None, dict[str, str], list[DataIssue]]:
    """One export as text in the panel's columns (``iso3`` resolved), its header names, and its problems."""
    try:
        raw = read_raw_csv(path, [])
    except DataValidationError as error:
        return None, {}, error.issues
    header = [col for col in raw.columns if col != LINE_COLUMN]
    layout, issues = _layout(header, path)
    if layout is None:
        return None, {}, issues
    shown = {tidy: source for source, tidy in layout.items()}
    shown["iso3"] = shown["country"]  # the code is resolved from the name: a problem with it is the name's
    frame = raw.rename(columns=layout)[[*layout.values(), LINE_COLUMN]]
    if frame.empty:
        return None, shown, [DataIssue(path, 2, None, None, "no data rows after the header",
                                       "copy the export again from the UN Data Center")]
    frame["iso3"] = [resolve_iso3(name) or "" for name in frame["country"]]
    rows = zip(frame["survey_year"], frame["country"], frame["iso3"], frame[LINE_COLUMN], strict=True)
    for survey_year, country, iso3, line in rows:
        if survey_year != str(year):
            issues.append(DataIssue(path, int(line), shown["survey_year"], survey_year,
                                    f"survey year does not match the file name's year {year}",
                                    "rename the file after its survey year, or correct the year"))
        if country and not iso3:
            issues.append(DataIssue(path, int(line), shown["country"], country,
                                    "unknown country name: pycountry cannot resolve it and it is not in "
                                    "UN_NAME_TO_ISO3", _FIX_NAME))
    return frame[[*UN_PANEL_COLUMNS, LINE_COLUMN]], shown, issues


def read_exports_text(folder: Path, members: Iterable[str] | None = None) -> pd.DataFrame:
    """Every ``EGOV_DATA_<year>.csv`` in ``folder`` as text in the panel's columns, checked by its schema.

    ``members``: the ISO3 codes allowed (``None``: any resolved code). Returns the columns of
    :data:`~egovanalysis.ingest.schemas.UN_PANEL_COLUMNS` as text, sorted by ``survey_year, iso3``.

    Raises:
        EgdiLoadError: no such folder or no export in it, two exports of one year, or any problem in any
            file (all of them, each naming the file, line, column as the export names it, and value).
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise EgdiLoadError([DataIssue(folder, None, None, None, "no such folder",
                                       "point it at a folder of the UN's EGOV_DATA_<year>.csv exports")])
    files = sorted(
        (int(match.group(1)), path)
        for path in folder.iterdir()
        if path.is_file() and (match := _EXPORT_FILE_RE.match(path.name))
    )
    if not files:
        raise EgdiLoadError([DataIssue(folder, None, None, None, "holds no EGOV_DATA_<year>.csv file",
                                       "download the survey exports from the UN Data Center into it")])
    years = [year for year, _ in files]
    issues = [DataIssue(path, None, None, None, f"a second export of survey {year}", "keep one file per year")
              for year, path in files if years.count(year) > 1]
    frames = []
    schema = un_panel_schema(members, complete=False)
    for year, path in files:
        frame, shown, found = _read_export(path, year)
        issues += found
        if frame is None:
            continue
        resolved = frame[frame["iso3"] != ""]
        issues += validate_frame(schema, resolved, path, "un_egdi_panel", shown)
        frames.append(frame)
    if issues:
        raise EgdiLoadError(issues)
    text = pd.concat(frames, ignore_index=True)[list(UN_PANEL_COLUMNS)]
    return text.sort_values(["survey_year", "iso3"], ignore_index=True)


def transcribe_exports(folder: Path, members: Iterable[str] | None = None) -> pd.DataFrame:
    """The transcription committed as ``data/raw/un_egdi_panel.csv``: the exports' cells as text.

    Cells are copied exactly as published (surrounding spaces stripped), with the ISO3 code added; rows
    sorted by ``survey_year, iso3``. Write it with :func:`egovanalysis.ingest.build.to_csv_text`.
    """
    return read_exports_text(folder, members)


def type_panel(text: pd.DataFrame) -> pd.DataFrame:
    """Typed panel values from validated text: ``EXPORT_COLUMNS`` (ranks ``Int64``, NA when not ranked).

    Blank indices are NA; an EGDI of 0 or blank means "not ranked", so its rank is NA (module docstring).
    """
    frame = pd.DataFrame({
        "survey_year": text["survey_year"].astype("int64"),
        "iso3": text["iso3"].astype(str),
        "country": text["country"].astype(str),
    })
    for column in INDEX_COLUMNS:
        cells = text[column].where(text[column] != "")
        frame[column] = pd.to_numeric(cells, errors="raise").astype("float64")
    rank = pd.to_numeric(text["egdi_rank"].where(text["egdi_rank"] != ""), errors="raise").astype("Int64")
    ranked = frame["egdi"].fillna(0.0) > 0.0
    frame["egdi_rank"] = rank.where(ranked, pd.NA).astype("Int64")
    return frame.reset_index(drop=True)


def load_un_exports(folder: Path, members: Iterable[str] | None = None) -> pd.DataFrame:
    """Read every ``EGOV_DATA_<year>.csv`` in ``folder`` into one typed table (either header layout).

    Returns :data:`EXPORT_COLUMNS` (``survey_year, iso3, country, egdi, osi, hci, tii, epi, egdi_rank``), one
    row per country and survey, sorted by ``survey_year, iso3``; ``egdi_rank`` is ``Int64`` and NA where the
    country was not ranked (see :func:`type_panel`).

    Raises:
        EgdiLoadError: see :func:`read_exports_text`; every problem of every file at once.
    """
    return type_panel(read_exports_text(folder, members))
