"""Build KNN models without labelling by hand: from known text, fonts or grids.

Every model is made of the masks the reader itself sees (:func:`pipeline.samples`),
so templates and queries go through the same segmentation and normalisation.

Examples
--------
>>> import numpy as np
>>> sheet = np.full((40, 200), 255, np.uint8)
>>> for k, left in enumerate(range(10, 190, 30)):
...     sheet[8:32, left:left + 4] = 0          # six bars, read as "111111"
>>> from_text(sheet, "111111", features="raw").labels
('1', '1', '1', '1', '1', '1')
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from topodigit import conditions, knn, synth
from topodigit.binarize import binarize
from topodigit.errors import BadArgumentError
from topodigit.io import load_image
from topodigit.pipeline import ReaderConfig, samples

#: Digit heights (px) fonts are rendered at for templates: small sizes close
#: holes and erase thin joins, so they are templates of their own.
FONT_HEIGHTS = (16, 24, 40)
#: Conditions each font size is rendered under.
FONT_CONDITIONS = ("clean", "blur")
#: Text rendered from a font: every digit once.
FONT_TEXT = "0123456789"


def from_text(image: Any, text: str, *, features: str = "hog", source: str = "sheet",
              config: ReaderConfig | None = None) -> knn.Model:
    """Templates from an image whose text is known: labels in reading order.

    Whitespace in ``text`` is ignored; every other character labels one glyph.
    Punctuation the layout recognises is matched but not kept as a template.

    Raises
    ------
    BadArgumentError
        The number of glyphs found differs from the number of characters.
    """
    masks, labels = _labelled(image, text, config)
    if not masks:
        raise BadArgumentError("the text labels no glyph with ink (only punctuation?)")
    return knn.Model.fit(masks, labels, features=features, sources=[source] * len(labels))


def _labelled(image: Any, text: str, config: ReaderConfig | None
              ) -> tuple[list[np.ndarray], list[str]]:
    chars = [c for c in text if not c.isspace()]
    found = samples(image, config=config or ReaderConfig(classifier="rules"))
    if len(found) != len(chars):
        read = "".join(g.char for g, _ in found)
        raise BadArgumentError(
            f"found {len(found)} glyphs ({read[:40]!r}) but the text has {len(chars)} "
            f"characters ({''.join(chars)[:40]!r}); check the text and the image")
    masks, labels = [], []
    for (glyph, mask), c in zip(found, chars, strict=True):
        if mask is not None and mask.any():
            masks.append(mask)
            labels.append(c)
        elif glyph.char != c:
            raise BadArgumentError(f"the glyph at x={glyph.box.left} reads as {glyph.char!r} "
                                   f"by its place in the line, but the text says {c!r}")
    return masks, labels


def from_fonts(fonts: Sequence[str | os.PathLike[str]], *, features: str = "hog",
               heights: Sequence[int] = FONT_HEIGHTS,
               conditions_: Sequence[str] = FONT_CONDITIONS, seed: int = 0
               ) -> tuple[knn.Model, list[str]]:
    """Templates rendered from font files: each digit at each height and condition.

    A rendering whose glyphs the reader does not segment one per digit (a
    hairline 0 at 16 px falling apart, say) is skipped rather than mislabelled.

    Returns
    -------
    model : knn.Model
    skipped : list of str
        One line per skipped rendering, saying why.

    Raises
    ------
    BadArgumentError
        A font file is missing or cannot render digits, or every rendering was skipped.
    """
    if not fonts:
        raise BadArgumentError("from_fonts needs at least one font file")
    rng = np.random.default_rng(seed)
    masks: list[np.ndarray] = []
    labels: list[str] = []
    sources: list[str] = []
    skipped: list[str] = []
    for font in fonts:
        name = os.path.basename(os.fspath(font))
        for h in heights:
            clean = synth.render_text(FONT_TEXT, font, digit_height=int(h))
            for cond in conditions_:
                gray = clean if cond == "clean" else conditions.degrade(
                    clean, cond, rng, digit_height=h)
                try:
                    m, lab = _labelled(gray, FONT_TEXT, None)
                except BadArgumentError as exc:
                    skipped.append(f"{name} at {h} px ({cond}): {exc}")
                    continue
                masks += m
                labels += lab
                sources += [f"{name} {h}px {cond}"] * len(lab)
    if not masks:
        raise BadArgumentError(f"no rendering could be used: {skipped[0]}")
    return knn.Model.fit(masks, labels, features=features, sources=sources), skipped


def parse_cell(text: str) -> tuple[int, int]:
    """``"WxH"`` → (width, height) in pixels.

    >>> parse_cell("20x20")
    (20, 20)
    """
    parts = text.lower().split("x")
    try:
        w, h = (int(p) for p in parts)
    except ValueError:
        raise BadArgumentError(f"cell must be WxH in pixels, e.g. 20x20, got {text!r}") from None
    if w < 4 or h < 4:
        raise BadArgumentError(f"cell must be at least 4x4 pixels, got {text!r}")
    return w, h


def grid_cells(image: Any, cell: tuple[int, int], labels: str
               ) -> tuple[list[np.ndarray], list[str], list[int]]:
    """Cut a grid sheet (OpenCV ``digits.png`` style) into cells and label them.

    ``labels`` has one character per cell (row by row), or one per block of
    equally many consecutive rows (``digits.png``: 10 labels for 50 rows).
    Returns the ink masks of the non-empty cells, their labels and their column
    indices (to split a grid into halves by column).

    Raises
    ------
    BadArgumentError
        The image is not a whole number of cells, or the labels do not fit.
    """
    gray = load_image(image)
    w, h = cell
    rows, cols = gray.shape[0] // h, gray.shape[1] // w
    if rows == 0 or cols == 0 or gray.shape != (rows * h, cols * w):
        raise BadArgumentError(f"a {gray.shape[1]}x{gray.shape[0]} image is not a whole number "
                               f"of {w}x{h} cells")
    labels = "".join(c for c in labels if not c.isspace())
    if len(labels) == rows * cols:
        per_cell = labels
    elif labels and rows % len(labels) == 0:
        per_cell = "".join(c * (rows // len(labels) * cols) for c in labels)
    else:
        raise BadArgumentError(f"{len(labels)} labels fit neither the {rows * cols} cells nor "
                               f"the {rows} rows of the grid")
    ink = binarize(gray).mask
    masks, out, columns = [], [], []
    for r in range(rows):
        for c in range(cols):
            m = ink[r * h:(r + 1) * h, c * w:(c + 1) * w]
            ys, xs = np.nonzero(m)
            if len(ys) < 3:
                continue
            masks.append(m[ys.min():ys.max() + 1, xs.min():xs.max() + 1])
            out.append(per_cell[r * cols + c])
            columns.append(c)
    if not masks:
        raise BadArgumentError("the grid has no cell with ink")
    return masks, out, columns


__all__ = ["FONT_HEIGHTS", "from_fonts", "from_text", "grid_cells", "parse_cell"]
