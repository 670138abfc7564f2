"""Benchmark ``extract_figures`` on the five reports of ``../shared/sources/`` against the project's own rows.

Usage: ``python benchmarks/bench_extract.py [--repeat 20] [--raw-dir data/raw] [--verbose]``

Truth: the rows of ``data/raw/reported_figures.csv`` whose source's ``notes`` in ``sources.csv`` name the
report's file (``File shared/sources/000_....txt``). Each row's ``reported`` phrase is verbatim text of the
report; its value is what ``parse_figure`` reads from it.

- **recall**: share of the truth rows found, i.e. an extracted figure overlaps an occurrence of the phrase
  in the text and has the same value and unit (each occurrence and each extracted figure used once);
- **precision**: share of the extracted figures that match a truth row;
- **agreement** (information, not a goal): among matched figures, how often ``kind``, ``as_of``,
  ``scope`` and ``indicator`` equal the truth row's;
- **time**: median time of ``extract_figures`` per article over ``--repeat`` runs, and per 1,000
  characters; plus the longest time on adversarial texts of 100,000 characters.

Prints the figures per language (the five reports are all in English, so Vietnamese has no row here),
every miss and every extra figure. The indicator registry was written from these same reports, so the
indicator agreement here is optimistic.
"""

from __future__ import annotations

import argparse
import math
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pandas as pd  # noqa: E402

from egovanalysis import config  # noqa: E402
from egovanalysis.errors import FigureParseError  # noqa: E402
from egovanalysis.ingest.extract import extract_figures  # noqa: E402
from egovanalysis.ingest.figure_parser import parse_figure  # noqa: E402

_FILE_RE = re.compile(r"shared/sources/(\d{3}_[0-9a-f]+\.txt)")


def reports(raw_dir: Path, sources_dir: Path) -> list[tuple[str, str, str, str, pd.DataFrame]]:
    """``(file, source_id, language, published, truth rows)`` for every report named in sources.csv."""
    sources = pd.read_csv(raw_dir / "sources.csv", dtype=str, keep_default_na=False)
    figures = pd.read_csv(raw_dir / "reported_figures.csv", dtype=str, keep_default_na=False)
    out = []
    for _, src in sources.iterrows():
        m = _FILE_RE.search(src["notes"])
        if m is None or not (sources_dir / m.group(1)).exists():
            continue
        rows = figures[figures["source_id"] == src["source_id"]]
        out.append((m.group(1), src["source_id"], src["language"], src["published"], rows))
    return sorted(out)


def _spans(text: str, phrase: str) -> list[tuple[int, int]]:
    spans, pos = [], text.find(phrase)
    while pos >= 0:
        spans.append((pos, pos + len(phrase)))
        pos = text.find(phrase, pos + 1)
    return spans


def match(text: str, truth: pd.DataFrame, found: pd.DataFrame, lang: str) -> tuple[list, list, list]:
    """Pair truth rows with extracted figures: ``(pairs, missed truth rows, extra extracted rows)``."""
    used_found: set[int] = set()
    used_spans: set[tuple[int, int]] = set()
    pairs, missed = [], []
    for _, row in truth.iterrows():
        try:
            truth_figure = parse_figure(row["reported"], lang)
            value, unit = truth_figure.value, truth_figure.unit
        except FigureParseError:
            value, unit = math.nan, None
        hit = None
        for span in _spans(text, row["reported"]):
            if span in used_spans:
                continue
            for i, fig in found.iterrows():
                if i in used_found or fig["end"] <= span[0] or fig["start"] >= span[1]:
                    continue
                if math.isclose(fig["value"], value, rel_tol=1e-9) and (fig["unit"] or None) == unit:
                    hit = (i, span)
                    break
            if hit:
                break
        if hit is None:
            missed.append(row)
            continue
        used_found.add(hit[0])
        used_spans.add(hit[1])
        pairs.append((row, found.loc[hit[0]]))
    extra = [found.loc[i] for i in found.index if i not in used_found]
    return pairs, missed, extra


def adversarial(n: int) -> dict[str, str]:
    """Hostile texts of ``n`` characters for the extractor (and through it the parser)."""
    return {
        "spaces then a number": " " * (n - 3) + "x 5",
        "'more than ' repeated": ("more than " * (n // 10))[: n - 1] + "5",
        "numbers and spaces": "1 " * (n // 2),
        "'5.' lines": "5.\n" * (n // 3),
        "one long number": "1" * n,
        "'năm ' repeated (vi)": "năm " * (n // 4),
        "'hai ' repeated (vi)": "hai " * (n // 4),
        "'ngày 5 ' repeated (vi)": "ngày 5 " * (n // 7),
        "a realistic sentence repeated": (
            "More than 468,000 accounts were opened, up 10.5% on 2020. " * (n // 58)
        ),
        "tabs and no-break spaces": "\t\u00a0" * (n // 2) + "5",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--raw-dir", default=str(config.RAW_DIR))
    parser.add_argument("--sources-dir", default=str(config.SHARED_DIR / "sources"))
    parser.add_argument("--verbose", action="store_true", help="also list every matched figure")
    parser.add_argument("--adversarial-size", type=int, default=100_000, help="0 skips the hostile texts")
    args = parser.parse_args(argv)
    items = reports(Path(args.raw_dir), Path(args.sources_dir))
    if not items:
        print(f"no reports found in {args.sources_dir}")
        return 1
    totals: dict[str, list[int]] = {}
    agreement = {"kind": 0, "as_of": 0, "scope": 0, "indicator": 0}
    n_pairs = 0
    times, sizes = [], []
    print("## extract_figures on the five reports\n")
    for name, source_id, lang, published, truth in items:
        text = (Path(args.sources_dir) / name).read_text(encoding="utf-8")
        found = extract_figures(text, lang, published=published)
        runs = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            extract_figures(text, lang, published=published)
            runs.append(time.perf_counter() - t0)
        times.append(statistics.median(runs))
        sizes.append(len(text))
        pairs, missed, extra = match(text, truth, found, lang)
        t = totals.setdefault(lang, [0, 0, 0, 0])
        t[0] += len(pairs)
        t[1] += len(truth)
        t[2] += len(found) - len(extra)
        t[3] += len(found)
        for row, fig in pairs:
            n_pairs += 1
            for field in agreement:
                agreement[field] += str(fig[field]) == str(row[field])
        print(
            f"- {name} ({source_id}, {lang}, {len(text):,} characters): {len(pairs)}/{len(truth)} found, "
            f"{len(found) - len(extra)}/{len(found)} extracted are real; {times[-1] * 1000:.1f} ms"
        )
        for row in missed:
            print(f"    missed: {row['reported']!r} ({row['indicator']})")
        for fig in extra:
            print(
                f"    extra:  {fig['phrase']!r} = {fig['value']:g} {fig['unit'] or ''}"
                f" in: {fig['context'][:90]!r}"
            )
        if args.verbose:
            for row, fig in pairs:
                print(
                    f"    ok:     {fig['phrase']!r} kind={fig['kind']}/{row['kind']}"
                    f" as_of={fig['as_of']}/{row['as_of']}"
                    f" scope={fig['scope']}/{row['scope']} indicator={fig['indicator']}/{row['indicator']}"
                )
    print("\n| language | reports | recall | precision |")
    print("|---|---:|---:|---:|")
    for lang in ("en", "vi"):
        if lang not in totals:
            print(f"| {lang} | 0 | (no report in this language) | |")
            continue
        found_right, n_truth, real, n_found = totals[lang]
        n_reports = sum(1 for item in items if item[2] == lang)
        print(
            f"| {lang} | {n_reports} | {found_right}/{n_truth} = {found_right / n_truth:.1%} "
            f"| {real}/{n_found} = {real / n_found:.1%} |"
        )
    if n_pairs:
        print(
            "\nAgreement with the truth rows among matched figures (information; the registry was written "
            "from "
            "these reports): " + ", ".join(f"{k} {v / n_pairs:.0%}" for k, v in agreement.items())
        )
    per_k = [t / (size / 1000) for t, size in zip(times, sizes, strict=True)]
    print(
        f"\nTime per article: median {statistics.median(times) * 1000:.1f} ms, longest "
        f"{max(times) * 1000:.1f} ms ({statistics.median(per_k) * 1000:.2f} ms per 1,000 characters; "
        "goal: a 4,000-character article under 20 ms)"
    )
    if not args.adversarial_size:
        return 0
    worst = ("", 0.0)
    for label, text in adversarial(args.adversarial_size).items():
        t0 = time.perf_counter()
        extract_figures(text, "vi" if "(vi)" in label else "en")
        elapsed = time.perf_counter() - t0
        worst = max(worst, (label, elapsed), key=lambda item: item[1])
    print(
        f"Slowest adversarial text of {args.adversarial_size:,} characters: {worst[1] * 1000:.0f} ms "
        f"({worst[0]})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
