"""Speed of topodigit by glyph height, against tesseract and ocrad on the same images.

The test images are composed in memory from the committed fixtures, so no font
is needed: each digit's gray crop is cut from ``fixtures/clean/<font>/128/single-<d>.png``,
resampled to the glyph height (area averaging when shrinking, cubic when
enlarging) and pasted into one line of ten digits on white paper, a third of a
digit height apart. Per glyph height (12 ... 200 px) there is one such line per
font in FONTS, and a single-glyph image per digit of the first font.

topodigit's time is the whole ``topodigit.read()`` with the image already in
memory, the median of ``--repeats`` runs per image after one warm-up run.
``tesseract IMG stdout --psm 6 -c tessedit_char_whitelist=0123456789`` (PNG)
and ``ocrad IMG.pgm`` are timed as whole processes (start-up and image
decoding included) on the same images in the same run, when installed; the
ratio is their time over topodigit's.

One core: before numpy and OpenCV start their thread pools the process pins
itself to one CPU (``os.sched_setaffinity``; the peers inherit it), sets
``OMP_THREAD_LIMIT``/``OMP_NUM_THREADS``/``OPENBLAS_NUM_THREADS`` to 1 and calls
``cv2.setNumThreads(1)``.

Usage::

    python benchmarks/speed.py [--repeats 21] [--peer-repeats 5] [--no-peers]
"""

from __future__ import annotations

import os

for _var in ("OMP_THREAD_LIMIT", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"
if hasattr(os, "sched_setaffinity"):
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

import argparse  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import NamedTuple  # noqa: E402

import cv2  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a source checkout

import topodigit  # noqa: E402

cv2.setNumThreads(1)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "clean"
#: Source glyphs: the largest committed size, so smaller ones are made by shrinking.
SOURCE_HEIGHT = 128
FONTS = ("dejavu-sans-regular", "liberation-serif-regular", "freemono-bold")
HEIGHTS = (12, 18, 28, 48, 96, 200)
#: The line every image shows (ten digits), and the height of the headline figure.
LINE = "3141592653"
HEADLINE_HEIGHT = 28
#: Gap between digits and the margin around the line, in digit heights.
GAP = 0.33
MARGIN = 0.5
PAPER = 255
TESSERACT = ["tesseract", "{png}", "stdout", "--psm", "6",
             "-c", "tessedit_char_whitelist=0123456789"]
OCRAD = ["ocrad", "{pgm}"]


def glyph(font: str, digit: str) -> np.ndarray:
    """Gray crop (dark ink on white) of one fixture digit, cut to its ink box."""
    gray = topodigit.load_image(FIXTURES / font / str(SOURCE_HEIGHT) / f"single-{digit}.png")
    rows = np.flatnonzero((gray < PAPER).any(axis=1))
    cols = np.flatnonzero((gray < PAPER).any(axis=0))
    crop: np.ndarray = gray[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    return crop


def scaled(crop: np.ndarray, height: int) -> np.ndarray:
    """``crop`` resampled to ``height`` rows, keeping its aspect ratio."""
    width = max(1, round(crop.shape[1] * height / crop.shape[0]))
    interp = cv2.INTER_AREA if height < crop.shape[0] else cv2.INTER_CUBIC
    out: np.ndarray = cv2.resize(crop, (width, height), interpolation=interp)
    return out


def compose(font: str, text: str, height: int) -> np.ndarray:
    """One line of ``text`` in ``font``, digits ``height`` px tall, on white paper."""
    glyphs = [scaled(glyph(font, d), height) for d in text]
    gap, margin = max(2, round(GAP * height)), max(4, round(MARGIN * height))
    width = sum(g.shape[1] for g in glyphs) + gap * (len(glyphs) - 1) + 2 * margin
    page = np.full((height + 2 * margin, width), PAPER, np.uint8)
    left = margin
    for g in glyphs:
        page[margin:margin + height, left:left + g.shape[1]] = g
        left += g.shape[1] + gap
    return page


class Sample(NamedTuple):
    height: int
    kind: str  # "line" or "single"
    text: str
    image: np.ndarray


def samples() -> list[Sample]:
    """The benchmark images: per height, a line per font and a single per digit."""
    out = []
    for height in HEIGHTS:
        out += [Sample(height, "line", LINE, compose(f, LINE, height)) for f in FONTS]
        out += [Sample(height, "single", d, compose(FONTS[0], d, height)) for d in "0123456789"]
    return out


def median_ms(run: Callable[[], object], repeats: int) -> float:
    """Median wall-clock milliseconds of ``repeats`` calls after one warm-up call."""
    run()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def peer(command: list[str], files: dict[str, str], repeats: int) -> tuple[float, str]:
    """Median ms of one whole external run over ``files``, and its digits read."""
    argv = [a.format(**files) for a in command]
    out = subprocess.run(argv, capture_output=True, text=True, check=False).stdout
    return median_ms(lambda: subprocess.run(argv, capture_output=True, check=False),
                     repeats), _digits(out)


class Timing(NamedTuple):
    sample: Sample
    ms: dict[str, float]  # reader -> median ms per image
    right: dict[str, bool]  # reader -> read the text exactly


def measure(items: list[Sample], repeats: int, peer_repeats: int, peers: dict[str, list[str]]
            ) -> list[Timing]:
    """Time every reader on every sample."""
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for k, s in enumerate(items):
            files = {"png": f"{tmp}/{k}.png", "pgm": f"{tmp}/{k}.pgm"}
            cv2.imwrite(files["png"], s.image)
            cv2.imwrite(files["pgm"], s.image)
            ms = {"topodigit": median_ms(lambda s=s: topodigit.read(s.image), repeats)}
            right = {"topodigit": _digits(topodigit.read(s.image).text) == s.text}
            for name, command in peers.items():
                ms[name], text = peer(command, files, peer_repeats)
                right[name] = text == s.text
            out.append(Timing(s, ms, right))
    return out


def report(timings: list[Timing], peers: list[str]) -> list[str]:
    """Markdown table: per height and image kind, ms per image and per glyph, peers' ratios."""
    head = ["glyph px", "image", "images", "topodigit ms/image", "ms/glyph", "exact"]
    for name in peers:
        head += [f"{name} ms/image", f"{name} exact", f"{name}/topodigit"]
    lines = ["| " + " | ".join(head) + " |", "|---|---|" + "---:|" * (len(head) - 2)]
    for height in HEIGHTS:
        for kind in ("line", "single"):
            group = [t for t in timings if t.sample.height == height and t.sample.kind == kind]
            if not group:
                continue
            own = statistics.median(t.ms["topodigit"] for t in group)
            glyphs = len(group[0].sample.text)
            cells = [str(height), f"{kind} ({glyphs})", str(len(group)), f"{own:.2f}",
                     f"{own / glyphs:.2f}", f"{sum(t.right['topodigit'] for t in group)}"]
            for name in peers:
                theirs = statistics.median(t.ms[name] for t in group)
                cells += [f"{theirs:.1f}", f"{sum(t.right[name] for t in group)}",
                          f"{theirs / own:.1f}x"]
            lines.append("| " + " | ".join(cells) + " |")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=21, help="runs per image (median)")
    parser.add_argument("--peer-repeats", type=int, default=5,
                        help="runs per image of tesseract and ocrad (median)")
    parser.add_argument("--no-peers", action="store_true", help="time topodigit only")
    args = parser.parse_args(argv)
    commands = {"tesseract": TESSERACT, "ocrad": OCRAD}
    peers = {} if args.no_peers else {n: c for n, c in commands.items() if shutil.which(c[0])}
    for name in set(commands) - set(peers):
        print(f"{name}: not {'timed' if args.no_peers else 'installed'}, skipped",
              file=sys.stderr)
    timings = measure(samples(), args.repeats, args.peer_repeats, peers)
    print("\n".join(report(timings, list(peers))))
    headline = [t for t in timings
                if t.sample.height == HEADLINE_HEIGHT and t.sample.kind == "line"]
    own = statistics.median(t.ms["topodigit"] for t in headline)
    total = sum(t.ms["topodigit"] for t in timings)
    print(f"\nall {len(timings)} images: topodigit {total:.0f} ms in total"
          + "".join(f", {n} {sum(t.ms[n] for t in timings):.0f} ms"
                    f" ({sum(t.ms[n] for t in timings) / total:.1f}x)" for n in peers))
    print(f"10-digit line at {HEADLINE_HEIGHT} px: median {own:.2f} ms per image "
          f"({own / len(LINE):.2f} ms per glyph), whole read(), one core"
          + "".join(f"; {n} takes {statistics.median(t.ms[n] for t in headline) / own:.1f}x as long"
                    for n in peers))
    return 0


if __name__ == "__main__":
    sys.exit(main())
