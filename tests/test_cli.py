"""The command line: parse prints the figure, errors exit non-zero, every command has --help."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from egovanalysis.cli import main


def test_parse_prints_the_figure(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", "more than2,800"]) == 0
    lines = dict(
        line.split(None, 1) for line in capsys.readouterr().out.splitlines() if len(line.split()) > 1
    )
    assert lines["value"] == "2,800" and lines["qualifier"] == "more_than" and lines["lower"] == "2,800"


def test_parse_vietnamese_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", "26,7 tỷ đồng", "--lang", "vi", "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record == {
        "text": "26,7 tỷ đồng",
        "value": 26.7e9,
        "unit": "VND",
        "qualifier": None,
        "lower": None,
        "upper": None,
        "out_of": None,
    }


def test_parse_failure_exits_1_and_quotes_the_input(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", "lots of accesses"]) == 1
    assert "'lots of accesses'" in capsys.readouterr().err


@pytest.mark.parametrize("command", [[], ["build"], ["parse"], ["refresh"]])
def test_every_command_has_help(command: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "egovanalysis.cli", *command, "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0 and "usage: egovanalysis" in result.stdout


def test_bad_usage_exits_2() -> None:
    with pytest.raises(SystemExit) as caught:
        main(["parse", "1", "--lang", "fr"])
    assert caught.value.code == 2


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    from egovanalysis import __version__

    with pytest.raises(SystemExit) as caught:
        main(["--version"])
    assert caught.value.code == 0 and capsys.readouterr().out.strip() == f"egovanalysis {__version__}"
