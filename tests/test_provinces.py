"""Provinces: identity and names, the 63 -> 34 crosswalk against the cited table, the processed contracts,
the analyses, and notebook 06 under papermill with other parameters."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pandas as pd
import pytest
import yaml

from egovanalysis import config, data
from egovanalysis.analysis import provinces as analysis
from egovanalysis.errors import DataValidationError, ProvinceNameError, SelectionError
from egovanalysis.ingest import provinces
from egovanalysis.ingest.provinces import Era, resolve
from egovanalysis.reporting import province_texts

PROVINCE_FILES = [provinces.MERGER_CSV, *provinces.INDEX_FILES, provinces.FIGURES_CSV]


@pytest.fixture(scope="module")
def units() -> pd.DataFrame:
    return data.load_provinces()


@pytest.fixture(scope="module")
def indices() -> pd.DataFrame:
    return data.load_provincial_indices()


@pytest.fixture(scope="module")
def observations() -> pd.DataFrame:
    return data.load_observations()


# ------------------------------------------------------------------------------------------------------
# Names
# ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "era", "expected"),
    [
        ("TP.HCM", "63", "ho-chi-minh-city"),
        ("HCMC", "63", "ho-chi-minh-city"),
        ("Ho Chi Minh City", "63", "ho-chi-minh-city"),
        ("TP. Hồ Chí Minh", "34", "ho-chi-minh-city-2025"),
        ("Thừa Thiên-Huế", "63", "thua-thien-hue"),
        ("Thừa Thiên - Huế", "63", "thua-thien-hue"),
        ("Thua Thien Hue", "63", "thua-thien-hue"),
        ("Huế", "63", "thua-thien-hue"),
        ("Huế", "34", "hue-2025"),
        ("Thua Thien Hue", "34", "hue-2025"),
        ("Ba Ria - Vung Tau", "63", "ba-ria-vung-tau"),
        ("Bà Rịa-Vũng Tàu", "63", "ba-ria-vung-tau"),
        ("Hà Nội", "63", "ha-noi"),
        ("Ha Noi", "34", "ha-noi-2025"),
        ("Dak Lak", "63", "dak-lak"),
        ("Đắk Lắk", "63", "dak-lak"),
        ("Daklak", "63", "dak-lak"),
        ("Tỉnh Quảng Ngãi", "63", "quang-ngai"),
        ("former Da Nang", "63", "da-nang"),
        ("new Da Nang", "34", "da-nang-2025"),
        ("Ho Chi Minh City (old)", "2008-2025", "ho-chi-minh-city"),
        ("Bắc Cạn", "63", "bac-kan"),
    ],
)
def test_hard_spellings_resolve_to_one_id(name: str, era: str, expected: str) -> None:
    assert resolve(name, era) == expected


def test_an_unknown_name_is_an_error_naming_near_matches() -> None:
    with pytest.raises(ProvinceNameError) as caught:
        resolve("Quang Nm", "63")
    assert caught.value.near[0] == "quang-nam"
    assert "near matches: Quang Nam (quang-nam)" in str(caught.value)
    with pytest.raises(ProvinceNameError, match="no near match"):
        resolve("Atlantis", "63")
    with pytest.raises(ProvinceNameError):
        resolve("", "63")
    with pytest.raises(ProvinceNameError):  # two names are not one
        resolve("Thanh Hoa, Nghe An", "63")


@pytest.mark.parametrize(
    ("name", "era", "province"),
    [
        ("Da Lat", "63", "lam-dong"),
        ("Vung Tau", "63", "ba-ria-vung-tau"),
        ("TP. Vũng Tàu", "34", "ba-ria-vung-tau"),
        ("Nha Trang", "63", "khanh-hoa"),
        ("Thủ Đức", "34", "ho-chi-minh-city"),
    ],
)
def test_a_city_is_an_error_naming_its_province(name: str, era: str, province: str) -> None:
    with pytest.raises(ProvinceNameError) as caught:
        resolve(name, era)
    assert caught.value.city_of == province
    assert "a city in" in str(caught.value) and f"({province})" in str(caught.value)


def test_the_era_is_explicit() -> None:
    assert resolve("Đà Nẵng", "63") != resolve("Đà Nẵng", "34")
    with pytest.raises(ProvinceNameError) as caught:  # Kon Tum exists only before July 2025
        resolve("Kon Tum", "34")
    assert caught.value.other_era == "kon-tum" and "quang-ngai-2025" in str(caught.value)
    with pytest.raises(ProvinceNameError, match="says it means one of the 63 units"):
        resolve("former Da Nang", "34")
    with pytest.raises(SelectionError):
        resolve("Ha Noi", "64")


def test_keys_are_the_librarys_own() -> None:
    # The fold used for keys equals the library's keyword normalisation on every name it ships.
    library = provinces.library()
    assert library.version == provinces.LIBRARY_VERSION
    for table in (library.legacy, library.current):
        for key, entry in table.items():
            assert provinces.name_key(entry["province"]) == key
            assert provinces.name_key(entry["provinceShort"]) in [*entry["provinceKeywords"], "bariavungtau"]


def _menu_of_report_004() -> list[str]:
    sources = config.SHARED_DIR / "sources"
    if not sources.is_dir():  # CI has ../shared beside the clone; a bare clone may not
        pytest.skip(f"the five reports are not available at {sources} (set EGOVANALYSIS_SHARED_DIR)")
    path = next(sources.glob("004_*.txt"))
    names = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^\s*•\s*(.+?)\s*$", line)
        if match:
            names.append(match[1])
        elif names:
            break
    return names


def test_the_list_of_report_004_resolves_with_its_two_cities_flagged() -> None:
    names = _menu_of_report_004()
    assert len(names) == 64
    table = provinces.resolve_names(names, "63")
    flagged = table[table["province_id"] == ""]
    assert flagged["name"].tolist() == ["Da Lat", "Vung Tau"]
    assert flagged["city_of"].tolist() == ["lam-dong", "ba-ria-vung-tau"]
    assert flagged["problem"].str.contains("a city in").all()
    resolved = table[table["province_id"] != ""]
    assert resolved["duplicate_of"].isna().all() and resolved["province_id"].is_unique
    all_63 = {pid for pid, unit in provinces.units().items() if unit.era is Era.BEFORE_2025}
    # Da Lat's province is listed under its own name; Vung Tau stands for the one province missing.
    assert "lam-dong" in set(resolved["province_id"])
    assert all_63 - set(resolved["province_id"]) == {"ba-ria-vung-tau"}


# ------------------------------------------------------------------------------------------------------
# The crosswalk
# ------------------------------------------------------------------------------------------------------


def test_the_crosswalk_is_complete(units: pd.DataFrame) -> None:
    old = units[units["era"] == "2008-2025"]
    new = units[units["era"] == "2025-"]
    assert len(old) == 63 and len(new) == 34
    assert old["merged_into"].isin(new.index).all() and new["merged_into"].isna().all()
    assert set(old["merged_into"]) == set(new.index)  # every 2025 unit has members
    sizes = old["merged_into"].value_counts()
    unchanged = sizes[sizes == 1].index
    assert len(unchanged) == 11 and (sizes > 1).sum() == 23 and sizes[sizes > 1].sum() == 52
    expected = {
        "Hà Nội",
        "Huế",
        "Cao Bằng",
        "Điện Biên",
        "Hà Tĩnh",
        "Lai Châu",
        "Lạng Sơn",
        "Nghệ An",
        "Quảng Ninh",
        "Thanh Hóa",
        "Sơn La",
    }
    assert set(new.loc[unchanged, "name_vi"]) == expected
    for unit_id in unchanged:  # an unchanged unit keeps its name and its code
        member = old[old["merged_into"] == unit_id].iloc[0]
        assert member["code"] == new.loc[unit_id, "code"]
        assert unit_id == f"{member.name}-2025" or member.name == "thua-thien-hue"


def test_the_librarys_map_agrees_with_the_cited_table(units: pd.DataFrame) -> None:
    library = provinces.library()
    by_key = {unit.library_key + str(unit.era): pid for pid, unit in provinces.units().items()}
    for new_key, members in library.merger.items():
        new_id = by_key[new_key + str(Era.FROM_2025)]
        from_library = {by_key[key + str(Era.BEFORE_2025)] for key in members}
        cited = set(units.index[units["merged_into"] == new_id])
        assert from_library == cited, new_id


def _copy_raw(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    shutil.copytree(config.RAW_DIR, raw)
    return raw


def test_a_wrong_cited_row_makes_the_build_fail(tmp_path: Path, observations: pd.DataFrame) -> None:
    raw = _copy_raw(tmp_path)
    path = raw / provinces.MERGER_CSV
    text = path.read_text(encoding="utf-8")
    assert "Tây Ninh + Long An" in text
    path.write_text(text.replace("Tây Ninh + Long An", "Tây Ninh + Tiền Giang"), encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        provinces.build_provinces(raw, observations)
    issues = caught.value.issues
    line = next(n for n, row in enumerate(text.splitlines(), start=1) if row.startswith("Tây Ninh,"))
    disagreement = [i for i in issues if i.line == line and i.column == "members"]
    assert (
        disagreement
        and "vietnamadminunits 1.0.4 puts Long An + Tây Ninh into Tây Ninh" in disagreement[0].problem
    )
    assert (
        disagreement[0].value == "Tây Ninh + Tiền Giang" and "Resolution 202/2025/QH15" in disagreement[0].fix
    )
    assert any("already a member of Tây Ninh" in i.problem for i in issues)  # Tiền Giang twice
    assert any(i.line is None and i.value == "Long An" for i in issues)  # Long An in no unit
    assert all(i.file == path for i in issues)


def test_bad_index_rows_are_errors_naming_line_column_and_value(
    tmp_path: Path, observations: pd.DataFrame
) -> None:
    raw = _copy_raw(tmp_path)
    path = raw / "dti_provincial.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    bad = {
        "Da Lat": "dti,2019,63,Da Lat,,9,stated,63,,mic-dti-2022-ranking,,no,B,",
        "tie": "dti,2019,63,Hà Nam,,4,tie,63,,mic-dti-2022-ranking,,no,B,",
        "score": 'dti,2019,63,Hà Giang,,5,stated,63,"1,5",mic-dti-2022-ranking,,no,B,',
        "source": "dti,2019,63,Cà Mau,,6,stated,63,,nowhere-2020,,no,B,",
    }
    path.write_text("\n".join([*lines, *bad.values()]) + "\n", encoding="utf-8")
    assert len(header) == len(provinces.INDEX_COLUMNS)
    with pytest.raises(DataValidationError) as caught:
        provinces.build_provinces(raw, observations)
    found = {(i.line, i.column): i for i in caught.value.issues}
    first = len(lines) + 1
    assert "Đà Lạt, a city in Lâm Đồng (lam-dong)" in found[(first, "province_printed")].problem
    assert "resolve_as" in found[(first, "province_printed")].fix
    assert found[(first + 1, "rank_kind")].value == "tie"
    assert found[(first + 2, "score_printed")].value == "1,5"
    assert found[(first + 3, "source_id")].value == "nowhere-2020"


def test_a_tie_must_skip_the_next_rank(tmp_path: Path, observations: pd.DataFrame) -> None:
    raw = _copy_raw(tmp_path)
    path = raw / "dti_provincial.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("dti,2022,63,Hậu Giang,,17,", "dti,2022,63,Hậu Giang,,16,"), encoding="utf-8"
    )
    with pytest.raises(DataValidationError) as caught:
        provinces.build_provinces(raw, observations)
    assert any("2 units tie at 15, so rank 16 cannot exist" in i.problem for i in caught.value.issues)


# ------------------------------------------------------------------------------------------------------
# Processed files and raw metadata
# ------------------------------------------------------------------------------------------------------


def test_processed_files_follow_the_contract(units: pd.DataFrame, indices: pd.DataFrame) -> None:
    header = config.PROVINCES_CSV.read_text(encoding="utf-8").splitlines()[0]
    assert header == ",".join(provinces.PROVINCES_COLUMNS)
    header = config.PROVINCIAL_INDICES_CSV.read_text(encoding="utf-8").splitlines()[0]
    assert header == ",".join(provinces.PROVINCIAL_INDICES_COLUMNS)
    assert units.loc["ha-noi", "code"] == "01" and units.loc["thua-thien-hue", "name_vi"] == "Thừa Thiên Huế"
    dti_2022 = indices[(indices["index"] == "dti") & (indices["year"] == 2022)].set_index("province_id")
    assert len(dti_2022) == 63 and (dti_2022["n_ranked"] == 63).all()
    assert dti_2022.loc["da-nang", "rank"] == 1 and dti_2022.loc["tra-vinh", "rank"] == 25
    assert dti_2022.loc["tra-vinh", "score"] == pytest.approx(0.6077)
    assert dti_2022.loc[["thanh-hoa", "yen-bai"], "rank"].tolist() == [15, 15]
    assert 16 not in set(dti_2022["rank"])
    dti_2021 = indices[(indices["index"] == "dti") & (indices["year"] == 2021)]
    assert len(dti_2021) == 7 and (dti_2021["n_ranked"] == 63).all()  # a partial list stays partial
    assert indices["source_id"].isin(data.load_sources().index).all()


def test_the_build_is_what_is_committed(observations: pd.DataFrame) -> None:
    from egovanalysis.ingest.build import to_csv_text

    built_units, built_indices = provinces.build_provinces(config.RAW_DIR, observations)
    assert to_csv_text(built_units) == config.PROVINCES_CSV.read_text(encoding="utf-8")
    assert to_csv_text(built_indices) == config.PROVINCIAL_INDICES_CSV.read_text(encoding="utf-8")
    rows = sum(
        len(pd.read_csv(config.RAW_DIR / name)) for name in [*provinces.INDEX_FILES, provinces.FIGURES_CSV]
    )
    assert rows == len(built_indices)  # every raw row is one processed row


@pytest.mark.parametrize("name", PROVINCE_FILES)
def test_each_province_file_lists_the_sources_of_its_rows(name: str) -> None:
    meta = yaml.safe_load((config.RAW_DIR / name).with_suffix(".meta.yml").read_text(encoding="utf-8"))
    frame = pd.read_csv(config.RAW_DIR / name, dtype=str, keep_default_na=False)
    if "source_id" in frame:
        used = set(frame["source_id"]) | {s for cell in frame["also_in"] for s in cell.split(";") if s}
    else:  # provincial_figures.csv: the sources of the linked figures
        figures = data.load_reported_figures()
        used = set(figures.loc[frame["figure_id"], "source_id"])
    assert set(meta["source_ids"]) == used
    assert meta["rows"] == len(frame)


# ------------------------------------------------------------------------------------------------------
# Analyses and sentences
# ------------------------------------------------------------------------------------------------------


def test_coverage_of_a_partial_ranking_is_stated(units: pd.DataFrame, indices: pd.DataFrame) -> None:
    rows = analysis.ranking(indices, units, "dti", 2021, "63")
    known = analysis.coverage(rows)
    assert not known.complete and known.n_ranked == 63 and known.top_run == 3 and not known.bottom_known
    text = province_texts.coverage_text(known, "dti", 2021, Era.BEFORE_2025, units["name_vi"])
    assert "7 of the 63 ranks are known (1-3, 6, 12, 26, 32)" in text and "not a ranking of all 63" in text
    leaders, laggards = analysis.leaders_and_laggards(rows)
    assert leaders["rank"].tolist() == [1, 2, 3]
    assert "are not the laggards" in province_texts.leaders_text(leaders, laggards, known)
    full = analysis.coverage(analysis.ranking(indices, units, "dti", 2022, "63"))
    assert full.complete and full.ties == {15: ("thanh-hoa", "yen-bai")} and full.bottom_run == 63
    with pytest.raises(SelectionError, match="years with rows: 2020, 2021, 2022, 2023, 2024"):
        analysis.ranking(indices, units, "dti", 2019, "63")


def test_movers_compare_ranks_of_the_same_units(units: pd.DataFrame, indices: pd.DataFrame) -> None:
    moves = analysis.movers(indices, units, "dti", 2022, 2023, "63").set_index("province_id")
    assert moves.loc["ha-noi", ["rank_from", "rank_to", "change"]].tolist() == [24, 6, 18]  # "up 18" (press)
    assert moves.loc["quang-ngai", "change"] == 5  # "tăng 5 bậc" (press)
    assert analysis.neighbour_years(indices, "dti", 2024, "34") == (None, None)


def test_the_ministrys_mean_reproduces_the_published_34_unit_score(
    units: pd.DataFrame, indices: pd.DataFrame
) -> None:
    table = analysis.on_new_units(indices, units, "dti", 2024).set_index("province_id")
    assert table.loc["da-nang-2025", "mean_score"] == pytest.approx((0.8335 + 0.5803) / 2)
    check = analysis.method_check(table.reset_index())
    assert check["agrees"].all() and check["province_id"].tolist() == ["da-nang-2025"]
    assert table["n_members"].sum() == 63
    partial = analysis.on_new_units(indices, units, "dti", 2022).set_index("province_id")
    assert partial.loc["da-nang-2025", ["n_scored", "complete"]].tolist() == [1, False]


def test_a_province_story_follows_it_into_2025(units: pd.DataFrame, indices: pd.DataFrame) -> None:
    province_id, switched = analysis.resolve_province("Quang Nam", "34")
    assert (province_id, switched) == ("quang-nam", True)
    merger = analysis.merger_of(units, province_id)
    assert merger.unit_2025 == "da-nang-2025" and merger.partners == ("da-nang",)
    story = analysis.story(indices, units, province_id)
    assert set(story["relation"]) == {"itself", "2025 unit", "member"}
    text = province_texts.story_text(story, merger, units, pd.DataFrame())
    assert "On 1 July 2025 Quảng Nam merged with Đà Nẵng into Đà Nẵng (da-nang-2025)" in text
    assert "57th of 63 with 0.5803 in 2024" in text and "17th of 34 with 0.7069 in 2024" in text
    with pytest.raises(ProvinceNameError):
        analysis.resolve_province("Da Lat", "63")


# ------------------------------------------------------------------------------------------------------
# Notebook 06 under papermill with other parameters
# ------------------------------------------------------------------------------------------------------


def _run_notebook(tmp_path: Path, parameters: dict) -> str:
    import papermill

    output = tmp_path / "out.ipynb"
    papermill.execute_notebook(
        str(config.NOTEBOOKS_DIR / "06-provinces.ipynb"),
        str(output),
        parameters=parameters,
        cwd=str(config.NOTEBOOKS_DIR),
        progress_bar=False,
        kernel_name="python3",
    )
    texts = []
    for cell in nbformat.read(output, as_version=4).cells:
        for out in cell.get("outputs", []):
            texts.append(out.get("text", ""))
            texts += [str(out.get("data", {}).get(mime, "")) for mime in ("text/plain", "text/markdown")]
    return "\n".join(texts)


@pytest.fixture
def isolated_jupyter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "JUPYTER_CONFIG_DIR",
        "JUPYTER_DATA_DIR",
        "JUPYTER_RUNTIME_DIR",
        "IPYTHONDIR",
        "MPLCONFIGDIR",
    ):
        monkeypatch.setenv(name, str(tmp_path / name.lower()))
    monkeypatch.delenv("MPLBACKEND", raising=False)


@pytest.mark.usefixtures("isolated_jupyter")
def test_the_notebook_tells_hues_story_on_the_2024_units(tmp_path: Path) -> None:
    text = _run_notebook(tmp_path, {"year": 2024, "era": "34", "province": "Thua Thien Hue"})
    assert "10 of the 34 ranks are known (1-7, 17, 31, 34)" in text
    assert "Leading: 1st Hà Nội, 2nd Huế" in text and "Trailing: 34th Cao Bằng." in text
    assert "the mean reproduces it for 1 of 1 units (Đà Nẵng)" in text
    assert "'Thua Thien Hue' is Huế (hue-2025), one of the 34 units from July 2025." in text
    assert (
        "Member Thừa Thiên Huế (thua-thien-hue): Digital Transformation Index (DTI), provincial: 2nd of 63"
        in text
    )


def test_provinces_named_in_free_text_use_the_same_names_as_resolve() -> None:
    text = "TP.HCM dẫn đầu, Hà Nội thứ hai; Ha Noi again, then Thua Thien Hue and the city of Vung Tau."
    found = provinces.provinces_named_in(text)
    assert found == (
        provinces.resolve("TP.HCM", "63"),
        provinces.resolve("Hà Nội", "63"),
        provinces.resolve("Thừa Thiên Huế", "63"),
    )
    assert found[0] == "ho-chi-minh-city"  # the id reported_figures.csv uses for its scope
    assert provinces.provinces_named_in("no province here, 12 ministries") == ()
