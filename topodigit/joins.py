"""Touching neighbours for :mod:`topodigit.conditions`: ink blots and tight kerning.

Two neighbouring glyphs are joined either by a filled ink ellipse over the gap
(:func:`blot`) or by pulling everything right of the gap to the left until
their ink overlaps (:func:`kern`); :func:`join` does one or the other to 1-2
pairs (condition ``touching``), :func:`blot` bridges 1-2 pairs of a line
already drawn with ``CROWDED_LETTER_SPACING`` (condition ``crowded``). Glyph
pairs are boxes ``(top, left, bottom, right)``, half-open; :func:`ink_pairs`
finds them from the ink when the caller does not know the layout.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import cv2
import numpy as np

from topodigit.errors import BadArgumentError, BadImageError

#: crowded: letter spacing of the whole line (units of digit height, for
#: ``synth.render_text``); the glyphs of bold fonts then run into one another.
CROWDED_LETTER_SPACING = -0.12
#: Blot ellipse: at least this width and height (units of digit height).
BLOT_WIDTH, BLOT_HEIGHT = 0.25, 0.15
#: Blot centre row: this range of the pair's joint band (0 top, 1 bottom).
BLOT_ROWS = (0.3, 0.7)
#: crowded: how many neighbouring pairs are blotted (at most the pairs there are).
BLOT_PAIRS = (1, 2)
#: touching: how many neighbouring pairs, sharing no glyph, are joined.
JOIN_PAIRS = (1, 2)
#: touching: chance that a pair is kerned together rather than blotted.
KERN_SHARE = 0.5
#: touching: columns by which kerned glyphs' dark ink overlaps where closest.
KERN_OVERLAP = (1, 2)

#: A glyph box: (top, left, bottom, right), half-open.
Box = tuple[int, int, int, int]


def check_image(gray: np.ndarray, digit_height: float) -> None:
    """Raise unless `gray` is a non-empty 2-D uint8 image and `digit_height` is in 4..1000."""
    if not isinstance(gray, np.ndarray) or gray.ndim != 2 or gray.dtype != np.uint8:
        what = type(gray).__name__
        if isinstance(gray, np.ndarray):
            what = f"{gray.dtype} array of shape {gray.shape}"
        raise BadImageError(f"gray must be a 2-D uint8 array, got {what}")
    if gray.size == 0:
        raise BadImageError(f"gray must not be empty, got shape {gray.shape}")
    try:
        h = float(digit_height)
    except (TypeError, ValueError):
        h = math.nan
    if not 4 <= h <= 1000:  # also rejects NaN
        raise BadArgumentError(f"digit_height must be a number in [4, 1000], got {digit_height!r}")


def ink_pairs(gray: np.ndarray, *, digit_height: float) -> list[tuple[Box, Box]]:
    """Boxes of neighbouring tall ink components that do not touch yet.

    Components are found at the mid-gray threshold (dark ink); those at least
    half a digit tall are sorted by column and paired with the next one when
    they overlap vertically and the gap is below a quarter digit height
    (a word space is wider).
    """
    mask = (gray < (int(gray.min()) + int(gray.max())) / 2).astype(np.uint8)
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    boxes = sorted(
        (int(s[cv2.CC_STAT_TOP]), int(s[cv2.CC_STAT_LEFT]),
         int(s[cv2.CC_STAT_TOP] + s[cv2.CC_STAT_HEIGHT]),
         int(s[cv2.CC_STAT_LEFT] + s[cv2.CC_STAT_WIDTH]))
        for s in stats[1:n] if s[cv2.CC_STAT_HEIGHT] >= 0.5 * digit_height
    )  # fmt: skip
    boxes.sort(key=lambda b: b[1])
    return [(a, b) for a, b in itertools.pairwise(boxes)
            if min(a[2], b[2]) > max(a[0], b[0]) and b[1] - a[3] < 0.25 * digit_height]  # fmt: skip


def _blot_pair(out: np.ndarray, pair: tuple[Box, Box], rng: np.random.Generator,
               digit_height: float) -> None:  # fmt: skip
    """Draw one blot ellipse joining the glyphs of `pair` into `out`, in place."""
    ink = int(out.min())
    dark = out < (ink + int(out.max())) / 2
    half_h = max(1.0, BLOT_HEIGHT * digit_height / 2)
    (t0, l0, b0, r0), (t1, l1, b1, r1) = pair
    top, bottom = min(t0, t1), max(b0, b1)
    row = top + rng.uniform(*BLOT_ROWS) * (bottom - top)
    band = slice(max(0, math.floor(row) - 1), math.ceil(row) + 1)  # the blob's middle rows
    # look for each glyph's ink only where the other cannot be (slanted glyphs
    # overlap), `guard` px clear of the other's box in case a box is a bit off
    guard = max(2, round(0.04 * digit_height))
    left_ink = np.flatnonzero(dark[band, l0 : max(l0, l1 - guard)].any(axis=0))
    right_ink = np.flatnonzero(dark[band, min(r0 + guard, r1) : r1].any(axis=0))
    x0 = l0 + int(left_ink[-1]) + 1 if left_ink.size else min(r0, l1)
    x1 = min(r0 + guard, r1) + int(right_ink[0]) if right_ink.size else max(r0, l1)
    grip = max(2.0, 0.08 * digit_height)  # overlap with each glyph's ink
    half_w = max(BLOT_WIDTH * digit_height / 2, abs(x1 - x0) / 2 + grip)
    shift = 4  # sub-pixel precision bits for cv2.ellipse
    centre = (round((x0 + x1) / 2 * 2**shift), round(row * 2**shift))
    axes = (round(half_w * 2**shift), round(half_h * 2**shift))
    cv2.ellipse(out, centre, axes, 0, 0, 360, ink, -1, cv2.LINE_AA, shift)


def blot(gray: np.ndarray, pairs: Sequence[tuple[Box, Box]], rng: np.random.Generator, *,
         digit_height: float) -> np.ndarray:  # fmt: skip
    """Join 1-2 of the neighbouring glyph `pairs` with a filled ink ellipse.

    For each chosen pair a row is drawn between 30 % and 70 % of their joint
    band; the ellipse (``BLOT_WIDTH`` x ``BLOT_HEIGHT`` digit heights, wider
    if the gap needs it) is centred between the two glyphs' ink on that row,
    overlaps each by a little, and is painted with the darkest gray of the image.

    Parameters
    ----------
    gray : numpy.ndarray
        2-D uint8 image, dark ink on light paper.
    pairs : sequence of (Box, Box)
        Candidate neighbours, each box ``(top, left, bottom, right)``.
    rng : numpy.random.Generator
        Picks the pairs and the rows.
    digit_height : float
        Digit height in pixels.

    Returns
    -------
    numpy.ndarray
        The blotted copy, same shape.

    Examples
    --------
    >>> img = np.full((20, 30), 255, np.uint8)
    >>> img[4:16, 5:10] = 0
    >>> img[4:16, 13:18] = 0
    >>> out = blot(img, [((4, 5, 16, 10), (4, 13, 16, 18))], np.random.default_rng(0),
    ...            digit_height=12)
    >>> bool((out[4:16, 10:13] == 0).all(axis=1).any())
    True
    """
    check_image(gray, digit_height)
    out = gray.copy()
    if not pairs:
        return out
    count = min(len(pairs), int(rng.integers(BLOT_PAIRS[0], BLOT_PAIRS[1] + 1)))
    for k in sorted(rng.choice(len(pairs), size=count, replace=False).tolist()):
        _blot_pair(out, pairs[k], rng, digit_height)
    return out


def _seam(gray: np.ndarray, lo: int, hi: int) -> np.ndarray:
    """Per row, the column of the lightest top-to-bottom path in columns ``lo..hi-1``.

    The path moves at most one column per row, so it follows a slanted gap.
    """
    cost = 255.0 - gray[:, lo:hi].astype(np.float64)
    acc = cost.copy()
    step = np.zeros(cost.shape, np.int64)  # -1, 0, +1: where the path came from
    for r in range(1, len(acc)):
        prev = np.stack([np.r_[np.inf, acc[r - 1, :-1]], acc[r - 1], np.r_[acc[r - 1, 1:], np.inf]])
        step[r] = np.argmin(prev, axis=0) - 1
        acc[r] += prev[step[r] + 1, np.arange(prev.shape[1])]
    cols = np.empty(len(acc), np.int64)
    cols[-1] = int(np.argmin(acc[-1]))
    for r in range(len(acc) - 1, 0, -1):
        cols[r - 1] = cols[r] + step[r, cols[r]]
    return cols + lo


def kern(gray: np.ndarray, pair: tuple[Box, Box], overlap: int) -> np.ndarray:
    """Pull everything right of the gap in `pair` left until the two glyphs' ink overlaps.

    The image is cut along the lightest top-to-bottom path between the two
    glyphs' box centres (it follows the gap of slanted glyphs too); the right
    part moves left until, on the rows where both glyphs have dark ink (below
    mid-gray), the closest ones share `overlap` columns; both parts are
    composed with ``np.minimum`` (dark ink on light paper). Nothing else moves
    relative to its neighbours. Without a row holding both glyphs' dark ink
    the image is returned unchanged.

    Parameters
    ----------
    gray : numpy.ndarray
        2-D uint8 image, dark ink on light paper.
    pair : (Box, Box)
        The left and right glyph boxes ``(top, left, bottom, right)``.
    overlap : int
        Columns of overlap where the glyphs come closest (1 touches them).

    Returns
    -------
    numpy.ndarray
        2-D uint8 image, narrower by the shift (the margins keep their width).

    Examples
    --------
    >>> img = np.full((12, 24), 255, np.uint8)
    >>> img[2:10, 3:8] = 0
    >>> img[2:10, 12:17] = 0
    >>> out = kern(img, ((2, 3, 10, 8), (2, 12, 10, 17)), 1)
    >>> out.shape, np.flatnonzero(out[5] == 0).tolist()
    ((12, 19), [3, 4, 5, 6, 7, 8, 9, 10, 11])
    """
    (_, l0, _, r0), (_, l1, _, r1) = pair
    lo, hi = (l0 + r0) // 2, max((l1 + r1) // 2, (l0 + r0) // 2 + 1) + 1
    seam = _seam(gray, max(0, lo), min(gray.shape[1], hi))
    paper = int(gray.max())
    right = np.arange(gray.shape[1])[None, :] >= seam[:, None]
    left_part, right_part = np.where(right, paper, gray), np.where(right, gray, paper)
    mid = (int(gray.min()) + paper) / 2
    gaps = []
    for row_l, row_r in zip(left_part < mid, right_part < mid, strict=True):
        if row_l.any() and row_r.any():
            gaps.append(int(np.argmax(row_r)) - int(np.flatnonzero(row_l)[-1]) - 1)
    if not gaps:
        return gray.copy()
    shift = max(0, min(gaps) + int(overlap))
    width = max(gray.shape[1] - shift, int(seam.max()))
    out = left_part[:, :width].copy()
    moved = right_part[:, shift : shift + width]
    np.minimum(out[:, : moved.shape[1]], moved, out=out[:, : moved.shape[1]])
    return out.astype(np.uint8)


def join(gray: np.ndarray, pairs: Sequence[tuple[Box, Box]], rng: np.random.Generator, *,
         digit_height: float) -> np.ndarray:  # fmt: skip
    """Join 1-2 neighbouring glyph `pairs` that share no glyph, each by a blot or by kerning.

    Each chosen pair is, with probability ``KERN_SHARE``, pulled together by
    :func:`kern` (``KERN_OVERLAP`` columns of overlap), else bridged by a blot
    ellipse as in :func:`blot`. Pairs are joined right to left, so kerning one
    does not move the boxes of those still to come.

    Parameters
    ----------
    gray : numpy.ndarray
        2-D uint8 image, dark ink on light paper, normally spaced.
    pairs : sequence of (Box, Box)
        Candidate neighbours, each box ``(top, left, bottom, right)``.
    rng : numpy.random.Generator
        Picks the pairs, the way each is joined, overlaps and blot rows.
    digit_height : float
        Digit height in pixels.

    Returns
    -------
    numpy.ndarray
        2-D uint8 image; narrower when a pair was kerned.

    Examples
    --------
    >>> img = np.full((20, 30), 255, np.uint8)
    >>> img[4:16, 5:10] = 0
    >>> img[4:16, 13:18] = 0
    >>> out = join(img, [((4, 5, 16, 10), (4, 13, 16, 18))], np.random.default_rng(0),
    ...            digit_height=12)
    >>> int(cv2.connectedComponents((out < 128).astype(np.uint8))[0]) - 1
    1
    """
    check_image(gray, digit_height)
    out = gray.copy()
    count = int(rng.integers(JOIN_PAIRS[0], JOIN_PAIRS[1] + 1))
    chosen: list[tuple[Box, Box]] = []
    for k in rng.permutation(len(pairs)).tolist():
        if len(chosen) < count and not {*pairs[k]} & {b for p in chosen for b in p}:
            chosen.append(pairs[k])
    for pair in sorted(chosen, key=lambda p: -p[0][1]):
        if rng.random() < KERN_SHARE:
            out = kern(out, pair, int(rng.integers(KERN_OVERLAP[0], KERN_OVERLAP[1] + 1)))
        else:
            _blot_pair(out, pair, rng, digit_height)
    return out


__all__ = ["BLOT_HEIGHT", "BLOT_PAIRS", "BLOT_ROWS", "BLOT_WIDTH", "CROWDED_LETTER_SPACING",
           "JOIN_PAIRS", "KERN_OVERLAP", "KERN_SHARE", "Box", "blot", "check_image", "ink_pairs",
           "join", "kern"]  # fmt: skip
