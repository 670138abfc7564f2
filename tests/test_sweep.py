"""Sweeps: ``refresh --each NAME=V1,V2`` and ``--each country=ALL``, on a fixture notebook.

One refresh sweeps three countries, one of which fails on purpose (``XXX``): the refresh fails and names
that run, every other run's report is written, ``latest`` stays where it was, and the index lists every
run in a sortable table. Planning tests start no kernel.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from egovanalysis import cli
from egovanalysis.data import load_egdi
from egovanalysis.errors import ParameterError
from egovanalysis.reporting.runs import plan_runs, run_name
from egovanalysis.reporting.sweep import parse_each, resolve_all

NOTEBOOKS = Path(__file__).parent / "notebooks"
SWEEP = NOTEBOOKS / "sweep"


@pytest.fixture(scope="module")
def swept(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    out = tmp_path_factory.mktemp("reports")
    good = out / "20000101T000000Z"
    good.mkdir()
    os.symlink(good.name, out / "latest")
    code = cli.main(
        [
            "refresh",
            "--no-build",
            "--no-progress",
            "--jobs",
            "2",
            "--notebooks-dir",
            str(SWEEP),
            "--out",
            str(out),
            "--each",
            "country=VNM,THA,XXX",
        ]
    )
    runs = [path for path in out.iterdir() if path.is_dir() and not path.is_symlink() and path != good]
    return {"out": out, "code": code, "run": runs[0], "runs": runs}


def test_each_list_makes_one_run_per_value() -> None:
    specs = plan_runs(SWEEP, each="country=VNM,THA")
    assert [spec.name for spec in specs] == ["country--country=VNM", "country--country=THA"]
    assert [spec.parameters for spec in specs] == [{"country": "VNM"}, {"country": "THA"}]
    assert specs[0].sweep == ("country", "VNM")


def test_country_all_is_every_iso3_code_of_the_panel() -> None:
    specs = plan_runs(SWEEP, each="country=ALL")
    assert [spec.parameters["country"] for spec in specs] == sorted(load_egdi()["iso3"].unique())
    assert resolve_all("country") == sorted(load_egdi()["iso3"].unique())


def test_sweep_values_are_checked_like_parameters() -> None:
    with pytest.raises(ParameterError, match=r"parameter 'country' must be str, got int 5"):
        plan_runs(SWEEP, each="country=VNM,5")
    with pytest.raises(ParameterError, match=r"'2021-02-30' is not a real calendar date"):
        plan_runs(SWEEP, each="since=2021-02-30")
    with pytest.raises(ParameterError, match=r"parameter 'since' must be ISODate"):
        plan_runs(SWEEP, each="since=soon")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("country", "expected NAME=V1,V2"),
        ("=VNM", "expected NAME=V1,V2"),
        ("country=VNM,,THA", "an empty value"),
        ("country=VNM,VNM", "listed twice: VNM"),
        ("region=ALL", "no list of all values is known for 'region'"),
    ],
)
def test_bad_each_is_a_clear_error(text: str, message: str) -> None:
    with pytest.raises(ParameterError, match=re.escape(message)):
        parse_each(text)


def test_each_for_an_undeclared_parameter(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code = cli.main(
        [
            "refresh",
            "--no-build",
            "--notebooks-dir",
            str(SWEEP),
            "--out",
            str(tmp_path),
            "--each",
            "province=ALL",
        ]
    )
    err = capsys.readouterr().err
    assert code == 2 and "no selected notebook declares a parameter 'province'" in err
    assert list(tmp_path.iterdir()) == []


def test_province_all_is_every_province_id() -> None:
    from egovanalysis import data

    loader = getattr(data, "load_provinces", None)
    assert loader is not None, "the provinces table (issue: provinces) is part of the data"
    table = loader()
    ids = table["province_id"] if "province_id" in table.columns else table.index.to_series()
    assert resolve_all("province") == sorted(ids.astype(str).unique())


def test_province_all_without_a_provinces_table_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from egovanalysis import data

    monkeypatch.delattr(data, "load_provinces", raising=False)
    with pytest.raises(ParameterError, match=r"province=ALL: this version has no provinces table"):
        resolve_all("province")


def test_run_names_never_carry_unsafe_values() -> None:
    assert run_name("02-egdi", None, ("country", "BRA")) == "02-egdi--country=BRA"
    assert run_name("n", 2, ("title", "../../etc/passwd"), position=4) == "n--2--title=5"
    assert run_name("n", None, ("title", "<script>"), position=0) == "n--title=1"


def test_one_failing_run_fails_the_sweep_and_is_named(swept: dict) -> None:
    assert swept["code"] == 1
    assert len(swept["runs"]) == 1


def test_the_other_runs_are_written(swept: dict) -> None:
    run: Path = swept["run"]
    for code in ("VNM", "THA", "XXX"):
        assert (run / f"country--country={code}.ipynb").is_file()
        assert (run / f"country--country={code}.html").is_file()
    assert os.readlink(swept["out"] / "latest") == "20000101T000000Z"


def test_the_index_lists_every_run_in_a_sortable_table(swept: dict) -> None:
    index = (swept["run"] / "index.html").read_text(encoding="utf-8")
    table = re.search(r'<table class="runs".*?</table>', index, re.S)
    assert table, "no runs table"
    rows = re.findall(r"<tr( class=\"failed\")?>(.*?)</tr>", table.group(0), re.S)
    assert len(rows) == 4  # header + three runs
    cells = {re.findall(r"<td[^>]*>(.*?)</td>", row)[0]: (failed, row) for failed, row in rows[1:]}
    assert set(cells) == {"VNM", "THA", "XXX"}
    assert cells["XXX"][0] and "ValueError: no data for XXX" in cells["XXX"][1]
    panel = load_egdi()
    latest = panel[panel["iso3"] == "THA"].sort_values("survey_year").iloc[-1]
    assert str(latest["country"]) in cells["THA"][1]
    if "region" in panel.columns:
        assert str(latest["region"]) in cells["THA"][1]
    assert f'data-sort="{float(latest["egdi_rank"])!r}"' in cells["THA"][1]
    assert 'data-sort="3.0"' in cells["VNM"][1]  # the headline 'letters', by its key
    assert "<script>" in index and "Content-Security-Policy" in index
