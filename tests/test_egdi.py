"""The UN E-Government Survey: the exports loader, the transcription, the M49 regions, the panel contract."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pandas as pd
import pandera.errors
import pycountry
import pytest
import yaml

from egovanalysis import config
from egovanalysis.analysis.press_check import crosscheck_press_ranks
from egovanalysis.conventions import UN_MEMBER_STATES
from egovanalysis.data import load_egdi
from egovanalysis.errors import DataValidationError, EgdiLoadError
from egovanalysis.ingest import egdi_panel, un_exports, un_regions
from egovanalysis.ingest.build import to_csv_text

FIXTURES = Path(__file__).parent / "fixtures" / "un_egdi"
EXPORTS = config.UN_EGDI_EXPORTS_DIR
PANEL_CSV = config.RAW_DIR / "un_egdi_panel.csv"
REGIONS_CSV = config.RAW_DIR / "un_m49_regions.csv"
SURVEYS_CSV = config.RAW_DIR / "un_egdi_surveys.csv"
#: The South-East Asian rows of data/processed/egdi.csv as committed before the full panel (2026-11-23).
SEA_BEFORE = FIXTURES / "sea_panel_2026-11-23.csv"
needs_exports = pytest.mark.skipif(
    not EXPORTS.is_dir(), reason=f"UN EGDI exports not available at {EXPORTS} (set EGOVANALYSIS_SHARED_DIR)"
)

VNM_RANKS = [97, 112, 105, 91, 90, 83, 99, 89, 88, 86, 86, 71]
VNM_SEA_POSITIONS = [7, 7, 7, 6, 6, 4, 5, 6, 6, 6, 6, 5]
N_RANKED = [173, 178, 179, 182, 183, 190, 193, 193, 193, 193, 193, 193]


# ----------------------------------------------------------------------------------------------------------
# Loader on the full UN exports (shared folder, not in the repository)
# ----------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def full_exports() -> pd.DataFrame:
    return un_exports.load_un_exports(EXPORTS)


@needs_exports
def test_full_exports_have_193_countries_with_unique_iso3(full_exports: pd.DataFrame) -> None:
    assert list(full_exports.columns) == list(un_exports.EXPORT_COLUMNS)
    assert sorted(full_exports["survey_year"].unique()) == list(egdi_panel.SURVEY_YEARS)
    per_year = full_exports.groupby("survey_year")
    assert (per_year.size() == UN_MEMBER_STATES).all()
    assert (per_year["iso3"].nunique() == UN_MEMBER_STATES).all()
    # one name <-> one code across all surveys, and every code is a real ISO 3166 alpha-3 code
    pairs = full_exports[["country", "iso3"]].drop_duplicates()
    assert pairs["country"].is_unique and pairs["iso3"].is_unique
    assert all(pycountry.countries.get(alpha_3=code) is not None for code in pairs["iso3"])
    assert full_exports["egdi_rank"].dtype == "Int64"


@needs_exports
def test_full_exports_viet_nam_ranks(full_exports: pd.DataFrame) -> None:
    vnm = full_exports.loc[full_exports["iso3"] == "VNM"].sort_values("survey_year")
    assert vnm["egdi_rank"].tolist() == VNM_RANKS
    assert set(vnm["country"]) == {"Viet Nam"}


@needs_exports
def test_full_exports_n_ranked_and_zero_egdi_not_ranked(full_exports: pd.DataFrame) -> None:
    ranked = full_exports.groupby("survey_year")["egdi_rank"].count()
    assert ranked.tolist() == N_RANKED
    nonzero = (full_exports["egdi"] > 0).groupby(full_exports["survey_year"]).sum()
    assert nonzero.tolist() == N_RANKED
    # Iraq 2003 has EGDI 0 and a "last + 1" rank 174 in the file: not ranked here
    iraq = full_exports.loc[(full_exports["survey_year"] == 2003) & (full_exports["iso3"] == "IRQ")].iloc[0]
    assert iraq["egdi"] == 0.0 and pd.isna(iraq["egdi_rank"])
    # South Sudan has a blank rank before 2012
    ssd = full_exports.loc[(full_exports["iso3"] == "SSD") & (full_exports["survey_year"] < 2012)]
    assert len(ssd) == 5 and ssd["egdi_rank"].isna().all()
    # n_ranked of the committed surveys table = what the UN files give
    surveys = egdi_panel.load_surveys()
    assert surveys.set_index("survey_year")["n_ranked"].to_dict() == ranked.to_dict()


# ----------------------------------------------------------------------------------------------------------
# The committed transcriptions equal what their origin gives today
# ----------------------------------------------------------------------------------------------------------


@needs_exports
def test_committed_panel_transcription_is_the_exports_regenerated() -> None:
    regenerated = un_exports.transcribe_exports(EXPORTS)
    assert to_csv_text(regenerated) == PANEL_CSV.read_text(encoding="utf-8"), (
        "data/raw/un_egdi_panel.csv differs from the UN exports: regenerate it (see its .meta.yml)"
    )


@needs_exports
def test_source_copies_are_the_ones_transcribed() -> None:
    meta = yaml.safe_load(PANEL_CSV.with_name("un_egdi_panel.meta.yml").read_text(encoding="utf-8"))
    recorded = meta["provenance"]["source_md5"]
    assert sorted(recorded) == sorted(f"EGOV_DATA_{year}.csv" for year in egdi_panel.SURVEY_YEARS)
    for name, md5 in recorded.items():
        assert hashlib.md5((EXPORTS / name).read_bytes()).hexdigest() == md5, name


def test_committed_regions_are_what_the_pinned_country_converter_gives() -> None:
    assert to_csv_text(un_regions.regions_from_coco()) == REGIONS_CSV.read_text(encoding="utf-8"), (
        "data/raw/un_m49_regions.csv differs from country_converter: regenerate it (see its .meta.yml)"
    )
    meta = yaml.safe_load(REGIONS_CSV.with_name("un_m49_regions.meta.yml").read_text(encoding="utf-8"))
    assert meta["library"]["version"] == un_regions.coco_version()
    assert sorted(meta["corrections"]) == sorted(un_regions.M49_CORRECTIONS)


def test_each_m49_correction_is_still_needed() -> None:
    uncorrected = un_regions.regions_from_coco(corrections={}).set_index("iso3")["subregion"]
    for code, subregion in un_regions.M49_CORRECTIONS.items():
        assert uncorrected[code] != subregion, f"coco now agrees on {code}: drop it from M49_CORRECTIONS"


def test_every_member_state_has_a_un_region_and_sub_region() -> None:
    regions = egdi_panel.load_regions()
    assert len(regions) == UN_MEMBER_STATES and regions["iso3"].is_unique
    assert set(regions["region"]) == {"Africa", "Americas", "Asia", "Europe", "Oceania"}
    assert (regions["subregion"].str.len() > 0).all()
    panel_codes = set(pd.read_csv(PANEL_CSV, usecols=["iso3"], keep_default_na=False)["iso3"])
    assert panel_codes == set(regions["iso3"])
    by_code = regions.set_index("iso3")
    assert by_code.loc["VNM", "subregion"] == "South-eastern Asia"
    assert by_code.loc["BRA", ["region", "subregion"]].tolist() == ["Americas", "South America"]
    assert by_code.loc["NRU", "subregion"] == "Micronesia"
    assert by_code.loc["SSD", "subregion"] == "Eastern Africa"
    sea = set(by_code.index[by_code["subregion"] == "South-eastern Asia"])
    assert sea == set(egdi_panel.SEA_ISO3)


# ----------------------------------------------------------------------------------------------------------
# The panel contract, on the committed data
# ----------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    return egdi_panel.build_egdi_panel()


@needs_exports
def test_panel_from_exports_equals_the_panel_from_the_committed_transcription(panel: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(egdi_panel.panel_from_exports(EXPORTS), panel, check_exact=True)


def test_panel_holds_every_member_state_in_every_survey_that_ranked_it(panel: pd.DataFrame) -> None:
    egdi_panel.validate_egdi_panel(panel)
    assert list(panel.columns) == list(egdi_panel.EGDI_PANEL_COLUMNS)
    assert panel["iso3"].nunique() == UN_MEMBER_STATES
    assert panel.groupby("survey_year").size().tolist() == N_RANKED
    assert panel["egdi_rank"].notna().all() and (panel["egdi"] > 0).all()
    raw = pd.read_csv(PANEL_CSV, keep_default_na=False, dtype=str)
    not_ranked = raw[(raw["egdi_rank"] == "") | (raw["egdi"].astype(float) == 0)]
    assert len(raw) == len(panel) + len(not_ranked) == 2316
    assert panel[["survey_year", "iso3"]].equals(
        panel[["survey_year", "iso3"]].sort_values(["survey_year", "iso3"], ignore_index=True)
    )


def test_viet_nam_and_south_east_asia_rows_are_unchanged(panel: pd.DataFrame) -> None:
    before = pd.read_csv(SEA_BEFORE)
    now = panel[panel["iso3"].isin(egdi_panel.SEA_ISO3)].reset_index(drop=True)[before.columns]
    pd.testing.assert_frame_equal(now, before, check_dtype=False, check_exact=True)
    vnm = panel.loc[panel["iso3"] == "VNM"].set_index("survey_year")
    assert vnm["egdi_rank"].tolist() == VNM_RANKS
    assert vnm["sea_position"].tolist() == VNM_SEA_POSITIONS
    assert vnm["n_ranked"].tolist() == N_RANKED
    assert vnm.loc[2020, ["osi_rank", "hci_rank", "tii_rank", "epi_rank"]].tolist() == [81, 117, 69, 70]
    assert vnm.loc[2022, ["osi_rank", "hci_rank", "tii_rank", "epi_rank"]].tolist() == [76, 115, 74, 72]
    assert vnm.loc[2020, "percentile"] == pytest.approx(100 * (193 - 86) / 192)


def test_positions_are_within_the_south_east_asian_states_and_each_sub_region(panel: pd.DataFrame) -> None:
    sea = panel["iso3"].isin(egdi_panel.SEA_ISO3)
    assert panel.loc[~sea, "sea_position"].isna().all() and panel.loc[sea, "sea_position"].notna().all()
    assert (panel.loc[sea, "sea_position"] == panel.loc[sea, "subregion_position"]).all()
    groups = panel.groupby(["survey_year", "subregion"])["subregion_position"]
    assert (groups.min() == 1).all()
    assert (groups.max() <= groups.size()).all()
    brazil_2024 = panel[(panel["iso3"] == "BRA") & (panel["survey_year"] == 2024)].iloc[0]
    south_america = panel[(panel["subregion"] == "South America") & (panel["survey_year"] == 2024)]
    better = (south_america["egdi_rank"] < brazil_2024["egdi_rank"]).sum()
    assert brazil_2024["subregion_position"] == 1 + better


@needs_exports
def test_sub_index_ranks_are_computed_over_every_country_of_the_survey(
    panel: pd.DataFrame, full_exports: pd.DataFrame
) -> None:
    for year in (2003, 2024):
        every = full_exports[full_exports["survey_year"] == year]
        row = panel[(panel["survey_year"] == year) & (panel["iso3"] == "DNK")].iloc[0]
        assert row["osi_rank"] == 1 + (every["osi"] > row["osi"]).sum()
        assert row["tii_rank"] == 1 + (every["tii"] > row["tii"]).sum()


def test_load_egdi_gives_the_contract_with_proper_dtypes() -> None:
    loaded = load_egdi()
    assert list(loaded.columns) == list(egdi_panel.EGDI_PANEL_COLUMNS)
    assert loaded["egdi_rank"].dtype == "Int64" and loaded["sea_position"].dtype == "Int64"
    assert loaded["survey_year"].dtype == "int64" and loaded["percentile"].dtype == "float64"
    assert loaded.loc[loaded["iso3"] == "NAM", "region"].iloc[0] == "Africa"  # "NAM" is not read as missing
    assert loaded["sea_position"].notna().sum() == 11 * 12


def test_percentile_follows_the_shared_rule(panel: pd.DataFrame) -> None:
    first = panel[panel["egdi_rank"] == 1]
    assert (first["percentile"] == 100.0).all()
    last = panel[panel["egdi_rank"] == panel["n_ranked"]]
    assert (last["percentile"] == 0.0).all()


def test_group_positions_share_ties() -> None:
    frame = pd.DataFrame(
        {
            "survey_year": [2020] * 4,
            "iso3": ["SGP", "MYS", "THA", "FRA"],
            "egdi_rank": pd.array([5, 5, 9, 1], dtype="Int64"),
        }
    )
    positions = egdi_panel.compute_sea_positions(frame)["sea_position"].tolist()
    assert positions[:3] == [1, 1, 3]
    assert pd.isna(positions[3])


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (lambda df: df.assign(egdi=df["egdi"].where(df.index != 0, 1.2)), "indices lie between 0 and 1"),
        (lambda df: pd.concat([df, df.iloc[[0]]], ignore_index=True), "unique"),
        (lambda df: df.assign(egdi_rank=df["egdi_rank"].where(df.index != 0, 180)), "egdi_rank must be <="),
        (lambda df: df.assign(sea_position=pd.array([1] * len(df), dtype="Int64")), "South-East Asian"),
        (lambda df: df[list(reversed(df.columns))], "column"),
    ],
)
def test_validate_egdi_panel_rejects_broken_panels(panel: pd.DataFrame, change, error: str) -> None:
    with pytest.raises(pandera.errors.SchemaErrors, match=error):
        egdi_panel.validate_egdi_panel(change(panel))


# ----------------------------------------------------------------------------------------------------------
# Loader on small fixtures of both layouts, and broken ones
# ----------------------------------------------------------------------------------------------------------


def test_name_table_holds_only_names_pycountry_cannot_resolve() -> None:
    for name, code in un_exports.UN_NAME_TO_ISO3.items():
        with pytest.raises(LookupError):
            pycountry.countries.lookup(name)
        assert pycountry.countries.get(alpha_3=code) is not None, code
        assert un_exports.resolve_iso3(f" {name} ") == code
    assert un_exports.resolve_iso3("Viet Nam") == "VNM"
    assert un_exports.resolve_iso3("Lao People's Democratic Republic") == "LAO"
    assert un_exports.resolve_iso3("Atlantis") is None


def test_loader_reads_both_layouts_from_fixtures() -> None:
    df = un_exports.load_un_exports(FIXTURES / "ok")
    assert list(df.columns) == list(un_exports.EXPORT_COLUMNS)
    assert df[["survey_year", "iso3"]].values.tolist() == [
        [2003, "IRQ"], [2003, "KOR"], [2003, "MNE"], [2003, "SGP"], [2003, "VNM"],
        [2024, "GEO"], [2024, "SGP"], [2024, "TUR"], [2024, "VNM"],
    ]  # fmt: skip
    row = df.set_index(["survey_year", "iso3"])
    # names stripped (quoted with trailing spaces in the UN layout, unquoted in 2024 layout)
    assert row.loc[(2003, "VNM"), "country"] == "Viet Nam"
    assert row.loc[(2024, "VNM"), "country"] == "Viet Nam"
    # columns mapped by name, not position (E-Participation comes before Online Service in the files)
    assert row.loc[(2003, "VNM"), ["egdi", "osi", "hci", "tii", "epi"]].tolist() == [
        0.35726, 0.18340, 0.84000, 0.04838, 0.01720,
    ]  # fmt: skip
    assert row.loc[(2024, "VNM"), ["egdi", "osi", "hci", "tii", "epi", "egdi_rank"]].tolist() == [
        0.77092, 0.70811, 0.72665, 0.87797, 0.60270, 71,
    ]  # fmt: skip
    assert row.loc[(2003, "VNM"), "egdi_rank"] == 97
    assert pd.isna(row.loc[(2003, "IRQ"), "egdi_rank"])  # EGDI 0, file rank 174 -> not ranked
    assert pd.isna(row.loc[(2003, "MNE"), "egdi_rank"])  # blank rank
    assert df["egdi_rank"].dtype == "Int64"
    assert "Region" not in df.columns


def test_panel_from_fixture_exports_has_regions_percentiles_and_positions() -> None:
    panel = egdi_panel.panel_from_exports(FIXTURES / "ok")
    row = panel.set_index(["survey_year", "iso3"])
    assert ("IRQ" not in set(panel["iso3"])) and ("MNE" not in set(panel["iso3"]))  # not ranked: left out
    # n_ranked is the survey's own count (un_egdi_surveys.csv), not the number of rows in the folder
    assert row.loc[(2003, "VNM"), "n_ranked"] == 173
    assert row.loc[(2003, "VNM"), "percentile"] == pytest.approx(100 * (173 - 97) / 172)
    assert row.loc[(2003, "VNM"), "sea_position"] == 2
    assert pd.isna(row.loc[(2003, "KOR"), "sea_position"])
    assert row.loc[(2003, "KOR"), ["region", "subregion"]].tolist() == ["Asia", "Eastern Asia"]
    assert row.loc[(2024, "TUR"), "subregion"] == "Western Asia"
    # computed sub-ranks within the fixture survey: SGP, TUR and GEO have a higher 2024 HCI than VNM
    assert row.loc[(2024, "VNM"), "hci_rank"] == 4
    assert row.loc[(2024, "SGP"), "hci_rank"] == 1
    assert list(panel.columns) == list(egdi_panel.EGDI_PANEL_COLUMNS)


@pytest.mark.parametrize(
    ("folder", "expected"),
    [
        ("missing_column", ["EGOV_DATA_2020.csv:1", "column 'Online Service Index'", "missing column"]),
        ("bad_number", ["EGOV_DATA_2020.csv:4", "column 'Human Capital Index'", "plain decimal", "'n/a'"]),
        ("unknown_country",
         ["EGOV_DATA_2022.csv:3", "column 'Country Name'", "'Atlantis'", "UN_NAME_TO_ISO3"]),
        ("duplicate_country",
         ["EGOV_DATA_2018.csv:5", "column 'Country Name'", "duplicate country", "'VNM'"]),
    ],
)
def test_loader_rejects_broken_files_with_clear_messages(folder: str, expected: list[str]) -> None:
    with pytest.raises(EgdiLoadError) as info:
        un_exports.load_un_exports(FIXTURES / folder)
    message = str(info.value)
    for part in expected:
        assert part in message, f"{part!r} not in {message!r}"
    assert "Fix:" in message
    assert isinstance(info.value, ValueError) and isinstance(info.value, DataValidationError)
    assert all(issue.file.name.startswith("EGOV_DATA_") for issue in info.value.issues)


def test_loader_reports_every_problem_of_every_file_at_once(tmp_path: Path) -> None:
    source = (FIXTURES / "ok" / "EGOV_DATA_2003.csv").read_text(encoding="utf-8")
    broken = source.replace(",97,", ",97.5,").replace("0.84000", "zero")
    (tmp_path / "EGOV_DATA_2003.csv").write_text(broken, encoding="utf-8")
    (tmp_path / "EGOV_DATA_2004.csv").write_text(source, encoding="utf-8")  # wrong year in every row
    with pytest.raises(EgdiLoadError) as info:
        un_exports.load_un_exports(tmp_path)
    found = {(issue.file.name, issue.line, issue.column) for issue in info.value.issues}
    assert ("EGOV_DATA_2003.csv", 2, "E-Government Rank") in found
    assert ("EGOV_DATA_2003.csv", 2, "Human Capital Index") in found
    assert {("EGOV_DATA_2004.csv", line, "Survey Year") for line in range(2, 7)} <= found


def test_loader_rejects_missing_or_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(EgdiLoadError, match="no such folder"):
        un_exports.load_un_exports(tmp_path / "nope")
    with pytest.raises(EgdiLoadError, match=r"holds no EGOV_DATA_<year>\.csv"):
        un_exports.load_un_exports(tmp_path)


# ----------------------------------------------------------------------------------------------------------
# Metadata of the committed UN files
# ----------------------------------------------------------------------------------------------------------

REQUIRED_META_KEYS = {
    "file", "producer", "title", "url", "date_accessed", "licence", "provenance", "md5", "columns",
    "transformation",
}  # fmt: skip


@pytest.mark.parametrize("path", [PANEL_CSV, SURVEYS_CSV])
def test_un_meta_yml_names_the_un_copies_and_the_columns(path: Path) -> None:
    meta = yaml.safe_load(path.with_name(path.stem + ".meta.yml").read_text(encoding="utf-8"))
    assert set(meta) >= REQUIRED_META_KEYS, REQUIRED_META_KEYS - set(meta)
    assert meta["file"] == path.name
    assert meta["md5"] == hashlib.md5(path.read_bytes()).hexdigest(), "update md5 in the .meta.yml"
    assert meta["url"] == "https://publicadministration.un.org/egovkb/en-us/Data-Center"
    assert "UN DESA" in meta["producer"] and "Digital Government" in meta["producer"]
    assert "© United Nations" in meta["licence"]
    header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert list(meta["columns"]) == header
    copies = meta["provenance"]["copies"]
    assert {c["commit"] for c in copies} == {
        "c95223650d397799bb9e587181fc4f8065388f73",
        "c22aa0b17306eb90c2513ac2c3ca36d0e37fa376",
    }
    assert any(c["years"] == [2024] and "UNOFFICIAL" in c["status"] for c in copies)


def test_surveys_table_matches_its_meta() -> None:
    surveys = egdi_panel.load_surveys()
    meta = yaml.safe_load(SURVEYS_CSV.with_name("un_egdi_surveys.meta.yml").read_text(encoding="utf-8"))
    assert surveys["survey_year"].tolist() == list(egdi_panel.SURVEY_YEARS)
    assert surveys["n_ranked"].tolist() == N_RANKED
    assert surveys["n_members"].tolist() == [191, 191, 191, 192, 192] + [193] * 7
    for row in surveys.itertuples():
        assert meta["survey_releases"][row.survey_year]["released"] == row.released
        assert meta["survey_releases"][row.survey_year]["precision"] == row.released_precision


def test_build_egdi_panel_reports_a_bad_committed_value_with_its_line(tmp_path: Path) -> None:
    for name in ("un_egdi_panel", "un_egdi_surveys", "un_m49_regions"):
        for suffix in (".csv", ".meta.yml"):
            shutil.copy(config.RAW_DIR / f"{name}{suffix}", tmp_path / f"{name}{suffix}")
    panel_csv = tmp_path / "un_egdi_panel.csv"
    lines = panel_csv.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(",0.", ",zero.", 1)
    panel_csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as info:
        egdi_panel.build_egdi_panel(tmp_path)
    cells = {(issue.file.name, issue.line, issue.column) for issue in info.value.issues}
    assert ("un_egdi_panel.csv", 4, "egdi") in cells
    meta_lines = (tmp_path / "un_egdi_panel.meta.yml").read_text(encoding="utf-8").splitlines()
    md5_line = 1 + next(i for i, text in enumerate(meta_lines) if text.startswith("md5:"))
    assert ("un_egdi_panel.meta.yml", md5_line, "md5") in cells  # the checksum no longer matches


# ----------------------------------------------------------------------------------------------------------
# Cross-check with the press
# ----------------------------------------------------------------------------------------------------------


def _observation(figure_id: str, indicator: str, date: str, value: float, kind: str = "actual") -> dict:
    return {
        "indicator": indicator, "date": date, "value": value, "lower": None, "upper": None, "unit": "rank",
        "qualifier": None, "kind": kind, "scope": "national", "source_id": f"src_{figure_id}",
        "figure_id": figure_id,
    }  # fmt: skip


def test_crosscheck_press_ranks(panel: pd.DataFrame) -> None:
    observations = pd.DataFrame(
        [
            _observation("f1", "un_egdi_rank", "2018-12-31", 88),  # "88th ... in 2018"
            _observation("f2", "un_egdi_rank", "2020-07-15", 86),  # article date: latest release is Jul 2020
            _observation("f3", "un_egdi_sea_position", "2018-08-03", 6),  # "In ASEAN, Vietnam ranks sixth"
            _observation("f4", "un_egdi_sea_position", "2020-12-31", 6),
            _observation("f5", "un_egdi_rank_change", "2020-07-15", 2),  # up 2 places: 88 -> 86
            _observation("f6", "un_egdi_rank", "2016-08-08", 77),  # wrong: Viet Nam was 89th in 2016
            _observation("f7", "un_egdi_rank", "2025-12-31", 50, kind="target"),  # a target: not checked
            _observation("f8", "portal_accounts", "2020-12-31", 1000),  # another indicator: ignored
            _observation("f9", "un_egdi_rank", "2019-12-31", 88),  # not a survey year: 2018 survey
        ]
    )
    before = observations.copy()
    panel_before = panel.copy()
    result = crosscheck_press_ranks(observations, panel)
    pd.testing.assert_frame_equal(observations, before)  # never modified
    pd.testing.assert_frame_equal(panel, panel_before)
    by_id = result.set_index("figure_id")
    assert list(by_id.index) == ["f1", "f2", "f3", "f4", "f5", "f6", "f9"]
    assert by_id["survey_year"].tolist() == [2018, 2020, 2018, 2020, 2020, 2016, 2018]
    assert by_id["panel_value"].tolist() == [88, 86, 6, 6, 2, 89, 88]
    assert by_id["agrees"].tolist() == [True, True, True, True, True, False, True]
    assert by_id.at["f6", "note"].startswith("DISAGREES: reported 77, panel 89")
    assert "88 in 2018 -> 86 in 2020" in by_id.at["f5", "note"]
    assert "release date known only to the month" in by_id.at["f2", "note"]
