"""Command line: the only module that prints and picks exit codes.

``topodigit read IMG... [--json] [--annotate OUT.png] [--ink dark|light|auto]
[--roi X0,Y0,X1,Y1] [--font auto|print|seven-segment]``

stdout carries results only; errors go to stderr as one line each.
Exit codes: 0 every glyph read, 1 some glyph unreadable (``?``), 2 bad input.

Examples
--------
>>> main(["--version"])  # doctest: +ELLIPSIS
topodigit ...
0
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from typing import NoReturn

from topodigit import __version__
from topodigit.errors import BadArgumentError, TopodigitError
from topodigit.io import load_image, save_image
from topodigit.pipeline import FONT_CHOICES, ReaderConfig, read
from topodigit.render import annotate
from topodigit.results import Reading

EXIT_OK = 0
EXIT_UNREADABLE = 1
EXIT_BAD_INPUT = 2
#: Modules (``topodigit.<name>``) that each add one verb with ``add_parser(verbs)``;
#: the parser they add sets ``run=`` to a function ``(args) -> exit code``.
_VERB_MODULES: tuple[str, ...] = ()


class _UsageError(Exception):
    """Raised instead of argparse's print-usage-and-exit, so errors stay one line."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _UsageError(message)


def main(argv: list[str] | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); return the exit code."""
    try:
        args = _parser().parse_args(argv)
    except _UsageError as exc:
        return fail(f"{exc} (see 'topodigit --help')")
    except SystemExit as exc:  # --help and --version print, then exit 0
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    try:
        return int(args.run(args))
    except TopodigitError as exc:
        return fail(str(exc))


def main_entry() -> None:
    """Console-script entry point."""
    sys.exit(main())


def _parser() -> Parser:
    parser = Parser(prog="topodigit", description="Read printed digits by their shape.")
    parser.add_argument("--version", action="version", version=f"topodigit {__version__}")
    verbs = parser.add_subparsers(dest="verb", metavar="VERB", required=True)
    read_verb = verbs.add_parser(
        "read", help="read the digits in images",
        description="Print the digits read in each image, one text line per line of digits. "
                    "Exit 0 if every glyph was read, 1 if some are unreadable ('?'), "
                    "2 on bad input.",
    )
    read_verb.add_argument("images", nargs="+", metavar="IMG", help="image file(s) to read")
    read_verb.add_argument("--json", action="store_true",
                           help="print one JSON object per image per line")
    read_verb.add_argument("--annotate", metavar="OUT.png",
                           help="write the image with boxes and labels (one image only)")
    read_verb.add_argument("--ink", choices=("dark", "light", "auto"), default="auto",
                           help="ink darker or lighter than the paper (default: auto)")
    read_verb.add_argument("--font", choices=FONT_CHOICES, default="auto",
                           help="'seven-segment' or 'print' forces how digits are read "
                                "(default: auto-detected per line)")
    read_verb.add_argument("--roi", type=_roi, metavar="X0,Y0,X1,Y1",
                           help="read only this rectangle of each image (pixels; X1, Y1 "
                                "exclusive); boxes stay in whole-image coordinates")
    read_verb.set_defaults(run=_run_read)
    for name in _VERB_MODULES:  # further verbs live in their own modules: add_parser(verbs)
        importlib.import_module(f"topodigit.{name}").add_parser(verbs)
    return parser


def _run_read(args: argparse.Namespace) -> int:
    """Read each image; keep going after a bad one, report the worst exit code."""
    if args.annotate and len(args.images) > 1:
        raise BadArgumentError(f"--annotate takes exactly one image, got {len(args.images)}")
    status, printed = EXIT_OK, False
    for path in args.images:
        try:
            image = load_image(path)
            reading = read(image, ink=args.ink, roi=args.roi,
                           config=ReaderConfig(font=args.font))
            if args.annotate:
                save_image(args.annotate, annotate(image, reading))
        except TopodigitError as exc:
            status = max(status, fail(str(exc)))
            continue
        _print_reading(path, reading, as_json=args.json, header=len(args.images) > 1,
                       first=not printed)
        printed = True
        if reading.unreadable:
            status = max(status, EXIT_UNREADABLE)
    return status


def _print_reading(path: str, reading: Reading, *, as_json: bool, header: bool,
                   first: bool) -> None:
    if as_json:
        print(json.dumps({"path": path, **reading.to_dict()}))
        return
    if header:
        if not first:
            print()
        print(f"==> {path} <==")
    if reading.text:
        print(reading.text)


def _roi(text: str) -> tuple[int, ...]:
    parts = text.split(",")
    try:
        values = tuple(int(p) for p in parts)
    except ValueError:
        values = ()
    if len(values) != 4:
        raise argparse.ArgumentTypeError(f"must be four integers X0,Y0,X1,Y1, got {text!r}")
    return values


def fail(message: str) -> int:
    print(f"topodigit: error: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


__all__ = ["main", "main_entry"]
