"""The build: every raw row accounted for, clear errors on bad input, atomic and reproducible output."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from egovanalysis import config
from egovanalysis.data import load_indicators, load_observations, load_reported_figures, load_sources
from egovanalysis.errors import DataValidationError
from egovanalysis.ingest import schemas
from egovanalysis.ingest.build import build, load_raw
from egovanalysis.ingest.schemas import OBSERVATIONS_COLUMNS


def _digest(folder: Path) -> dict[str, str]:
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(folder.iterdir())}


@pytest.fixture
def workspace(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of data/raw and data/processed to break and rebuild freely."""
    raw, processed = tmp_path / "raw", tmp_path / "processed"
    shutil.copytree(config.RAW_DIR, raw)
    shutil.copytree(config.PROCESSED_DIR, processed)
    return raw, processed


def test_committed_processed_data_is_what_the_build_produces(tmp_path: Path) -> None:
    result = build(config.RAW_DIR, tmp_path, log=lambda _: None)
    assert len(result.written) == len(list(config.PROCESSED_DIR.glob("*.csv")))  # every processed table
    for path in result.written:
        committed = config.PROCESSED_DIR / path.name
        assert path.read_bytes() == committed.read_bytes(), f"{committed} is stale: run `egovanalysis build`"


def test_build_is_byte_identical_on_a_rerun(workspace: tuple[Path, Path]) -> None:
    raw, processed = workspace
    first = build(raw, processed, log=lambda _: None)
    before = _digest(processed)
    second = build(raw, processed, log=lambda _: None)
    assert _digest(processed) == before
    assert second.written == [] and len(second.unchanged) == len(first.written) + len(first.unchanged)
    pd.testing.assert_frame_equal(first.observations, second.observations)


def test_every_raw_figure_becomes_exactly_one_observation() -> None:
    figures = load_reported_figures()
    observations = load_observations()
    assert len(observations) == len(figures)
    assert sorted(observations["figure_id"]) == sorted(figures.index)


def test_observations_follow_the_contract() -> None:
    observations = load_observations()
    assert list(observations.columns) == OBSERVATIONS_COLUMNS
    keys = observations[["indicator", "scope", "date", "source_id", "figure_id"]].astype(str)
    assert keys.equals(keys.sort_values(list(keys.columns)).reset_index(drop=True))
    shares = observations[observations["unit"] == "%"]
    assert not shares.empty and shares["value"].between(-100, 100).all()
    more_than = observations[observations["qualifier"] == "more_than"]
    assert not more_than.empty and (more_than["lower"] == more_than["value"]).all()
    assert more_than["upper"].isna().all()


def test_every_observation_traces_to_a_source_row_and_its_phrase() -> None:
    observations = load_observations().set_index("figure_id")
    figures = load_reported_figures()
    sources = load_sources()
    joined = observations.join(figures[["source_id", "indicator", "reported"]], suffixes=("", "_raw"))
    assert (joined["source_id"] == joined["source_id_raw"]).all()
    assert (joined["indicator"] == joined["indicator_raw"]).all()
    assert joined["source_id"].isin(sources.index).all()
    assert sources.loc[joined["source_id"].unique(), "publisher"].str.len().gt(0).all()


def test_known_figures_are_parsed_and_normalised() -> None:
    observations = load_observations()
    by_phrase = load_reported_figures().join(observations.set_index("figure_id"), suffixes=("", "_obs"))

    def value_of(phrase: str) -> float:
        rows = by_phrase[by_phrase["reported"] == phrase]
        assert len(rows) >= 1, phrase
        return float(rows["value"].iloc[0])

    assert value_of("more than2,800") == 2800
    assert value_of("26.7 billion VND") == 26.7e9
    assert value_of("10.76%") == 10.76
    assert value_of("351.53million USD") == pytest.approx(351.53e6)


def test_all_problems_are_reported_at_once(workspace: tuple[Path, Path]) -> None:
    raw, _ = workspace
    figures = (raw / "reported_figures.csv").read_text(encoding="utf-8").splitlines()
    header, first, second = figures[0], figures[1].split(","), figures[2].split(",")
    first[1], second[2] = "no-such-source", "no_such_indicator"
    (raw / "reported_figures.csv").write_text("\n".join([header, ",".join(first), ",".join(second)]) + "\n")
    with pytest.raises(DataValidationError) as caught:
        load_raw(raw)
    assert {issue.line for issue in caught.value.issues} == {2, 3}


def test_observations_carry_the_period_of_every_flow_and_only_of_flows() -> None:
    observations = load_observations()
    measures = load_indicators()["measure"]
    flows = observations["indicator"].map(measures) == "flow"
    assert flows.sum() == 34
    assert observations.loc[flows, "period_start"].notna().all()
    assert observations.loc[~flows, "period_start"].isna().all()
    assert (observations.loc[flows, "period_start"] <= observations.loc[flows, "date"]).all()
    payments = observations[observations["indicator"] == "portal_payments_in_period"].set_index("figure_id")
    periods = {fid: (row["period_start"].date().isoformat(), row["date"].date().isoformat())
               for fid, row in payments.iterrows()}
    assert periods == {
        "vns-2020-08-27-level4-target-21": ("2020-08-01", "2020-08-27"),  # "in August alone"
        "hanoitimes-2020-09-portal-epayment-04": ("2020-07-01", "2020-08-31"),  # July-August 2020
        "vietbao-2022-07-portal-h1-05": ("2022-01-01", "2022-06-30"),  # H1 2022
    }


def test_sources_name_the_original_of_a_reprint() -> None:
    sources = load_sources()
    reprints = sources[sources["reprint_of"] != ""]["reprint_of"].to_dict()
    assert reprints == {
        "vietnamnet-2020-08-27-level4-target": "vns-2020-08-27-level4-target",
        "kinhtedothi-2025-01-full-process-dossiers-en": "kinhtedothi-2025-01-full-process-dossiers",
    }
    assert set(reprints.values()) <= set(sources.index)


def test_every_unit_has_one_plausibility_bound() -> None:
    assert set(schemas.PLAUSIBLE_MAX) == set(schemas.UNITS)
    assert schemas.implausible(9e11, "count", "cumulative") is None
    assert "plausible" in schemas.implausible(1e79, "count", "cumulative")
    assert schemas.implausible(1e17, "VND", "flow") is None
    assert "plausible" in schemas.implausible(1e21, "VND", "flow")
    assert "between 0 and 100" in schemas.implausible(130, "%", "share")
    assert schemas.implausible(-12.5, "%", "change") is None
    assert "negative" in schemas.implausible(-1, "count", "flow")


@pytest.mark.parametrize(
    ("text", "formula"),
    [
        ('=HYPERLINK("http://x","3,000 services")', True),
        ("+SUM(A1:A2)", True),
        ("-2+3+cmd|' /C calc'!A0", True),
        ("@SUM(1)", True),
        ("-A1", True),
        ("-5 places", False),
        ("+84 24 3943 5252", False),
        ("more than 3,000 services", False),
        ("", False),
    ],
)
def test_what_counts_as_a_spreadsheet_formula(text: str, formula: bool) -> None:
    assert bool(re.match(schemas.SPREADSHEET_FORMULA, text)) is formula


def test_the_committed_figures_file_has_the_documented_columns() -> None:
    header = config.REPORTED_FIGURES_CSV.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header == schemas.REPORTED_FIGURES_FILE_COLUMNS
    assert set(header) == set(schemas.REPORTED_FIGURES_COLUMNS) | set(schemas.REPORTED_FIGURES_OPTIONAL)
