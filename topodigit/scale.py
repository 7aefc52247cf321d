"""Large glyphs are read from a smaller copy of the image.

Glyphs are measured after resampling to 40 px (:data:`topodigit.topology.NORM_HEIGHT`),
so taller glyphs carry no more information, only cost: binarizing, labelling,
deskewing and laying out grow with the pixel count. The text height is
estimated on the image halved (exactly, OpenCV's fast path) until it has at most
PROBE_PIXELS pixels; when the glyphs
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
from typing import NamedTuple

import cv2
import numpy as np

from topodigit.binarize import Binarized, binarize
from topodigit.quantiles import median
from topodigit.segment import components

#: Glyphs taller than this many pixels are read from a copy scaled down to it
#: (well above NORM_HEIGHT, so small marks such as decimal points keep some pixels).
MAX_GLYPH_HEIGHT = 64
#: The text height is estimated on the first halving of the image of at most this many pixels.
PROBE_PIXELS = 40_000
#: When halving the image brings its glyphs to between (1 - HALVING_SLACK) *
#: MAX_GLYPH_HEIGHT and MAX_GLYPH_HEIGHT, the halving is read as it is (no
#: non-integer resampling; the probe's binarization when the probe read it).
HALVING_SLACK = 0.1
#: Components of at least this share of the largest one's area are glyph-sized:
#: the median of their heights is the text height.
GLYPH_AREA_SHARE = 0.05


class Scaled(NamedTuple):
    """Result of :func:`scale_down`: the image read, the (row, column) factors
    applied, and its binarization when the probe already made it (else None)."""

    gray: np.ndarray
    factors: tuple[float, float]
    binarized: Binarized | None = None


def _probe(gray: np.ndarray, ink: str, halvings: list[np.ndarray]
           ) -> tuple[float, int, Binarized]:
    """The text height (see :func:`text_height`), the halving the probe read
    (0: ``gray`` itself) and its binarization. ``halvings`` (``gray`` first) is
    the chain of exact halvings, extended as the probe makes them."""
    h, w = gray.shape
    level = 0
    while (h >> level) * (w >> level) > PROBE_PIXELS and min(h, w) >> (level + 1):
        level += 1
    probe = _halving(halvings, level)
    bw = binarize(probe, ink=ink)
    stats = components(bw.mask).stats
    area, height = stats[1:, cv2.CC_STAT_AREA], stats[1:, cv2.CC_STAT_HEIGHT]
    if not len(area):
        return 0.0, level, bw
    return median(height[area >= GLYPH_AREA_SHARE * area.max()].tolist()) * 2 ** level, level, bw


def text_height(gray: np.ndarray, *, ink: str = "auto") -> float:
    """Typical glyph height in pixels, estimated on a decimated copy (0 if no ink).

    >>> import numpy as np
    >>> gray = np.full((400, 300), 255, np.uint8); gray[50:350, 100:180] = 0
    >>> text_height(gray)
    300.0
    """
    return _probe(gray, ink, [gray])[0]


def scale_down(gray: np.ndarray, *, ink: str = "auto", max_height: int = MAX_GLYPH_HEIGHT
               ) -> Scaled:
    """Scale ``gray`` down so its glyphs are at most ``max_height`` pixels tall.

    The image is ``gray`` itself when its glyphs are small enough; then, when
    the probe was ``gray`` (an image of at most PROBE_PIXELS pixels), its
    binarization (``binarize(gray, ink=ink)``) comes along, as it does when the
    shrunk copy is the halving the probe read. The halvings the probe made are
    reused for the shrunk copy.

    >>> import numpy as np
    >>> gray = np.full((100, 80), 255, np.uint8); gray[20:60, 30:50] = 0
    >>> out = scale_down(gray)
    >>> out.gray is gray, out.factors, out.binarized.polarity
    (True, (1.0, 1.0), 'dark-on-light')
    """
    h, w = gray.shape
    if h <= max_height:
        return Scaled(gray, (1.0, 1.0))
    halvings = [gray]
    height, level, bw = _probe(gray, ink, halvings)
    if height <= max_height:
        return Scaled(gray, (1.0, 1.0), bw if level == 0 else None)
    halved = math.ceil(math.log2(height / max_height))  # halvings to glyphs of at most max_height
    if height / 2 ** halved >= (1 - HALVING_SLACK) * max_height and min(h, w) >> halved:
        small = _halving(halvings, halved)  # close enough: no resampling
    else:
        scale = max_height / height
        small = _area(halvings, (max(1, round(w * scale)), max(1, round(h * scale))))
    return Scaled(small, (small.shape[0] / h, small.shape[1] / w),
                  bw if small is halvings[level] else None)


def shrink(gray: np.ndarray, *, ink: str = "auto", max_height: int = MAX_GLYPH_HEIGHT
           ) -> tuple[np.ndarray, tuple[float, float]]:
    """Scale ``gray`` down so its glyphs are at most ``max_height`` pixels tall.

    Returns the image (``gray`` itself when its glyphs are small enough) and the
    (row, column) factors applied (see :func:`scale_down`).
    """
    out = scale_down(gray, ink=ink, max_height=max_height)
    return out.gray, out.factors


def _halving(halvings: list[np.ndarray], level: int) -> np.ndarray:
    """``halvings[level]``: the image halved ``level`` times, made (and added to
    the chain ``halvings``, the image first) when missing. An odd last row or
    column is dropped: exact halving is OpenCV's fast path."""
    while len(halvings) <= level:
        last = halvings[-1]
        h, w = last.shape
        halvings.append(cv2.resize(last[:h // 2 * 2, :w // 2 * 2], (w // 2, h // 2),
                                   interpolation=cv2.INTER_AREA))
    return halvings[level]


def _area(halvings: list[np.ndarray], size: tuple[int, int]) -> np.ndarray:
    """Shrink ``halvings[0]`` to ``size`` (width, height) by area averaging,
    halving it first while it stays at least that large (OpenCV's fast path).

    ``halvings`` is the chain of halvings made so far (the image first, each
    next one half the last); the ones needed are taken from it or added to it.
    """
    h, w = halvings[0].shape
    level = 0
    while w // 2 >= size[0] and h // 2 >= size[1]:  # the next halving is still large enough
        h, w, level = h // 2, w // 2, level + 1
    gray = _halving(halvings, level)
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


__all__ = ["MAX_GLYPH_HEIGHT", "Scaled", "scale_down", "shrink", "text_height", "unscale_box"]
