"""Fault injection, refresh side: hostile or careless inputs to ``egovanalysis refresh``.

Every case runs the real command line in a subprocess (``python -m egovanalysis.cli``) and asserts the exit
code, the message, that no traceback reached the user, that ``data/processed`` is byte-identical and that
``reports/latest`` is the same symlink as before. (The data-side cases, broken raw files, live with the
build's tests.)

Cases: eleven code-injection payloads through ``-p``; a YAML alias bomb and ``!!python/object`` in
``--params`` and in ``-p``; dates that do not exist; an oversized params file and a folder given as one;
``--out`` on a file, under ``/proc``, on a read-only file system; a ``latest`` that is a folder; an unknown
notebook; bad ``--jobs`` and ``--each``; a failing run in a sweep; Ctrl-C during a run (waiting on a marker
file the notebook writes, never on time); and script payloads in every text column of a copy of
``data/raw``, rendered and opened in headless Chromium.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

from egovanalysis import config

NOTEBOOKS = Path(__file__).parent / "notebooks"
ECHO = NOTEBOOKS / "echo"
SWEEP = NOTEBOOKS / "sweep"
SLOW = NOTEBOOKS / "slow"
GOOD_RUN = "20000101T000000Z"


def _digest(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def processed() -> Iterator[dict[str, str]]:
    """``data/processed`` before the module; it must be byte-identical after every case."""
    before = _digest(config.PROCESSED_DIR)
    yield before
    assert _digest(config.PROCESSED_DIR) == before


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """A reports folder whose ``latest`` points at a good run."""
    folder = tmp_path / "reports"
    (folder / GOOD_RUN).mkdir(parents=True)
    os.symlink(GOOD_RUN, folder / "latest")
    return folder


def _cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 900
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "egovanalysis.cli", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
        env=env,
        stdin=subprocess.DEVNULL,
    )


def _refused(
    done: subprocess.CompletedProcess[str],
    code: int,
    message: str,
    out: Path | None,
    processed: dict[str, str],
) -> None:
    """The common assertions: exit code, message, no traceback, nothing changed."""
    assert done.returncode == code, (done.returncode, done.stderr)
    assert re.search(message, done.stderr), done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert "[1/4]" not in done.stdout, "the data build ran for a refresh that could not start"
    assert _digest(config.PROCESSED_DIR) == processed
    if out is not None:
        assert os.readlink(out / "latest") == GOOD_RUN
        assert sorted(path.name for path in out.iterdir()) == [GOOD_RUN, "latest"]


# ---- eleven code-injection payloads through -p, in one refresh of a notebook that echoes them ----------

PAYLOADS = [
    '"; import os; open("{marker}", "w"); "',
    "'; import os; open('{marker}', 'w'); '",
    '\\"; __import__("os").system("touch {marker}") #',
    '"""; open("{marker}", "w"); """',
    "'''; open('{marker}', 'w'); '''",
    "x\nopen('{marker}', 'w')\n",
    "\\",
    "$(touch {marker}) `touch {marker}` ${{HOME}}",
    "get_ipython().system('touch {marker}')",
    "%system touch {marker}",
    "{{{{ 7*7 }}}}\r\nopen('{marker}', 'w')",
]


@pytest.fixture(scope="module")
def injected(tmp_path_factory: pytest.TempPathFactory, processed: dict[str, str]) -> dict[str, object]:
    folder = tmp_path_factory.mktemp("injection")
    marker = folder / "INJECTED"
    values = [payload.format(marker=marker) for payload in PAYLOADS]
    args = [arg for number, value in enumerate(values, start=1) for arg in ("-p", f"p{number}", value)]
    done = _cli(
        "refresh",
        "--no-build",
        "--no-progress",
        "--notebooks-dir",
        str(ECHO),
        "--out",
        str(folder / "reports"),
        *args,
    )
    return {"done": done, "marker": marker, "values": values, "folder": folder, "processed": processed}


@pytest.mark.parametrize("number", range(1, len(PAYLOADS) + 1))
def test_p_injection_payload_arrives_as_data(injected: dict, number: int) -> None:
    from egovanalysis.reporting.params import parse_cli_value

    done: subprocess.CompletedProcess[str] = injected["done"]
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    executed = nbformat.read(injected["folder"] / "reports" / "latest" / "echo.ipynb", as_version=4)
    printed = "".join(o.get("text", "") for c in executed.cells if c.cell_type == "code" for o in c.outputs)
    received = json.loads(printed)
    value = injected["values"][number - 1]
    assert received[number - 1] == parse_cli_value(value, f"p{number}")  # the value itself, as text
    assert not injected["marker"].exists(), "a payload ran as code"
    assert _digest(config.PROCESSED_DIR) == injected["processed"]


# ---- unsafe YAML ----------------------------------------------------------------------------------------

ALIAS_BOMB = (
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
    "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\ni: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n"
)


def test_alias_bomb_in_params_file(tmp_path: Path, out: Path, processed: dict[str, str]) -> None:
    params = tmp_path / "bomb.yml"
    params.write_text(f"echo:\n  p1: 1\n{ALIAS_BOMB}", encoding="utf-8")
    done = _cli("refresh", "--notebooks-dir", str(ECHO), "--out", str(out), "--params", str(params))
    _refused(done, 2, r"bomb\.yml: line \d+: YAML anchors and aliases .* are not accepted", out, processed)


def test_alias_bomb_loads_in_bounded_memory(tmp_path: Path) -> None:
    import tracemalloc

    from egovanalysis.errors import ParameterError
    from egovanalysis.reporting.params import load_params_file

    params = tmp_path / "bomb.yml"
    params.write_text(ALIAS_BOMB, encoding="utf-8")
    tracemalloc.start()
    try:
        with pytest.raises(ParameterError):
            load_params_file(params, ["echo"])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 100 * 2**20


def test_alias_bomb_in_p_value(out: Path, processed: dict[str, str]) -> None:
    bomb = "[" + ALIAS_BOMB.replace("\n", ", ").replace(": &", ": &").rstrip(", ") + "]"
    done = _cli("refresh", "--notebooks-dir", str(ECHO), "--out", str(out), "-p", "p1", "&a [x, x]\n")
    _refused(done, 2, r"-p p1: line 1: YAML anchors and aliases", out, processed)
    done = _cli("refresh", "--notebooks-dir", str(ECHO), "--out", str(out), "-p", "p1", bomb)
    _refused(done, 2, r"-p p1: .*(anchors and aliases|not valid YAML)", out, processed)


def test_python_object_tag_in_params_file(tmp_path: Path, out: Path, processed: dict[str, str]) -> None:
    params = tmp_path / "object.yml"
    params.write_text(
        "echo:\n  p1: !!python/object/apply:os.system ['touch /tmp/egov-pwned']\n", encoding="utf-8"
    )
    done = _cli("refresh", "--notebooks-dir", str(ECHO), "--out", str(out), "--params", str(params))
    _refused(
        done,
        2,
        r"object\.yml: line 2: the YAML tag .*python/object/apply:os\.system.* is not accepted",
        out,
        processed,
    )


def test_python_object_tag_in_p_value(out: Path, processed: dict[str, str]) -> None:
    done = _cli(
        "refresh",
        "--notebooks-dir",
        str(ECHO),
        "--out",
        str(out),
        "-p",
        "p1",
        "!!python/object/apply:os.system ['true']",
    )
    _refused(done, 2, r"-p p1: line 1: the YAML tag .* is not accepted", out, processed)


def test_oversized_params_file(tmp_path: Path, out: Path, processed: dict[str, str]) -> None:
    params = tmp_path / "huge.yml"
    params.write_text("echo:\n  p1: '" + "x" * 2_000_000 + "'\n", encoding="utf-8")
    done = _cli("refresh", "--notebooks-dir", str(ECHO), "--out", str(out), "--params", str(params))
    _refused(done, 2, r"huge\.yml: 2,000,\d+ bytes is more than the 1,000,000 accepted", out, processed)


def test_params_file_that_is_a_folder(tmp_path: Path, out: Path, processed: dict[str, str]) -> None:
    done = _cli("refresh", "--notebooks-dir", str(ECHO), "--out", str(out), "--params", str(tmp_path))
    _refused(done, 2, r"cannot read the params file: Is a directory", out, processed)


# ---- dates --------------------------------------------------------------------------------------------


def test_p_cutoff_that_does_not_exist(out: Path, processed: dict[str, str]) -> None:
    done = _cli("refresh", "--only", "05-forecast", "--out", str(out), "-p", "cutoff", "2021-02-30")
    _refused(
        done,
        2,
        r"-p cutoff: line 1: '2021-02-30' is not a real calendar date .*day is out of range",
        out,
        processed,
    )


def test_date_that_does_not_exist_in_params_file(
    tmp_path: Path, out: Path, processed: dict[str, str]
) -> None:
    params = tmp_path / "dates.yml"
    params.write_text("05-forecast:\n  cutoff: 2021-02-30\n", encoding="utf-8")
    done = _cli("refresh", "--only", "05-forecast", "--out", str(out), "--params", str(params))
    _refused(done, 2, r"dates\.yml: line 2: '2021-02-30' is not a real calendar date", out, processed)


def test_date_typed_parameter_refuses_text(out: Path, processed: dict[str, str]) -> None:
    done = _cli("refresh", "--notebooks-dir", str(SWEEP), "--out", str(out), "-p", "since", "soon")
    _refused(
        done,
        2,
        r"notebook 'country': parameter 'since' must be ISODate \(a real date, YYYY-MM-DD\), "
        r"got str 'soon'",
        out,
        processed,
    )


# ---- the destination, checked before the build -----------------------------------------------------------


def test_out_is_a_file(tmp_path: Path, processed: dict[str, str]) -> None:
    target = tmp_path / "a-file"
    target.write_text("not a folder", encoding="utf-8")
    done = _cli("refresh", "--only", "01-data-audit", "--out", str(target))
    _refused(done, 1, r"--out .*a-file: it is a file, not a folder", None, processed)
    assert target.read_text(encoding="utf-8") == "not a folder"


def test_out_under_proc(processed: dict[str, str]) -> None:
    done = _cli("refresh", "--only", "01-data-audit", "--out", "/proc/egovanalysis-reports")
    _refused(done, 1, r"--out /proc/egovanalysis-reports: proc is not a place for reports", None, processed)


def test_out_on_a_read_only_file_system(tmp_path: Path, processed: dict[str, str]) -> None:
    # A read-only tmpfs in a private mount namespace (unshare: no privileges needed beyond a user namespace).
    mount = tmp_path / "readonly"
    mount.mkdir()
    script = (
        f"mount -t tmpfs -o ro tmpfs {mount} && exec {sys.executable} -m egovanalysis.cli refresh "
        f"--only 01-data-audit --out {mount}/reports"
    )
    done = subprocess.run(
        ["unshare", "-rm", "sh", "-c", script],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
        stdin=subprocess.DEVNULL,
    )
    _refused(
        done,
        1,
        r"--out .*readonly/reports: cannot write there: the file system is read-only",
        None,
        processed,
    )


def test_latest_is_a_folder(tmp_path: Path, processed: dict[str, str]) -> None:
    out = tmp_path / "reports"
    (out / "latest").mkdir(parents=True)
    (out / "latest" / "keep.txt").write_text("mine", encoding="utf-8")
    done = _cli("refresh", "--only", "01-data-audit", "--out", str(out))
    _refused(done, 1, r"latest exists and is not a symlink .*move it away", None, processed)
    assert sorted(path.name for path in out.iterdir()) == ["latest"]
    assert (out / "latest" / "keep.txt").read_text(encoding="utf-8") == "mine"


# ---- usage errors exit 2 ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--only", "99-nothing"], r"--only: unknown notebook '99-nothing' \(notebooks in .*: 01-data-audit"),
        (["--jobs", "0"], r"--jobs must be at least 1"),
        (["--each", "country"], r"--each 'country': expected NAME=V1,V2"),
        (["--each", "galaxy=ALL"], r"no list of all values is known for 'galaxy'"),
    ],
)
def test_usage_errors_exit_2(args: list[str], message: str, out: Path, processed: dict[str, str]) -> None:
    _refused(_cli("refresh", "--out", str(out), *args), 2, message, out, processed)


# ---- a failing run in a sweep ---------------------------------------------------------------------------


def test_failing_run_in_a_sweep(out: Path, processed: dict[str, str]) -> None:
    done = _cli(
        "refresh",
        "--no-build",
        "--no-progress",
        "--notebooks-dir",
        str(SWEEP),
        "--out",
        str(out),
        "--each",
        "country=VNM,XXX",
    )
    assert done.returncode == 1
    assert "FAILED run 'country--country=XXX' (country.ipynb): ValueError: no data for XXX" in done.stderr
    assert f"1 of 2 notebook run(s) failed; report in {out.resolve()}" in done.stderr
    assert f"latest still points at {GOOD_RUN}" in done.stderr
    assert "Traceback" not in done.stderr
    assert os.readlink(out / "latest") == GOOD_RUN
    run = next(path for path in out.iterdir() if path.name not in (GOOD_RUN, "latest"))
    assert (run / "country--country=VNM.html").is_file() and (run / "index.html").is_file()
    assert _digest(config.PROCESSED_DIR) == processed


# ---- Ctrl-C ----------------------------------------------------------------------------------------------


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _wait_for(path: Path, process: subprocess.Popen[str], deadline_s: float = 600) -> None:
    """Wait until ``path`` appears (the event); the deadline only turns a hang into a failure."""
    deadline = time.monotonic() + deadline_s
    while not path.exists():
        assert process.poll() is None, f"refresh exited early: {process.communicate()}"
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.05)


def test_ctrl_c_stops_promptly_and_shuts_every_kernel_down(
    tmp_path: Path, out: Path, processed: dict[str, str]
) -> None:
    import psutil

    notebooks = tmp_path / "notebooks"
    shutil.copytree(SLOW, notebooks)
    markers = tmp_path / "markers"
    markers.mkdir()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "egovanalysis.cli",
            "refresh",
            "--no-build",
            "--no-progress",
            "--jobs",
            "1",
            "--notebooks-dir",
            str(notebooks),
            "--out",
            str(out),
            "--each",
            "n=1,2,3",
            "-p",
            "marker_dir",
            str(markers),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "PYTHONFAULTHANDLER": "1"},
        # As in a terminal: a shell that runs the test suite in the background ignores SIGINT, and a child
        # inherits that (Python then installs no Ctrl-C handler at all). The refresh gets the default.
        preexec_fn=_default_sigint,
    )
    try:
        _wait_for(markers / "started-1", process)
        kernel = int((markers / "started-1").read_text())
        process.send_signal(signal.SIGINT)
        try:
            stdout, stderr = process.communicate(timeout=300)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGABRT)  # PYTHONFAULTHANDLER: every thread's stack, to see the hang
            _, stacks = process.communicate()
            pytest.fail(f"refresh did not stop after Ctrl-C; its threads:\n{stacks[-8000:]}")
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 130, stderr
    assert "refresh: interrupted; the remaining runs were not started" in stderr
    assert f"latest still points at {GOOD_RUN}" in stderr
    assert "Traceback" not in stderr + stdout
    assert sorted(path.name for path in markers.iterdir()) == ["started-1"]  # runs 2 and 3 never started
    assert not psutil.pid_exists(kernel) or psutil.Process(kernel).status() == psutil.STATUS_ZOMBIE
    leftovers = []
    for candidate in psutil.process_iter(["cmdline"]):
        try:
            if (
                "ipykernel_launcher" in " ".join(candidate.info["cmdline"] or [])
                and Path(candidate.cwd()) == notebooks
            ):
                leftovers.append(candidate.pid)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    assert leftovers == [], "kernels left running after Ctrl-C"
    assert os.readlink(out / "latest") == GOOD_RUN
    assert _digest(config.PROCESSED_DIR) == processed


# ---- script payloads in every text column of data/raw, opened in headless Chromium ------------------------

#: Each payload would change the page title, or add an element, if it ran.
SCRIPT_PAYLOADS = [
    "<script>document.title='PWNED-script'</script>",
    "<img src=x onerror=\"document.title='PWNED-img'\">",
    "<svg onload=\"document.title='PWNED-svg'\"></svg>",
    "[click](javascript:document.title='PWNED-link')",
]
#: Candidate free-text columns. A column the build holds to a form (an id, a code) rejects the payload with
#: a clear error; such columns are dropped from the set and the copy is poisoned again, so every column the
#: build accepts as free text carries a payload to the reports.
TEXT_COLUMNS = {
    "publisher",
    "title",
    "notes",
    "label",
    "definition",
    "country",
    "name",
    "name_vi",
    "name_ascii",
    "description",
    "subregion",
    "region",
}


def _poison(raw: Path, columns_allowed: set[str]) -> int:
    """Append a payload to every value of every free-text column of every CSV in ``raw``; return how many."""
    import csv

    poisoned = 0
    for path in sorted(raw.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        if not rows:
            continue
        columns = [name for name in rows[0] if name in columns_allowed]
        for number, row in enumerate(rows):
            for column in columns:
                row[column] = f"{row[column]} {SCRIPT_PAYLOADS[number % len(SCRIPT_PAYLOADS)]}"
                poisoned += 1
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        # The copy's data changed on purpose: record its new checksum, as the build's message says to.
        digest = hashlib.md5(path.read_bytes()).hexdigest()  # noqa: S324 - the project's file checksum
        for meta in (path.with_suffix(".meta.yml"), path.with_name(path.name + ".meta.yml")):
            if meta.exists():
                text = meta.read_text(encoding="utf-8")
                meta.write_text(
                    re.sub(r'(?m)^(\s*md5:\s*)"?[0-9a-f]*"?', rf'\g<1>"{digest}"', text), encoding="utf-8"
                )
    return poisoned


@pytest.fixture(scope="module")
def poisoned_reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project with payloads in ``data/raw``, built and refreshed by its own command line."""
    root = tmp_path_factory.mktemp("poisoned") / "project"
    ignore = shutil.ignore_patterns(
        ".venv", ".git", "reports", "__pycache__", ".pytest_cache", ".ruff_cache", ".hypothesis", "*.egg-info"
    )
    shutil.copytree(config.PROJECT_ROOT, root, ignore=ignore)
    env = {**os.environ, "PYTHONPATH": str(root), "EGOVANALYSIS_SHARED_DIR": str(config.SHARED_DIR)}
    columns = set(TEXT_COLUMNS)
    for _attempt in range(len(TEXT_COLUMNS)):
        shutil.rmtree(root / "data" / "raw")
        shutil.copytree(config.RAW_DIR, root / "data" / "raw")
        assert _poison(root / "data" / "raw", columns) > 50
        build = subprocess.run(
            [sys.executable, "-m", "egovanalysis.cli", "build"],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=900,
        )
        assert "Traceback" not in build.stderr, build.stderr[-3000:]
        refused = set(re.findall(r"column '(\w+)'", build.stderr)) & columns
        if build.returncode == 0 or not refused:
            break
        columns -= refused
    assert build.returncode == 0, build.stderr[-3000:]
    assert {"label", "notes", "title"} <= columns  # the free text that reaches the notebooks
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "egovanalysis.cli",
            "refresh",
            "--no-build",
            "--no-progress",
            "--jobs",
            "2",
            "--keep-notebooks",
            "--out",
            str(root / "reports"),
        ],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=1800,
    )
    assert "Traceback" not in done.stderr
    assert done.returncode in (0, 1), done.stderr[-3000:]
    return root / "reports" / "latest" if done.returncode == 0 else _last_run(root / "reports")


def _last_run(reports: Path) -> Path:
    return sorted(path for path in reports.iterdir() if path.is_dir() and not path.is_symlink())[-1]


def test_payloads_reach_the_reports_as_text(poisoned_reports: Path) -> None:
    pages = sorted(poisoned_reports.glob("*.html"))
    assert len(pages) >= 6  # five notebooks and the index
    text = "".join(page.read_text(encoding="utf-8") for page in pages)
    assert "PWNED" in text, "no payload reached any page: the test tests nothing"
    for page in pages:
        body = page.read_text(encoding="utf-8")
        assert not re.search(r"<script>document\.title", body), page.name
        assert not re.search(r"<(img|svg)[^>]*\son(error|load)=", body, re.I), page.name
        assert "javascript:" not in re.sub(
            r"&[a-z]+;|\\", "", " ".join(re.findall(r'href="([^"]*)"', body))
        ), page.name


def test_no_payload_runs_in_chromium(poisoned_reports: Path, tmp_path: Path) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    assert chromium, "headless Chromium is needed: apt-get install -y --no-install-recommends chromium"
    for page in sorted(poisoned_reports.glob("*.html")):
        done = subprocess.run(
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={tmp_path / page.stem}",
                "--window-size=1400,1000",
                "--dump-dom",
                page.as_uri(),
            ],
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )
        dom = done.stdout
        assert "<html" in dom, f"{page.name}: no DOM (exit {done.returncode}): {done.stderr[-1500:]}"
        title = re.search(r"<title>(.*?)</title>", dom, re.S)
        assert title is None or "PWNED" not in title.group(1), f"{page.name}: a payload ran"
        assert not re.search(r"<(img|svg)[^>]*\son(error|load)=", dom, re.I), page.name
        assert not re.search(r"<script>document\.title", dom), page.name
