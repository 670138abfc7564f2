"""The UN E-Government Survey panel: every member state in every survey, its derived columns, its contract.

Inputs (all in ``data/raw``, checked by the validation layer, :mod:`egovanalysis.ingest.validation`):

* ``un_egdi_panel.csv``: every member state x the 12 surveys as the UN published them (EGDI, OSI, HCI, TII,
  EPI, EGDI rank), transcribed from the Data Center exports (:mod:`egovanalysis.ingest.un_exports`);
* ``un_m49_regions.csv``: the UN M49 region and sub-region of every member state
  (:mod:`egovanalysis.ingest.un_regions`);
* ``un_egdi_surveys.csv``: per survey, its release date, the countries it ranked and the member states.

Output: the EGDI panel **contract** (``data/processed/egdi.csv``, :data:`EGDI_PANEL_COLUMNS`), one row per
member state and survey *where the UN ranked it*. Rows of countries the UN did not rank (an EGDI of 0 or
blank: 73 rows, all in 2003-2012) stay in the raw transcription, take part in the sub-index ranks, and are
left out of the panel; the build counts them.

Derived columns, decided once here:

* **Sub-index ranks** (``osi_rank``, ``hci_rank``, ``tii_rank``, ``epi_rank``), not published in the
  exports: 1 + the number of countries of the survey (every row of the survey, ranked or not) with a
  strictly higher value, so ties share a rank, as in UN "joint" ranks.
* **South-East Asia position** (``sea_position``): 1 + the number of the 11 South-East Asian states
  (:data:`SEA_ISO3`: ASEAN-10 + Timor-Leste) with a strictly better EGDI rank in the same survey; empty for
  every other country.
* **Sub-region position** (``subregion_position``): the same within the country's UN sub-region.
* **Percentile**: :func:`egovanalysis.conventions.rank_to_percentile` of the EGDI rank among ``n_ranked``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from egovanalysis.config import RAW_DIR
from egovanalysis.conventions import UN_MEMBER_STATES, rank_to_percentile
from egovanalysis.errors import DataIssue, DataValidationError
from egovanalysis.ingest import datasets
from egovanalysis.ingest.rawio import LINE_COLUMN
from egovanalysis.ingest.schemas import M49_REGIONS, PUBLISHED_INDEX_ABOVE_ONE, SURVEY_YEARS, fix_for
from egovanalysis.ingest.un_exports import INDEX_COLUMNS, load_un_exports, type_panel
from egovanalysis.ingest.validation import RawTables, read_raw

__all__ = [
    "ASEAN10_ISO3",
    "EGDI_PANEL_COLUMNS",
    "SEA_ISO3",
    "SURVEY_YEARS",
    "build_egdi_panel",
    "compute_group_positions",
    "compute_sea_positions",
    "compute_subindex_ranks",
    "load_regions",
    "load_surveys",
    "panel_from_exports",
    "panel_from_raw",
    "validate_egdi_panel",
]

#: The 11 South-East Asian states: ASEAN-10 plus Timor-Leste (Vietnamese sources count "11 countries in the
#: Southeast Asian region").
SEA_ISO3: tuple[str, ...] = ("BRN", "IDN", "KHM", "LAO", "MMR", "MYS", "PHL", "SGP", "THA", "TLS", "VNM")
#: ASEAN members (SEA_ISO3 without Timor-Leste), used to explain "position in ASEAN" press figures.
ASEAN10_ISO3: tuple[str, ...] = tuple(code for code in SEA_ISO3 if code != "TLS")

SUBINDEX_RANK_COLUMNS: dict[str, str] = {"osi": "osi_rank", "hci": "hci_rank", "tii": "tii_rank",
                                         "epi": "epi_rank"}  # fmt: skip

#: EGDI panel **contract** (docs/architecture.md), in this order.
EGDI_PANEL_COLUMNS: tuple[str, ...] = (
    "survey_year", "iso3", "country", "region", "subregion", "egdi", "osi", "hci", "tii", "epi",
    "egdi_rank", "n_ranked", "sea_position", "subregion_position", "percentile",
    "osi_rank", "hci_rank", "tii_rank", "epi_rank",
)  # fmt: skip

_PANEL_DTYPES: dict[str, str] = {
    "survey_year": "int64",
    "iso3": "str",
    "country": "str",
    "region": "str",
    "subregion": "str",
    **dict.fromkeys(INDEX_COLUMNS, "float64"),
    "egdi_rank": "Int64",
    "n_ranked": "int64",
    "sea_position": "Int64",
    "subregion_position": "Int64",
    "percentile": "float64",
    **dict.fromkeys(SUBINDEX_RANK_COLUMNS.values(), "Int64"),
}

# --------------------------------------------------------------------------------------------------------
# Derived columns
# --------------------------------------------------------------------------------------------------------


def _competition_rank(values: pd.Series, ascending: bool) -> pd.Series:
    """1 + the number of strictly better values (ties share); NA stays NA."""
    return values.rank(method="min", ascending=ascending).astype("Int64")


def compute_subindex_ranks(panel: pd.DataFrame) -> pd.DataFrame:
    """Add ``osi_rank, hci_rank, tii_rank, epi_rank`` computed over **every** row of each survey.

    Each rank is 1 + the number of rows of the same survey with a strictly higher value (ties share). Only
    meaningful on all countries of a survey, not on a subset. Returns a copy.
    """
    out = panel.copy()
    for column, rank_column in SUBINDEX_RANK_COLUMNS.items():
        out[rank_column] = (
            out.groupby("survey_year")[column].transform(lambda s: _competition_rank(s, ascending=False))
            .astype("Int64")
        )
    return out


def compute_group_positions(panel: pd.DataFrame, group: pd.Series) -> pd.Series:
    """Position by EGDI rank within ``group`` (a label per row; NA = no group) in each survey.

    1 + the number of rows of the same survey and group with a strictly better (smaller) ``egdi_rank``;
    ties share a position; NA for rows without a group or a rank.
    """
    position = pd.Series(pd.NA, index=panel.index, dtype="Int64")
    member = group.notna() & panel["egdi_rank"].notna()
    if member.any():
        ranks = panel.loc[member, "egdi_rank"].astype("float64")
        keys = [panel.loc[member, "survey_year"], group[member]]
        position.loc[member] = ranks.groupby(keys).rank(method="min", ascending=True).astype("Int64")
    return position


def compute_sea_positions(panel: pd.DataFrame, members: Iterable[str] = SEA_ISO3) -> pd.DataFrame:
    """Return a copy of ``panel`` with ``sea_position``: position among ``members`` per survey by EGDI rank.

    ``sea_position`` = 1 + the number of member states with a strictly better (smaller) ``egdi_rank`` in the
    same ``survey_year`` (ties share a position). It is NA for countries outside ``members`` and for members
    without a rank. The input is not modified.
    """
    out = panel.copy()
    in_group = out["iso3"].isin(set(members))
    out["sea_position"] = compute_group_positions(out, pd.Series("group", index=out.index).where(in_group))
    return out


def _finish(typed: pd.DataFrame, regions: pd.DataFrame, n_ranked: pd.Series) -> pd.DataFrame:
    """Every derived column, from the typed rows of whole surveys; keeps the ranked rows only."""
    frame = compute_subindex_ranks(typed)
    frame = frame.merge(regions[["iso3", "region", "subregion"]], on="iso3", how="left", validate="m:1")
    frame = frame.loc[frame["egdi_rank"].notna()].copy()
    frame["n_ranked"] = frame["survey_year"].map(n_ranked).astype("int64")
    frame = compute_sea_positions(frame)
    frame["subregion_position"] = compute_group_positions(frame, frame["subregion"])
    frame["percentile"] = rank_to_percentile(frame["egdi_rank"].astype("float64").to_numpy(),
                                             frame["n_ranked"].to_numpy())
    frame = frame.loc[:, list(EGDI_PANEL_COLUMNS)].astype(_PANEL_DTYPES)
    return frame.sort_values(["survey_year", "iso3"], ignore_index=True)


# --------------------------------------------------------------------------------------------------------
# Surveys and regions
# --------------------------------------------------------------------------------------------------------


def _surveys_typed(text: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "survey_year": text["survey_year"].astype("int64"),
        "released": text["released"].astype(str),
        "released_precision": text["released_precision"].astype(str),
        "n_ranked": text["n_ranked"].astype("int64"),
        "n_members": text["n_members"].astype("int64"),
        "released_source": text["released_source"].astype(str),
    }).sort_values("survey_year", ignore_index=True)


def _read_checked(raw_dir: Path, names: Iterable[str]) -> RawTables:
    """The named raw datasets (and those they refer to), checked; raises on any problem."""
    wanted = set(names)
    chosen = [dataset for dataset in datasets.RAW_DATASETS if dataset.name in wanted]
    tables = read_raw(Path(raw_dir), chosen, date.today(), every_file=False)
    if tables.issues:
        raise tables.error()
    return tables


def load_surveys(raw_dir: Path = RAW_DIR) -> pd.DataFrame:
    """``un_egdi_surveys.csv``, checked and typed: one row per survey edition.

    Columns: ``survey_year`` (int), ``released`` (release date as known: ``YYYY-MM-DD``, ``YYYY-MM`` or
    ``YYYY``), ``released_precision`` (``day``/``month``/``year``), ``n_ranked`` (countries ranked),
    ``n_members`` (UN member states surveyed), ``released_source``.

    Raises:
        DataValidationError: the file or its sidecar has problems (each named with file, line and fix).
    """
    return _surveys_typed(_read_checked(raw_dir, [datasets.UN_SURVEYS]).frames[datasets.UN_SURVEYS])


def load_regions(raw_dir: Path = RAW_DIR) -> pd.DataFrame:
    """``un_m49_regions.csv``, checked: ``iso3, m49, name, region, subregion`` of every member state."""
    frame = _read_checked(raw_dir, [datasets.UN_REGIONS]).frames[datasets.UN_REGIONS]
    return frame.drop(columns=[LINE_COLUMN]).reset_index(drop=True)


# --------------------------------------------------------------------------------------------------------
# The panel: from the committed transcription, or from a folder of UN exports
# --------------------------------------------------------------------------------------------------------


def _consistency_issues(typed: pd.DataFrame, text: pd.DataFrame, surveys: pd.DataFrame,
                        raw: RawTables) -> list[DataIssue]:
    """The panel against the survey table: ranked counts, and no rank beyond the survey's count."""
    issues: list[DataIssue] = []
    surveys_path, panel_path = raw.path(datasets.UN_SURVEYS), raw.path(datasets.UN_PANEL)
    counted = typed.loc[typed["egdi_rank"].notna()].groupby("survey_year").size()
    lines = dict(zip(raw.frames[datasets.UN_SURVEYS]["survey_year"].astype(int),
                     raw.frames[datasets.UN_SURVEYS][LINE_COLUMN], strict=True))
    for row in surveys.itertuples(index=False):
        found = int(counted.get(row.survey_year, 0))
        if found != row.n_ranked:
            issues.append(DataIssue(surveys_path, int(lines[row.survey_year]), "n_ranked", str(row.n_ranked),
                                    f"the panel ranks {found} countries in the {row.survey_year} survey",
                                    fix_for(datasets.UN_SURVEYS, "n_ranked")))
    n_ranked = surveys.set_index("survey_year")["n_ranked"]
    too_high = typed["egdi_rank"].notna() & (typed["egdi_rank"] > typed["survey_year"].map(n_ranked))
    for index in typed.index[too_high.fillna(False).astype(bool)]:
        count = int(n_ranked[typed.at[index, "survey_year"]])
        issues.append(DataIssue(panel_path, int(text.at[index, LINE_COLUMN]), "egdi_rank",
                                text.at[index, "egdi_rank"],
                                f"is beyond the {count} countries the survey ranked (un_egdi_surveys.csv)",
                                fix_for(datasets.UN_PANEL, "egdi_rank")))
    return issues


def panel_from_raw(raw: RawTables) -> tuple[pd.DataFrame | None, list[DataIssue]]:
    """The panel from the checked raw tables, or ``None`` and the problems that prevent it.

    Returns ``(None, [])`` when one of the three inputs already has problems (they are reported where
    they were found).
    """
    needed = (datasets.UN_PANEL, datasets.UN_REGIONS, datasets.UN_SURVEYS)
    if any(name not in raw.frames or raw.problem_cells(name) for name in needed):
        return None, []
    text = raw.frames[datasets.UN_PANEL]
    typed = type_panel(text)
    typed.index = text.index
    surveys = _surveys_typed(raw.frames[datasets.UN_SURVEYS])
    missing = sorted(set(typed["survey_year"]) - set(surveys["survey_year"]))
    if missing:
        return None, [DataIssue(raw.path(datasets.UN_SURVEYS), None, "survey_year", None,
                                f"no row for survey year(s) {missing}",
                                "add one row per survey (release date, countries ranked, member states)")]
    issues = _consistency_issues(typed, text, surveys, raw)
    if issues:
        return None, issues
    regions = raw.frames[datasets.UN_REGIONS]
    return _finish(typed.reset_index(drop=True), regions, surveys.set_index("survey_year")["n_ranked"]), []


def build_egdi_panel(raw_dir: Path = RAW_DIR) -> pd.DataFrame:
    """The EGDI panel contract from the committed raw files in ``raw_dir`` (what the build writes).

    Raises:
        DataValidationError: any problem in the three input files or between them, all at once.
    """
    raw = _read_checked(raw_dir, [datasets.UN_REGIONS, datasets.UN_SURVEYS, datasets.UN_PANEL])
    panel, issues = panel_from_raw(raw)
    if issues or panel is None:
        raise DataValidationError(issues)
    return panel


def panel_from_exports(
    folder: Path, countries: Iterable[str] | None = None, raw_dir: Path = RAW_DIR
) -> pd.DataFrame:
    """The EGDI panel contract built from a folder of UN exports (e.g. the full Data Center download).

    Regions come from ``un_m49_regions.csv`` in ``raw_dir`` (a country must be a member state listed there).
    ``n_ranked`` is the survey's count from ``un_egdi_surveys.csv`` for the surveys it lists, and the count
    of ranked rows in the folder for any other survey. Sub-index ranks are computed over the rows of each
    survey in the folder: over all 193 on a full download, over the subset otherwise. Rows are then
    restricted to ``countries`` (``None`` keeps every country).
    """
    regions = load_regions(raw_dir)
    typed = load_un_exports(folder, members=regions["iso3"])
    n_ranked = typed.loc[typed["egdi_rank"].notna()].groupby("survey_year").size()
    known = load_surveys(raw_dir).set_index("survey_year")["n_ranked"]
    n_ranked = known.combine_first(n_ranked).astype("int64")
    panel = _finish(typed, regions, n_ranked)
    if countries is not None:
        panel = panel.loc[panel["iso3"].isin(set(countries))].reset_index(drop=True)
    return panel


# --------------------------------------------------------------------------------------------------------
# The contract
# --------------------------------------------------------------------------------------------------------


def _indices_in_range(df: pd.DataFrame) -> pd.Series:
    ok = pd.Series(True, index=df.index)
    for column in INDEX_COLUMNS:
        known = pd.Series([(str(year), code, column) in PUBLISHED_INDEX_ABOVE_ONE
                           for year, code in zip(df["survey_year"], df["iso3"], strict=True)], index=df.index)
        ok &= (df[column] >= 0) & ((df[column] <= 1) | known)
    return ok


def _rank_column(max_value: int, nullable: bool = False) -> pa.Column:
    return pa.Column("Int64", pa.Check.in_range(1, max_value), nullable=nullable)


EGDI_PANEL_SCHEMA = pa.DataFrameSchema(
    {
        "survey_year": pa.Column("int64", pa.Check.isin(SURVEY_YEARS)),
        "iso3": pa.Column(str, pa.Check.str_matches(r"^[A-Z]{3}$")),
        "country": pa.Column(str, pa.Check.str_length(min_value=1)),
        "region": pa.Column(str, pa.Check.isin(M49_REGIONS)),
        "subregion": pa.Column(str, pa.Check.str_length(min_value=1)),
        **{column: pa.Column("float64", nullable=False) for column in INDEX_COLUMNS},
        "egdi_rank": _rank_column(UN_MEMBER_STATES),
        "n_ranked": pa.Column("int64", pa.Check.in_range(1, UN_MEMBER_STATES)),
        "sea_position": _rank_column(len(SEA_ISO3), nullable=True),
        "subregion_position": _rank_column(UN_MEMBER_STATES),
        "percentile": pa.Column("float64", pa.Check.in_range(0.0, 100.0)),
        **{column: _rank_column(UN_MEMBER_STATES) for column in SUBINDEX_RANK_COLUMNS.values()},
    },
    checks=[
        pa.Check(lambda df: (df["egdi_rank"] <= df["n_ranked"]).fillna(False).astype(bool),
                 error="egdi_rank must be <= n_ranked"),
        pa.Check(_indices_in_range, error="indices lie between 0 and 1 (except the values the UN published "
                                          "above 1, PUBLISHED_INDEX_ABOVE_ONE)"),
        pa.Check(lambda df: df["sea_position"].notna() == df["iso3"].isin(SEA_ISO3),
                 error="sea_position is given for, and only for, the 11 South-East Asian states"),
    ],
    unique=["survey_year", "iso3"],
    strict=True,
    ordered=True,
    name="egdi_panel",
)


def validate_egdi_panel(df: pd.DataFrame) -> pd.DataFrame:
    """Validate the EGDI panel contract with :data:`EGDI_PANEL_SCHEMA` (pandera, lazily); return ``df``.

    Checks column names, order and dtypes; indices in 0..1 (with the published exceptions); ranks 1..193
    with ``egdi_rank <= n_ranked``; ``sea_position`` 1..11 for exactly the South-East Asian states;
    ``percentile`` 0..100; unique ``(survey_year, iso3)``. Raises ``pandera.errors.SchemaErrors``.
    """
    return EGDI_PANEL_SCHEMA.validate(df, lazy=True)
