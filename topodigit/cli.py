"""Command line: the only module that prints and picks exit codes.

``topodigit read IMG|DIR|GLOB... [--workers N] [--progress] [--json] [--annotate OUT.png]
[--ink dark|light|auto] [--roi X0,Y0,X1,Y1] [--font auto|print|seven-segment]``

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
import glob
import importlib
import json
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Iterator
from concurrent.futures import BrokenExecutor, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any, NoReturn

from topodigit import __version__
from topodigit.errors import BadArgumentError, TopodigitError
from topodigit.fallback import CLASSIFIERS
from topodigit.io import load_image, save_image
from topodigit.knn import FEATURES
from topodigit.pipeline import FONT_CHOICES, ReaderConfig, read
from topodigit.render import annotate
from topodigit.results import Reading

EXIT_OK = 0
EXIT_UNREADABLE = 1
EXIT_BAD_INPUT = 2
#: Modules (``topodigit.<name>``) that each add one verb with ``add_parser(verbs)``;
#: the parser they add sets ``run=`` to a function ``(args) -> exit code``.
_VERB_MODULES: tuple[str, ...] = ("cli_explain", "cli_compare", "cli_train")


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
    """Console-script entry point: also a quiet Ctrl-C and a quiet closed pipe."""
    try:
        code = main()
        sys.stdout.flush()
    except KeyboardInterrupt:
        print("topodigit: interrupted", file=sys.stderr)
        code = 130
    except BrokenPipeError:  # stdout's reader stopped early (``| head``): not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 141
    sys.exit(code)


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
    read_verb.add_argument("images", nargs="+", metavar="IMG",
                           help="image files, directories (the image files directly inside, "
                                "sorted; not recursive) or quoted glob patterns")
    read_verb.add_argument("--workers", type=_workers, default=1, metavar="N",
                           help="read N files at once in worker processes (default: 1; "
                                "0: one per CPU); output stays in input order")
    read_verb.add_argument("--progress", action="store_true",
                           help="draw a progress bar on stderr even when it is not a terminal "
                                "(drawn on a terminal when reading several files)")
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
    add_classifier_options(read_verb)
    read_verb.set_defaults(run=_run_read)
    for name in _VERB_MODULES:  # further verbs live in their own modules: add_parser(verbs)
        importlib.import_module(f"topodigit.{name}").add_parser(verbs)
    return parser


#: File name suffixes (any case) taken from a directory.
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".jpe", ".bmp", ".dib", ".tif", ".tiff", ".webp",
                  ".gif", ".pbm", ".pgm", ".ppm", ".pnm", ".jp2", ".pcx")

#: What reading one file gave: a reading, or the one-line error naming the file.
Outcome = tuple[Reading | None, str | None]


@dataclass(frozen=True)
class _Job:
    """The options of one ``read`` run, sent to worker processes."""

    ink: str
    roi: tuple[int, ...] | None
    config: ReaderConfig
    annotate: str | None = None


def _run_read(args: argparse.Namespace) -> int:
    """Read each image; keep going after a bad one, report the worst exit code."""
    tasks = expand(args.images)
    if args.annotate and len(tasks) > 1:
        raise BadArgumentError(f"--annotate takes exactly one image, got {len(tasks)}")
    job = _Job(args.ink, args.roi, ReaderConfig(font=args.font, keep_topology=False,
                                                **classifier_options(args)), args.annotate)
    progress = Progress(len(tasks), enabled=len(tasks) > 1 and (
        args.progress or sys.stderr.isatty()))
    status, printed = EXIT_OK, False
    for path, (reading, error) in _in_order(tasks, job, args.workers, progress):
        progress.clear()
        if reading is None:
            status = max(status, fail(str(error)))
            if args.json:
                print(json.dumps({"path": path, "error": error}), flush=True)
        else:
            _print_reading(path, reading, as_json=args.json, header=len(tasks) > 1,
                           first=not printed)
            printed = True
            if reading.unreadable:
                status = max(status, EXIT_UNREADABLE)
        progress.draw()
    progress.clear()
    return status


def expand(specs: list[str]) -> list[tuple[str, str | None]]:
    """The files to read, in order, each with None or the error that stops it.

    A file stands for itself (read errors come later); a directory for the files
    directly inside it whose suffix is in :data:`IMAGE_SUFFIXES`, sorted; a glob
    pattern that is not an existing path for its matches, sorted, as a shell would
    give them (``**`` spans folders; a matched directory is expanded too).
    """
    tasks: list[tuple[str, str | None]] = []
    for spec in specs:
        if os.path.isdir(spec):
            with os.scandir(spec) as entries:
                found = sorted(e.path for e in entries if e.is_file()
                               and os.path.splitext(e.name)[1].lower() in IMAGE_SUFFIXES)
            tasks += [(f, None) for f in found] or [(spec, f"{spec}: no image files in "
                                                           "this directory")]
        elif not os.path.lexists(spec) and any(c in spec for c in "*?["):
            matches = sorted(glob.glob(spec, recursive=True))
            tasks += expand(matches) if matches else [(spec, f"{spec}: no file matches "
                                                             "this pattern")]
        else:
            tasks.append((spec, None))
    return tasks


def _in_order(tasks: list[tuple[str, str | None]], job: _Job, workers: int,
              progress: Progress) -> Iterator[tuple[str, Outcome]]:
    """Each task's path and outcome in input order, as soon as those before it are done."""
    done: dict[int, Outcome] = {i: (None, error) for i, (_, error) in enumerate(tasks) if error}
    progress.advance(len(done))
    todo = [(i, path) for i, (path, error) in enumerate(tasks) if error is None]
    following = 0
    for index, outcome in _outcomes(todo, job, workers):
        done[index] = outcome
        progress.advance()
        while following in done:
            yield tasks[following][0], done.pop(following)
            following += 1
    for index in range(following, len(tasks)):
        yield tasks[index][0], done.pop(index)


def _outcomes(todo: list[tuple[int, str]], job: _Job, workers: int
              ) -> Iterator[tuple[int, Outcome]]:
    """Read the files, in this process or a pool of worker processes; completion order."""
    if workers == 1 or len(todo) < 2:
        for index, path in todo:
            yield index, read_file(path, job)
        return
    context = multiprocessing.get_context("spawn")  # no fork of a threaded process
    for var in _THREAD_VARS:  # one BLAS/OpenMP thread per worker: they share the cores
        os.environ.setdefault(var, "1")  # (read when a spawned worker imports numpy)
    pool = ProcessPoolExecutor(min(workers, len(todo)), mp_context=context,
                               initializer=_init_worker)
    try:
        futures = {pool.submit(read_file, path, job): (index, path) for index, path in todo}
        for future in as_completed(futures):
            index, path = futures[future]
            try:
                yield index, future.result()
            except BrokenExecutor as exc:
                yield index, (None, f"{path}: the worker process reading it died ({exc})")
    finally:  # on Ctrl-C or a closed pipe: drop the queue, let running files finish
        pool.shutdown(wait=True, cancel_futures=True)


#: Thread-count variables of the BLAS and OpenMP libraries numpy and OpenCV may use.
_THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def _init_worker() -> None:
    """One OpenCV thread per worker process (they share the cores); Ctrl-C is the
    parent's to handle."""
    import cv2

    cv2.setNumThreads(1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def read_file(path: str, job: _Job) -> Outcome:
    """Read one file (and write its annotation); errors become one line naming the file."""
    try:
        image = load_image(path)
        reading = read(image, ink=job.ink, roi=job.roi, config=job.config)
        if job.annotate:
            save_image(job.annotate, annotate(image, reading))
        return reading, None
    except TopodigitError as exc:
        message = str(exc)
    except Exception as exc:  # a bug in one file must not stop a batch or print a traceback
        message = f"internal error, please report it: {type(exc).__name__}: {exc}"
    return None, message if message.startswith(path) else f"{path}: {message}"


class Progress:
    """A progress bar on one line of stderr: ``[#####-----] 12/40 files, 0:05 left``.

    Parameters
    ----------
    total : int
        Number of files.
    enabled : bool
        Draw at all; a disabled bar does nothing.
    unit : str
        What is counted, shown after the count.
    """

    WIDTH = 30

    def __init__(self, total: int, *, enabled: bool, unit: str = "files") -> None:
        self.total, self.enabled, self.unit, self.done = max(total, 1), enabled, unit, 0
        self.start, self._drawn = time.monotonic(), 0

    def advance(self, files: int = 1) -> None:
        """Count ``files`` more as done and redraw."""
        self.done += files
        self.draw()

    def draw(self) -> None:
        if not self.enabled:
            return
        filled = self.WIDTH * self.done // self.total
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        text = f"[{bar}] {self.done}/{self.total} {self.unit}"
        if 0 < self.done < self.total:
            left = (time.monotonic() - self.start) / self.done * (self.total - self.done)
            text += f", {int(left) // 60}:{int(left) % 60:02d} left"
        sys.stderr.write("\r" + text.ljust(self._drawn))
        sys.stderr.flush()
        self._drawn = len(text)

    def clear(self) -> None:
        """Blank the bar's line, so that other lines can be printed."""
        if self._drawn:
            sys.stderr.write("\r" + " " * self._drawn + "\r")
            sys.stderr.flush()
            self._drawn = 0


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


def add_classifier_options(verb: argparse.ArgumentParser) -> None:
    """``--classifier``, ``--features`` and ``--model``, shared by the verbs that read."""
    verb.add_argument("--classifier", choices=CLASSIFIERS, default="hybrid",
                      help="'hybrid': rules with KNN for ambiguous glyphs (default); "
                           "'rules' or 'knn' alone")
    verb.add_argument("--features", choices=FEATURES, default="hog",
                      help="features of the built-in templates: HOG (default) or classic "
                           "10x10 pixels")
    verb.add_argument("--model", metavar="MODEL.npz",
                      help="templates made by 'topodigit train' instead of the built-in ones")


def classifier_options(args: argparse.Namespace) -> dict[str, Any]:
    """ReaderConfig keywords from :func:`add_classifier_options`' arguments."""
    return {"classifier": args.classifier, "features": args.features, "model": args.model}


def _workers(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 0, got {text!r}")
    return value or os.cpu_count() or 1


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
    """Print ``message`` to stderr as one line; return the exit code for bad input."""
    one_line = " ".join(part.strip() for part in message.splitlines() if part.strip())
    print(f"topodigit: error: {one_line}", file=sys.stderr)
    return EXIT_BAD_INPUT


__all__ = ["main", "main_entry"]
