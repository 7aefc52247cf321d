"""The ``explain`` verb: why each glyph of an image was read as it was.

``topodigit explain IMG [--out EXPLAIN.png] [--json] [--ink dark|light|auto]
[--font auto|print|seven-segment] [--classifier hybrid|rules|knn] [--features hog|raw]
[--model MODEL.npz]``

Without ``--json`` it prints one line per glyph (index, line, box, decision,
rule and the shape features); with ``--json`` one JSON object with the same
as data (:meth:`topodigit.explain.ImageExplanation.to_dict`). ``--out`` also
writes the explain image (:func:`topodigit.render.explain_image`). Exit codes
as for ``read``: 0 every glyph read, 1 some unreadable, 2 bad input.

Examples
--------
>>> from topodigit.cli import main
>>> main(["explain", "no-such-image.png"])  # doctest: +SKIP
topodigit: error: no-such-image.png: no such file
2
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from topodigit.cli import EXIT_OK, EXIT_UNREADABLE, add_classifier_options, classifier_options
from topodigit.explain import GlyphExplanation, explain
from topodigit.io import save_image
from topodigit.pipeline import FONT_CHOICES, ReaderConfig
from topodigit.render import explain_image


def add_parser(verbs: Any) -> argparse.ArgumentParser:
    """Add ``explain`` to the sub-parsers ``verbs`` of the main parser."""
    p: argparse.ArgumentParser = verbs.add_parser(
        "explain", help="show why each glyph was read as it was",
        description="Read one image and explain every glyph: its skeleton, endpoints, "
                    "junctions, holes, bays and the decision. Prints one line per glyph "
                    "(or JSON with --json); --out writes a picture of it.")
    p.add_argument("image", metavar="IMG", help="image file to explain")
    p.add_argument("--out", metavar="EXPLAIN.png",
                   help="write the explain image (one panel per glyph)")
    p.add_argument("--json", action="store_true", help="print the explanation as one JSON object")
    p.add_argument("--ink", choices=("dark", "light", "auto"), default="auto",
                   help="ink darker or lighter than the paper (default: auto)")
    p.add_argument("--font", choices=FONT_CHOICES, default="auto",
                   help="force 'print' or 'seven-segment' reading (default: auto)")
    add_classifier_options(p)
    p.set_defaults(run=run)
    return p


def run(args: argparse.Namespace) -> int:
    """Explain one image; print it, optionally draw it."""
    config = ReaderConfig(ink=args.ink, font=args.font, **classifier_options(args))
    explained = explain(args.image, config=config)
    if args.out:
        save_image(args.out, explain_image(explained))
    if args.json:
        print(json.dumps({"path": args.image, **explained.to_dict()}))
    else:
        for g in explained.glyphs:
            print(describe(g))
    return EXIT_UNREADABLE if explained.reading.unreadable else EXIT_OK


def describe(g: GlyphExplanation) -> str:
    """One line about one glyph: where, what, why and its shape features.

    Examples
    --------
    >>> from topodigit.results import Box, Glyph, Topology
    >>> import numpy as np
    >>> glyph = Glyph(Box(2, 3, 12, 9), "1", 0.9, "rule", "narrow", "rule narrow: no hole")
    >>> empty = np.zeros((40, 12), bool)
    >>> labels = np.zeros((40, 12), int)
    >>> line = describe(GlyphExplanation(0, 0, glyph, empty, empty, empty,
    ...                                  Topology(height=40, width=12), labels, labels))
    >>> for part in line.split(" | "):
    ...     print(part)
    #0 line 0 x=3 y=2 w=6 h=10: '1' 0.90 rule narrow (rule narrow: no hole)
    holes 0, ends 0, joins 0, bays none
    """
    glyph, t = g.glyph, g.topology
    b = glyph.box
    head = (f"#{g.index} line {g.line} x={b.left} y={b.top} w={b.width} h={b.height}: "
            f"{glyph.char!r} {glyph.confidence:.2f} {glyph.method} {glyph.rule} ({glyph.reason})")
    if t is None:
        return head
    holes = "".join(f" @{h.row:.2f}" for h in t.holes)
    bays = ", ".join(f"{b.side} {b.area:.2f}@{b.row:.2f}" for b in t.bays) or "none"
    return (f"{head} | holes {t.n_holes}{holes}, ends {len(t.endpoints)}, "
            f"joins {len(t.junctions)}, bays {bays}")


__all__ = ["add_parser", "describe", "run"]
