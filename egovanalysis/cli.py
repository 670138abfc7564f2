"""Command-line interface: ``egovanalysis build | parse | refresh``.

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

from egovanalysis import config


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
    from egovanalysis.ingest.figure_parser import FigureParseError, parse_figure

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
