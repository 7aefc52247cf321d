"""Draw readings onto images: the only module that draws.

Drawing is pure: arrays in, a new BGR ``uint8`` array out, nothing written to disk
(use :func:`topodigit.io.save_image` for that).

Examples
--------
>>> import numpy as np
>>> from topodigit.results import Reading
>>> annotate(np.zeros((4, 6), np.uint8), Reading(lines=(), shape=(4, 6))).shape
(4, 6, 3)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import cv2
import numpy as np

from topodigit.errors import BadArgumentError
from topodigit.io import load_image
from topodigit.results import Glyph, Reading

FONT = cv2.FONT_HERSHEY_SIMPLEX
LABEL_HEIGHT = 0.4
"""Label height as a fraction of its glyph's box height."""
MIN_FONT_SCALE = 0.35
"""Smallest font scale, so labels of tiny glyphs stay legible."""
_FONT_PX = cv2.getTextSize("0", FONT, 1.0, 1)[0][1]  # digit height at scale 1


def annotate(
    image: Any,
    reading: Reading,
    *,
    color: Sequence[int] = (0, 0, 255),
    unreadable_color: Sequence[int] = (255, 0, 255),
) -> np.ndarray:
    """Draw each glyph's box and its character above the box.

    Parameters
    ----------
    image : array or anything :func:`topodigit.io.load_image` accepts
        The image the reading came from. A ``uint8`` BGR array keeps its colours;
        anything else is drawn on its gray version.
    reading : Reading
        The reading of ``image``; its ``shape`` must match the image's.
    color : sequence of 3 ints, optional
        BGR colour of readable glyphs (default red).
    unreadable_color : sequence of 3 ints, optional
        BGR colour of glyphs read as ``"?"`` (default magenta).

    Returns
    -------
    numpy.ndarray
        A new ``(H, W, 3)`` ``uint8`` BGR array; the input is never modified.

    Raises
    ------
    BadArgumentError
        A colour is not three integers in 0..255, or the reading is of another size.

    Examples
    --------
    >>> import numpy as np
    >>> from topodigit.results import Box, Glyph, Line, Reading
    >>> g = Glyph(Box(30, 10, 60, 30), "7", 0.9, "rules", "seven", "big lower-left bay")
    >>> reading = Reading(lines=(Line((g,)),), shape=(80, 40))
    >>> out = annotate(np.full((80, 40), 255, np.uint8), reading)
    >>> out.shape, out.dtype, out[30, 20].tolist()
    ((80, 40, 3), dtype('uint8'), [0, 0, 255])
    >>> bool((out[:28] != 255).any())   # the label "7" above the box
    True
    """
    colors = _check_color("color", color), _check_color("unreadable_color", unreadable_color)
    canvas = _bgr_copy(image)
    if tuple(reading.shape) != canvas.shape[:2]:
        raise BadArgumentError(
            f"reading is of a {reading.shape[0]} x {reading.shape[1]} image, "
            f"but the image is {canvas.shape[0]} x {canvas.shape[1]}"
        )
    for glyph in reading.glyphs:
        _draw_glyph(canvas, glyph, colors[0] if glyph.readable else colors[1])
    return canvas


def _bgr_copy(image: Any) -> np.ndarray:
    if isinstance(image, np.ndarray) and image.dtype == np.uint8 and image.ndim == 3 \
            and image.shape[2] == 3:
        return np.array(image, order="C")
    return cv2.cvtColor(load_image(image), cv2.COLOR_GRAY2BGR)


def _check_color(name: str, value: Sequence[int]) -> tuple[int, int, int]:
    try:
        parts = [int(v) for v in value]
        ok = len(parts) == 3 and all(0 <= v <= 255 for v in parts)
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise BadArgumentError(f"{name} must be three integers 0..255 (B, G, R), got {value!r}")
    return parts[0], parts[1], parts[2]


def _draw_glyph(canvas: np.ndarray, glyph: Glyph, color: tuple[int, int, int]) -> None:
    """Box as a rectangle; the label above it, else below it, else inside its top."""
    box = glyph.box
    thickness = max(1, round(box.height / 20))
    cv2.rectangle(canvas, (box.left, box.top), (box.right - 1, box.bottom - 1), color, thickness)
    scale = max(MIN_FONT_SCALE, LABEL_HEIGHT * box.height / _FONT_PX)
    (text_w, text_h), _ = cv2.getTextSize(glyph.char, FONT, scale, thickness)
    gap = thickness + 1
    baseline = box.top - gap
    if baseline - text_h < 0:
        baseline = box.bottom + gap + text_h
        if baseline >= canvas.shape[0]:
            baseline = box.top + gap + text_h
    left = max(0, min(box.left, canvas.shape[1] - text_w))
    cv2.putText(canvas, glyph.char, (left, baseline), FONT, scale, color, thickness, cv2.LINE_AA)


__all__ = ["annotate"]
