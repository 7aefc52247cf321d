"""Large glyphs are read from a smaller copy of the image.

Glyphs are measured after resampling to 40 px (:data:`topodigit.topology.NORM_HEIGHT`),
so taller glyphs carry no more information, only cost: binarizing, labelling,
deskewing and laying out grow with the pixel count. The text height is
estimated on the image halved (exactly, OpenCV's fast path) until it has at most
PROBE_PIXELS pixels; when the glyphs
are taller than MAX_GLYPH_HEIGHT the image is shrunk (area averaging) so they
are that tall, and the reader scales its boxes back with :func:`unscale_box`.
An image of at most WHOLE_PROBE_PIXELS pixels is binarized whole first, as
the reader would: when no glyph-sized component there is taller than
SURE_SHARE of MAX_GLYPH_HEIGHT it is read as it is, with that binarization
and its components, and no halving is probed.

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
from topodigit.segment import Components, components

#: Glyphs taller than this many pixels are read from a copy scaled down to it
#: (well above NORM_HEIGHT, so small marks such as decimal points keep some pixels).
MAX_GLYPH_HEIGHT = 64
#: The text height is estimated on the first halving of the image of at most this
#: many pixels (a 10-digit line of 96-px glyphs, 192x1009 px, on its first
#: halving, the copy it is then read from, so the probe's binarization is the
#: reader's).
PROBE_PIXELS = 50_000
#: An image of at most this many pixels (a 10-digit line of glyphs up to
#: MAX_GLYPH_HEIGHT) is binarized whole before any probe (the reader needs that
#: when it is not shrunk); when none of its glyph-sized components is taller
#: than SURE_SHARE of the largest glyph height allowed (56 of 64 px), it is read
#: as it is without probing a halving (the probe agreed on every such image of
#: the real fixtures and three held-out sets).
WHOLE_PROBE_PIXELS = 100_000
SURE_SHARE = 0.875
#: When halving the image brings its glyphs to between (1 - HALVING_SLACK) *
#: MAX_GLYPH_HEIGHT and MAX_GLYPH_HEIGHT (48-64 px; glyphs of 96-128 px, or
#: 192-256 px halved twice), the halving is read as it is (no non-integer
#: resampling, 0.3 ms on a 96-px line, and fewer pixels after it; the probe's
#: binarization when the probe read it).
HALVING_SLACK = 0.25
#: Components of at least this share of the largest one's area are glyph-sized:
#: the median of their heights is the text height.
GLYPH_AREA_SHARE = 0.05


class Scaled(NamedTuple):
    """Result of :func:`scale_down`: the image read, the (row, column) factors
    applied, and its binarization and that one's components
    (:func:`topodigit.segment.components`) when the probe already made them
    (else None)."""

    gray: np.ndarray
    factors: tuple[float, float]
    binarized: Binarized | None = None
    found: Components | None = None


def _probe_level(shape: tuple[int, int]) -> int:
    """The halving the text height is estimated on (0: the image itself)."""
    h, w = shape
    level = 0
    while (h >> level) * (w >> level) > PROBE_PIXELS and min(h, w) >> (level + 1):
        level += 1
    return level


def _glyph_heights(found: Components) -> list[int]:
    """Heights of the glyph-sized components (see GLYPH_AREA_SHARE)."""
    area, height = found.stats[1:, cv2.CC_STAT_AREA], found.stats[1:, cv2.CC_STAT_HEIGHT]
    return height[area >= GLYPH_AREA_SHARE * area.max()].tolist() if len(area) else []


def _probe(gray: np.ndarray, ink: str, halvings: list[np.ndarray], level: int
           ) -> tuple[float, Scaled, list[int]]:
    """The text height (see :func:`text_height`) estimated on ``halvings[level]``
    (0: ``gray`` itself), that halving with its binarization and components,
    and the heights of its glyph-sized components. ``halvings`` (``gray``
    first) is the chain of exact halvings, extended as the probe makes them."""
    probe = _halving(halvings, level)
    bw = binarize(probe, ink=ink)
    found = components(bw.mask)
    heights = _glyph_heights(found)
    height = median(heights) * 2 ** level if heights else 0.0
    return height, Scaled(probe, (1.0, 1.0), bw, found), heights


def text_height(gray: np.ndarray, *, ink: str = "auto") -> float:
    """Typical glyph height in pixels, estimated on a decimated copy (0 if no ink).

    >>> import numpy as np
    >>> gray = np.full((400, 300), 255, np.uint8); gray[50:350, 100:180] = 0
    >>> text_height(gray)
    300.0
    """
    return _probe(gray, ink, [gray], _probe_level(gray.shape))[0]


def scale_down(gray: np.ndarray, *, ink: str = "auto", max_height: int = MAX_GLYPH_HEIGHT
               ) -> Scaled:
    """Scale ``gray`` down so its glyphs are at most ``max_height`` pixels tall.

    The image is ``gray`` itself when its glyphs are small enough; then, when
    the probe read ``gray`` (an image of at most PROBE_PIXELS pixels, or of at
    most WHOLE_PROBE_PIXELS), its binarization (``binarize(gray, ink=ink)``)
    and that one's components come along, as they do when the shrunk copy is
    the halving the probe read. The halvings the probe made are reused for
    the shrunk copy.

    >>> import numpy as np
    >>> gray = np.full((100, 80), 255, np.uint8); gray[20:60, 30:50] = 0
    >>> out = scale_down(gray)
    >>> out.gray is gray, out.factors, out.binarized.polarity, out.found.n
    (True, (1.0, 1.0), 'dark-on-light', 2)
    """
    h, w = gray.shape
    if h <= max_height:
        return Scaled(gray, (1.0, 1.0))
    halvings = [gray]
    level = _probe_level(gray.shape)
    whole = None  # the image's own binarization and components, when made
    if level == 0 or h * w <= WHOLE_PROBE_PIXELS:
        height, whole, heights = _probe(gray, ink, halvings, 0)
        probed = whole
        if level and max(heights, default=0) > SURE_SHARE * max_height:  # may be too tall
            height, probed, _ = _probe(gray, ink, halvings, level)
    else:
        height, probed, _ = _probe(gray, ink, halvings, level)
    if height <= max_height:
        return whole if whole is not None else Scaled(gray, (1.0, 1.0))
    halved = math.ceil(math.log2(height / max_height))  # halvings to glyphs of at most max_height
    if height / 2 ** halved >= (1 - HALVING_SLACK) * max_height and min(h, w) >> halved:
        small = _halving(halvings, halved)  # close enough: no resampling
    else:
        scale = max_height / height
        small = _area(halvings, (max(1, round(w * scale)), max(1, round(h * scale))))
    factors = (small.shape[0] / h, small.shape[1] / w)
    if small is probed.gray:
        return probed._replace(factors=factors)
    return Scaled(small, factors)


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
