"""Gray image → ink mask, with automatic polarity.

The ink image returned here is always *ink-high*: 255 where the pen was, 0 on
paper, whatever the polarity of the input. Later stages resample it, so they
need the gray levels as well as the mask.

Examples
--------
>>> import numpy as np
>>> gray = np.full((7, 9), 250, np.uint8); gray[2:5, 3:6] = 10
>>> b = binarize(gray)
>>> b.polarity, int(b.mask.sum())
('dark-on-light', 9)
>>> binarize(255 - gray).polarity
'light-on-dark'
"""

from __future__ import annotations

import functools
import math
from typing import NamedTuple

import cv2
import numpy as np

from topodigit.errors import BadArgumentError
from topodigit.quantiles import interpolate, median

#: Below this spread of gray levels (max - min) the image is taken as blank.
MIN_CONTRAST = 24
#: Fraction of the border that must be of one class to call it the paper.
BORDER_MAJORITY = 0.5

#: Threshold position between the paper level (0) and the solid-ink level (1).
THRESHOLD_FRACTION = 0.5
#: Percentile of the ink class taken as the solid-ink level.
INK_PERCENTILE = 75

INK_CHOICES = ("auto", "dark", "light")
#: A histogram counts level 0 apart when more than this share of the pixels
#: have it (see _histogram).
BLANK_SHARE = 0.5
#: 4-neighbourhood: ink that erodes away under it is the outline (see :func:`edges`).
_CROSS = cv2.getStructuringElement(cv2.MORPH_CROSS, (3, 3))

#: Uneven light: the image is cut into a GRID x GRID array of blocks; in each
#: the PAPER_PERCENTILE nearest the paper side is taken as its paper level ...
GRID = 8
PAPER_PERCENTILE = 5
#: ... the paper level of each block (that percentile on the paper side) is
#: fitted by a quadratic surface, refitted FIT_ROUNDS times without blocks
#: more than FIT_SPREAD robust deviations on the ink side (blocks all ink) ...
FIT_ROUNDS = 3
FIT_SPREAD = 2.5
#: ... and the image is evened out when the fitted paper varies by more than
#: this share of the contrast between paper and ink.
UNEVEN_RANGE = 0.25
#: Evened-out dark-on-light images put paper at this level.
EVEN_PAPER = 235


@functools.lru_cache(maxsize=16)
def _design(grid: int) -> np.ndarray:
    """Quadratic terms (1, r, c, r², rc, c²) at the centres of a grid x grid array of
    blocks (read-only: it is shared)."""
    rr, cc = np.mgrid[0:grid, 0:grid]
    rows, cols = (rr.ravel() + 0.5) / grid, (cc.ravel() + 0.5) / grid
    a = np.stack([np.ones_like(rows), rows, cols, rows * rows, rows * cols, cols * cols], -1)
    a.flags.writeable = False
    return a


@functools.lru_cache(maxsize=16)
def _normal(grid: int) -> tuple[np.ndarray, np.ndarray]:
    """The design of all the grid's blocks (as ``_design(grid)[keep]`` copies it,
    every block kept) and its ridged normal matrix, as the paper fit's first
    round computes them (read-only: shared)."""
    ak = _design(grid)[np.ones(grid * grid, bool)]
    normal = ak.T @ ak + 1e-6 * np.eye(6)
    ak.flags.writeable = normal.flags.writeable = False
    return ak, normal


def _percentiles(blocks: np.ndarray, q: tuple[float, ...]) -> list[np.ndarray]:
    """``np.percentile(blocks, q, axis=1)`` of uint8 rows, by partitioning only
    around the order statistics needed (the same floats)."""
    n = blocks.shape[1]
    at = [(n - 1) * (p / 100) for p in q]  # numpy's virtual indexes
    below = [min(math.floor(v), n - 1) for v in at]
    kth = sorted({k for b in below for k in (b, min(b + 1, n - 1))})
    part = np.partition(blocks, kth, axis=1)
    order = {k: part[:, k].astype(np.float64) for k in kth}  # only the ranks needed, as floats
    return [interpolate(order[b], order[min(b + 1, n - 1)], v - b)
            for v, b in zip(at, below, strict=True)]


def _level_percentile(img: np.ndarray, hist: np.ndarray, lo: int, hi: int, q: float) -> float:
    """``np.percentile(img[(img >= lo) & (img <= hi)], q)`` of a uint8 image from its
    level histogram ``hist`` (the same float); numpy's own when no pixel is in range."""
    counts = np.cumsum(hist[lo:hi + 1])
    n = int(counts[-1]) if len(counts) else 0
    if n == 0:
        return float(np.percentile(img[(img >= lo) & (img <= hi)], q))
    at = (n - 1) * (q / 100)
    below = math.floor(at)
    order = np.searchsorted(counts, [below, min(below + 1, n - 1)], side="right") + lo
    return interpolate(float(order[0]), float(order[1]), at - below)


def _histogram(img: np.ndarray) -> np.ndarray:
    """Pixel count of each level of a uint8 image.

    When most pixels are 0 (blank paper of an ink-high image) they are counted
    apart and left out of the histogram: counting one level over and over is
    several times slower than counting varied ones.
    """
    if img.size < 1 << 24:  # exact in OpenCV's float32 counts
        img = np.ascontiguousarray(img)
        blank = img.size - cv2.countNonZero(img)
        if blank <= BLANK_SHARE * img.size:
            return cv2.calcHist([img], [0], None, [256], [0, 256]).ravel().astype(np.int64)
        inked = (img != 0).view(np.uint8)
        hist = cv2.calcHist([img], [0], inked, [256], [0, 256]).ravel().astype(np.int64)
        hist[0] = blank
        return hist
    return np.bincount(img.ravel(), minlength=256)


def _paper_fit(gray: np.ndarray, *, dark: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray,
                                                           float]:
    """The paper surface's quadratic coefficients (float32), its row and column
    coordinates (float32) and the largest paper-ink contrast in a block (see
    :func:`paper_surface`)."""
    h, w = gray.shape
    grid = max(1, min(GRID, h // 4, w // 4))
    bh, bw = h // grid, w // grid
    blocks = gray[:bh * grid, :bw * grid].reshape(grid, bh, grid, bw).swapaxes(1, 2)
    blocks = blocks.reshape(grid * grid, bh * bw)
    lo, hi = _percentiles(blocks, (PAPER_PERCENTILE, 100 - PAPER_PERCENTILE))
    paper, ink = (hi, lo) if dark else (lo, hi)
    a = _design(grid)
    keep = np.ones(len(paper), bool)
    coef = np.zeros(6)
    for k in range(FIT_ROUNDS):
        if k == 0:  # every block: the design and its normal matrix are the grid's
            ak, normal = _normal(grid)
            coef = np.linalg.solve(normal, ak.T @ paper[keep])
        else:
            ak = a[keep]
            coef = np.linalg.solve(ak.T @ ak + 1e-6 * np.eye(6), ak.T @ paper[keep])
        resid = paper - a @ coef
        spread = 1.4826 * median(np.abs(resid[keep]).tolist()) + 1.0
        kept = (resid > -FIT_SPREAD * spread) if dark else (resid < FIT_SPREAD * spread)
        if np.count_nonzero(kept) < 6:
            kept[:] = True
        if np.array_equal(kept, keep):
            break  # the next round would fit the same blocks again, to the same surface
        keep = kept
    r = (np.arange(h, dtype=np.float32) + 0.5) / (bh * grid)
    q = (np.arange(w, dtype=np.float32) + 0.5) / (bw * grid)
    return coef.astype(np.float32), r, q, float(np.max(np.abs(paper - ink)))


def _surface(c: np.ndarray, r: np.ndarray, q: np.ndarray) -> np.ndarray:
    """The quadratic surface with coefficients ``c`` (1, r, c, r², rc, c²) at
    rows ``r`` and columns ``q`` (float32)."""
    rr, qq = r[:, None], q[None, :]
    out: np.ndarray = c[0] + c[1] * rr + c[3] * rr * rr + (c[2] + c[4] * rr) * qq + c[5] * qq * qq
    return out


def _range_at_most(c: np.ndarray, r: np.ndarray, q: np.ndarray) -> float:
    """An upper bound on ``np.ptp(_surface(c, r, q))``, without the surface.

    The quadratic's range over the rectangle spanned by ``r`` and ``q`` (its
    extremes lie at the corners, at the vertices along the edges or at the
    critical point), in float64, plus a margin for the float32 rounding of the
    surface's terms (a few ulps of the largest, well under 1e-5 of their sum).

    >>> c = np.array([200, 0, 0, 0, 0, 0], np.float32)
    >>> r = q = np.linspace(0, 1, 5, dtype=np.float32)
    >>> _range_at_most(c, r, q) < 0.01
    True
    """
    c0, c1, c2, c3, c4, c5 = (float(v) for v in c)
    r0, r1, q0, q1 = float(r[0]), float(r[-1]), float(q[0]), float(q[-1])
    points = [(a, b) for a in (r0, r1) for b in (q0, q1)]
    if c5:  # vertices of the rows r0, r1
        points += [(a, min(max(-(c2 + c4 * a) / (2 * c5), q0), q1)) for a in (r0, r1)]
    if c3:  # ... and of the columns q0, q1
        points += [(min(max(-(c1 + c4 * b) / (2 * c3), r0), r1), b) for b in (q0, q1)]
    det = 4 * c3 * c5 - c4 * c4
    if det:  # the critical point, where both slopes vanish
        points.append((min(max((c4 * c2 - 2 * c5 * c1) / det, r0), r1),
                       min(max((c4 * c1 - 2 * c3 * c2) / det, q0), q1)))
    values = [c0 + c1 * a + c2 * b + c3 * a * a + c4 * a * b + c5 * b * b for a, b in points]
    reach = max(abs(r0), abs(r1), abs(q0), abs(q1), 1.0) ** 2
    return max(values) - min(values) + 1e-5 * (1.0 + reach * sum(abs(v) for v in (c0, c1, c2,
                                                                                    c3, c4, c5)))


def paper_surface(gray: np.ndarray, *, dark: bool = True) -> tuple[np.ndarray, float]:
    """Fit the paper's brightness with a smooth surface.

    Returns the surface at full size (float32) and the largest contrast between
    paper and ink in a block (gray levels). ``dark`` says the ink is darker
    than the paper.
    """
    c, r, q, contrast = _paper_fit(gray, dark=dark)
    return _surface(c, r, q), contrast


def even_out(gray: np.ndarray, *, dark: bool = True) -> np.ndarray:
    """Remove a smooth lighting gradient from an image, if it has a strong one.

    Dark ink is divided by the paper's brightness (light falls on paper and ink
    alike); light ink (a lit display) has the background subtracted. The
    surface is only drawn when its range, bounded from its coefficients, may
    reach UNEVEN_RANGE of the contrast.
    """
    c, r, q, contrast = _paper_fit(gray, dark=dark)
    if contrast <= 0 or _range_at_most(c, r, q) <= UNEVEN_RANGE * contrast:
        return gray
    surface = _surface(c, r, q)
    if float(np.ptp(surface)) <= UNEVEN_RANGE * contrast:
        return gray
    g = gray.astype(np.float32)
    if dark:
        out = EVEN_PAPER * g / np.maximum(surface, 1.0)
    else:
        out = g - surface + float(np.percentile(surface, 5))
    return np.clip(out, 0, 255).astype(np.uint8)


class Binarized(NamedTuple):
    """Result of :func:`binarize`."""

    mask: np.ndarray  # bool, True on ink
    ink: np.ndarray  # uint8, ink-high gray levels
    threshold: int  # level of ``ink`` that separates ink (> threshold) from paper
    polarity: str  # "dark-on-light" or "light-on-dark"
    paper_level: int = 0  # typical ``ink`` value of paper
    ink_level: int = 255  # typical ``ink`` value of solid ink

    def level(self, fraction: float) -> float:
        """The ``ink`` value ``fraction`` of the way from paper to solid ink."""
        return self.paper_level + fraction * (self.ink_level - self.paper_level)


def border(gray: np.ndarray) -> np.ndarray:
    """The pixels on the edge of an image, each once."""
    return np.concatenate([gray[0], gray[-1], gray[1:-1, 0], gray[1:-1, -1]])


def binarize(gray: np.ndarray, *, ink: str = "auto") -> Binarized:
    """Split a gray image into ink and paper with Otsu's threshold.

    Parameters
    ----------
    gray : ndarray
        2-D uint8 image.
    ink : {"auto", "dark", "light"}
        Polarity of the ink. ``"auto"`` takes the class that covers most of the
        image border as paper (and the larger class when the border is split).

    Returns
    -------
    Binarized
        ``mask`` (bool), ink-high ``ink`` image, the ``threshold`` on it and the
        ``polarity`` used.
    """
    if ink not in INK_CHOICES:
        raise BadArgumentError(f"ink must be one of {INK_CHOICES}, got {ink!r}")
    if gray.ndim != 2 or gray.dtype != np.uint8 or gray.size == 0:
        raise BadArgumentError(
            f"binarize needs a non-empty 2-D uint8 image, got {gray.dtype} {gray.shape}")
    lo, hi, _, _ = cv2.minMaxLoc(gray)
    if hi - lo < MIN_CONTRAST:
        polarity = "light-on-dark" if ink == "light" else "dark-on-light"
        return Binarized(np.zeros(gray.shape, bool), np.zeros_like(gray), 255, polarity)
    level, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    if ink == "auto":
        edge = border(gray)
        dark_border = np.count_nonzero(edge <= level) / edge.size  # the share, as np.mean
        if abs(dark_border - BORDER_MAJORITY) < 0.05:
            dark_border = np.count_nonzero(gray <= level) / gray.size
        ink = "light" if dark_border > BORDER_MAJORITY else "dark"
    even = even_out(gray, dark=ink == "dark")
    if even is not gray:
        gray = even
        level, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    if ink == "dark":
        ink_img = cv2.bitwise_not(gray)  # 255 - gray
        otsu = 255 - int(level) - 1
        polarity = "dark-on-light"
    else:
        ink_img = gray.copy()
        otsu = int(level)
        polarity = "light-on-dark"
    # Otsu is biased when ink is a small share of the image (it lands in the
    # anti-aliased rim); the midpoint of the two classes' typical levels is not.
    hist = _histogram(ink_img)
    paper_level = int(_level_percentile(ink_img, hist, 0, otsu, 50))  # the median
    ink_level = int(_level_percentile(ink_img, hist, otsu + 1, 255, INK_PERCENTILE))
    threshold = round(paper_level + THRESHOLD_FRACTION * (ink_level - paper_level))
    return Binarized(ink_img > threshold, ink_img, threshold, polarity, paper_level, ink_level)


def edges(bw: Binarized, *, inner: float = 0.2, outer: float = 0.65) -> tuple[float, float]:
    """Width in pixels of the ink's edge ramp, and of its strokes.

    The ramp is the count of pixels between the ``inner`` and ``outer`` levels
    (fractions from paper to ink) per pixel of the ink outline: crisp
    anti-aliased text gives under a pixel, blur widens it with its radius. The
    stroke width is twice the ink area over the outline length.
    """
    body = np.ascontiguousarray(bw.mask).view(np.uint8)
    area = cv2.countNonZero(body)
    outline = area - cv2.countNonZero(cv2.erode(body, _CROSS))
    if not outline:
        return 0.0, 0.0
    # whole levels above the inner level and up to the outer one
    lo, hi = math.floor(bw.level(inner)) + 1, math.floor(bw.level(outer))
    ramp = cv2.countNonZero(cv2.inRange(bw.ink, lo, hi)) if lo <= hi else 0
    return ramp / outline, 2.0 * area / outline


__all__ = ["Binarized", "binarize", "border", "edges", "even_out"]
