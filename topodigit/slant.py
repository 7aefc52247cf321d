"""Italic slant of a glyph or a line, and unshearing it upright.

:func:`estimate_slant` searches the shear (dx per row) that stacks the
near-vertical strokes into the fewest columns; :func:`unshear` undoes it. Used
by the seven-segment reader (its cells are laid on upright digits) and by the
cutting of touching glyphs (cuts lean with an italic line).
"""

from __future__ import annotations

import cv2
import numpy as np

from topodigit.errors import BadArgumentError

#: Shears searched by estimate_slant (tan of the italic angle; 0.5 is ~27 deg).
MAX_SLANT = 0.5
SLANT_STEP = 0.01
#: Bounded cost: the slant search looks at no more than this many ink pixels
#: (an even sample; a line of 64-px digits has about 800 per digit) ...
SLANT_MAX_PIXELS = 200_000
#: ... and handles at most this many (shear, pixel) pairs at a time.
SLANT_BLOCK = 2_000_000

#: Shears tried by narrowest_shear (columns per row, + leans right going down):
#: upright first, then by increasing size, so ties keep the smaller slant.
NARROW_SLANTS = sorted(np.arange(-0.4, 0.41, 0.05).round(2), key=abs)
#: A column no sheared ink reaches: rows without ink take it (or its negative) as
#: their first (last) ink column, so they are never a glyph's extreme.
_FAR = 1 << 30
_SLANTS = np.array(NARROW_SLANTS)[None, :, None]  # (rows, slants, glyphs) broadcasting
_SLANTS.flags.writeable = False
#: Smoothing of the column profile in the slant search (see _peakiness).
PROFILE_SIGMA = 1.0
_SMOOTH = np.exp(-0.5 * (np.arange(-3, 4) / PROFILE_SIGMA) ** 2)
_SMOOTH /= _SMOOTH.sum()


def check_mask(mask: np.ndarray) -> np.ndarray:
    """``mask`` as a 2-D bool array with some ink (itself when it is one: read only)."""
    arr = np.asarray(mask)
    if arr.ndim != 2 or arr.size == 0 or not arr.any():
        raise BadArgumentError(f"mask must be a 2-D array with some ink, got shape {arr.shape}")
    return arr if arr.dtype == bool else arr.astype(bool)


def unshear(mask: np.ndarray, slant: float) -> np.ndarray:
    """Shift each row left by ``slant`` px per row above the bottom row; crop to ink.

    >>> m = np.eye(4, dtype=bool)[:, ::-1]  # a stroke leaning right, slant 1
    >>> unshear(m, 1.0).shape
    (4, 1)
    """
    arr = check_mask(mask)
    if slant == 0:  # no shift: the ink's box (OpenCV's, in one call)
        left, top, cols, rows = cv2.boundingRect(np.ascontiguousarray(arr).view(np.uint8))
        upright: np.ndarray = arr[top:top + rows, left:left + cols]
        return upright
    rr, cc = np.nonzero(arr)
    rr = rr - rr.min()
    cc = cc - np.floor(slant * (rr.max() - rr) + 0.5).astype(int)
    out = np.zeros((int(rr.max()) + 1, int(cc.max() - cc.min()) + 1), bool)
    out[rr, cc - cc.min()] = True
    return out


def row_shifts(rows: int, slant: float) -> np.ndarray:
    """Per row, how far right its pixels move to stand upright (0 or more; with
    glyphs leaning right, the top row moves least): each pixel's upright column
    is its column plus its row's shift.

    >>> row_shifts(4, 1.0).tolist()
    [0, 1, 2, 3]
    """
    lean = np.floor(slant * (rows - 1 - np.arange(rows)) + 0.5).astype(np.int64)
    out: np.ndarray = lean.max() - lean if rows else lean
    return out


def shift_rows(mask: np.ndarray, shift: np.ndarray) -> np.ndarray:
    """``mask`` with each row moved right by its ``shift`` (see :func:`row_shifts`),
    widened to hold them; unlike :func:`unshear`, not cropped, so columns map back."""
    out = np.zeros((mask.shape[0], mask.shape[1] + int(shift.max(initial=0))), bool)
    rr, cc = np.nonzero(mask)
    out[rr, cc + shift[rr]] = True
    return out


def _peakiness(rr: np.ndarray, cc: np.ndarray, shears: np.ndarray) -> np.ndarray:
    """Sum of squares of the smoothed column profile, per shear.

    The profile is linearly interpolated, then smoothed by a gaussian of
    PROFILE_SIGMA px: unsmoothed, whole-pixel shifts (shear 0) would score higher
    than the spread-out profiles of fractional ones, and small italics read upright.
    """
    x = cc[None, :] - shears[:, None] * (rr.max() - rr)[None, :]
    x -= x.min(axis=1, keepdims=True)
    i = np.floor(x).astype(np.int64)
    w = x - i
    pad = len(_SMOOTH) // 2
    length = i.max(axis=1) + 2 + 2 * pad  # each shear's profile: bins 0 .. max + 1, padded
    start = np.concatenate([[0], np.cumsum(length)[:-1]])
    i += start[:, None] + pad
    size = int(length.sum())
    prof = np.bincount(i.ravel(), (1 - w).ravel(), size) + np.bincount((i + 1).ravel(), w.ravel(),
                                                                      size)
    prof = np.convolve(prof, _SMOOTH, mode="same")
    prof **= 2
    return np.array([prof[a:a + n].sum() for a, n in zip(start, length, strict=True)])


def estimate_slant(mask: np.ndarray) -> float:
    """Italic shear of a glyph or line: dx per row going up (0 when upright).

    Searches the shear that makes the column profile of the ink most peaked,
    i.e. stacks the (near-)vertical strokes into the fewest columns.

    >>> m = np.zeros((20, 14), bool)
    >>> for r in range(20):
    ...     m[r, 2 + (19 - r) // 4] = m[r, 8 + (19 - r) // 4] = True
    >>> round(estimate_slant(m), 2)
    0.25
    """
    rr, cc = np.nonzero(check_mask(mask))
    if len(rr) > SLANT_MAX_PIXELS:  # bounded cost: an even sample of a huge mask
        keep = np.linspace(0, len(rr) - 1, SLANT_MAX_PIXELS).astype(np.int64)
        rr, cc = rr[keep], cc[keep]
    shears = np.arange(-MAX_SLANT, MAX_SLANT + SLANT_STEP / 2, SLANT_STEP)
    block = max(1, SLANT_BLOCK // len(rr))  # shears per pass, bounding the memory used
    scores = np.concatenate([_peakiness(rr, cc, shears[k:k + block])
                             for k in range(0, len(shears), block)])
    best = np.flatnonzero(scores >= scores.max() * (1 - 1e-9))
    return float(shears[best[np.argmin(np.abs(shears[best]))]])  # ties: the least slant


def narrowest_shear(masks: list[np.ndarray]) -> float:
    """The shear of NARROW_SLANTS that makes the glyphs (bool masks cropped to
    their boxes, each sheared about the mean row of its ink) narrowest in total.

    Only each row's first and last ink pixels can be a glyph's extremes; the
    masks are stacked, padded with paper to one box, so every step is one numpy
    (or OpenCV) call for all of them. The stack holds rows first (rows, glyphs,
    columns): the maxima and minima over the rows then reduce a leading axis,
    which numpy does in long vectorised passes (over a short last axis it is
    several times slower); they are exact in any order.

    >>> narrowest_shear([np.eye(8, dtype=bool)])  # one column right per row down
    0.4
    >>> narrowest_shear([np.ones((8, 2), bool)]) == 0  # upright
    True
    """
    widths = np.zeros(len(NARROW_SLANTS))
    masks = [m for m in masks if m.size]
    if masks:
        stack = np.zeros((max(m.shape[0] for m in masks), len(masks),
                          max(m.shape[1] for m in masks)), bool)
        for k, m in enumerate(masks):
            stack[:m.shape[0], k, :m.shape[1]] = m
        height, n, width = stack.shape
        # each glyph's ink per row (whole numbers: OpenCV's row sums are exact)
        counts = cv2.reduce(stack.view(np.uint8).reshape(height * n, width), 1, cv2.REDUCE_SUM,
                            dtype=cv2.CV_32S).reshape(height, n)
        total = counts.sum(axis=0)
        if not total.all():
            stack, counts, total = stack[:, total > 0], counts[:, total > 0], total[total > 0]
    if masks and len(total):
        inked, rows = counts > 0, np.arange(stack.shape[0])
        dr = rows[:, None] - ((rows @ counts) / total)[None, :]  # from the mean of the ink's rows
        first = np.where(inked, stack.argmax(axis=2), _FAR).astype(np.float64)
        last = np.where(inked, stack.shape[2] - 1 - stack[:, :, ::-1].argmax(axis=2),
                        -_FAR).astype(np.float64)
        shear = _SLANTS * dr[:, None, :]
        spans = (last[:, None, :] - shear).max(axis=0) - (first[:, None, :] - shear).min(axis=0)
        widths = np.cumsum(spans, axis=1)[:, -1]  # added in order, glyph by glyph
    best, slant = np.inf, 0.0
    for s, width in zip(NARROW_SLANTS, widths.tolist(), strict=True):
        if width < best - 1e-9:
            best, slant = width, float(s)
    return slant


__all__ = ["MAX_SLANT", "check_mask", "estimate_slant", "narrowest_shear", "row_shifts",
           "shift_rows", "unshear"]
