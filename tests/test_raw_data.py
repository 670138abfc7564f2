"""Raw data carry their origin, and every reported phrase is really in its source."""

from __future__ import annotations

import hashlib
import re

import pytest
import yaml

from egovanalysis import config
from egovanalysis.data import load_reported_figures, load_sources
from egovanalysis.ingest import raw_meta
from egovanalysis.ingest.datasets import RAW_DATASETS
from egovanalysis.ingest.raw_meta import check_meta

ORIGIN_KEYS = set(raw_meta.ORIGIN_KEYS)
RAW_CSVS = sorted(path.name for path in config.RAW_DIR.glob("*.csv"))
SOURCE_TEXTS = config.SHARED_DIR / "sources"
FACTS = config.SHARED_DIR / "facts" / "FACTS.md"


@pytest.mark.parametrize("name", RAW_CSVS)
def test_every_raw_file_carries_its_origin(name: str) -> None:
    csv_path = config.RAW_DIR / name
    meta, issues = check_meta(csv_path)
    assert meta is not None and not issues, "\n".join(map(str, issues))
    assert set(meta) >= ORIGIN_KEYS, ORIGIN_KEYS - set(meta)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(meta["date_accessed"]))
    # The checksum rule (egovanalysis/ingest/raw_meta.py): a transcription carries the md5 of its bytes, a
    # table edited by hand says so and carries none.
    if meta.get("edited_by_hand"):
        assert "md5" not in meta
    else:
        assert meta["md5"] == hashlib.md5(csv_path.read_bytes()).hexdigest()


def test_every_raw_csv_is_a_registered_dataset() -> None:
    assert sorted(RAW_CSVS) == sorted(dataset.file_name for dataset in RAW_DATASETS)


def test_every_source_is_cited_by_a_figure_or_a_dataset() -> None:
    cited = set(load_reported_figures()["source_id"])
    for meta_path in config.RAW_DIR.glob("*.meta.yml"):
        meta = yaml.safe_load(meta_path.read_text(encoding="utf-8"))
        if "source_id" in meta:
            assert meta["source_id"] in set(load_sources().index), f"{meta_path.name}: unknown source_id"
            cited.add(meta["source_id"])
        # a dataset citing several sources lists them all (the province files; tests/test_provinces.py
        # checks each list against the file's rows)
        for source_id in meta.get("source_ids", []):
            assert source_id in set(load_sources().index), f"{meta_path.name}: unknown source_id {source_id}"
            cited.add(source_id)
    unused = set(load_sources().index) - cited
    assert not unused, f"sources nobody cites: {sorted(unused)}"


def _source_file(notes: str) -> str | None:
    match = re.search(r"shared/sources/(\S+?\.txt)", notes)
    return match[1] if match else None


@pytest.mark.skipif(not SOURCE_TEXTS.exists(), reason="../shared/sources is not beside the repository")
def test_phrases_from_the_five_reports_are_verbatim() -> None:
    sources = load_sources()
    figures = load_reported_figures()
    files = sources["notes"].map(_source_file).dropna()
    assert len(files) == 5, "each of the five reports must be a source naming its file in notes"
    missing = []
    for source_id, file_name in files.items():
        text = (SOURCE_TEXTS / file_name).read_text(encoding="utf-8")
        for figure_id, phrase in figures.loc[figures["source_id"] == source_id, "reported"].items():
            if phrase not in text:
                missing.append((figure_id, phrase))
    assert not missing, f"phrases not found verbatim in their report: {missing}"
    assert (figures["source_id"].isin(files.index)).sum() >= 70


@pytest.mark.skipif(not FACTS.exists(), reason="../shared/facts/FACTS.md is not beside the repository")
def test_phrases_from_facts_are_verbatim() -> None:
    sources = load_sources()
    figures = load_reported_figures()
    from_facts = figures[
        ~figures["source_id"].isin(sources.index[sources["notes"].map(_source_file).notna()])
    ]
    facts = FACTS.read_text(encoding="utf-8")
    missing = [(fid, phrase) for fid, phrase in from_facts["reported"].items() if phrase not in facts]
    assert not missing, f"phrases not found verbatim in FACTS.md: {missing}"
