"""Tests of egovanalysis.ingest.un_panel: UN export loader, EGDI panel, metadata, press cross-check."""

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
from egovanalysis.errors import EgdiLoadError
from egovanalysis.ingest import un_panel as egdi

FIXTURES = Path(__file__).parent / "fixtures" / "un_egdi"
EXPORTS = config.UN_EGDI_EXPORTS_DIR
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
    return egdi.load_un_exports(EXPORTS)


@needs_exports
def test_full_exports_have_193_countries_with_unique_iso3(full_exports: pd.DataFrame) -> None:
    assert list(full_exports.columns) == list(egdi.EXPORT_COLUMNS)
    assert sorted(full_exports["survey_year"].unique()) == list(egdi.SURVEY_YEARS)
    per_year = full_exports.groupby("survey_year")
    assert (per_year.size() == 193).all()
    assert (per_year["iso3"].nunique() == 193).all()
    assert full_exports["iso3"].str.fullmatch(r"[A-Z]{3}").all()
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
    surveys = egdi.load_surveys()
    assert surveys.set_index("survey_year")["n_ranked"].to_dict() == ranked.to_dict()


@needs_exports
def test_panel_from_exports_equals_committed_transcription() -> None:
    from_exports = egdi.panel_from_exports(EXPORTS)
    committed = egdi.build_egdi_panel()
    pd.testing.assert_frame_equal(from_exports, committed, check_exact=True)


@needs_exports
def test_panel_from_exports_positions_and_2020_subranks() -> None:
    panel = egdi.panel_from_exports(EXPORTS)
    vnm = panel.loc[panel["iso3"] == "VNM"].set_index("survey_year")
    assert vnm["sea_position"].tolist() == VNM_SEA_POSITIONS
    assert vnm.loc[2020, ["osi_rank", "hci_rank", "tii_rank", "epi_rank"]].tolist() == [81, 117, 69, 70]
    assert vnm.loc[2022, ["osi_rank", "hci_rank", "tii_rank", "epi_rank"]].tolist() == [76, 115, 74, 72]


@needs_exports
def test_compute_sea_positions_on_full_exports(full_exports: pd.DataFrame) -> None:
    positioned = egdi.compute_sea_positions(full_exports)
    assert "sea_position" not in full_exports.columns  # input untouched
    sea = positioned["iso3"].isin(egdi.SEA_ISO3)
    assert positioned.loc[~sea, "sea_position"].isna().all()
    assert positioned.loc[sea].groupby("survey_year")["sea_position"].min().eq(1).all()
    vnm = positioned.loc[positioned["iso3"] == "VNM"].sort_values("survey_year")
    assert vnm["sea_position"].tolist() == VNM_SEA_POSITIONS


def test_name_table_holds_only_names_pycountry_cannot_resolve() -> None:
    for name, code in egdi.UN_NAME_TO_ISO3.items():
        with pytest.raises(LookupError):
            pycountry.countries.lookup(name)
        assert pycountry.countries.get(alpha_3=code) is not None, code
        assert egdi.resolve_iso3(f" {name} ") == code
    assert egdi.resolve_iso3("Viet Nam") == "VNM"
    assert egdi.resolve_iso3("Lao People's Democratic Republic") == "LAO"
    assert egdi.resolve_iso3("Atlantis") is None


# ----------------------------------------------------------------------------------------------------------
# Loader on small fixtures of both layouts, and broken ones
# ----------------------------------------------------------------------------------------------------------


def test_loader_reads_both_layouts_from_fixtures() -> None:
    df = egdi.load_un_exports(FIXTURES / "ok")
    assert list(df.columns) == list(egdi.EXPORT_COLUMNS)
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


def test_panel_from_fixture_exports_has_percentiles_and_positions() -> None:
    panel = egdi.panel_from_exports(FIXTURES / "ok", countries=None)
    row = panel.set_index(["survey_year", "iso3"])
    # 2003 fixture: 3 countries with a non-zero EGDI (SGP, KOR, VNM); IRQ (EGDI 0) and MNE (blank) not ranked
    assert row.loc[(2003, "VNM"), "n_ranked"] == 3
    assert row.loc[(2024, "VNM"), "n_ranked"] == 4
    assert pd.isna(row.loc[(2003, "IRQ"), "percentile"])
    assert row.loc[(2003, "VNM"), "sea_position"] == 2
    assert pd.isna(row.loc[(2003, "KOR"), "sea_position"])
    assert row.loc[(2024, "VNM"), "sea_position"] == 2
    # computed sub-ranks within the fixture survey: SGP, TUR and GEO have a higher 2024 HCI than VNM
    assert row.loc[(2024, "VNM"), "hci_rank"] == 4
    assert row.loc[(2024, "SGP"), "hci_rank"] == 1
    assert list(panel.columns) == list(egdi.EGDI_PANEL_COLUMNS)


@pytest.mark.parametrize(
    ("folder", "expected"),
    [
        ("missing_column", ["EGOV_DATA_2020.csv", "line 1", "missing column", "Online Service Index"]),
        (
            "bad_number",
            ["EGOV_DATA_2020.csv", "line 4", "column 'Human Capital Index'", "bad number", "'n/a'"],
        ),
        (
            "unknown_country",
            [
                "EGOV_DATA_2022.csv",
                "line 3",
                "column 'Country Name'",
                "'Atlantis'",
                "Add it to UN_NAME_TO_ISO3",
            ],
        ),
        (
            "duplicate_country",
            [
                "EGOV_DATA_2018.csv",
                "line 5",
                "column 'Country Name'",
                "duplicate country",
                "'Viet Nam'",
                "line 2",
            ],
        ),  # fmt: skip
    ],
)
def test_loader_rejects_broken_files_with_clear_messages(folder: str, expected: list[str]) -> None:
    with pytest.raises(EgdiLoadError) as info:
        egdi.load_un_exports(FIXTURES / folder)
    message = str(info.value)
    for part in expected:
        assert part in message, f"{part!r} not in {message!r}"
    assert isinstance(info.value, ValueError)


def test_loader_rejects_year_mismatch_and_bad_rank(tmp_path: Path) -> None:
    source = (FIXTURES / "ok" / "EGOV_DATA_2003.csv").read_text(encoding="utf-8")
    (tmp_path / "EGOV_DATA_2004.csv").write_text(source, encoding="utf-8")
    with pytest.raises(EgdiLoadError, match=r"EGOV_DATA_2004\.csv: line 2: column 'Survey Year'.*2004"):
        egdi.load_un_exports(tmp_path)
    (tmp_path / "EGOV_DATA_2004.csv").unlink()
    (tmp_path / "EGOV_DATA_2003.csv").write_text(source.replace(",97,", ",97.5,"), encoding="utf-8")
    with pytest.raises(EgdiLoadError, match=r"line 2: column 'E-Government Rank': bad rank '97\.5'"):
        egdi.load_un_exports(tmp_path)


def test_loader_rejects_missing_or_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(EgdiLoadError, match="no such folder"):
        egdi.load_un_exports(tmp_path / "nope")
    with pytest.raises(EgdiLoadError, match=r"no EGOV_DATA_<year>\.csv"):
        egdi.load_un_exports(tmp_path)


# ----------------------------------------------------------------------------------------------------------
# The committed panel and its metadata
# ----------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    return egdi.build_egdi_panel()


def test_committed_panel_is_valid_and_ordered(panel: pd.DataFrame) -> None:
    assert egdi.validate_egdi_panel(panel) is not None
    assert list(panel.columns) == list(egdi.EGDI_PANEL_COLUMNS)
    assert len(panel) == 132
    assert panel[["survey_year", "iso3"]].equals(
        panel[["survey_year", "iso3"]].sort_values(["survey_year", "iso3"], ignore_index=True)
    )


def test_committed_panel_viet_nam(panel: pd.DataFrame) -> None:
    vnm = panel.loc[panel["iso3"] == "VNM"].set_index("survey_year")
    assert vnm.loc[2018, "sea_position"] == 6
    assert vnm.loc[2020, "sea_position"] == 6
    assert vnm["egdi_rank"].tolist() == VNM_RANKS
    assert vnm["sea_position"].tolist() == VNM_SEA_POSITIONS
    assert vnm["n_ranked"].tolist() == N_RANKED
    assert vnm.loc[2020, ["osi_rank", "hci_rank", "tii_rank", "epi_rank"]].tolist() == [81, 117, 69, 70]
    assert vnm.loc[2020, "egdi"] == 0.6667
    assert vnm.loc[2020, "percentile"] == pytest.approx(100 * (193 - 86) / 192)
    assert vnm.loc[2003, "percentile"] == pytest.approx(100 * (173 - 97) / 172)


def test_percentile_definition() -> None:
    ranks = pd.Series([1, 97, 173, None], dtype="Int64")
    result = egdi.compute_percentile(ranks, pd.Series([173] * 4))
    assert result.iloc[0] == 100.0  # first
    assert result.iloc[1] == pytest.approx(100 * 76 / 172)
    assert result.iloc[2] == 0.0  # last
    assert pd.isna(result.iloc[3])


def test_sea_position_ties_share_a_position() -> None:
    frame = pd.DataFrame(
        {
            "survey_year": [2020] * 4,
            "iso3": ["SGP", "MYS", "THA", "FRA"],
            "egdi_rank": pd.array([5, 5, 9, 1], dtype="Int64"),
        }
    )
    positions = egdi.compute_sea_positions(frame)["sea_position"].tolist()
    assert positions[:3] == [1, 1, 3]
    assert pd.isna(positions[3])


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (lambda df: df.assign(egdi=df["egdi"].where(df.index != 0, 1.2)), "in_range"),
        (lambda df: pd.concat([df, df.iloc[[0]]], ignore_index=True), "unique"),
        (lambda df: df.assign(egdi_rank=df["egdi_rank"].where(df.index != 0, 180)), "egdi_rank must be <="),
        (lambda df: df.loc[df["iso3"] != "TLS"].reset_index(drop=True), "11 SE-Asian states"),
        (lambda df: df[list(reversed(df.columns))], "column"),
    ],
)
def test_validate_egdi_panel_rejects_broken_panels(panel: pd.DataFrame, change, error: str) -> None:
    with pytest.raises(pandera.errors.SchemaErrors, match=error):
        egdi.validate_egdi_panel(change(panel))


REQUIRED_META_KEYS = {
    "file", "producer", "title", "url", "date_accessed", "licence", "survey_releases", "provenance", "md5",
    "columns", "transformation",
}  # fmt: skip


@pytest.mark.parametrize("name", [egdi.SEA_CSV_NAME, egdi.SURVEYS_CSV_NAME])
def test_meta_yml_is_valid_and_md5_matches(name: str) -> None:
    csv_path = config.RAW_DIR / name
    meta = yaml.safe_load(csv_path.with_suffix(".meta.yml").read_text(encoding="utf-8"))
    assert set(meta) >= REQUIRED_META_KEYS, REQUIRED_META_KEYS - set(meta)
    assert meta["file"] == name
    assert meta["md5"] == hashlib.md5(csv_path.read_bytes()).hexdigest(), "update md5 in the .meta.yml"
    assert meta["url"] == "https://publicadministration.un.org/egovkb/en-us/Data-Center"
    assert "UN DESA" in meta["producer"] and "Digital Government" in meta["producer"]
    assert str(meta["date_accessed"]) == "2026-11-23"
    assert "© United Nations" in meta["licence"]
    header = csv_path.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert list(meta["columns"]) == header
    assert sorted(meta["survey_releases"]) == list(egdi.SURVEY_YEARS)
    assert meta["survey_releases"][2018]["released"] == "2018-07-19"
    assert meta["survey_releases"][2024]["released"] == "2024-09-17"
    copies = meta["provenance"]["copies"]
    assert {c["commit"] for c in copies} == {
        "c95223650d397799bb9e587181fc4f8065388f73",
        "c22aa0b17306eb90c2513ac2c3ca36d0e37fa376",
    }
    assert any(c["years"] == [2024] and "UNOFFICIAL" in c["status"] for c in copies)


def test_surveys_table_matches_its_meta() -> None:
    surveys = egdi.load_surveys()
    meta = yaml.safe_load((config.RAW_DIR / "un_egdi_surveys.meta.yml").read_text(encoding="utf-8"))
    assert surveys["survey_year"].tolist() == list(egdi.SURVEY_YEARS)
    assert surveys["n_ranked"].tolist() == N_RANKED
    assert surveys["n_members"].tolist() == [191, 191, 191, 192, 192] + [193] * 7
    for row in surveys.itertuples():
        assert meta["survey_releases"][row.survey_year]["released"] == row.released
        assert meta["survey_releases"][row.survey_year]["precision"] == row.released_precision


def test_build_egdi_panel_reports_bad_committed_file(tmp_path: Path) -> None:
    for name in (egdi.SEA_CSV_NAME, egdi.SURVEYS_CSV_NAME):
        shutil.copy(config.RAW_DIR / name, tmp_path / name)
    sea = tmp_path / egdi.SEA_CSV_NAME
    lines = sea.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(",0.", ",zero.", 1)
    sea.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(EgdiLoadError, match=r"un_egdi_sea\.csv: line 4: column 'egdi': bad number 'zero\."):
        egdi.build_egdi_panel(tmp_path)


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
    assert list(result.columns) == [
        "figure_id", "source_id", "indicator", "date", "survey_year", "reported_value", "panel_value",
        "agrees", "note",
    ]  # fmt: skip
    by_id = result.set_index("figure_id")
    assert list(by_id.index) == ["f1", "f2", "f3", "f4", "f5", "f6", "f9"]
    assert by_id["survey_year"].tolist() == [2018, 2020, 2018, 2020, 2020, 2016, 2018]
    assert by_id["panel_value"].tolist() == [88, 86, 6, 6, 2, 89, 88]
    assert by_id["agrees"].tolist() == [True, True, True, True, True, False, True]
    assert by_id.at["f6", "note"].startswith("DISAGREES: reported 77, panel 89")
    assert "88 in 2018 -> 86 in 2020" in by_id.at["f5", "note"]
    assert "release date known only to the month" in by_id.at["f2", "note"]
    assert by_id.at["f1", "source_id"] == "src_f1"


def test_crosscheck_without_comparable_survey(panel: pd.DataFrame) -> None:
    observations = pd.DataFrame(
        [
            _observation("g1", "un_egdi_rank_change", "2003-12-31", 5),  # no survey before 2003
            _observation("g2", "un_egdi_rank", "2001-06-30", 100),  # before the first survey
        ]
    )
    result = crosscheck_press_ranks(observations, panel).set_index("figure_id")
    assert result["agrees"].isna().all()
    assert "no earlier survey" in result.at["g1", "note"]
    assert pd.isna(result.at["g2", "survey_year"])
    assert "no survey released on or before 2001-06-30" in result.at["g2", "note"]
