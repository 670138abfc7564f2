"""Fault injection on data/raw: every kind of bad input gives one clear error and changes nothing.

Each case copies ``data/raw`` and ``data/processed`` into a temporary folder, breaks the raw copy in one way
(as an attacker or a careless editor would), runs ``egovanalysis build --raw-dir COPY --processed-dir COPY``
and checks that it exits 1, prints no traceback, names the file, line, column, value and fix of the problem,
and leaves both the copied and the committed ``data/processed`` byte for byte as they were. The cases cover
what a fault-injection probe found (issue 9) and the fixtures of ``tests/fixtures/bad_raw/``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from egovanalysis import config
from egovanalysis.cli import main
from egovanalysis.ingest.raw_meta import MAX_META_BYTES

BAD_RAW = Path(__file__).parent / "fixtures" / "bad_raw"
FIXTURES = sorted(path.name for path in BAD_RAW.iterdir() if path.is_dir())

PANEL = "un_egdi_panel.csv"
SURVEYS = "un_egdi_surveys.csv"
FIGURES = "reported_figures.csv"
SOURCES = "sources.csv"
INDICATORS = "indicators.csv"


# ----------------------------------------------------------------------------------------------------------
# Editing a raw copy
# ----------------------------------------------------------------------------------------------------------


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def _write_rows(path: Path, rows: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def line_of(path: Path, key: str, column: int = 0) -> int:
    """Physical line (1-based) of the row whose ``column``-th field is ``key`` (raw cells hold no newline)."""
    for number, row in enumerate(_rows(path), start=1):
        if row[column] == key:
            return number
    raise AssertionError(f"{key} not in {path}")


def panel_line(raw: Path, year: int, iso3: str) -> int:
    for number, row in enumerate(_rows(raw / PANEL), start=1):
        if row[:2] == [str(year), iso3]:
            return number
    raise AssertionError((year, iso3))


def set_cell(path: Path, line: int, column: str, value: str) -> None:
    """Set one cell of a raw CSV (``line`` is the physical line, the header being line 1)."""
    rows = _rows(path)
    rows[line - 1][rows[0].index(column)] = value
    _write_rows(path, rows)


def insert_blank_line(path: Path, after: int) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    lines.insert(after, "")
    path.write_text("\n".join(lines), encoding="utf-8")


def replace_text(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def meta_line(path: Path, key: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return 1 + next(index for index, text in enumerate(lines) if text.startswith(f"{key}:"))


# ----------------------------------------------------------------------------------------------------------
# The cases: (what breaks, what the message must say)
# ----------------------------------------------------------------------------------------------------------

#: A break returns the substrings the message must hold: file:line, column, value, problem.
Break = Callable[[Path], list[str]]


@dataclass(frozen=True)
class Case:
    name: str
    apply: Break


def _panel_cell(year: int, iso3: str, column: str, value: str, problem: str) -> Break:
    def apply(raw: Path) -> list[str]:
        line = panel_line(raw, year, iso3)
        set_cell(raw / PANEL, line, column, value)
        return [f"{PANEL}:{line}", f"column '{column}'", repr(value), problem]

    return apply


def _surveys_cell(year: int, column: str, value: str, problem: str) -> Break:
    def apply(raw: Path) -> list[str]:
        line = line_of(raw / SURVEYS, str(year))
        set_cell(raw / SURVEYS, line, column, value)
        return [f"{SURVEYS}:{line}", f"column '{column}'", repr(value), problem]

    return apply


def _figure_cell(figure_id: str, column: str, value: str, problem: str) -> Break:
    def apply(raw: Path) -> list[str]:
        line = line_of(raw / FIGURES, figure_id)
        set_cell(raw / FIGURES, line, column, value)
        return [f"{FIGURES}:{line}", f"column '{column}'", repr(value), problem]

    return apply


def _cell(file: str, key: str, column: str, value: str, problem: str) -> Break:
    def apply(raw: Path) -> list[str]:
        line = line_of(raw / file, key)
        set_cell(raw / file, line, column, value)
        return [f"{file}:{line}", f"column '{column}'", repr(value), problem]

    return apply


def panel_unclosed_quote(raw: Path) -> list[str]:
    line = panel_line(raw, 2020, "VNM")
    replace_text(raw / PANEL, "2020,VNM,Viet Nam,", '2020,VNM,"Viet Nam,')
    return [
        f"{PANEL}:{line}",
        "column 'country'",
        "'\"Viet Nam,",
        "malformed CSV row",
        "quote the whole cell",
    ]


def panel_blank_line_keeps_line_numbers(raw: Path) -> list[str]:
    line = panel_line(raw, 2020, "VNM")
    insert_blank_line(raw / PANEL, after=5)
    set_cell(raw / PANEL, line + 1, "osi", "n/a")  # the blank line is skipped by the csv reader
    return [f"{PANEL}:{line + 1}", "column 'osi'", "'n/a'", "plain decimal"]


def panel_missing_row(raw: Path) -> list[str]:
    rows = _rows(raw / PANEL)
    _write_rows(raw / PANEL, [row for row in rows if row[:2] != ["2020", "VNM"]])
    return [PANEL, "every member state in every survey exactly once", "Fix:"]


def panel_duplicate_row(raw: Path) -> list[str]:
    line = panel_line(raw, 2020, "VNM")
    text = (raw / PANEL).read_text(encoding="utf-8")
    (raw / PANEL).write_text(text + text.splitlines()[line - 1] + "\n", encoding="utf-8")
    last = len(text.splitlines()) + 1
    return [f"{PANEL}:{last}", "column 'iso3'", "'VNM'", "duplicate country", "exactly once"]


def panel_checksum_stale(raw: Path) -> list[str]:
    line = panel_line(raw, 2020, "VNM")
    set_cell(raw / PANEL, line, "egdi", "0.66671")  # a valid value, but not what was transcribed
    meta = raw / "un_egdi_panel.meta.yml"
    return [
        f"un_egdi_panel.meta.yml:{meta_line(meta, 'md5')}",
        "column 'md5'",
        "4c2ff53230651b04d45a870f7b33a94a",
        "no longer matches un_egdi_panel.csv",
        "check the data against the origin",
    ]


def surveys_disagree_with_panel(raw: Path) -> list[str]:
    line = line_of(raw / SURVEYS, "2003")
    set_cell(raw / SURVEYS, line, "n_ranked", "174")
    return [f"{SURVEYS}:{line}", "column 'n_ranked'", "'174'", "the panel ranks 173 countries"]


def surveys_n_members_below_n_ranked(raw: Path) -> list[str]:
    line = line_of(raw / SURVEYS, "2003")
    set_cell(raw / SURVEYS, line, "n_members", "150")
    return [f"{SURVEYS}:{line}", "column 'n_ranked'", "'173'", "is larger than n_members"]


def figures_file_is_a_directory(raw: Path) -> list[str]:
    (raw / FIGURES).unlink()
    (raw / FIGURES).mkdir()
    return [FIGURES, "is a folder, not a file", "restore it from git"]


def figures_blank_line_keeps_line_numbers(raw: Path) -> list[str]:
    line = line_of(raw / FIGURES, "vns-2020-08-27-level4-target-02")
    insert_blank_line(raw / FIGURES, after=3)
    set_cell(raw / FIGURES, line + 1, "reported", "lots of places")
    return [f"{FIGURES}:{line + 1}", "column 'reported'", "'lots of places'", "not a figure"]


def source_in_the_future(raw: Path) -> list[str]:
    source_line = line_of(raw / SOURCES, "vns-2020-08-27-level4-target")
    set_cell(raw / SOURCES, source_line, "published", "2099-06-01")
    figure_line = line_of(raw / FIGURES, "vns-2020-08-27-level4-target-02")
    set_cell(raw / FIGURES, figure_line, "as_of", "2098-12")
    return [
        f"{SOURCES}:{source_line}",
        "column 'published'",
        "'2099-06-01'",
        "published in the future",
        f"{FIGURES}:{figure_line}",
        "'2098-12'",
        "after the build's date",
    ]


def meta_deleted(raw: Path) -> list[str]:
    (raw / "un_m49_regions.meta.yml").unlink()
    return ["un_m49_regions.meta.yml", "the origin of un_m49_regions.csv is missing", "restore"]


def meta_all_deleted(raw: Path) -> list[str]:
    for path in raw.glob("*.meta.yml"):
        path.unlink()
    names = sorted(path.stem for path in raw.glob("*.csv"))
    assert len(names) >= 6
    return [f"the origin of {name}.csv is missing" for name in names]


def meta_alias_bomb(raw: Path) -> list[str]:
    bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n' + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]\n"
        for i in range(9)
    )
    (raw / "sources.meta.yml").write_text(bomb, encoding="utf-8")
    return ["sources.meta.yml:2", "uses a YAML alias", "write the value out in full"]


def meta_too_large(raw: Path) -> list[str]:
    (raw / "sources.meta.yml").write_text("# x\n" * (MAX_META_BYTES // 4 + 1), encoding="utf-8")
    return ["sources.meta.yml", f"larger than {MAX_META_BYTES} bytes"]


def meta_hand_edited_with_md5(raw: Path) -> list[str]:
    meta = raw / "sources.meta.yml"
    meta.write_text(
        meta.read_text(encoding="utf-8") + 'md5: "0123456789abcdef0123456789abcdef"\n', encoding="utf-8"
    )
    return [f"sources.meta.yml:{meta_line(meta, 'md5')}", "column 'md5'", "edited by hand carries no md5"]


def meta_declares_nothing(raw: Path) -> list[str]:
    replace_text(raw / "indicators.meta.yml", "edited_by_hand: true", "")
    return ["indicators.meta.yml", "column 'md5'", "declares neither an md5", "edited_by_hand: true"]


def unregistered_csv(raw: Path) -> list[str]:
    (raw / "provinces_extra.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    return ["provinces_extra.csv", "is not a registered dataset", "egovanalysis/ingest/datasets.py"]


def schema_and_parse_problems_together(raw: Path) -> list[str]:
    first = line_of(raw / FIGURES, "vns-2020-08-27-level4-target-02")
    second = line_of(raw / FIGURES, "vns-2020-08-27-level4-target-03")
    set_cell(raw / FIGURES, first, "scope", "everywhere")  # a schema problem
    set_cell(raw / FIGURES, second, "reported", "lots of places")  # a parse problem
    return [
        f"{FIGURES}:{first}",
        "column 'scope'",
        "'everywhere'",
        f"{FIGURES}:{second}",
        "column 'reported'",
        "'lots of places'",
        "2 problems",
    ]


def _reprint_of(value: str, problem: str) -> Break:
    def apply(raw: Path) -> list[str]:
        line = line_of(raw / SOURCES, "vietnamnet-2020-08-27-level4-target")
        set_cell(raw / SOURCES, line, "reprint_of", value)
        return [f"{SOURCES}:{line}", "column 'reprint_of'", repr(value), problem]

    return apply


def nul_byte_in_notes(raw: Path) -> list[str]:
    line = line_of(raw / FIGURES, "vns-2020-08-27-level4-target-02")
    set_cell(raw / FIGURES, line, "notes", "ok\x00hidden")
    return [f"{FIGURES}:{line}", "column 'notes'", r"'ok\x00hidden'", "control character"]


CASES: list[Case] = [
    # The UN panel
    Case("panel_rank_1e400", _panel_cell(2020, "VNM", "egdi_rank", "1e400", "not a whole number")),
    Case("panel_rank_71_5", _panel_cell(2020, "VNM", "egdi_rank", "71.5", "not a whole number")),
    Case("panel_rank_beyond_members", _panel_cell(2020, "VNM", "egdi_rank", "194", "rank from 1 to 193")),
    Case("panel_unclosed_quote", panel_unclosed_quote),
    Case("panel_blank_line_keeps_line_numbers", panel_blank_line_keeps_line_numbers),
    Case("panel_decimal_comma", _panel_cell(2020, "VNM", "osi", "0,65", "plain decimal")),
    Case("panel_index_above_one", _panel_cell(2020, "VNM", "egdi", "1.5", "between 0 and 1")),
    Case("panel_not_a_member_state", _panel_cell(2020, "VNM", "iso3", "XXK", "not a UN member state")),
    Case("panel_missing_row", panel_missing_row),
    Case("panel_duplicate_row", panel_duplicate_row),
    Case("panel_checksum_stale", panel_checksum_stale),
    # The survey table
    Case("surveys_n_members_1e400", _surveys_cell(2020, "n_members", "1e400", "not a whole number")),
    Case("surveys_n_ranked_inf", _surveys_cell(2020, "n_ranked", "inf", "not a whole number")),
    Case("surveys_n_members_negative", _surveys_cell(2020, "n_members", "-193", "not a whole number")),
    Case("surveys_n_members_below_n_ranked", surveys_n_members_below_n_ranked),
    Case(
        "surveys_release_30_february",
        _surveys_cell(2024, "released", "2024-02-30", "not a real calendar date"),
    ),
    Case("surveys_release_soon", _surveys_cell(2024, "released", "soon", "not YYYY-MM-DD")),
    Case(
        "surveys_release_other_year",
        _surveys_cell(2024, "released", "2025-09-17", "not in the survey's year"),
    ),
    Case("surveys_disagree_with_panel", surveys_disagree_with_panel),
    # Reported figures
    Case(
        "figures_as_of_0000",
        _figure_cell("vns-2020-08-27-level4-target-02", "as_of", "0000", "not a real calendar date"),
    ),
    Case("figures_file_is_a_directory", figures_file_is_a_directory),
    Case("figures_blank_line_keeps_line_numbers", figures_blank_line_keeps_line_numbers),
    Case(
        "figures_spreadsheet_formula",
        _figure_cell(
            "vns-2020-08-27-level4-target-02",
            "reported",
            '=HYPERLINK("http://x.example","3,000 services")',
            "spreadsheet formula",
        ),
    ),
    Case(
        "figures_dde_formula_in_notes",
        _figure_cell("vns-2020-08-27-level4-target-02", "notes", "+cmd|' /C calc'!A0", "spreadsheet formula"),
    ),
    Case(
        "figures_count_of_79_digits",
        _figure_cell("vns-2020-08-27-level4-target-02", "reported", "9" * 79, "beyond the plausible size"),
    ),
    Case(
        "figures_money_beyond_plausible",
        _figure_cell(
            "vns-2020-08-27-level4-target-22",
            "reported",
            "1,000,000,000 trillion VND",
            "beyond the plausible",
        ),
    ),
    Case("figures_nul_byte_in_notes", nul_byte_in_notes),
    Case(
        "figures_target_a_century_ahead",
        _figure_cell(
            "vns-2020-08-27-level4-target-03", "as_of", "2099", "more than 30 years after the source"
        ),
    ),
    Case(
        "figures_flow_without_period_start",
        _figure_cell(
            "vns-2020-08-27-level4-target-21", "period_start", "", "needs the first day of its period"
        ),
    ),
    Case(
        "figures_stock_with_period_start",
        _figure_cell("vns-2020-08-27-level4-target-02", "period_start", "2020-01", "covers no period"),
    ),
    Case(
        "figures_period_after_its_date",
        _figure_cell(
            "vns-2020-08-27-level4-target-21", "period_start", "2020-09-01", "after the figure's date"
        ),
    ),
    Case(
        "figures_period_start_unknown_phrase",
        _figure_cell(
            "vns-2020-08-27-level4-target-21", "period_start", "since launch", "not a date nor a known period"
        ),
    ),
    Case("schema_and_parse_problems_together", schema_and_parse_problems_together),
    # Sources and indicators
    Case("source_in_the_future", source_in_the_future),
    Case(
        "source_before_1990",
        _cell(
            SOURCES,
            "vgp-2019-07-24-egov-committee",
            "published",
            "1850-01-01",
            "lies outside 1990 to the build's date",
        ),
    ),
    Case("source_reprint_of_unknown", _reprint_of("no-such-source", "names no source_id")),
    Case("source_reprint_of_itself", _reprint_of("vietnamnet-2020-08-27-level4-target", "reprint of itself")),
    Case(
        "source_title_escape_sequence",
        _cell(SOURCES, "vgp-2019-07-24-egov-committee", "title", "VGP \x1b[31mred", "control character"),
    ),
    Case(
        "indicator_label_bidi_override",
        _cell(INDICATORS, "portal_accounts", "label", "Accounts \u202emoc.live", "control character"),
    ),
    Case(
        "indicator_formula_in_definition",
        _cell(INDICATORS, "portal_accounts", "definition", "@SUM(A1:A9)", "spreadsheet formula"),
    ),
    # Sidecars
    Case("meta_deleted", meta_deleted),
    Case("meta_all_deleted", meta_all_deleted),
    Case("meta_alias_bomb", meta_alias_bomb),
    Case("meta_too_large", meta_too_large),
    Case("meta_hand_edited_with_md5", meta_hand_edited_with_md5),
    Case("meta_declares_nothing", meta_declares_nothing),
    Case("unregistered_csv", unregistered_csv),
]


# ----------------------------------------------------------------------------------------------------------
# Running a case
# ----------------------------------------------------------------------------------------------------------


def _digest(folder: Path) -> dict[str, str]:
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def committed_processed() -> dict[str, str]:
    return _digest(config.PROCESSED_DIR)


@pytest.fixture
def workspace(tmp_path: Path) -> tuple[Path, Path]:
    raw, processed = tmp_path / "raw", tmp_path / "processed"
    shutil.copytree(config.RAW_DIR, raw)
    shutil.copytree(config.PROCESSED_DIR, processed)
    return raw, processed


def _run_build(raw: Path, processed: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["build", "--raw-dir", str(raw), "--processed-dir", str(processed)])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def _assert_refused(
    code: int,
    output: str,
    expected: list[str],
    processed: Path,
    before: dict[str, str],
    committed: dict[str, str],
) -> None:
    assert code == 1, output
    assert "Traceback" not in output
    for part in expected:
        assert part in output, f"{part!r} not in:\n{output}"
    assert "Fix:" in output and "Nothing was written" in output
    assert _digest(processed) == before
    assert not list(processed.glob("*.tmp")) and not list(processed.glob(".*"))
    assert _digest(config.PROCESSED_DIR) == committed


def test_the_committed_raw_data_builds(
    workspace: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    raw, processed = workspace
    code, output = _run_build(raw, processed, capsys)
    assert code == 0, output
    assert "0 errors" in output


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bad_data_is_refused_with_a_precise_message(
    case: Case,
    workspace: tuple[Path, Path],
    capsys: pytest.CaptureFixture[str],
    committed_processed: dict[str, str],
) -> None:
    raw, processed = workspace
    expected = case.apply(raw)
    before = _digest(processed)
    code, output = _run_build(raw, processed, capsys)
    _assert_refused(code, output, expected, processed, before, committed_processed)


@pytest.mark.parametrize("fixture", FIXTURES)
def test_bad_raw_fixture_is_refused_with_a_precise_message(
    fixture: str,
    workspace: tuple[Path, Path],
    capsys: pytest.CaptureFixture[str],
    committed_processed: dict[str, str],
) -> None:
    raw, processed = workspace
    for bad_file in (BAD_RAW / fixture).glob("*.csv"):
        shutil.copyfile(bad_file, raw / bad_file.name)
    expected = (BAD_RAW / fixture / "expected.txt").read_text(encoding="utf-8").splitlines()
    before = _digest(processed)
    code, output = _run_build(raw, processed, capsys)
    _assert_refused(code, output, expected, processed, before, committed_processed)


def test_every_row_is_counted_in_the_report(
    workspace: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    raw, processed = workspace
    schema_and_parse_problems_together(raw)
    code, output = _run_build(raw, processed, capsys)
    assert code == 1
    assert "reported_figures.csv: 234 reported figures read: 232 without problems, 2 with problems" in output
    assert (
        "un_egdi_panel.csv: 2316 country-survey rows read: 2316 without problems, 0 with problems" in output
    )


@pytest.mark.parametrize("case", ["figures_file_is_a_directory", "figures_nul_byte_in_notes"])
def test_the_installed_command_prints_no_traceback(case: str, workspace: tuple[Path, Path]) -> None:
    raw, processed = workspace
    expected = next(c for c in CASES if c.name == case).apply(raw)
    before = _digest(processed)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "egovanalysis.cli",
            "build",
            "--raw-dir",
            str(raw),
            "--processed-dir",
            str(processed),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=config.PROJECT_ROOT,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 1, output
    assert "Traceback" not in output
    for part in expected:
        assert part in output, f"{part!r} not in:\n{output}"
    assert _digest(processed) == before


def test_an_unwritable_destination_is_refused_before_anything_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "not-a-folder"
    target.write_text("keep me", encoding="utf-8")
    code, output = _run_build(config.RAW_DIR, target, capsys)
    assert code == 1 and "Traceback" not in output
    assert "is a file, not a folder" in output and "Fix:" in output
    assert target.read_text(encoding="utf-8") == "keep me"
