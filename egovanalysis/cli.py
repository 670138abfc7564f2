"""Command-line interface: ``egovanalysis build | parse | refresh``.

Exit codes: 0 success; 1 bad input data or a failed run (the message says where and how to fix it);
2 bad command-line usage (argparse).
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

    from egovanalysis.build import build
    from egovanalysis.errors import EgovError

    try:
        build(Path(args.raw_dir), Path(args.processed_dir))
    except (EgovError, pandera.errors.SchemaErrors, pandera.errors.SchemaError) as error:
        print(f"build failed: {error}", file=sys.stderr)
        print(f"Nothing was written; {args.processed_dir} is as it was.", file=sys.stderr)
        return 1
    return 0


def _cmd_parse(args: argparse.Namespace) -> int:
    from egovanalysis.figures import FigureParseError, parse_figure

    try:
        figure = parse_figure(args.text, lang=args.lang)
    except FigureParseError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    fields = {
        "text": figure.text,
        "value": figure.value,
        "unit": figure.unit,
        "qualifier": figure.qualifier,
        "lower": figure.lower,
        "upper": figure.upper,
        "out_of": figure.out_of,
    }
    if args.json:
        print(json.dumps(fields, ensure_ascii=False))
    else:
        for name, value in fields.items():
            shown = "" if value is None else (f"{value:,.10g}" if isinstance(value, float) else str(value))
            print(f"{name:<9} {shown}")
    return 0


def make_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``egovanalysis`` command."""
    parser = argparse.ArgumentParser(
        prog="egovanalysis",
        description="Build and analyse a cited dataset of Vietnam's e-government figures.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    build = commands.add_parser(
        "build",
        help="validate data/raw and write data/processed",
        description="Validate data/raw, parse every reported figure and write data/processed atomically. "
        "On any problem, print where it is and how to fix it, write nothing, and exit 1.",
    )
    build.add_argument("--raw-dir", default=str(config.RAW_DIR), help="folder of raw inputs (default: %(default)s)")
    build.add_argument(
        "--processed-dir", default=str(config.PROCESSED_DIR), help="output folder (default: %(default)s)"
    )
    build.set_defaults(func=_cmd_build)

    parse = commands.add_parser(
        "parse",
        help="parse one reported figure and print it",
        description="Parse a figure as reported (e.g. 'more than2,800', '26,7 tỷ đồng') and print its fields.",
    )
    parse.add_argument("text", help="the phrase to parse")
    parse.add_argument("--lang", choices=["en", "vi"], default="en", help="language of the phrase")
    parse.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parse.set_defaults(func=_cmd_parse)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``egovanalysis`` console script."""
    args = make_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
