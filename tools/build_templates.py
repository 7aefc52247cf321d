"""Build the built-in KNN templates shipped in ``topodigit/data``.

Renders every digit from the fonts below (Debian packages fonts-dejavu-core,
fonts-dejavu-extra, fonts-liberation, fonts-freefont-ttf, fonts-ocr-a and
fonts-dseg: each family's regular, bold and italic, but FreeSerif's italic, which
the fixtures do not use) at the heights
and conditions of :data:`topodigit.train.FONT_HEIGHTS` / ``FONT_CONDITIONS``,
runs them through the reader's own segmentation and writes one model per
feature kind: ``templates-hog.npz`` and ``templates-raw.npz``.

Fonts NOT listed here (e.g. Nimbus Sans, Noto Serif) are the unseen fonts the
comparison in the README is measured on.

Usage::

    python tools/build_templates.py [--font-dir DIR] [--out topodigit/data]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from topodigit import knn
from topodigit.train import from_fonts

FONT_FILES = (
    "DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf",
    "DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf", "DejaVuSerif-Italic.ttf",
    "DejaVuSansMono.ttf", "DejaVuSansMono-Bold.ttf", "DejaVuSansMono-Oblique.ttf",
    "LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf", "LiberationSans-Italic.ttf",
    "LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf", "LiberationSerif-Italic.ttf",
    "LiberationMono-Regular.ttf", "LiberationMono-Bold.ttf", "LiberationMono-Italic.ttf",
    "FreeSans.ttf", "FreeSansBold.ttf", "FreeSansOblique.ttf", "FreeSerif.ttf",
    "FreeSerifBold.ttf", "FreeMono.ttf", "FreeMonoBold.ttf", "FreeMonoOblique.ttf",
    "OCRA.ttf", "OCRABold.ttf", "OCRAItalic.ttf",
    "DSEG7Classic-Regular.ttf", "DSEG7Classic-Bold.ttf", "DSEG7Classic-Italic.ttf",
)  # fmt: skip
DEFAULT_FONT_DIR = "/usr/share/fonts"
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "topodigit" / "data"


def find_fonts(root: str) -> list[Path]:
    """Paths of :data:`FONT_FILES` under ``root``; exits if one is missing."""
    found = {p.name: p for p in Path(root).rglob("*") if p.name in FONT_FILES}
    missing = [f for f in FONT_FILES if f not in found]
    if missing:
        sys.exit(f"build_templates: fonts missing under {root}: {', '.join(missing)}")
    return [found[f] for f in FONT_FILES]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--font-dir", default=os.environ.get("TOPODIGIT_FONT_DIR",
                                                             DEFAULT_FONT_DIR))
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    fonts = find_fonts(args.font_dir)
    args.out.mkdir(parents=True, exist_ok=True)
    for kind in knn.FEATURES:
        model, skipped = from_fonts(fonts, features=kind)
        for line in skipped:
            print(f"skipped {line}", file=sys.stderr)
        path = args.out / f"templates-{kind}.npz"
        model.save(path)
        print(f"{path}: {len(model.labels)} templates, {model.vectors.shape[1]} features, "
              f"gate {model.gate:.3f}, {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
