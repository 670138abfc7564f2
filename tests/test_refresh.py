"""``egovanalysis refresh`` on fixture notebooks: success, failing cells, dead kernels, bad parameters.

Kernel starts are the slow part (2-4 s each): a good refresh (two parameter sets, two kernels in
parallel) and a failing refresh (two notebooks, two kernels in parallel) are run once per module; the
parameter checks start no kernel at all.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import nbformat
import pytest

from egovanalysis import cli
from egovanalysis.reporting.params import ParameterError
from egovanalysis.reporting.refresh import RefreshError, plan_runs, refresh, switch_latest

NOTEBOOKS = Path(__file__).parent / "notebooks"
GOOD = NOTEBOOKS / "good"
FAILING = NOTEBOOKS / "failing"


def _refresh(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = cli.main(["refresh", "--no-build", "--no-progress", "--keep-notebooks", "--jobs", "2", *args])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def _runs(out: Path) -> list[Path]:
    return sorted(path for path in out.iterdir() if path.is_dir() and not path.is_symlink())


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """A good refresh (two parameter sets) then a failing one, in the same output folder."""
    out = tmp_path_factory.mktemp("reports")
    fixtures = {path: path.read_bytes() for path in NOTEBOOKS.rglob("*.ipynb")}
    params = tmp_path_factory.mktemp("params") / "params.yml"
    params.write_text(
        "tiny:\n  - {years: [2020, 2021], scale: 2}\n  - {title: Second run, scope: national}\n",
        encoding="utf-8",
    )
    good = refresh(GOOD, out, params_file=params, jobs=2, build=False, progress=False, log=lambda _: None)
    good_latest = os.readlink(out / "latest")
    code = cli.main(
        ["refresh", "--no-build", "--no-progress", "--keep-notebooks", "--jobs", "2"]
        + ["--notebooks-dir", str(FAILING), "--out", str(out)]
    )
    return {"out": out, "good": good, "good_latest": good_latest, "failing_code": code, "fixtures": fixtures}


def test_good_refresh_writes_the_run_folder(reports: dict) -> None:
    good = reports["good"]
    out: Path = reports["out"]
    assert good.ok, [outcome.error for outcome in good.outcomes]
    run = good.run_dir
    assert run.parent == out.resolve()
    assert len(run.name) == len("20260101T000000Z") and run.name.endswith("Z") and run.name[8] == "T"
    names = sorted(path.name for path in run.iterdir())
    expected = ["figures", "index.html", "tiny--1.html", "tiny--1.ipynb", "tiny--2.html", "tiny--2.ipynb"]
    assert names == expected
    assert sorted(path.name for path in (run / "figures").iterdir()) == ["tiny--1-1.png", "tiny--2-1.png"]
    assert (run / "figures" / "tiny--1-1.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert reports["good_latest"] == run.name  # relative symlink to the run


def test_parameters_keep_their_types(reports: dict) -> None:
    first = nbformat.read(reports["good"].run_dir / "tiny--1.ipynb", as_version=4)
    injected = [cell for cell in first.cells if "injected-parameters" in cell.metadata.get("tags", [])]
    assert len(injected) == 1
    assert "years = [2020, 2021]" in injected[0].source  # a list, not the string papermill -p would make
    assert "scale = 2.0" in injected[0].source  # int given for a float parameter, converted
    outcome = reports["good"].outcomes[0]
    assert outcome.headlines[0]["label"] == "Services online"
    assert outcome.headlines[0]["value"] == 400.0  # 2 years * scale 2 * 100


def test_kernel_is_this_environment_and_cwd_is_the_notebook_folder(reports: dict) -> None:
    executed = nbformat.read(reports["good"].run_dir / "tiny--2.ipynb", as_version=4)
    code = [cell for cell in executed.cells if cell.cell_type == "code"]
    text = "".join(output.get("text", "") for cell in code for output in cell.outputs)
    wanted = [line for line in text.splitlines() if line.startswith(("executable:", "cwd:"))]
    lines = dict(line.split(": ", 1) for line in wanted)
    assert Path(lines["executable"]).parent == Path(sys.executable).parent
    assert Path(lines["cwd"]) == GOOD.resolve()
    assert executed.metadata.kernelspec.name == "python3"


def test_html_copies_have_no_code(reports: dict) -> None:
    page = (reports["good"].run_dir / "tiny--1.html").read_text(encoding="utf-8")
    assert "Tiny fixture" in page  # markdown and outputs are there
    assert "plotting.use_style()" not in page  # code is not
    assert 'class="jp-InputPrompt' not in page and 'class="jp-OutputPrompt' not in page
    assert 'class="jp-CodeMirrorEditor' not in page and "highlight hl-ipython3" not in page


def test_failing_refresh_exit_code_and_message(reports: dict) -> None:
    assert reports["failing_code"] == 1


def test_failing_refresh_keeps_failed_notebooks_with_their_error(reports: dict) -> None:
    out: Path = reports["out"]
    failed_run = _runs(out)[-1]
    assert failed_run.name != reports["good_latest"]
    raises = nbformat.read(failed_run / "raises.ipynb", as_version=4)
    errors = [o for c in raises.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors and errors[0].ename == "ValueError" and "boom from the raises fixture" in errors[0].evalue
    dies = nbformat.read(failed_run / "dies.ipynb", as_version=4)
    errors = [o for c in dies.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors and errors[0].ename == "DeadKernelError"
    index = (failed_run / "index.html").read_text(encoding="utf-8")
    assert "2 failed" in index and "boom from the raises fixture" in index


def test_failing_refresh_leaves_latest_on_the_good_run(reports: dict) -> None:
    assert os.readlink(reports["out"] / "latest") == reports["good_latest"]


def test_failure_messages_name_the_notebook_and_the_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # A refresh of the failing notebooks alone, to capture its messages (the kernels are quick to fail).
    code, text = _refresh(capsys, "--notebooks-dir", str(FAILING), "--out", str(tmp_path), "--only", "raises")
    assert code == 1
    assert "FAILED run 'raises'" in text
    assert "ValueError: boom from the raises fixture (n=1)" in text
    assert "latest still points at nothing" in text
    assert not (tmp_path / "latest").exists()


def _assert_nothing_ran(out: Path, before: list[Path], latest: str) -> None:
    assert _runs(out) == before
    assert os.readlink(out / "latest") == latest


def test_unknown_parameter_in_params_file(
    reports: dict, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out: Path = reports["out"]
    before = _runs(out)
    params = tmp_path / "params.yml"
    params.write_text("tiny:\n  scael: 2\n", encoding="utf-8")
    code, text = _refresh(capsys, "--notebooks-dir", str(GOOD), "--out", str(out), "--params", str(params))
    assert code == 2  # a bad request is a usage error
    assert "notebook 'tiny': unknown parameter 'scael'" in text
    assert "nothing was run" in text
    _assert_nothing_ran(out, before, reports["good_latest"])


def test_bad_parameter_type_in_params_file(
    reports: dict, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out: Path = reports["out"]
    before = _runs(out)
    params = tmp_path / "params.yml"
    params.write_text("tiny:\n  - {}\n  - {years: '2020, 2021'}\n", encoding="utf-8")
    code, text = _refresh(capsys, "--notebooks-dir", str(GOOD), "--out", str(out), "--params", str(params))
    assert code == 2
    assert "notebook 'tiny': parameter 'years' must be list[int], got str" in text
    assert "parameter set 2 of 2" in text
    _assert_nothing_ran(out, before, reports["good_latest"])


def test_bad_cli_parameter_and_unknown_only(reports: dict, capsys: pytest.CaptureFixture[str]) -> None:
    out: Path = reports["out"]
    before = _runs(out)
    code, text = _refresh(capsys, "--notebooks-dir", str(GOOD), "--out", str(out), "-p", "scale", "big")
    assert code == 2 and "notebook 'tiny': parameter 'scale' must be float, got str 'big'" in text
    code, text = _refresh(capsys, "--notebooks-dir", str(GOOD), "--out", str(out), "-p", "nope", "1")
    assert code == 2 and "no selected notebook declares a parameter 'nope'" in text
    code, text = _refresh(capsys, "--notebooks-dir", str(GOOD), "--out", str(out), "--only", "tinny")
    assert code == 2 and "unknown notebook 'tinny'" in text
    _assert_nothing_ran(out, before, reports["good_latest"])


def test_unknown_notebook_in_params_file(tmp_path: Path) -> None:
    params = tmp_path / "params.yml"
    params.write_text("05-forecast:\n  horizon: 8\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="unknown notebook '05-forecast'"):
        plan_runs(GOOD, params_file=params)


def test_plan_runs_names_and_order(tmp_path: Path) -> None:
    params = tmp_path / "params.yml"
    params.write_text("raises:\n  - {n: 1}\n  - {n: 2}\n", encoding="utf-8")
    specs = plan_runs(FAILING, params_file=params, cli_params=[("code", 3)])
    assert [spec.name for spec in specs] == ["dies", "raises--1", "raises--2"]
    assert specs[0].parameters == {"code": 3}
    assert specs[2].effective_parameters == {"n": 2}
    with pytest.raises(RefreshError, match="no notebooks"):
        plan_runs(tmp_path)


def test_switch_latest_is_a_relative_symlink(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    switch_latest(tmp_path, first)
    switch_latest(tmp_path, second)
    assert os.readlink(tmp_path / "latest") == "b"
    assert not [path for path in tmp_path.iterdir() if path.name.startswith(".latest")]
    (tmp_path / "c").mkdir()
    os.unlink(tmp_path / "latest")
    (tmp_path / "latest").mkdir()
    with pytest.raises(RefreshError, match="not a symlink"):
        switch_latest(tmp_path, tmp_path / "c")


def _printed_pid(path: Path) -> int:
    notebook = nbformat.read(path, as_version=4)
    text = "".join(o.get("text", "") for c in notebook.cells if c.cell_type == "code" for o in c.outputs)
    return int(next(line for line in text.splitlines() if line.startswith("pid:")).split()[1])


def test_every_run_gets_its_own_kernel(reports: dict) -> None:
    run = reports["good"].run_dir
    first, second = _printed_pid(run / "tiny--1.ipynb"), _printed_pid(run / "tiny--2.ipynb")
    assert first != second
    # ... and every kernel was shut down at the end.
    for pid in (first, second):
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_warm_up_imports_what_the_notebooks_import() -> None:
    from egovanalysis.reporting.kernels import notebook_imports

    modules = notebook_imports([GOOD / "tiny.ipynb"])
    assert {"pandas", "seaborn", "matplotlib.pyplot", "egovanalysis.reporting.style"} <= set(modules)
    assert "statsmodels.api" not in modules  # only what this notebook uses


def test_executed_notebooks_start_counting_at_one(reports: dict) -> None:
    # The warm-up ran silently: the notebook's first code cell is In [1], as in a fresh kernel.
    executed = nbformat.read(reports["good"].run_dir / "tiny--1.ipynb", as_version=4)
    counts = [cell.execution_count for cell in executed.cells if cell.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1))


def test_a_successful_refresh_prints_no_kernel_noise(tmp_path: Path) -> None:
    import subprocess

    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "egovanalysis.cli",
            "refresh",
            "--no-build",
            "--no-progress",
            "--keep-notebooks",
            "--jobs",
            "2",
            "--notebooks-dir",
            str(GOOD),
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert "KeyboardInterrupt" not in done.stderr and "[IPKernelApp]" not in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and "Warning" not in done.stderr, done.stderr


def test_html_copies_load_nothing_from_the_network(reports: dict) -> None:
    import re

    for page in reports["good"].run_dir.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not re.findall(r'(?:src|href)="https?://', text), page.name
        assert "<img" in text or "image/png" in text or "data:image/png" in text, page.name


def test_fixture_notebooks_are_never_rewritten(reports: dict) -> None:
    # Runs with --keep-notebooks or parameters never store outputs back into the fixtures.
    assert {path: path.read_bytes() for path in NOTEBOOKS.rglob("*.ipynb")} == reports["fixtures"]
