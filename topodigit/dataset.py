"""Labelled image sets for comparisons: load one from a folder, or render one from fonts.

A dataset is a folder of images, each with its ground truth. Two layouts are read:

- a ``manifest.json`` in the folder (the format of ``fixtures/`` and
  ``fixtures/real/``): a JSON list of records with at least ``path`` (relative to
  the folder) and ``text``; ``height`` (digit height in pixels) and any other
  fields (``condition``, ``font``, ...) are kept as the sample's facts;
- otherwise every image below the folder with a sidecar ``NAME.txt`` (UTF-8, lines
  separated by ``"\\n"``; a final newline is ignored). Images without one are skipped.

:func:`generate` renders such a folder (PNG + ``.txt`` + ``manifest.json``) from
font files with :mod:`topodigit.synth` and :mod:`topodigit.conditions`.

Examples
--------
>>> import tempfile, pathlib, numpy as np
>>> from topodigit.io import save_image
>>> root = pathlib.Path(tempfile.mkdtemp())
>>> save_image(root / "a.png", np.full((8, 8), 255, np.uint8))
>>> _ = (root / "a.txt").write_text("12\\n")
>>> [(s.name, s.text, s.height) for s in load(root)]
[('a.png', '12', None)]
"""

from __future__ import annotations

import json
import os
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from topodigit.conditions import CONDITIONS, CROWDED_LETTER_SPACING, degrade
from topodigit.errors import BadArgumentError
from topodigit.io import save_image
from topodigit.synth import random_digit_lines, render_text

#: File name suffixes taken as images in a sidecar dataset.
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp", ".pgm", ".ppm")
MANIFEST = "manifest.json"
#: Generated images: blank margin around the ink in digit heights, digits per line.
GENERATED_MARGIN = 0.3
GENERATED_DIGITS = 10
#: Generated sizes (digit heights in pixels) must lie in this range.
SIZE_RANGE = (8, 400)


@dataclass(frozen=True, eq=False)
class Sample:
    """One labelled image: its file, ground-truth text and recorded facts.

    ``name`` is the path relative to the dataset folder (forward slashes);
    ``height`` the digit height in pixels if the dataset records it; ``facts``
    the other fields of its manifest record.
    """

    path: Path
    text: str
    name: str
    height: int | None = None
    facts: dict[str, Any] = field(default_factory=dict)


def load(folder: str | os.PathLike[str]) -> list[Sample]:
    """Load the samples of a dataset folder, sorted by name.

    Raises
    ------
    BadArgumentError
        The folder does not exist, its manifest is malformed or lists a
        missing image, or it holds no labelled image.
    """
    root = Path(folder)
    if not root.is_dir():
        raise BadArgumentError(f"{root}: no such dataset folder")
    samples = _from_manifest(root) if (root / MANIFEST).is_file() else _from_sidecars(root)
    if not samples:
        raise BadArgumentError(f"{root}: no images with ground truth (NAME.txt next to "
                               f"NAME.png, or a {MANIFEST})")
    return sorted(samples, key=lambda s: s.name)


def _from_manifest(root: Path) -> list[Sample]:
    where = root / MANIFEST
    try:
        records = json.loads(where.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadArgumentError(f"{where}: not a readable JSON manifest: {exc}") from None
    if not isinstance(records, list):
        raise BadArgumentError(f"{where}: must be a JSON list of records")
    samples = []
    for i, rec in enumerate(records):
        if not (isinstance(rec, dict) and isinstance(rec.get("path"), str)
                and isinstance(rec.get("text"), str)):
            raise BadArgumentError(f"{where}: record {i} needs string 'path' and 'text'")
        path = root / rec["path"]
        if not path.is_file():
            raise BadArgumentError(f"{where}: record {i}: no such image {rec['path']!r}")
        height = rec.get("height")
        facts = {k: v for k, v in rec.items() if k not in ("path", "text", "height")}
        samples.append(Sample(path, rec["text"], rec["path"],
                              int(height) if isinstance(height, int | float) else None, facts))
    return samples


def _from_sidecars(root: Path) -> list[Sample]:
    samples = []
    for path in root.rglob("*"):
        truth = path.with_suffix(".txt")
        if path.suffix.lower() in IMAGE_SUFFIXES and path.is_file() and truth.is_file():
            try:
                text = truth.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise BadArgumentError(f"{truth}: cannot read the ground truth: {exc}") from None
            text = text.replace("\r\n", "\n").removesuffix("\n")
            samples.append(Sample(path, text, path.relative_to(root).as_posix()))
    return samples


def generate(folder: str | os.PathLike[str], fonts: list[str], *, sizes: list[int],
             conditions: list[str], count: int, seed: int = 0) -> list[Sample]:
    """Render a dataset of random digit lines into an empty or new ``folder``.

    For every font, size (digit height in pixels) and condition, ``count``
    images of one line of ``GENERATED_DIGITS`` shuffled digits are drawn
    (``crowded`` with ``CROWDED_LETTER_SPACING``, ``lcd`` over a ghost of all
    segments when it aligns) and degraded. Each ``NAME.png`` gets a
    ``NAME.txt``; ``manifest.json`` records font, height and condition.
    Reproducible: each image's randomness comes from ``seed`` and its name.

    Raises
    ------
    BadArgumentError
        A font file is missing or unusable, an option is out of range, or
        ``folder`` exists and is not empty.
    """
    _check_generate(fonts, sizes, conditions, count)
    root = Path(folder)
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise BadArgumentError(f"{root}: exists and is not an empty folder")
    records, samples = [], []
    for font in fonts:
        stem = Path(font).stem
        for size in sizes:
            for condition in conditions:
                for i in range(count):
                    name = f"{condition}/{stem}-{size}-{i:03d}.png"
                    rng = np.random.default_rng([seed, zlib.crc32(name.encode())])
                    text = random_digit_lines(rng, 1, GENERATED_DIGITS)
                    image = _draw(text, font, size, condition, rng)
                    (root / condition).mkdir(parents=True, exist_ok=True)
                    save_image(root / name, image)
                    (root / name).with_suffix(".txt").write_text(text, encoding="utf-8")
                    facts = {"font": stem, "font_file": Path(font).name, "condition": condition}
                    records.append({"path": name, "text": text, "height": size, **facts})
                    samples.append(Sample(root / name, text, name, size, facts))
    (root / MANIFEST).write_text("[\n" + ",\n".join(json.dumps(r) for r in records) + "\n]\n",
                                 encoding="utf-8")
    return samples


def _check_generate(fonts: list[str], sizes: list[int], conditions: list[str],
                    count: int) -> None:
    if not fonts:
        raise BadArgumentError("at least one font file is needed (--font FILE.ttf)")
    missing = [f for f in fonts if not os.path.isfile(f)]
    if missing:
        raise BadArgumentError(f"font file(s) not found: {', '.join(missing)}")
    bad = [s for s in sizes if not SIZE_RANGE[0] <= s <= SIZE_RANGE[1]]
    if not sizes or bad:
        raise BadArgumentError(f"sizes must be digit heights in {SIZE_RANGE[0]}..{SIZE_RANGE[1]}"
                               f" px, got {sizes!r}")
    unknown = [c for c in conditions if c not in CONDITIONS]
    if not conditions or unknown:
        raise BadArgumentError(f"conditions must be among {', '.join(CONDITIONS)}; "
                               f"got {', '.join(conditions) or 'none'}")
    if count < 1:
        raise BadArgumentError(f"count must be >= 1, got {count!r}")


def _draw(text: str, font: str, size: int, condition: str,
          rng: np.random.Generator) -> np.ndarray:
    spacing = CROWDED_LETTER_SPACING if condition == "crowded" else 0.0
    try:
        img = render_text(text, font, digit_height=size, margin=GENERATED_MARGIN,
                          letter_spacing=spacing)
        ghost = None
        if condition == "lcd":
            ghost = render_text("8" * len(text), font, digit_height=size, margin=GENERATED_MARGIN)
            ghost = ghost if ghost.shape == img.shape else None
    except OSError as exc:
        raise BadArgumentError(f"{font}: not a usable font file: {exc}") from None
    return degrade(img, condition, rng, digit_height=size, ghost=ghost)


__all__ = ["IMAGE_SUFFIXES", "MANIFEST", "Sample", "generate", "load"]
