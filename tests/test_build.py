"""The build: every raw row accounted for, clear errors on bad input, atomic and reproducible output."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pandas as pd
import pytest

from egovanalysis import config
from egovanalysis.cli import main
from egovanalysis.data import load_observations, load_reported_figures, load_sources
from egovanalysis.errors import DataValidationError
from egovanalysis.ingest.build import build, load_raw
from egovanalysis.ingest.schemas import OBSERVATIONS_COLUMNS

BAD_RAW = Path(__file__).parent / "fixtures" / "bad_raw"
BAD_CASES = sorted(path.name for path in BAD_RAW.iterdir() if path.is_dir())


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


@pytest.mark.parametrize("case", BAD_CASES)
def test_bad_raw_file_gives_a_precise_error_and_leaves_outputs_untouched(
    case: str, workspace: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    raw, processed = workspace
    for bad_file in (BAD_RAW / case).glob("*.csv"):
        shutil.copyfile(bad_file, raw / bad_file.name)
    before = _digest(processed)

    code = main(["build", "--raw-dir", str(raw), "--processed-dir", str(processed)])

    message = capsys.readouterr().err
    assert code == 1
    for expected in (BAD_RAW / case / "expected.txt").read_text(encoding="utf-8").splitlines():
        assert expected in message, f"{expected!r} not in:\n{message}"
    assert "Fix:" in message
    assert _digest(processed) == before
    assert not list(processed.glob("*.tmp")) and not list(processed.glob(".*"))


def test_all_problems_are_reported_at_once(workspace: tuple[Path, Path]) -> None:
    raw, _ = workspace
    figures = (raw / "reported_figures.csv").read_text(encoding="utf-8").splitlines()
    header, first, second = figures[0], figures[1].split(","), figures[2].split(",")
    first[1], second[2] = "no-such-source", "no_such_indicator"
    (raw / "reported_figures.csv").write_text("\n".join([header, ",".join(first), ",".join(second)]) + "\n")
    with pytest.raises(DataValidationError) as caught:
        load_raw(raw)
    assert {issue.line for issue in caught.value.issues} == {2, 3}
