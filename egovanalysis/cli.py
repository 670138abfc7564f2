"""Command-line interface: ``egovanalysis build | parse | extract | refresh``.

Exit codes: 0 success; 1 bad input data, a failed run or an unusable destination (the message says where
and how to fix it); 2 bad command-line usage (argparse, an unknown notebook, a bad parameter); 130
interrupted (Ctrl-C). No traceback reaches the user: :func:`main` turns every
:class:`~egovanalysis.errors.EgovError` and ``OSError`` into a message.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from egovanalysis import config

if TYPE_CHECKING:
    import pandas as pd


def _cmd_build(args: argparse.Namespace) -> int:
    import pandera.errors

    from egovanalysis.errors import EgovError
    from egovanalysis.ingest.build import build

    try:
        build(Path(args.raw_dir), Path(args.processed_dir))
    except (EgovError, pandera.errors.SchemaErrors, pandera.errors.SchemaError) as error:
        sys.stdout.flush()  # keep the progress lines above the error
        print(f"build failed: {error}", file=sys.stderr)
        print(f"Nothing was written; {args.processed_dir} is as it was.", file=sys.stderr)
        return 1
    return 0


def _show(value: object) -> str:
    """A number as people write it: grouped digits, no float noise, no exponent."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value.is_integer():
            return f"{int(value):,}"
        return f"{value:,.6f}".rstrip("0")
    return str(value)


def _cmd_parse(args: argparse.Namespace) -> int:
    from egovanalysis.ingest.figures.parser import FigureParseError, parse_figure

    try:
        figure = parse_figure(args.text, lang=args.lang)
    except FigureParseError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    fields = {
        "text": figure.text,
        "value": figure.value,
        "unit": figure.unit if args.json else (figure.unit or "(none: a count)"),
        "qualifier": figure.qualifier,
        "lower": figure.lower,
        "upper": figure.upper,
        "out_of": figure.out_of,
    }
    if args.json:
        print(json.dumps(fields, ensure_ascii=False))
    else:
        for name, value in fields.items():
            print(f"{name:<9} {_show(value)}")
    return 0


def _cmd_extract(args: argparse.Namespace) -> int:
    """``egovanalysis extract FILE``: print every figure of a report in its sentence; with ``--out``, write
    draft rows of reported_figures.csv for review. Exit 1 on bad input (unreadable file, unknown source,
    an --out that exists), 2 on bad usage, and never write half a file."""
    from egovanalysis.errors import EgovError
    from egovanalysis.ingest.atomic import write_text_atomic
    from egovanalysis.ingest.figures import drafts
    from egovanalysis.ingest.figures.extract import extract_figures

    raw_dir = Path(args.raw_dir)
    if args.out and not args.source_id:
        print("error: --out needs --source-id (draft figure ids are <source_id>-NN)", file=sys.stderr)
        return 2
    out = Path(args.out) if args.out else None
    if out is not None and out.exists() and not args.force:
        print(f"error: {out} exists; not overwriting it (use --force to replace it)", file=sys.stderr)
        return 1
    try:
        text = Path(args.file).read_text(encoding="utf-8")
        source = drafts.find_source(raw_dir / "sources.csv", args.source_id) if args.source_id else None
        lang = args.lang or (source.language if source else "en")
        figures = extract_figures(text, lang, published=source.published if source else None)
        rows = None
        if source is not None:
            existing = drafts.existing_figure_ids(raw_dir / "reported_figures.csv")
            rows = drafts.draft_rows(
                figures, source.source_id, drafts.next_number(source.source_id, existing)
            )
        if out is not None and rows is not None:  # written before printing: a closed pipe loses nothing
            write_text_atomic(out, drafts.to_csv_text(rows))
        _print_extracted(args.file, lang, figures, rows)
        if out is not None and rows is not None:
            print(f"\nwrote {len(rows)} draft row(s) to {out}: review, then add them to reported_figures.csv")
    except UnicodeDecodeError as error:
        print(f"error: {args.file} is not UTF-8 text ({error.reason}, byte {error.start})", file=sys.stderr)
        return 1
    except (OSError, EgovError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


def _print_extracted(file: str, lang: str, figures: pd.DataFrame, rows: pd.DataFrame | None) -> None:
    """Each figure in its sentence with the phrase marked, then what was read and guessed."""
    import pandas as pd

    from egovanalysis.ingest.figures.drafts import marked

    print(f"{len(figures)} figure(s) in {file} ({lang})")
    ids = list(rows["figure_id"]) if rows is not None else [f"#{k + 1}" for k in range(len(figures))]
    for fid, (_, fig) in zip(ids, figures.iterrows(), strict=True):
        out_of = f" of {fig['out_of']}" if pd.notna(fig["out_of"]) else ""
        qualifier = f" {fig['qualifier']}" if fig["qualifier"] else ""
        period = f" from {fig['period_start']}" if fig["period_start"] else ""
        indicator = fig["indicator"] or "(none: choose one)"
        print(f"\n{fid}: {marked(fig['context'], fig['phrase'])}")
        print(
            f"    {_show(fig['value'])} {fig['unit'] or 'count'}{out_of}{qualifier} | {fig['kind']} as of "
            f"{fig['as_of']}{period} | {fig['scope']} | indicator {indicator} ({fig['indicator_score']:.2f})"
        )


def _cmd_refresh(args: argparse.Namespace) -> int:
    from egovanalysis.errors import ParameterError
    from egovanalysis.reporting.params import parse_cli_value
    from egovanalysis.reporting.refresh import refresh_command

    if args.jobs is not None and args.jobs < 1:
        print("refresh: --jobs must be at least 1", file=sys.stderr)
        return 2
    try:
        cli_params = [(name, parse_cli_value(value, name)) for name, value in args.parameter or []]
    except ParameterError as error:
        print(f"refresh: invalid parameters, nothing was run:\n{error}", file=sys.stderr)
        return 2
    return refresh_command(
        Path(args.notebooks_dir),
        Path(args.out),
        only=args.only or [],
        params_file=Path(args.params) if args.params else None,
        cli_params=cli_params,
        each=args.each,
        jobs=args.jobs,
        scheduler=args.scheduler,
        build=args.build,
        timeout=args.timeout,
        progress=not args.no_progress,
        update_notebooks=not args.keep_notebooks,
    )


def make_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``egovanalysis`` command."""
    parser = argparse.ArgumentParser(
        prog="egovanalysis",
        description="Build and analyse a cited dataset of Vietnam's e-government figures.",
    )
    from egovanalysis import __version__

    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    build = commands.add_parser(
        "build",
        help="validate data/raw and write data/processed",
        description="Validate data/raw, parse every reported figure and write data/processed atomically. "
        "On any problem, print where it is and how to fix it, write nothing, and exit 1.",
    )
    build.add_argument(
        "--raw-dir", default=str(config.RAW_DIR), help="folder of raw inputs (default: %(default)s)"
    )
    build.add_argument(
        "--processed-dir", default=str(config.PROCESSED_DIR), help="output folder (default: %(default)s)"
    )
    build.set_defaults(func=_cmd_build)

    parse = commands.add_parser(
        "parse",
        help="parse one reported figure and print it",
        description="Parse a figure as reported (e.g. 'more than2,800', '26,7 tỷ đồng') "
        "and print its fields.",
    )
    parse.add_argument("text", help="the phrase to parse")
    parse.add_argument("--lang", choices=["en", "vi"], default="en", help="language of the phrase")
    parse.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parse.set_defaults(func=_cmd_parse)

    _add_extract_parser(commands)

    refresh = commands.add_parser(
        "refresh",
        help="rebuild the data and rerun every notebook into reports/",
        description="Validate every notebook's parameters, rebuild data/processed, run notebooks/*.ipynb "
        "in parallel with papermill and write reports/<UTC timestamp>/ (executed notebooks, HTML without "
        "code, figures/*.png, index.html). reports/latest is switched to the new run only when every run "
        "succeeded; on a failure the failing notebook is kept with its error and the exit code is 1.",
    )
    refresh.add_argument(
        "--jobs", type=int, default=None, metavar="N", help="notebooks run in parallel (default: CPU count)"
    )
    refresh.add_argument(
        "--only", action="append", metavar="NAME", help="run only this notebook (its stem); repeatable"
    )
    refresh.add_argument(
        "--params",
        metavar="FILE",
        help="YAML: notebook stem -> mapping of parameters, or a list of mappings (one run each)",
    )
    refresh.add_argument(
        "-p",
        "--parameter",
        nargs=2,
        action="append",
        metavar=("NAME", "VALUE"),
        help="set a parameter (VALUE read as YAML) in every selected notebook declaring it; repeatable",
    )
    refresh.add_argument(
        "--each",
        metavar="NAME=V1,V2,...",
        help="a sweep: run each selected notebook declaring NAME once per value; NAME=ALL takes every value "
        "in the data (country: every ISO3 code of the EGDI panel; province: every province id)",
    )
    refresh.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run on an existing dask.distributed cluster (e.g. tcp://127.0.0.1:8786) instead of the "
        "local pool",
    )
    refresh.add_argument(
        "--out",
        default=str(config.REPORTS_DIR),
        metavar="DIR",
        help="base folder of runs (default: %(default)s)",
    )
    refresh.add_argument(
        "--notebooks-dir",
        default=str(config.NOTEBOOKS_DIR),
        metavar="DIR",
        help="folder of the notebooks (default: %(default)s)",
    )
    refresh.add_argument(
        "--no-build", dest="build", action="store_false", help="skip rebuilding data/processed first"
    )
    refresh.add_argument(
        "--timeout",
        type=int,
        default=600,
        metavar="SECONDS",
        help="per-cell time limit (default: %(default)s)",
    )
    refresh.add_argument("--no-progress", action="store_true", help="no progress bar")
    refresh.add_argument(
        "--keep-notebooks",
        action="store_true",
        help="do not store the outputs of the default runs back into the notebooks (by default a fully "
        "successful refresh does, so the committed outputs match the code and data)",
    )
    refresh.set_defaults(func=_cmd_refresh)
    return parser


def _add_extract_parser(commands: argparse._SubParsersAction) -> None:
    extract = commands.add_parser(
        "extract",
        help="find every figure in a report's text and draft rows of reported_figures.csv",
        description="Read a report (a UTF-8 text file), print every figure found in its sentence with the "
        "phrase marked, and with --out write draft rows of data/raw/reported_figures.csv (new figure ids, "
        "the phrase verbatim, guessed indicator, as_of, scope and kind, and notes saying what was guessed) "
        "for you to review before adding them. Exit 1 on an unreadable file or an unknown source id.",
    )
    extract.add_argument("file", help="the report's text (UTF-8)")
    extract.add_argument(
        "--lang",
        choices=["en", "vi"],
        default=None,
        help="language of the text (default: the source's, or en)",
    )
    extract.add_argument(
        "--source-id", metavar="ID", help="the report's source_id in data/raw/sources.csv (needed for --out)"
    )
    extract.add_argument("--out", metavar="FILE", help="write the draft rows to this CSV file")
    extract.add_argument("--force", action="store_true", help="replace --out if it exists")
    extract.add_argument(
        "--raw-dir", default=str(config.RAW_DIR), help="folder of raw inputs (default: %(default)s)"
    )
    extract.set_defaults(func=_cmd_extract)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``egovanalysis`` console script: the command's exit code, never a traceback."""
    from egovanalysis.errors import EgovError, UsageError

    args = make_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        print(f"{args.command}: interrupted", file=sys.stderr)
        return 130
    except UsageError as error:
        print(f"{args.command}: {error}", file=sys.stderr)
        return 2
    except EgovError as error:
        print(f"{args.command}: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        where = f" ({error.filename})" if error.filename else ""
        print(f"{args.command}: {error.strerror or error}{where}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
