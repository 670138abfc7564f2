"""UN E-Government Survey (EGDI): loader for the UN Data Center exports, the SE-Asia panel, press checks.

Three entry points:

* :func:`load_un_exports` reads the UN DESA Data Center per-survey exports (``EGOV_DATA_<year>.csv``) from a
  folder, in either header layout (2003-2022 UN layout, or the renamed 2024 layout), and returns one tidy row
  per country and survey with ISO 3166 alpha-3 codes.
* :func:`build_egdi_panel` reads the committed transcription ``data/raw/un_egdi_sea.csv`` (11 South-East
  Asian states x 12 surveys) and ``data/raw/un_egdi_surveys.csv`` and returns the EGDI panel **contract**
  (see ``DESIGN.md``); :func:`panel_from_exports` builds the same contract from the full exports, so the
  transcription can be checked against the UN files; :func:`validate_egdi_panel` checks the contract.
* :func:`crosscheck_press_ranks` compares ranks quoted by the press (rows of the observations table) with
  the panel.

Conventions, decided once here:

* **Not ranked.** A blank rank means the country was not assessed. An EGDI of exactly 0 also means the
  country was not ranked: in 2003-2010 the UN files give such countries a "last + 1" rank (e.g. 174 in
  2003), which is not a real rank, so ``egdi_rank`` is set to NA whenever ``egdi == 0``.
  ``n_ranked`` = number of countries with a non-zero EGDI in the survey's file.
* **Computed sub-index ranks** (``osi_rank``, ``hci_rank``, ``tii_rank``, ``epi_rank``) are not published in
  the exports: they are 1 + the number of countries in the survey's file (all rows, 193) with a strictly
  higher value, so ties share a rank as in UN "joint" ranks.
* **SE-Asia position** (``sea_position``): 1 + the number of the 11 South-East Asian states
  (:data:`SEA_ISO3`: ASEAN-10 + Timor-Leste) with a strictly better (smaller) EGDI rank in the same survey.
* **Percentile**: ``100 * (n_ranked - egdi_rank) / (n_ranked - 1)``: the share of the *other* ranked
  countries that the country beats; 100 = first, 0 = last.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import pycountry

from egovanalysis.config import RAW_DIR
from egovanalysis.errors import EgdiLoadError

__all__ = [
    "EGDI_PANEL_COLUMNS",
    "EXPORT_COLUMNS",
    "SEA_ISO3",
    "SURVEY_YEARS",
    "UN_EGDI_SEA_CSV",
    "UN_EGDI_SURVEYS_CSV",
    "UN_NAME_TO_ISO3",
    "EgdiLoadError",
    "build_egdi_panel",
    "compute_percentile",
    "compute_sea_positions",
    "compute_subindex_ranks",
    "load_surveys",
    "load_un_exports",
    "panel_from_exports",
    "resolve_iso3",
    "validate_egdi_panel",
]

# --------------------------------------------------------------------------------------------------------
# Constants
# --------------------------------------------------------------------------------------------------------

#: File names of the committed transcriptions inside ``raw_dir`` (``config.RAW_DIR`` by default).
SEA_CSV_NAME = "un_egdi_sea.csv"
SURVEYS_CSV_NAME = "un_egdi_surveys.csv"
#: Default paths, built from ``config.RAW_DIR`` (config owns the directory; this module owns the names).
UN_EGDI_SEA_CSV: Path = RAW_DIR / SEA_CSV_NAME
UN_EGDI_SURVEYS_CSV: Path = RAW_DIR / SURVEYS_CSV_NAME

#: Editions of the UN E-Government Survey (there was no 2006 or 2007 edition; biennial from 2008).
SURVEY_YEARS: tuple[int, ...] = (2003, 2004, 2005, 2008, 2010, 2012, 2014, 2016, 2018, 2020, 2022, 2024)

#: The 11 South-East Asian states: ASEAN-10 plus Timor-Leste (Vietnamese sources count "11 countries in the
#: Southeast Asian region").
SEA_ISO3: tuple[str, ...] = ("BRN", "IDN", "KHM", "LAO", "MMR", "MYS", "PHL", "SGP", "THA", "TLS", "VNM")
#: ASEAN members (SEA_ISO3 without Timor-Leste), used to explain "position in ASEAN" press figures.
ASEAN10_ISO3: tuple[str, ...] = tuple(code for code in SEA_ISO3 if code != "TLS")

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

#: Tidy output columns of :func:`load_un_exports`.
EXPORT_COLUMNS: tuple[str, ...] = (
    "survey_year", "iso3", "country", "egdi", "osi", "hci", "tii", "epi", "egdi_rank",
)  # fmt: skip
INDEX_COLUMNS: tuple[str, ...] = ("egdi", "osi", "hci", "tii", "epi")
SUBINDEX_RANK_COLUMNS: dict[str, str] = {
    "osi": "osi_rank",
    "hci": "hci_rank",
    "tii": "tii_rank",
    "epi": "epi_rank",
}

#: EGDI panel **contract** (DESIGN.md), in this order.
EGDI_PANEL_COLUMNS: tuple[str, ...] = (
    "survey_year", "iso3", "country", "egdi", "osi", "hci", "tii", "epi", "egdi_rank", "n_ranked",
    "sea_position", "percentile", "osi_rank", "hci_rank", "tii_rank", "epi_rank",
)  # fmt: skip

#: Columns of the committed ``un_egdi_sea.csv`` and ``un_egdi_surveys.csv``, in order.
SEA_RAW_COLUMNS: tuple[str, ...] = (
    "survey_year", "iso3", "country", "egdi", "osi", "hci", "tii", "epi",
    "egdi_rank", "osi_rank", "hci_rank", "tii_rank", "epi_rank",
)  # fmt: skip
SURVEYS_RAW_COLUMNS: tuple[str, ...] = (
    "survey_year",
    "released",
    "released_precision",
    "n_ranked",
    "n_members",
    "released_source",
)

# Header layouts of the UN exports: source header -> tidy column. "Region" (2024 copy) is ignored on purpose:
# it was added by the copy's author, with errors.
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
_EXPORT_FILE_RE = re.compile(r"^EGOV_DATA_(\d{4})\.csv$", re.IGNORECASE)
_NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")





# --------------------------------------------------------------------------------------------------------
# Country names
# --------------------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------------------
# Loader of the UN exports
# --------------------------------------------------------------------------------------------------------


def _where(path: Path, line: int, column: str | None = None) -> str:
    return f"{path}: line {line}" + (f": column '{column}'" if column else "")


def _parse_number(text: str, path: Path, line: int, column: str) -> float | None:
    """Parse a plain decimal; blank -> None; anything else (``n/a``, ``0,5``, ``nan``) raises."""
    text = text.strip()
    if text == "":
        return None
    if not _NUMBER_RE.match(text):
        raise EgdiLoadError(
            f"{_where(path, line, column)}: bad number {text!r}. Fix: write a plain decimal with a point "
            "(e.g. 0.6667), or leave the cell blank for a country that was not assessed"
        )
    return float(text)


def _detect_layout(header: list[str], path: Path) -> dict[str, str]:
    """Pick the header layout and check that all of its columns are present."""
    layout = _LAYOUT_UN if "Country Name" in header else _LAYOUT_2024
    missing = [col for col in layout if col not in header]
    if missing:
        other = _LAYOUT_2024 if layout is _LAYOUT_UN else _LAYOUT_UN
        if sum(col in header for col in other) > sum(col in header for col in layout):
            layout, missing = other, [col for col in other if col not in header]
        raise EgdiLoadError(
            f"{_where(path, 1)}: missing column(s) {missing} in header {header}. Expected the UN layout "
            f"{list(_LAYOUT_UN)} or the 2024 layout {list(_LAYOUT_2024)}."
        )
    duplicated = sorted({col for col in header if header.count(col) > 1 and col in layout})
    if duplicated:
        raise EgdiLoadError(f"{_where(path, 1)}: duplicated column(s) {duplicated} in header {header}")
    return layout


def _read_export(path: Path, file_year: int) -> pd.DataFrame:
    """Read one ``EGOV_DATA_<year>.csv`` into tidy rows (see :func:`load_un_exports`)."""
    records: list[dict[str, object]] = []
    first_line_of: dict[str, tuple[int, str]] = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header_row = next(reader, None)
        if header_row is None:
            raise EgdiLoadError(f"{path}: the file is empty (no header line)")
        header = [col.strip() for col in header_row]
        layout = _detect_layout(header, path)
        position = {layout[col]: header.index(col) for col in layout}
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue  # blank line (e.g. a trailing newline)
            if len(row) != len(header):
                raise EgdiLoadError(
                    f"{_where(path, line)}: {len(row)} fields, the header has {len(header)} ({row!r})"
                )
            cell = {tidy: row[idx].strip() for tidy, idx in position.items()}
            source_col = {tidy: header[idx] for tidy, idx in position.items()}

            year_text = cell["survey_year"]
            if not year_text.isdigit() or int(year_text) != file_year:
                raise EgdiLoadError(
                    f"{_where(path, line, source_col['survey_year'])}: survey year {year_text!r} does not "
                    f"match the file name's year {file_year}"
                )

            country = cell["country"]
            if not country:
                raise EgdiLoadError(f"{_where(path, line, source_col['country'])}: empty country name")
            iso3 = resolve_iso3(country)
            if iso3 is None:
                raise EgdiLoadError(
                    f"{_where(path, line, source_col['country'])}: unknown country name {country!r}: "
                    "pycountry.countries.lookup cannot resolve it and it is not in "
                    "UN_NAME_TO_ISO3 (egovanalysis/ingest/un_panel.py). Add it there with its ISO 3166 "
                    "alpha-3 code."
                )
            if iso3 in first_line_of:
                first_line, first_name = first_line_of[iso3]
                raise EgdiLoadError(
                    f"{_where(path, line, source_col['country'])}: duplicate country {country!r} ({iso3}) "
                    f"in survey {file_year}: already on line {first_line} as {first_name!r}"
                )
            first_line_of[iso3] = (line, country)

            values: dict[str, float | None] = {}
            for col in INDEX_COLUMNS:
                value = _parse_number(cell[col], path, line, source_col[col])
                if value is not None and value < 0.0:
                    raise EgdiLoadError(
                        f"{_where(path, line, source_col[col])}: negative index {cell[col]!r}. "
                        "Fix: indices lie between 0 and 1; check the value against the UN Data Center"
                    )
                values[col] = value

            rank = _parse_number(cell["egdi_rank"], path, line, source_col["egdi_rank"])
            if rank is not None and (rank != int(rank) or rank < 1):
                raise EgdiLoadError(
                    f"{_where(path, line, source_col['egdi_rank'])}: bad rank {cell['egdi_rank']!r} "
                    "(expected a positive whole number, or blank when not assessed)"
                )
            # Zero (or missing) EGDI = not ranked: the "last + 1" rank of 2003-2010 is dropped on purpose.
            if values["egdi"] is None or values["egdi"] == 0.0:
                rank = None

            records.append(
                {"survey_year": file_year, "iso3": iso3, "country": country, **values, "egdi_rank": rank}
            )
    if not records:
        raise EgdiLoadError(f"{path}: no data rows after the header")
    frame = pd.DataFrame.from_records(records, columns=list(EXPORT_COLUMNS))
    return frame


def load_un_exports(folder: Path) -> pd.DataFrame:
    """Read every ``EGOV_DATA_<year>.csv`` in ``folder`` into one tidy table.

    Both header layouts are read: the UN Data Center layout of 2003-2022 (``Survey Year, Country Name,
    E-Government Rank, E-Government Index, E-Participation Index, Online Service Index, Human Capital Index,
    Telecommunication Infrastructure Index``) and the renamed 2024 layout (``Survey Year, Country, Rank,
    E_Index, E_Participation, Online_Service, Human_Capital, Tele_Infra``; its extra ``Region`` column is
    ignored). Files are read as ``utf-8-sig``; names and cells are stripped of surrounding spaces.

    Rules: a blank rank is NA (not assessed); an EGDI of 0 means not ranked, so its rank is NA even where the
    file gives a "last + 1" rank; indices must be non-negative plain decimals (blank is kept as NA; values
    are kept as published, including the 2003 Human Capital Index above 1 for Micronesia, 1.422, and Tuvalu,
    1.03); the survey
    year in each row must equal the year in the file name. Country names are resolved to ISO 3166 alpha-3
    by :func:`resolve_iso3`.

    Args:
        folder: a folder holding one or more ``EGOV_DATA_<year>.csv`` files (other files are ignored).

    Returns:
        Columns :data:`EXPORT_COLUMNS` (``survey_year, iso3, country, egdi, osi, hci, tii, epi, egdi_rank``),
        one row per country and survey, sorted by ``survey_year, iso3``; ``egdi_rank`` is ``Int64``.

    Raises:
        EgdiLoadError: no such folder or no export in it; a missing column; a bad number; an unknown
            country name; a duplicate country in a survey. The message names the file, the line, the
            column and the value.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise EgdiLoadError(f"{folder}: no such folder (expected the UN EGOV_DATA_<year>.csv exports)")
    files = sorted(
        (int(match.group(1)), path)
        for path in folder.iterdir()
        if path.is_file() and (match := _EXPORT_FILE_RE.match(path.name))
    )
    if not files:
        raise EgdiLoadError(f"{folder}: no EGOV_DATA_<year>.csv file in this folder")
    years = [year for year, _ in files]
    if len(set(years)) != len(years):
        dupes = sorted({str(path) for year, path in files if years.count(year) > 1})
        raise EgdiLoadError(f"{folder}: more than one export for the same survey year: {dupes}")
    frame = pd.concat([_read_export(path, year) for year, path in files], ignore_index=True)
    frame = frame.astype(
        {
            "survey_year": "int64",
            "iso3": "str",
            "country": "str",
            **dict.fromkeys(INDEX_COLUMNS, "float64"),
            "egdi_rank": "Int64",
        }
    )
    return frame.sort_values(["survey_year", "iso3"], ignore_index=True)


# --------------------------------------------------------------------------------------------------------
# Derived columns
# --------------------------------------------------------------------------------------------------------


def _competition_rank(values: pd.Series, ascending: bool) -> pd.Series:
    """1 + the number of strictly better values (ties share); NA stays NA."""
    return values.rank(method="min", ascending=ascending).astype("Int64")


def compute_subindex_ranks(panel: pd.DataFrame) -> pd.DataFrame:
    """Add computed ``osi_rank, hci_rank, tii_rank, epi_rank`` to a **full** per-survey table.

    Each rank is 1 + the number of rows of the same survey with a strictly higher value (ties share). Only
    meaningful on all countries of a survey (e.g. :func:`load_un_exports`), not on a subset. Returns a copy.
    """
    out = panel.copy()
    for col, rank_col in SUBINDEX_RANK_COLUMNS.items():
        out[rank_col] = (
            out.groupby("survey_year")[col]
            .transform(lambda s: _competition_rank(s, ascending=False))
            .astype("Int64")
        )
    return out


def compute_sea_positions(panel: pd.DataFrame, members: Iterable[str] = SEA_ISO3) -> pd.DataFrame:
    """Return a copy of ``panel`` with ``sea_position``: position among ``members`` per survey by EGDI rank.

    ``sea_position`` = 1 + the number of member states with a strictly better (smaller) ``egdi_rank`` in the
    same ``survey_year`` (ties share a position). It is NA for countries outside ``members`` and for members
    without a rank. Works on the full 193-country table from :func:`load_un_exports` or on the 11-state
    panel. The input is not modified.
    """
    members = set(members)
    out = panel.copy()
    in_group = out["iso3"].isin(members) & out["egdi_rank"].notna()
    position = pd.Series(pd.NA, index=out.index, dtype="Int64")
    ranks = out.loc[in_group, "egdi_rank"].astype("float64")
    position.loc[in_group] = (
        ranks.groupby(out.loc[in_group, "survey_year"]).rank(method="min", ascending=True).astype("Int64")
    )
    out["sea_position"] = position
    return out


def compute_percentile(egdi_rank: pd.Series, n_ranked: pd.Series) -> pd.Series:
    """Percentile of a rank: ``100 * (n_ranked - egdi_rank) / (n_ranked - 1)``.

    The share (in %) of the *other* ranked countries that the country beats: 100 = first, 0 = last. NA where
    the rank is NA.
    """
    rank = egdi_rank.astype("Float64")
    n = n_ranked.astype("Float64")
    return (100.0 * (n - rank) / (n - 1.0)).astype("float64")


def _finish_panel(frame: pd.DataFrame) -> pd.DataFrame:
    """Add sea_position and percentile, order columns and rows, set dtypes."""
    frame = compute_sea_positions(frame)
    frame["percentile"] = compute_percentile(frame["egdi_rank"], frame["n_ranked"])
    frame = frame.loc[:, list(EGDI_PANEL_COLUMNS)].astype(
        {
            "survey_year": "int64",
            "iso3": "str",
            "country": "str",
            **dict.fromkeys(INDEX_COLUMNS, "float64"),
            "egdi_rank": "Int64",
            "n_ranked": "int64",
            "sea_position": "Int64",
            "percentile": "float64",
            **dict.fromkeys(SUBINDEX_RANK_COLUMNS.values(), "Int64"),
        }
    )
    return frame.sort_values(["survey_year", "iso3"], ignore_index=True)


# --------------------------------------------------------------------------------------------------------
# Panel: from the committed transcription, or from the full exports
# --------------------------------------------------------------------------------------------------------


def _read_committed_csv(path: Path, columns: tuple[str, ...], dtypes: Mapping[str, str]) -> pd.DataFrame:
    if not path.is_file():
        raise EgdiLoadError(f"{path}: no such file")
    frame = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    if tuple(frame.columns) != columns:
        raise EgdiLoadError(
            f"{path}: line 1: expected columns {list(columns)}, found {list(frame.columns)}. "
            "Fix: restore the header (git checkout -- FILE shows the committed one)"
        )
    for col, dtype in dtypes.items():
        text = frame[col].str.strip()
        parsed = pd.to_numeric(text.where(text != ""), errors="coerce")
        bad = parsed.isna() & (text != "")
        if bad.any():
            idx = int(bad.idxmax())
            raise EgdiLoadError(
                f"{path}: line {idx + 2}: column '{col}': bad number {frame.at[idx, col]!r}. Fix: copy the "
                "value again from the UN export named in the file's .meta.yml (a plain decimal, or blank)"
            )
        frame[col] = parsed.astype(dtype)
    return frame


def load_surveys(raw_dir: Path = RAW_DIR) -> pd.DataFrame:
    """Read ``un_egdi_surveys.csv``: one row per survey edition.

    Columns: ``survey_year`` (int), ``released`` (release date as known: ``YYYY-MM-DD``, ``YYYY-MM`` or
    ``YYYY``), ``released_precision`` (``day``/``month``/``year``), ``n_ranked`` (countries with a non-zero
    EGDI), ``n_members`` (UN member states surveyed), ``released_source``.
    """
    path = Path(raw_dir) / SURVEYS_CSV_NAME
    frame = _read_committed_csv(
        path, SURVEYS_RAW_COLUMNS, {"survey_year": "int64", "n_ranked": "int64", "n_members": "int64"}
    )
    return frame.astype({"released": "str", "released_precision": "str", "released_source": "str"})


def build_egdi_panel(raw_dir: Path = RAW_DIR) -> pd.DataFrame:
    """Build the EGDI panel **contract** from the committed transcription.

    Reads ``<raw_dir>/un_egdi_sea.csv`` (the 11 South-East Asian states x 12 surveys, values as in the UN
    exports, sub-index ranks computed from all 193 countries) and ``<raw_dir>/un_egdi_surveys.csv``
    (``n_ranked`` per survey), then derives:

    * ``sea_position``: 1 + the number of the 11 states (:data:`SEA_ISO3`) with a strictly better EGDI rank
      in the same survey (ties share);
    * ``percentile``: ``100 * (n_ranked - egdi_rank) / (n_ranked - 1)``, the share of the other ranked
      countries the country beats (100 = first, 0 = last).

    Returns:
        Columns :data:`EGDI_PANEL_COLUMNS` in order (``survey_year, iso3, country, egdi, osi, hci, tii, epi,
        egdi_rank, n_ranked, sea_position, percentile, osi_rank, hci_rank, tii_rank, epi_rank``), sorted by
        ``survey_year, iso3``. Validate it with :func:`validate_egdi_panel`.

    Raises:
        EgdiLoadError: a missing file, unexpected columns, a bad number, or a survey missing from
            ``un_egdi_surveys.csv``.
    """
    raw_dir = Path(raw_dir)
    sea_path = raw_dir / SEA_CSV_NAME
    numeric = {
        "survey_year": "int64",
        **dict.fromkeys(INDEX_COLUMNS, "float64"),
        "egdi_rank": "Int64",
        **dict.fromkeys(SUBINDEX_RANK_COLUMNS.values(), "Int64"),
    }
    sea = _read_committed_csv(sea_path, SEA_RAW_COLUMNS, numeric)
    sea = sea.astype({"iso3": "str", "country": "str"})
    surveys = load_surveys(raw_dir)
    missing = sorted(set(sea["survey_year"]) - set(surveys["survey_year"]))
    if missing:
        raise EgdiLoadError(
            f"{raw_dir / SURVEYS_CSV_NAME}: no row for survey year(s) {missing}. Fix: add one row per survey "
            "(release date, countries ranked, member states)"
        )
    panel = sea.merge(surveys[["survey_year", "n_ranked"]], on="survey_year", how="left", validate="m:1")
    return _finish_panel(panel)


def panel_from_exports(folder: Path, countries: Iterable[str] | None = SEA_ISO3) -> pd.DataFrame:
    """Build the EGDI panel contract from the full UN exports in ``folder`` (see :func:`load_un_exports`).

    ``n_ranked`` is the number of countries with a non-zero EGDI in each survey; sub-index ranks are computed
    over all countries of each survey (:func:`compute_subindex_ranks`); ``sea_position`` and ``percentile``
    as in :func:`build_egdi_panel`. Rows are then restricted to ``countries`` (default :data:`SEA_ISO3`;
    ``None`` keeps every country, with ``sea_position`` NA outside South-East Asia).
    """
    full = load_un_exports(folder)
    full = compute_subindex_ranks(full)
    n_ranked = full.loc[full["egdi"] > 0].groupby("survey_year").size().rename("n_ranked")
    full = full.merge(n_ranked, left_on="survey_year", right_index=True, how="left")
    full["n_ranked"] = full["n_ranked"].fillna(0).astype("int64")
    panel = _finish_panel(full)
    if countries is not None:
        panel = panel.loc[panel["iso3"].isin(set(countries))].reset_index(drop=True)
    return panel


# --------------------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------------------


def _rank_within_n(df: pd.DataFrame) -> pd.Series:
    return (df["egdi_rank"] <= df["n_ranked"]).fillna(False).astype(bool)


def _complete_grid(df: pd.DataFrame) -> bool:
    pairs = set(zip(df["survey_year"], df["iso3"], strict=True))
    return len(df) == len(SURVEY_YEARS) * len(SEA_ISO3) and pairs == {
        (year, iso3) for year in SURVEY_YEARS for iso3 in SEA_ISO3
    }


def _index_column() -> pa.Column:
    return pa.Column("float64", pa.Check.in_range(0.0, 1.0), nullable=False)


def _rank_column(max_value: int) -> pa.Column:
    return pa.Column("Int64", pa.Check.in_range(1, max_value), nullable=False)


EGDI_PANEL_SCHEMA = pa.DataFrameSchema(
    {
        "survey_year": pa.Column("int64", pa.Check.isin(SURVEY_YEARS)),
        "iso3": pa.Column(str, pa.Check.isin(SEA_ISO3)),
        "country": pa.Column(str, pa.Check.str_length(min_value=1)),
        "egdi": _index_column(),
        "osi": _index_column(),
        "hci": _index_column(),
        "tii": _index_column(),
        "epi": _index_column(),
        "egdi_rank": _rank_column(193),
        "n_ranked": pa.Column("int64", pa.Check.in_range(1, 193)),
        "sea_position": _rank_column(len(SEA_ISO3)),
        "percentile": pa.Column("float64", pa.Check.in_range(0.0, 100.0)),
        "osi_rank": _rank_column(193),
        "hci_rank": _rank_column(193),
        "tii_rank": _rank_column(193),
        "epi_rank": _rank_column(193),
    },
    checks=[
        pa.Check(_rank_within_n, error="egdi_rank must be <= n_ranked"),
        pa.Check(_complete_grid, error="expected the 11 SE-Asian states x 12 surveys, each exactly once"),
    ],
    unique=["survey_year", "iso3"],
    strict=True,
    ordered=True,
    name="egdi_panel",
)


def validate_egdi_panel(df: pd.DataFrame) -> pd.DataFrame:
    """Validate the EGDI panel contract with :data:`EGDI_PANEL_SCHEMA` (pandera); return ``df`` unchanged.

    Checks column names, order and dtypes; indices in 0..1; ranks 1..193 with ``egdi_rank <= n_ranked``;
    ``sea_position`` 1..11; ``percentile`` 0..100; unique ``(survey_year, iso3)``; and exactly the 11 states
    of :data:`SEA_ISO3` x the 12 surveys of :data:`SURVEY_YEARS`. Raises ``pandera.errors.SchemaErrors``
    (all failures at once) on any violation.
    """
    return EGDI_PANEL_SCHEMA.validate(df, lazy=True)
