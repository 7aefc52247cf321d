"""Rules vs KNN vs hybrid on fonts the built-in templates were NOT made from.

Renders pages of random digits (two lines of ten) in each unseen font at each
height and condition, reads every page with the four classifiers (one shared
segmentation: pages where any classifier found a different number of glyphs are
counted and skipped), and prints per-classifier glyph accuracy plus the *harm*
of the hybrid: glyphs the rules read right that the hybrid reads wrong.

Fonts (Debian fonts-urw-base35 and fonts-noto-core; missing ones are skipped):
Nimbus Sans regular/bold/italic, Nimbus Roman, Nimbus Mono PS, C059, P052,
URW Gothic, URW Bookman, Noto Serif regular/bold, Noto Sans regular/italic,
Noto Sans Mono.

Usage::

    python benchmarks/unseen_fonts.py [--heights 14,18,24,32,48]
        [--conditions clean,blur,noise] [--seed 1] [--font-dir /usr/share/fonts]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import numpy as np

from topodigit import ReaderConfig, conditions, read, synth

UNSEEN = (
    "NimbusSans-Regular.otf", "NimbusSans-Bold.otf", "NimbusSans-Italic.otf",
    "NimbusRoman-Regular.otf", "NimbusMonoPS-Regular.otf", "C059-Roman.otf",
    "P052-Roman.otf", "URWGothic-Book.otf", "URWBookman-Light.otf",
    "NotoSerif-Regular.ttf", "NotoSerif-Bold.ttf", "NotoSans-Regular.ttf",
    "NotoSans-Italic.ttf", "NotoSansMono-Regular.ttf",
)  # fmt: skip
CLASSIFIERS = {"rules": ReaderConfig(classifier="rules"),
               "knn-raw": ReaderConfig(classifier="knn", features="raw"),
               "knn-hog": ReaderConfig(classifier="knn", features="hog"),
               "hybrid": ReaderConfig(classifier="hybrid")}
DIGITS_PER_LINE = 10


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--heights", default="14,18,24,32,48")
    parser.add_argument("--conditions", default="clean,blur,noise")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--font-dir", default="/usr/share/fonts")
    args = parser.parse_args()
    heights = [int(h) for h in args.heights.split(",")]
    conds = args.conditions.split(",")
    found = {p.name: p for p in Path(args.font_dir).rglob("*") if p.name in UNSEEN}
    fonts = [found[f] for f in UNSEEN if f in found]
    if not fonts:
        sys.exit(f"unseen_fonts: none of the fonts is installed under {args.font_dir}")
    rng = np.random.default_rng(args.seed)
    right: Counter[str] = Counter()
    per_font: dict[str, Counter[str]] = {}
    total = skipped = harm = rules_right = 0
    for font in fonts:
        per_font[font.stem] = Counter()
        for h in heights:
            for cond in conds:
                text = "".join(rng.choice(list("0123456789"), 2 * DIGITS_PER_LINE))
                gray = synth.render_text(f"{text[:DIGITS_PER_LINE]}\n{text[DIGITS_PER_LINE:]}",
                                         font, digit_height=h)
                if cond != "clean":
                    gray = conditions.degrade(gray, cond, rng, digit_height=h)
                got = {name: read(gray, config=cfg).text.replace("\n", "")
                       for name, cfg in CLASSIFIERS.items()}
                if any(len(t) != len(text) for t in got.values()):
                    skipped += 1
                    continue
                total += len(text)
                for name, t in got.items():
                    ok = sum(a == b for a, b in zip(t, text, strict=True))
                    right[name] += ok
                    per_font[font.stem][name] += ok
                per_font[font.stem]["n"] += len(text)
                for r, hy, want in zip(got["rules"], got["hybrid"], text, strict=True):
                    rules_right += r == want
                    harm += r == want and hy != want
    names = list(CLASSIFIERS)
    print(f"{len(fonts)} unseen fonts, heights {heights}, conditions {conds}, seed {args.seed}")
    print("\n| font | " + " | ".join(names) + " |")
    print("|---|" + "---:|" * len(names))
    for font_name, c in per_font.items():
        n = max(c["n"], 1)
        print(f"| {font_name} | " + " | ".join(f"{100 * c[k] / n:.2f}%" for k in names) + " |")
    print(f"| **all** ({total} glyphs) | "
          + " | ".join(f"**{100 * right[k] / max(total, 1):.2f}%**" for k in names) + " |")
    print(f"\nharm: {harm} of {rules_right} glyphs the rules read right were read wrong by "
          f"the hybrid ({100 * harm / max(rules_right, 1):.3f}%); {skipped} pages skipped "
          "(glyph count differs from the text)")


if __name__ == "__main__":
    main()
