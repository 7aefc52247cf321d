"""Ink too faint to be ink: dots on seven-segment lines, and strokes of print glyphs.

A seven-segment display's decimal point and colon dots are the smallest marks on
it: at 18-24 px one is 2-3 px across. Rotation (interpolated twice: by the
camera, then by deskewing) or blur spreads it until no pixel, or fewer than
:data:`topodigit.segment.MIN_AREA_PX`, is dark enough to be ink, while the bars
beside it keep their core. The dot is still there in the gray levels: a peak of
darkness clear of every kept stroke. :func:`faint_dots` finds such peaks on a
seven-segment line and gives each the pixels around it as a region of its own;
the layout then judges it like any other mark (a point on the baseline between
digits, a colon's dot in the middle band, else a speck). On print lines, blur can
leave a bold serif 3 only its spine and its two ball terminals as ink:
:func:`with_faint_strokes` joins a narrow glyph to the marks beside it that ink
at the faint level joins it to, when together they read surely as another digit
(and any glyph to such marks within the left half of its columns, when together
they read as the digit it reads as alone: a serif 3's parted lower terminal).

Examples
--------
>>> ink = np.zeros((20, 30), np.uint8)
>>> ink[2:18, 2:5] = ink[2:18, 20:23] = 255  # two bars (the digits' sides)
>>> ink[16:18, 11:13] = 150  # a 2-px point, too faint to be ink
>>> labels = (ink > 200).astype(np.int32); labels[:, 20:] *= 2
>>> bw = Binarized(ink > 200, ink, 200, "light-on-dark", paper_level=0, ink_level=255)
>>> [(b.top, b.left, b.bottom, b.right) for b, _ in faint_dots(
...     bw, labels, rows=(2, 18), cols=(2, 23), stroke=3.0)]
[(16, 11, 18, 13)]
"""

from __future__ import annotations

import cv2
import numpy as np

from topodigit import cuts
from topodigit.binarize import Binarized
from topodigit.cells import stroke_width
from topodigit.layout import LineLayout
from topodigit.measure import classify_crop, glyph_crop
from topodigit.results import UNREADABLE, Box
from topodigit.segment import MIN_AREA_PX, TALL_SHARE, Region, line_height

#: The share of the way from paper to solid ink (smoothed by a Gaussian of
#: FAINT_SIGMA strokes, which keeps a 2-px dot's peak) a dot's darkest point
#: reaches at least: lost points and colon dots measured 0.36-0.6 on held-out
#: renderings, the darkest peak of noise, JPEG ringing or an LCD's unlit
#: segments 0.18.
FAINT_PEAK = 0.3
FAINT_SIGMA = 0.25
#: ... at least this many strokes from the nearest kept ink (a component of at
#: least MIN_AREA_PX pixels): the blurred edge of a bar or a blot is no dot.
FAINT_CLEAR = 1.0
#: Its pixels are those at least this share of its peak, joined to it.
FAINT_HALF = 0.5
#: A print glyph under this share of its line's height wide may be what the ink
#: threshold left of a stroke: blurred, a bold serif 3 keeps its spine and its
#: two ball terminals, apart, and reads as a 1 (see :func:`with_faint_strokes`) ...
STROKE_NARROW = 0.45
#: ... with at most STROKE_MARKS marks beside it (within that share of the
#: height; each under this share of it both ways), or any print glyph with such
#: marks within the left half of its columns (blur can part a serif 3's lower
#: terminal from it, and on the baseline it passes for a decimal point; a point
#: follows its digit) ...
STROKE_SPECK = 0.3
STROKE_MARKS = 4
#: ... that ink at the faint level joins to it, when together they read this
#: surely as a digit: other than 1, for a narrow glyph; for another, the one it
#: reads as alone (or any, when alone it reads as none).
STROKE_SURE = 0.9


def faint_dots(bw: Binarized, labels: np.ndarray, *, rows: tuple[int, int],
               cols: tuple[int, int], stroke: float) -> list[tuple[Box, np.ndarray]]:
    """Dots in ``bw``'s gray levels that no kept component of its ink holds,
    within ``rows`` x ``cols`` (half-open, clipped to the image).

    Parameters
    ----------
    bw : Binarized
        The image: its ink-high gray levels and their paper and solid-ink levels.
    labels : ndarray of int
        Connected components of the ink mask (0 on paper).
    rows, cols : (int, int)
        The part of the image searched: a line, from its top to below its baseline.
    stroke : float
        The line's stroke width in px.

    Returns
    -------
    list of (Box, ndarray of bool)
        Each dot's box and its pixels within it, left to right.
    """
    r0, r1 = max(0, rows[0]), min(labels.shape[0], rows[1])
    c0, c1 = max(0, cols[0]), min(labels.shape[1], cols[1])
    if r1 - r0 < 3 or c1 - c0 < 3 or stroke <= 0:
        return []
    pad = int(np.ceil(FAINT_CLEAR * stroke)) + 2
    t, b = max(0, r0 - pad), min(labels.shape[0], r1 + pad)
    le, ri = max(0, c0 - pad), min(labels.shape[1], c1 + pad)
    lab = labels[t:b, le:ri]
    area = np.bincount(labels.ravel())
    kept = (lab > 0) & (area[lab] >= MIN_AREA_PX)
    clear = cv2.distanceTransform((~kept).astype(np.uint8), cv2.DIST_L2, 3)
    share = (bw.ink[t:b, le:ri].astype(np.float32) - bw.paper_level) / max(
        1, bw.ink_level - bw.paper_level)
    smooth = cv2.GaussianBlur(share, (0, 0), max(0.5, FAINT_SIGMA * stroke))
    top = cv2.dilate(smooth, np.ones((3, 3), np.uint8))
    inside = np.zeros(smooth.shape, bool)
    inside[r0 - t:r1 - t, c0 - le:c1 - le] = True
    peaks = inside & (smooth >= top) & (smooth >= FAINT_PEAK) & (clear >= FAINT_CLEAR * stroke)
    out: list[tuple[Box, np.ndarray]] = []
    taken = np.zeros(smooth.shape, bool)
    for r, c in sorted(zip(*np.nonzero(peaks), strict=True), key=lambda rc: -smooth[rc]):
        if taken[r, c]:
            continue
        # its pixels: bright enough, and not touching kept ink (more than a diagonal step off)
        near = ((smooth >= FAINT_HALF * smooth[r, c]) & (clear > np.sqrt(2))).astype(np.uint8)
        blob = cv2.connectedComponents(near, connectivity=8)[1]
        own = blob == blob[r, c]
        taken |= own
        ys, xs = np.flatnonzero(own.any(axis=1)), np.flatnonzero(own.any(axis=0))
        box = Box(t + int(ys[0]), le + int(xs[0]), t + int(ys[-1]) + 1, le + int(xs[-1]) + 1)
        out.append((box, own[ys[0]:ys[-1] + 1, xs[0]:xs[-1] + 1]))
    return sorted(out, key=lambda d: d[0].left)


def with_faint_dots(regions: list[Region], labels: np.ndarray, shared: np.ndarray,
                    bw: Binarized, lay: LineLayout) -> tuple[list[Region], np.ndarray] | None:
    """A seven-segment line's regions (laid out as ``lay``) with its faint dots
    (:func:`faint_dots`, between its first and last digit, from its top to a
    stroke below its baseline) added, and the label image with a new label for
    each (a copy when ``labels`` is ``shared``); None when there is none."""
    digits = [t for t in lay.tokens if t.char is None]
    if len(digits) < 2:
        return None
    stroke = stroke_width([t.mask for t in digits])
    dots = faint_dots(bw, labels, rows=(round(lay.top), round(lay.baseline + stroke) + 1),
                      cols=(digits[0].region.box.left, digits[-1].region.box.right),
                      stroke=stroke)
    if not dots:
        return None
    labels = labels.copy() if labels is shared else labels
    out = list(regions)
    for box, own in dots:  # each in line order, before the first region right of it
        label = int(labels.max()) + 1
        labels[box.top:box.bottom, box.left:box.right][own] = label
        at = next((i for i, r in enumerate(out) if r.box.left > box.left), len(out))
        out.insert(at, Region(box, (label,)))
    return out, labels


def with_faint_strokes(regions: list[Region], labels: np.ndarray, shared: np.ndarray,
                       bw: Binarized, sharp: float, faint: float, *, norm_height: int
                       ) -> tuple[list[Region], np.ndarray]:
    """A print line's glyphs joined with the marks beside them (a narrow glyph)
    or within the left half of their columns (any other) that ink at the
    ``faint`` level joins them to, when together they read surely as a digit
    (STROKE_NARROW, STROKE_SPECK, STROKE_MARKS, STROKE_SURE), and the label
    image with a new label for each (a copy when ``labels`` is ``shared``); the
    joined glyph's pixels are the faint ink holding its parts, in their box.
    A glyph that is not narrow keeps its own pixels and reading: its marks are
    dropped, as parts of it.

    A 1 and its decimal point, blurred together at the faint level, stay apart:
    joined, they read as a 1.

    >>> ink = np.zeros((30, 40), np.uint8)
    >>> ink[3:27, 10:14] = ink[24:27, 17:20] = 255  # a 1 and a point
    >>> ink[25, 14:17] = 90  # faint ink between them
    >>> labels = cv2.connectedComponents((ink > 200).astype(np.uint8))[1]
    >>> bw = Binarized(ink > 200, ink, 200, "light-on-dark", paper_level=0, ink_level=255)
    >>> one, point = Region(Box(3, 10, 27, 14), (1,)), Region(Box(24, 17, 27, 20), (2,))
    >>> out, same = with_faint_strokes([one, point], labels, labels, bw, 100.0, 50.0,
    ...                                norm_height=40)
    >>> out == [one, point], same is labels
    (True, True)
    """
    height = line_height([r.box for r in regions]) if regions else 0.0
    reach = STROKE_NARROW * height
    out = list(regions)
    for r in regions:
        b = r.box
        narrow = b.width < reach
        if b.height < TALL_SHARE * height or r not in out:
            continue
        specks = [s for s in out if s is not r
                  and max(s.box.height, s.box.width) < STROKE_SPECK * height
                  and s.box.top >= b.top - 1 and s.box.bottom <= b.bottom + 1
                  and (-reach < s.box.left - b.left < reach if narrow else  # (left half:
                       b.left < s.box.right and s.box.left + s.box.right <= b.left + b.right)]
        # ... a point follows its digit)
        if not specks or len(specks) > STROKE_MARKS:  # (more: noise, not a glyph's parts)
            continue
        whole = b
        for s in specks:
            whole = whole.union(s.box)
        lab = labels[whole.top:whole.bottom, whole.left:whole.right]
        parts = [np.isin(lab, q.labels) for q in (r, *specks)]
        others = (lab > 0) & ~np.logical_or.reduce(parts)
        gray = bw.ink[whole.top:whole.bottom, whole.left:whole.right]
        comp = cv2.connectedComponents(((gray > faint) & ~others).astype(np.uint8),
                                       connectivity=8)[1]
        own = np.isin(comp, np.setdiff1d(comp[parts[0]], [0]))  # (0: paper, not the glyph)
        joined = [q for q, m in zip(specks, parts[1:], strict=True) if (own & m).any()]
        box = cuts.piece_box(own, whole, 0, own.shape[1])
        if not joined or box is None:
            continue
        inside = (slice(box.top - whole.top, box.bottom - whole.top),
                  slice(box.left - whole.left, box.right - whole.left))
        got = classify_crop(np.where(own, gray, 0)[inside].astype(gray.dtype), sharp, faint,
                            norm_height=norm_height).verdict
        if got.confidence < STROKE_SURE or got.char == UNREADABLE:
            continue
        if not narrow:  # its marks, when it reads as itself with them (or was none alone)
            alone = classify_crop(glyph_crop(bw.ink, labels, r), sharp, faint,
                                  norm_height=norm_height).verdict.char
            if alone in (got.char, UNREADABLE):  # are its own, not points: dropped
                out = [q for q in out if q not in joined]
            continue
        if got.char == "1":
            continue
        labels = labels.copy() if labels is shared else labels
        label = int(labels.max()) + 1
        labels[whole.top:whole.bottom, whole.left:whole.right][own] = label
        out = [q for q in out if q is not r and q not in joined] + [Region(box, (label,))]
        out.sort(key=lambda q: q.box.left)
    return out, labels


__all__ = ["FAINT_CLEAR", "FAINT_HALF", "FAINT_PEAK", "FAINT_SIGMA", "STROKE_MARKS",
           "STROKE_NARROW", "STROKE_SPECK", "STROKE_SURE", "faint_dots", "with_faint_dots",
           "with_faint_strokes"]
