"""Large glyphs are read from a smaller copy of the image.

Glyphs are measured after resampling to 40 px (:data:`topodigit.topology.NORM_HEIGHT`),
so taller glyphs carry no more information, only cost: binarizing, labelling,
deskewing and laying out grow with the pixel count. The text height is
estimated on a decimated copy of at most PROBE_PIXELS pixels; when the glyphs
are taller than MAX_GLYPH_HEIGHT the image is shrunk (area averaging) so they
are that tall, and the reader scales its boxes back with :func:`unscale_box`.

Examples
--------
>>> import numpy as np
>>> gray = np.full((400, 300), 255, np.uint8); gray[50:350, 100:180] = 0
>>> small, factors = shrink(gray)
>>> small.shape, factors
((85, 64), (0.2125, 0.21333333333333335))
>>> unscale_box((11, 21, 75, 38), factors, gray.shape)
(51, 98, 353, 179)
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from topodigit.binarize import binarize

#: Glyphs taller than this many pixels are read from a copy scaled down to it
#: (well above NORM_HEIGHT, so small marks such as decimal points keep some pixels).
MAX_GLYPH_HEIGHT = 64
#: The text height is estimated on a copy of the image of at most this many pixels.
PROBE_PIXELS = 40_000
#: Components of at least this share of the largest one's area are glyph-sized:
#: the median of their heights is the text height.
GLYPH_AREA_SHARE = 0.05


def text_height(gray: np.ndarray, *, ink: str = "auto") -> float:
    """Typical glyph height in pixels, estimated on a decimated copy (0 if no ink).

    >>> import numpy as np
    >>> gray = np.full((400, 300), 255, np.uint8); gray[50:350, 100:180] = 0
    >>> text_height(gray)
    300.0
    """
    h, w = gray.shape
    step = max(1, math.ceil(math.sqrt(h * w / PROBE_PIXELS)))
    probe = gray if step == 1 else _area(gray, (max(1, w // step), max(1, h // step)))
    mask = binarize(probe, ink=ink).mask
    _, _, stats, _ = cv2.connectedComponentsWithStatsWithAlgorithm(
        mask.view(np.uint8), 8, cv2.CV_32S, cv2.CCL_BBDT)  # OpenCV's fastest here
    area, height = stats[1:, cv2.CC_STAT_AREA], stats[1:, cv2.CC_STAT_HEIGHT]
    if not len(area):
        return 0.0
    return float(np.median(height[area >= GLYPH_AREA_SHARE * area.max()])) * step


def shrink(gray: np.ndarray, *, ink: str = "auto", max_height: int = MAX_GLYPH_HEIGHT
           ) -> tuple[np.ndarray, tuple[float, float]]:
    """Scale ``gray`` down so its glyphs are at most ``max_height`` pixels tall.

    Returns the image (``gray`` itself when its glyphs are small enough) and the
    (row, column) factors applied.
    """
    h, w = gray.shape
    if h <= max_height:
        return gray, (1.0, 1.0)
    height = text_height(gray, ink=ink)
    if height <= max_height:
        return gray, (1.0, 1.0)
    scale = max_height / height
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return _area(gray, size), (size[1] / h, size[0] / w)


def _area(gray: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Shrink ``gray`` to ``size`` (width, height) by area averaging, halving it
    first while it stays at least that large (OpenCV's fast path)."""
    h, w = gray.shape
    while w // 2 >= size[0] and h // 2 >= size[1]:
        # an odd last row or column is dropped: exact halving is the fast path
        gray = cv2.resize(gray[:h // 2 * 2, :w // 2 * 2], (w // 2, h // 2),
                          interpolation=cv2.INTER_AREA)
        h, w = gray.shape
    if (w, h) == size:
        return gray
    out: np.ndarray = cv2.resize(gray, size, interpolation=cv2.INTER_AREA)
    return out


def unscale_box(box: tuple[int, int, int, int], factors: tuple[float, float],
                shape: tuple[int, int]) -> tuple[int, int, int, int]:
    """Map a (top, left, bottom, right) box of the shrunk image back to ``shape``."""
    top, left, bottom, right = box
    fy, fx = factors
    h, w = shape
    t, le = min(h - 1, math.floor(top / fy)), min(w - 1, math.floor(left / fx))
    b, r = min(h, math.ceil(bottom / fy)), min(w, math.ceil(right / fx))
    return t, le, max(t + 1, b), max(le + 1, r)


__all__ = ["MAX_GLYPH_HEIGHT", "shrink", "text_height", "unscale_box"]
