"""``topodigit train``: make a KNN model without labelling by hand.

Three sources, one per invocation::

    topodigit train SHEET.png --text "0123456789" -o model.npz
    topodigit train --font FILE.ttf [--font FILE2.otf ...] -o model.npz
    topodigit train --grid digits.png --cell 20x20 --labels 0123456789 -o model.npz \\
        [--holdout 0.5]

With ``--holdout F`` a grid model is built from the first ``1 - F`` of each
row's cells and tested on the rest; the held-out accuracy is printed.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

import numpy as np

from topodigit import knn, train
from topodigit.cli import EXIT_OK
from topodigit.errors import BadArgumentError


def add_parser(verbs: Any) -> None:
    """Add the ``train`` verb to the ``verbs`` subparsers."""
    verb = verbs.add_parser(
        "train", help="make a KNN model from known text, fonts or a grid sheet",
        description="Make a KNN model file (.npz) without labelling by hand: from an image "
                    "whose text is known (labels in reading order), from font files "
                    "(every digit rendered), or from a grid sheet of equal cells "
                    "(like OpenCV's digits.png). Use it with 'read --model'.")
    verb.add_argument("sheet", nargs="?", metavar="SHEET", help="image whose text is known")
    verb.add_argument("--text", help="the sheet's text in reading order (spaces ignored)")
    verb.add_argument("--font", action="append", metavar="FILE",
                      help="render digits from this font file (repeatable)")
    verb.add_argument("--grid", metavar="IMG", help="grid sheet of equal cells")
    verb.add_argument("--cell", metavar="WxH", help="grid cell size in pixels, e.g. 20x20")
    verb.add_argument("--labels", help="grid labels: one per cell, or one per block of rows")
    verb.add_argument("--holdout", type=float, default=0.0, metavar="F",
                      help="grid only: test on the last F of each row's cells (0 < F < 1)")
    verb.add_argument("--features", choices=knn.FEATURES, default="hog",
                      help="HOG (default) or classic 10x10 pixels")
    verb.add_argument("-o", "--out", required=True, metavar="MODEL.npz",
                      help="model file to write")
    verb.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Build, report and save the model; returns the exit code."""
    sources = [args.sheet is not None, bool(args.font), args.grid is not None]
    if sum(sources) != 1:
        raise BadArgumentError("give exactly one of SHEET (with --text), --font or --grid")
    if args.sheet is not None:
        if args.text is None:
            raise BadArgumentError("SHEET needs --text with its characters in reading order")
        model = train.from_text(args.sheet, args.text, features=args.features,
                                source=os.path.basename(args.sheet))
    elif args.font:
        for f in args.font:
            if not os.path.isfile(f):
                raise BadArgumentError(f"{f}: no such font file")
        model, skipped = train.from_fonts(args.font, features=args.features)
        for line in skipped:
            print(f"topodigit: skipped {line}", file=sys.stderr)
    else:
        model = _grid(args)
    model.save(args.out)
    print(f"{args.out}: {len(model.labels)} templates of {len(set(model.labels))} labels "
          f"({model.features}), gate {model.gate:.3f}")
    return EXIT_OK


def _grid(args: argparse.Namespace) -> knn.Model:
    if args.cell is None or args.labels is None:
        raise BadArgumentError("--grid needs --cell WxH and --labels")
    if not 0.0 <= args.holdout < 1.0:
        raise BadArgumentError(f"--holdout must be in [0, 1), got {args.holdout}")
    masks, labels, columns = train.grid_cells(args.grid, train.parse_cell(args.cell),
                                              args.labels)
    cut = round((max(columns) + 1) * (1.0 - args.holdout))
    fit = [i for i, c in enumerate(columns) if c < cut]
    test = [i for i, c in enumerate(columns) if c >= cut]
    if not fit:
        raise BadArgumentError("--holdout leaves no cell to train on")
    source = os.path.basename(args.grid)
    model = knn.Model.fit([masks[i] for i in fit], [labels[i] for i in fit],
                          features=args.features, sources=[source] * len(fit))
    if args.holdout and test:
        read = np.array([model.classify(masks[i]).char for i in test])
        truth = np.array([labels[i] for i in test])
        right = int((read == truth).sum())
        unread = int((read == "?").sum())
        print(f"held-out accuracy: {100 * right / len(test):.2f}% ({right}/{len(test)} "
              f"cells; {unread} unreadable) after training on {len(fit)}")
    return model


__all__ = ["add_parser", "run"]
