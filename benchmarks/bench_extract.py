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
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pandas as pd  # noqa: E402

from egovanalysis import config  # noqa: E402
from egovanalysis.errors import FigureParseError  # noqa: E402
from egovanalysis.ingest.figures.extract import extract_figures  # noqa: E402
from egovanalysis.ingest.figures.parser import parse_figure  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_parser import external_share, machine_load  # noqa: E402

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


@dataclass
class Tally:
    """Counts over the reports of one language, and over all matched pairs."""

    found_right: dict[str, int] = field(default_factory=dict)  # truth rows found, per language
    truth: dict[str, int] = field(default_factory=dict)
    real: dict[str, int] = field(default_factory=dict)  # extracted figures that match a truth row
    extracted: dict[str, int] = field(default_factory=dict)
    reports: dict[str, int] = field(default_factory=dict)
    agreement: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(("kind", "as_of", "scope", "indicator"), 0)
    )
    pairs: int = 0
    times: list[float] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)

    def add(self, lang: str, truth: pd.DataFrame, found: pd.DataFrame, pairs: list, extra: list) -> None:
        for counter, amount in ((self.found_right, len(pairs)), (self.truth, len(truth)),
                                (self.real, len(found) - len(extra)), (self.extracted, len(found)),
                                (self.reports, 1)):  # fmt: skip
            counter[lang] = counter.get(lang, 0) + amount
        for row, fig in pairs:
            self.pairs += 1
            for name in self.agreement:
                self.agreement[name] += str(fig[name]) == str(row[name])


def time_article(text: str, lang: str, published: str, repeat: int) -> float:
    """Median time of ``extract_figures`` on one article."""
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        extract_figures(text, lang, published=published)
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs)


def report_article(name: str, source_id: str, lang: str, text: str, result: tuple, elapsed: float,
                   verbose: bool) -> None:  # fmt: skip
    """One line per report, then every miss and extra figure (and, verbose, every match)."""
    truth_n, found_n, (pairs, missed, extra) = result
    print(f"- {name} ({source_id}, {lang}, {len(text):,} characters): {len(pairs)}/{truth_n} found, "
          f"{found_n - len(extra)}/{found_n} extracted are real; {elapsed * 1000:.1f} ms")  # fmt: skip
    for row in missed:
        print(f"    missed: {row['reported']!r} ({row['indicator']})")
    for fig in extra:
        unit, where = fig["unit"] or "", fig["context"][:90]
        print(f"    extra:  {fig['phrase']!r} = {fig['value']:g} {unit} in: {where!r}")
    for row, fig in pairs if verbose else ():
        pairs_text = " ".join(f"{k}={fig[k]}/{row[k]}" for k in ("kind", "as_of", "scope", "indicator"))
        print(f"    ok:     {fig['phrase']!r} {pairs_text}")


def print_summary(tally: Tally) -> None:
    """Recall and precision per language, agreement, time per article."""
    print("\n| language | reports | recall | precision |")
    print("|---|---:|---:|---:|")
    for lang in ("en", "vi"):
        if lang not in tally.truth:
            print(f"| {lang} | 0 | (no report in this language) | |")
            continue
        right, truth = tally.found_right[lang], tally.truth[lang]
        real, extracted = tally.real[lang], tally.extracted[lang]
        print(f"| {lang} | {tally.reports[lang]} | {right}/{truth} = {right / truth:.1%} "
              f"| {real}/{extracted} = {real / extracted:.1%} |")  # fmt: skip
    if tally.pairs:
        shares = ", ".join(f"{k} {v / tally.pairs:.0%}" for k, v in tally.agreement.items())
        print("\nAgreement with the truth rows among matched figures (information; the registry was written "
              f"from these reports): {shares}")  # fmt: skip
    per_k = [t / (size / 1000) for t, size in zip(tally.times, tally.sizes, strict=True)]
    print(f"\nTime per article: median {statistics.median(tally.times) * 1000:.1f} ms, longest "
          f"{max(tally.times) * 1000:.1f} ms ({statistics.median(per_k) * 1000:.2f} ms per 1,000 characters; "
          "goal: a 4,000-character article under 20 ms)")  # fmt: skip


def slowest_adversarial(size: int) -> tuple[str, float]:
    worst = ("", 0.0)
    for label, text in adversarial(size).items():
        t0 = time.perf_counter()
        extract_figures(text, "vi" if "(vi)" in label else "en")
        worst = max(worst, (label, time.perf_counter() - t0), key=lambda item: item[1])
    return worst


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
    tally = Tally()
    print("## extract_figures on the five reports\n")
    for name, source_id, lang, published, truth in items:
        text = (Path(args.sources_dir) / name).read_text(encoding="utf-8")
        found = extract_figures(text, lang, published=published)
        tally.times.append(time_article(text, lang, published, args.repeat))
        tally.sizes.append(len(text))
        pairs, missed, extra = match(text, truth, found, lang)
        tally.add(lang, truth, found, pairs, extra)
        report_article(name, source_id, lang, text, (len(truth), len(found), (pairs, missed, extra)),
                       tally.times[-1], args.verbose)  # fmt: skip
    print_summary(tally)
    print(f"({machine_load()})")
    ext = external_share()
    if ext is not None:
        print(f"Parser on external_figures.csv (value, unit and qualifier): {ext[0]}/{ext[1]} right "
              f"({ext[0] / ext[1]:.1%})")  # fmt: skip
    if args.adversarial_size:
        label, elapsed = slowest_adversarial(args.adversarial_size)
        size = args.adversarial_size
        print(f"Slowest adversarial text of {size:,} characters: {elapsed * 1000:.0f} ms ({label})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
