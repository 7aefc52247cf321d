"""Seven-segment cells in a line: full-cell metrics and decimal points touching digits.

A seven-segment display draws every character in a cell of one size. A 1, 4 or 7
lacks the top or bottom bar, so the line's height and baseline come from the
full cells. The decimal point sits at the baseline in the gap after a digit;
at small sizes, under blur or on an italic display it touches the digit, and
:func:`peel_point` splits it off. Also the digits' stroke width, which layout
uses to tell marks from specks.

Examples
--------
>>> import numpy as np
>>> m = np.zeros((10, 8), bool)
>>> m[:, 0:2] = m[:, 4:6] = m[0:2, 0:6] = m[8:10, 0:6] = True  # a 0
>>> m[8:10, 6:8] = True  # its point, joined
>>> digit, point = peel_point(m, height=10, slant=0.0, stroke=2)
>>> int(point.sum()), bool(digit[:, 6:].any())
(4, False)
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from topodigit.quantiles import median
from topodigit.results import Box
from topodigit.segment import TALL_SHARE, line_height
from topodigit.slant import row_shifts

#: A dot (a point, a colon's dot) is at least this many digit strokes wide and
#: tall (fonts measured: 0.9-3.4), unlike a speck of dirt.
DOT_STROKES = 0.6
#: Seven-segment lines: a 1, 4 or 7 lacks the top or bottom bar, so the line's
#: height, top line and baseline come from the glyphs at least this share of
#: the tallest digit's height (the full cells).
FULL_HEIGHT = 0.9
#: A decimal point touching a seven-segment digit (small sizes, blur, italics:
#: it sits in the gap after the digit, at the baseline) is the ink beside the
#: digit's bars, upright: columns at the cell's right (or, for the point before
#: a digit, left) edge whose ink lies within this share of the line height above
#: the baseline (DSEG7's point is 0.1-0.15 H, its bars reach 0.5 H) ...
POINT_BAND = 0.25
#: ... at least DOT_STROKES strokes wide and tall, no wider than this share of H,
#: and leaving a digit at least a stroke wide (the bar of a 1) ...
POINT_MAX_WIDTH = 0.3
#: ... or at least this many strokes wide, when the digit is wider than the
#: line's typical cell by the point's width (a point fused into its corner).
FUSED_STROKES = 0.5
#: A point at a digit's left (after the previous digit) must also make the digit
#: wider than the line's typical cell by at least this share of the point: an
#: italic digit unsheared by a slightly too small slant (small sizes) has the
#: end of its bottom bar sticking out there; unless what is left is a 1,
#: narrower than NARROW_CELL cells. (A slant too small only tilts the digit's
#: top further right, so the right side needs no such check.)
POINT_EXCESS = 0.5
NARROW_CELL = 0.5
#: The typical cell leaves out 1s: digits narrower than this share of H (a
#: seven-segment 1 is one bar, 0.1-0.2 H; the other digits 0.5-0.65 H).
ONE_WIDTH = 0.35


def stroke_width(masks: Sequence[np.ndarray]) -> float:
    """Stroke width of glyphs: twice their ink area over their outline length.

    >>> round(stroke_width([np.ones((40, 3), bool)]), 1)  # a 3-px bar
    2.9
    """
    cross = cv2.getStructuringElement(cv2.MORPH_CROSS, (3, 3))
    area = outline = 0
    for mask in masks:
        m = np.pad(mask, 1).astype(np.uint8)
        area += int(m.sum())
        outline += int(m.sum()) - int(cv2.erode(m, cross).sum())
    return 2.0 * area / outline if outline else 0.0


def _unsheared(mask: np.ndarray, slant: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows, columns and unsheared columns (from 0) of a glyph's ink."""
    rr, cc = np.nonzero(mask)
    x = cc + row_shifts(mask.shape[0], slant)[rr]
    return rr, cc, x - x.min()


def cell_width(masks: Sequence[np.ndarray], height: float, slant: float) -> float | None:
    """Typical unsheared width of the digits (1s left out), None without one."""
    widths = [int(_unsheared(m, slant)[2].max()) + 1 for m in masks if m.any()]
    wide = [w for w in widths if w >= ONE_WIDTH * height]
    return median(wide) if wide else None


def peel_point(mask: np.ndarray, *, height: float, slant: float, stroke: float,
               cell: float | None = None) -> tuple[np.ndarray, np.ndarray] | None:
    """Split a decimal point off a seven-segment digit it touches.

    Parameters
    ----------
    mask : ndarray of bool
        The digit's ink, cropped to its box (bottom row on the baseline).
    height : float
        The line's digit height in px.
    slant : float
        The line's italic shear (dx per row going up): the point is sought beside
        the unsheared digit.
    stroke : float
        The digits' stroke width in px.
    cell : float, optional
        The line's typical unsheared digit width in px: a digit carrying a point
        at its left is wider (see POINT_EXCESS). None: not checked.

    Returns
    -------
    (digit, point) : pair of ndarray of bool, or None
        Both of ``mask``'s shape; None when no point touches the digit.

    See the module example.
    """
    rows = mask.shape[0]
    if not mask.any():
        return None
    rr, cc, x = _unsheared(mask, slant)
    width = int(x.max()) + 1
    highest = np.full(width, rows)
    np.minimum.at(highest, x, rr)
    low = highest >= rows - POINT_BAND * height  # columns inked only near the baseline
    for side in (1, -1):  # the point after the digit, then the one before it
        edge = highest[::-side]  # from that side inwards
        run = int(np.argmin(low[::-side])) if not low.all() else 0
        if not run:
            continue
        # the point's top is that of its outer half; ink above it in those columns
        # is the digit's (the bevelled end of a bar reaching down to the baseline)
        top = int(edge[:(run + 1) // 2].min()) - 1
        on = (x >= width - run if side == 1 else x < run) & (rr >= top)
        point = np.zeros_like(mask)
        point[rr[on], cc[on]] = True
        prow = np.flatnonzero(point.any(axis=1))
        tall = int(prow[-1] - prow[0]) + 1
        wider = side == 1 or cell is None or width - cell >= POINT_EXCESS * run or (
            width - run < NARROW_CELL * cell)
        # fused into the digit's corner, a point shows only part of its width: half
        # a dot will do when all of that part lies outside the line's typical cell
        fused = cell is not None and width - cell >= run
        least = (FUSED_STROKES if fused else DOT_STROKES) * stroke
        if (least <= run and DOT_STROKES * stroke <= tall and run <= POINT_MAX_WIDTH * height
                and width - run >= stroke and wider):
            return mask & ~point, point
    return None


def without_points(masks: Sequence[np.ndarray], *, height: float, slant: float,
                   cell: float | None = None) -> list[np.ndarray]:
    """The seven-segment digits' masks with any touching decimal point split off.

    ``cell`` is the line's typical unsheared digit width (default: that of ``masks``).
    """
    stroke = stroke_width(masks)
    cell = cell_width(masks, height, slant) if cell is None else cell
    out = []
    for m in masks:
        split = peel_point(m, height=height, slant=slant, stroke=stroke, cell=cell)
        if split is None:
            out.append(m)
            continue
        rows, cols = np.flatnonzero(split[0].any(axis=1)), np.flatnonzero(split[0].any(axis=0))
        out.append(split[0][rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1])
    return out


def full_height(boxes: Sequence[Box]) -> float:
    """Digit height of a seven-segment line: that of its full cells (see FULL_HEIGHT)."""
    return seven_metrics(list(boxes), line_height(list(boxes)))[0]


def seven_metrics(boxes: list[Box], height: float) -> tuple[float, float, float]:
    """Height, top line and baseline of a seven-segment line, from its full cells.

    ``height`` is the line's height as :func:`topodigit.segment.line_height` sees it.
    """
    tall = [b for b in boxes if b.height >= TALL_SHARE * height]
    full = [b for b in tall if b.height >= FULL_HEIGHT * max(t.height for t in tall)]
    top = median([b.top for b in full])
    baseline = median([b.bottom for b in full])
    return baseline - top, top, baseline


__all__ = ["DOT_STROKES", "cell_width", "full_height", "peel_point", "seven_metrics",
           "stroke_width", "without_points"]
