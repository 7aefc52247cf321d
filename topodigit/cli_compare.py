"""The ``compare`` verb: rules vs KNN vs hybrid on a labelled dataset.

``topodigit compare DATASET [--out DIR] [--classifiers rules,knn-raw,knn-hog,hybrid]
[--model MODEL.npz] [--limit N] [--progress]`` reads every image of DATASET (see
:mod:`topodigit.dataset`) with each classifier, prints the summary table and writes
``DIR/report.md`` with PNG charts.

``topodigit compare --generate DIR --font FILE.ttf [--font ...] --sizes 18,24,32
--conditions clean,blur --count N --seed S`` renders such a dataset instead.

A progress bar goes to stderr when it is a terminal (or with ``--progress``).
Exit codes: 0 done, 2 bad input (missing folder, no labelled images, missing fonts).

Examples
--------
>>> import tempfile
>>> from topodigit.cli import main
>>> main(["compare", tempfile.mkdtemp()])  # an empty folder: one line on stderr
2
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from topodigit import dataset, report
from topodigit.cli import EXIT_OK, Progress
from topodigit.compare import CLASSIFIERS, compare
from topodigit.conditions import CONDITIONS
from topodigit.errors import BadArgumentError, TopodigitError
from topodigit.io import save_image
from topodigit.pipeline import FONT_CHOICES, ReaderConfig

DEFAULT_OUT = "compare-report"


def add_parser(verbs: Any) -> argparse.ArgumentParser:
    """Add ``compare`` to the sub-parsers ``verbs`` of the main parser."""
    p: argparse.ArgumentParser = verbs.add_parser(
        "compare", help="compare rules, KNN and hybrid on labelled images",
        description="Read every image of DATASET (a folder of images with NAME.txt ground "
                    "truth, or with a manifest.json) with each classifier, print a summary "
                    "table and write DIR/report.md with charts. With --generate, render such "
                    "a dataset from font files instead.")
    p.add_argument("dataset", nargs="?", metavar="DATASET", help="folder of labelled images")
    p.add_argument("--out", metavar="DIR", default=DEFAULT_OUT,
                   help=f"folder for report.md and the charts (default: {DEFAULT_OUT})")
    p.add_argument("--classifiers", type=_names, default=list(CLASSIFIERS),
                   metavar=",".join(CLASSIFIERS),
                   help="classifiers to compare, comma-separated (default: all)")
    p.add_argument("--model", metavar="MODEL.npz",
                   help="templates made by 'topodigit train' for the KNN and hybrid classifiers "
                        "(a model has its own features: knn-raw and knn-hog then agree)")
    p.add_argument("--limit", type=_positive, metavar="N",
                   help="use N images spread evenly over the dataset")
    p.add_argument("--ink", choices=("dark", "light", "auto"), default="auto",
                   help="ink darker or lighter than the paper (default: auto)")
    p.add_argument("--font-kind", dest="font_kind", choices=FONT_CHOICES, default="auto",
                   help="force 'print' or 'seven-segment' reading (default: auto)")
    p.add_argument("--progress", action="store_true",
                   help="show the progress bar even when stderr is not a terminal")
    gen = p.add_argument_group("generating a dataset")
    gen.add_argument("--generate", metavar="DIR", help="render a dataset into DIR and stop")
    gen.add_argument("--font", action="append", default=[], metavar="FILE.ttf",
                     help="font file (repeatable)")
    gen.add_argument("--sizes", type=_ints, default=[18, 24, 32], metavar="18,24,32",
                     help="digit heights in pixels (default: 18,24,32)")
    gen.add_argument("--conditions", type=_words, default=["clean"], metavar="clean,blur",
                     help=f"degradations, among {','.join(CONDITIONS)} (default: clean)")
    gen.add_argument("--count", type=_positive, default=5, metavar="N",
                     help="images per font, size and condition (default: 5)")
    gen.add_argument("--seed", type=int, default=0, metavar="S", help="random seed (default: 0)")
    p.set_defaults(run=run)
    return p


def run(args: argparse.Namespace) -> int:
    """Generate a dataset, or compare the classifiers on one."""
    if args.generate:
        if args.dataset:
            raise BadArgumentError("give either DATASET or --generate DIR, not both")
        samples = dataset.generate(args.generate, args.font, sizes=args.sizes,
                                   conditions=args.conditions, count=args.count,
                                   seed=args.seed)
        print(f"wrote {len(samples)} images with ground truth to {args.generate}")
        return EXIT_OK
    if not args.dataset:
        raise BadArgumentError("give a DATASET folder (or --generate DIR to make one)")
    samples = dataset.load(args.dataset)
    if args.limit and args.limit < len(samples):
        step = len(samples) / args.limit
        samples = [samples[int(i * step)] for i in range(args.limit)]
    bar = Progress(len(samples), enabled=args.progress or sys.stderr.isatty())
    result = compare(samples, args.classifiers, model=args.model,
                     base=ReaderConfig(ink=args.ink, font=args.font_kind),
                     progress=lambda done, total, name: bar.advance())
    bar.clear()
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
        charts = report.figures(result)
        for name, image in charts.items():
            save_image(out / name, image)
        text = report.markdown(result, dataset=args.dataset, figure_names=list(charts))
        (out / "report.md").write_text(text, encoding="utf-8")
    except OSError as exc:
        raise TopodigitError(f"{out}: cannot write the report: {exc.strerror or exc}") from exc
    print(report.summary_table(result))
    for _, error in result.unloadable:
        print(f"warning: skipped: {error}", file=sys.stderr)
    if result.mismatched:
        print(f"warning: glyph boxes differed between classifiers in {len(result.mismatched)} "
              "image(s); see report.md", file=sys.stderr)
    print(f"report: {out / 'report.md'}", file=sys.stderr)
    return EXIT_OK


def _names(text: str) -> list[str]:
    names = _words(text)
    unknown = [n for n in names if n not in CLASSIFIERS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"must be among {','.join(CLASSIFIERS)}, got {text!r}")
    return list(dict.fromkeys(names))


def _words(text: str) -> list[str]:
    return [w.strip() for w in text.split(",") if w.strip()]


def _ints(text: str) -> list[int]:
    try:
        return [int(w) for w in _words(text)]
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be integers like 18,24,32, got {text!r}"
                                         ) from None


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text!r}")
    return value


__all__ = ["add_parser", "run"]
