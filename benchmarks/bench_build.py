"""Benchmark ``egovanalysis build``: wall time, CPU time and peak memory, with 100,000 more rows.

Usage::

    .venv/bin/python benchmarks/bench_build.py [--rows 100000] [--repeat 3]

Each build runs as its own process (``python -m egovanalysis.cli build --raw-dir COPY --processed-dir TMP``),
so the time includes starting Python and importing pandas and pandera, as a user's command does. Beside the
wall time it prints the CPU time (user + system: on a shared machine the wall time also counts waiting for
a core) and the peak memory, the child's maximum resident set size (``resource.getrusage(RUSAGE_CHILDREN)``),
each read in a fresh measuring process so that runs do not mask each other.

The extra rows are valid reported figures, generated deterministically (seed 0) into a copy of ``data/raw``:
each copies a random committed figure under a new ``figure_id`` and, for counts and money, moves the last
digit of its phrase, so that most phrases are distinct (the parser sees about as many distinct phrases as
rows, the worst case for its per-phrase cache). Shares, ranks and indices keep their phrase, so every row
stays valid. Prints a markdown table (the median of ``--repeat`` runs).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from egovanalysis import config

SEED = 0
#: Measures whose phrases may have their last digit moved without making the figure invalid.
_FREE_MEASURES = {"cumulative", "count", "flow"}
_LAST_DIGIT = re.compile(r"(\d)(?!.*\d)")

_MEASURE = """
import json, resource, subprocess, sys, time
started = time.perf_counter()
run = subprocess.run(sys.argv[1:], capture_output=True, text=True)
seconds = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime,
                  "peak_mb": usage.ru_maxrss / 1024, "code": run.returncode,
                  "tail": (run.stdout + run.stderr)[-2000:]}))
"""


def _read(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def add_rows(raw: Path, count: int, seed: int = SEED) -> None:
    """Append ``count`` valid reported figures to ``raw/reported_figures.csv`` (see the module docstring)."""
    figures = raw / "reported_figures.csv"
    rows = _read(figures)
    header, body = rows[0], rows[1:]
    measures = {row[0]: row[3] for row in _read(raw / "indicators.csv")[1:]}
    at = {name: header.index(name) for name in ("figure_id", "source_id", "indicator", "reported")}
    generator = random.Random(seed)
    extra = []
    for number in range(count):
        row = list(generator.choice(body))
        row[at["figure_id"]] = f"{row[at['source_id']]}-bench{number:06d}"
        if measures[row[at["indicator"]]] in _FREE_MEASURES:
            digit = str(generator.randrange(1, 10))
            row[at["reported"]] = _LAST_DIGIT.sub(digit, row[at["reported"]], count=1)
        extra.append(row)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(extra)
    with figures.open("a", encoding="utf-8", newline="") as handle:
        handle.write(out.getvalue())


def measure_build(raw: Path) -> dict[str, float]:
    """Run one build of ``raw`` in a child process; its wall time and peak memory."""
    with tempfile.TemporaryDirectory(prefix="bench-build-out-") as out:
        command = [sys.executable, "-m", "egovanalysis.cli", "build", "--raw-dir", str(raw),
                   "--processed-dir", out]
        result = subprocess.run([sys.executable, "-c", _MEASURE, *command], capture_output=True, text=True,
                                check=True, cwd=config.PROJECT_ROOT)
    measured = json.loads(result.stdout)
    if measured["code"] != 0:
        raise SystemExit(f"the build failed:\n{measured['tail']}")
    return measured


def main() -> None:
    """Measure the build on the committed data and with ``--rows`` more; print a markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="extra reported figures (default 100,000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per case; the median is shown")
    args = parser.parse_args()

    print("| data | reported figures | build time (s) | CPU time (s) | peak memory (MB) |")
    print("|---|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory(prefix="bench-build-raw-") as tmp:
        raw = Path(tmp) / "raw"
        shutil.copytree(config.RAW_DIR, raw)
        base = len(_read(raw / "reported_figures.csv")) - 1
        for label, extra in (("committed data/raw", 0), (f"+ {args.rows:,} generated rows (seed {SEED})",
                                                         args.rows)):
            if extra:
                add_rows(raw, extra)
            runs = [measure_build(raw) for _ in range(args.repeat)]
            seconds = statistics.median(run["seconds"] for run in runs)
            cpu = statistics.median(run["cpu"] for run in runs)
            peak = statistics.median(run["peak_mb"] for run in runs)
            print(f"| {label} | {base + extra:,} | {seconds:.1f} | {cpu:.1f} | {peak:.0f} |")


if __name__ == "__main__":
    main()
