"""Glyph mask + skeleton → :class:`~topodigit.results.Topology`.

Measures what the rules read: significant holes and where they sit, convex-hull
bays and the side they open to, skeleton endpoints and junctions, the ink
centroid, stroke width and aspect ratio. Everything positional is normalised to
the glyph box so it does not depend on size.

Examples
--------
A 5x7 ring has one hole in the middle:

>>> import numpy as np
>>> ring = np.array([[0, 1, 1, 1, 0],
...                  [1, 0, 0, 0, 1],
...                  [1, 0, 0, 0, 1],
...                  [1, 0, 0, 0, 1],
...                  [1, 0, 0, 0, 1],
...                  [1, 0, 0, 0, 1],
...                  [0, 1, 1, 1, 0]], bool)
>>> t = measure(ring)
>>> t.n_holes, round(t.holes[0].row, 2)
(1, 0.5)
"""

from __future__ import annotations

import functools
import math

import cv2
import numpy as np
from skimage.morphology import skeletonize

from topodigit import skeleton as sk
from topodigit.errors import BadArgumentError
from topodigit.results import Bay, Deferred, Hole, Topology

#: Glyphs are resampled to this height before measuring (cost and scale invariance).
NORM_HEIGHT = 40
#: A hole must cover this share of the glyph's box ...
HOLE_MIN_AREA = 0.012
#: ... and this share of the largest hole (drops 1-px holes at italic joins).
HOLE_MIN_RELATIVE = 0.12
#: A hole that only the faint mask closes must cover this share of the box.
FAINT_HOLE_AREA = 0.05
#: Ink pieces smaller than this share of the largest piece do not close holes
#: (the dot inside a dotted zero).
PIECE_MIN_RELATIVE = 0.25
#: Height share of the top and bottom bands whose ink width is measured.
EDGE_BAND = 0.12
#: Bays smaller than this share of the convex hull are ignored.
BAY_MIN_AREA = 0.02

#: The edge midpoints of a pixel around its centre, in doubled coordinates (col, row).
_DIAMOND = np.array([[-1, 0], [1, 0], [0, -1], [0, 1]], np.int32)
_CROSS = cv2.getStructuringElement(cv2.MORPH_CROSS, (3, 3))
_SIDES = ((45.0, "right"), (135.0, "top"), (225.0, "left"), (315.0, "bottom"), (360.0, "right"))


def resample(ink: np.ndarray, *, height: int = NORM_HEIGHT) -> np.ndarray:
    """Resample an ink-high gray crop to ``height`` rows (float32).

    Resampling the gray levels, not a mask, keeps the thin gaps and holes of
    small glyphs; threshold the result to get masks.

    >>> import numpy as np
    >>> crop = np.zeros((10, 6), np.uint8); crop[1:9, 2:4] = 255
    >>> (resample(crop) > 127).shape
    (40, 24)
    """
    if ink.ndim != 2 or ink.size == 0:
        raise BadArgumentError(f"resample needs a non-empty 2-D crop, got shape {ink.shape}")
    rows, cols = ink.shape
    scale = height / max(rows, 1)
    new_cols = max(1, min(round(cols * scale), 8 * height))
    interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    out: np.ndarray = cv2.resize(ink.astype(np.float32), (new_cols, height), interpolation=interp)
    return out


def _labels(mask: np.ndarray, connectivity: int) -> tuple[int, np.ndarray]:
    """``cv2.connectedComponents`` of a bool mask: the label count (with the
    background, label 0) and the label image."""
    n, lab = cv2.connectedComponents(mask.astype(np.uint8), connectivity=connectivity,
                                     ltype=cv2.CV_32S)
    return int(n), lab


def _raster_order(lab: np.ndarray, stats: np.ndarray, ids: np.ndarray, *, shift: int = 0
                  ) -> list[int]:
    """``ids`` sorted by the raster position of each label's first pixel (the
    order :func:`scipy.ndimage.label` numbers them in); ``stats`` are OpenCV's,
    of ``lab`` with ``shift`` rows and columns of padding around it."""
    if len(ids) < 2:
        return [int(i) for i in ids]
    labels = ids.tolist()
    tops = (stats[ids, cv2.CC_STAT_TOP] - shift).tolist()  # the first pixel is in the top row
    first = [(t, int(np.argmax(lab[t] == i))) for t, i in zip(tops, labels, strict=True)]
    return [i for _, i in sorted(zip(first, labels, strict=True))]


def _main_pieces(mask: np.ndarray) -> tuple[np.ndarray, int]:
    n, lab = _labels(mask, 8)
    if n <= 2:
        return mask, n - 1
    sizes = np.bincount(lab.ravel(), minlength=n)
    sizes[0] = 0
    keep = sizes >= PIECE_MIN_RELATIVE * sizes.max()
    keep[0] = False
    return keep[lab], n - 1


def _holes(mask: np.ndarray, *, min_area: float = HOLE_MIN_AREA
           ) -> tuple[list[Hole], np.ndarray]:
    rows, cols = mask.shape
    # 4-connected paper with a ring of paper around it: the outside is one piece,
    # the ring's, and every other is a hole (label 0 is ink)
    paper = cv2.copyMakeBorder((~mask).view(np.uint8), 1, 1, 1, 1, cv2.BORDER_CONSTANT, value=1)
    # most masks have no hole: the labels alone (without stats, half the cost) tell
    if cv2.connectedComponents(paper, connectivity=4, ltype=cv2.CV_32S)[0] <= 2:
        return [], mask  # nothing to fill (callers only read it)
    n, lab, stats, centres = cv2.connectedComponentsWithStats(paper, connectivity=4,
                                                              ltype=cv2.CV_32S)
    outside = int(lab[0, 0])
    lab = lab[1:-1, 1:-1]
    filled = lab != outside
    areas = stats[:, cv2.CC_STAT_AREA].tolist()
    ids = [i for i in range(1, n) if i != outside]
    biggest = max(areas[i] for i in ids)
    holes = []
    for i in _raster_order(lab, stats, np.array(ids), shift=1) if len(ids) > 1 else ids:
        area = areas[i]
        if area >= min_area * rows * cols and area >= HOLE_MIN_RELATIVE * biggest:
            # OpenCV's centre: the sums of the padded columns and rows over the area;
            # the sums themselves are whole numbers, exact from it
            sc, sr = (round(float(v) * area) - area for v in centres[i])
            top = int(stats[i, cv2.CC_STAT_TOP]) - 1
            holes.append(Hole(
                row=(sr / area + 0.5) / rows, col=(sc / area + 0.5) / cols,
                area=float(area / (rows * cols)), top=top / rows,
                bottom=(top + int(stats[i, cv2.CC_STAT_HEIGHT])) / rows))
    holes.sort(key=lambda h: h.row)
    return holes, filled


def convex_hull(mask: np.ndarray) -> np.ndarray:
    """Pixels of the convex hull of a mask's ink (``skimage.morphology.convex_hull_image``).

    The hull is taken around the midpoints of the ink pixels' edges, and a pixel
    belongs to it when its centre lies inside or on the hull. In coordinates
    doubled so the midpoints are whole numbers, the hull of the midpoints is the
    hull of the pixel centres grown by the diamond of the four midpoint offsets.
    A row's span ends where the hull's edges cross the row (see :func:`_spans`).

    >>> import numpy as np
    >>> m = np.zeros((5, 5), bool); m[0, 0] = m[4, 4] = m[0, 4] = True
    >>> convex_hull(m).astype(int)
    array([[1, 1, 1, 1, 1],
           [0, 1, 1, 1, 1],
           [0, 0, 1, 1, 1],
           [0, 0, 0, 1, 1],
           [0, 0, 0, 0, 1]])
    """
    rows, cols = mask.shape
    out = np.zeros((rows, cols), bool)
    inked = mask.any(axis=1)
    if np.count_nonzero(inked) == rows:
        r, sub = np.arange(rows), mask
    else:
        r = np.flatnonzero(inked)
        if not len(r):
            return out
        sub = mask[r]
    n = len(r)
    ends = np.empty((2 * n, 2), np.int32)  # (col, row) of the first and last ink pixel of a row
    ends[:n, 0] = sub.argmax(axis=1)
    ends[n:, 0] = cols - 1 - sub[:, ::-1].argmax(axis=1)
    ends[:n, 1] = ends[n:, 1] = r
    grown = (2 * cv2.convexHull(ends) + _DIAMOND).reshape(-1, 2)
    hull = np.asarray(cv2.convexHull(grown), np.int32)  # OpenCV's order: clockwise on screen
    top, bottom = int(r[0]), int(r[-1])
    lo, hi = _spans(hull.reshape(-1, 2).tolist(), 2 * top, 2 * bottom)
    c = np.arange(cols)
    out[top:bottom + 1] = (c >= np.array(lo)[:, None]) & (c <= np.array(hi)[:, None])
    return out


def _spans(hull: list[list[int]], first: int, last: int) -> tuple[list[int], list[int]]:
    """The first and last pixel column inside a convex polygon (doubled
    coordinates, clockwise on screen) at each pixel row ``first // 2`` ...
    ``last // 2`` (doubled: ``first`` ... ``last``, even, inside its height).

    Pixel centre (2c, y) is inside edge (x0, y0) + t (dx, dy) when
    dx (y - y0) - dy (2c - x0) >= 0: a down-going edge (dy > 0) bounds c from
    above by floor((x0 dy + dx (y - y0)) / 2dy), an up-going one from below by
    the ceiling. Of a convex polygon's bounds at a row, the edge that crosses
    the row gives the tightest, so each row takes the two edges crossing it (at
    a vertex either one: both give the vertex). Integer floor division is exact.
    """
    size = (last - first) // 2 + 1
    lo, hi = [0] * size, [0] * size
    x0, y0 = hull[-1]
    for x1, y1 in hull:
        dx, dy = x1 - x0, y1 - y0
        if dy:  # its rows from a (even, in range) to b; numerator base + dx * y
            a, b = (y0, y1) if dy > 0 else (y1, y0)
            a = a if a > first else first
            a += a & 1
            b = b if b < last else last
            base = x0 * dy - dx * y0
            at = slice((a - first) >> 1, ((b - first) >> 1) + 1)
            if dy > 0:
                hi[at] = [(base + dx * y) // (2 * dy) for y in range(a, b + 1, 2)]
            else:
                lo[at] = [-((base + dx * y) // (-2 * dy)) for y in range(a, b + 1, 2)]
        x0, y0 = x1, y1
    return lo, hi


def _side(angle: float) -> str:
    for limit, name in _SIDES:
        if angle < limit:
            return name
    return "right"


def _bays(filled: np.ndarray) -> tuple[list[Bay], float]:
    rows, cols = filled.shape
    hull = convex_hull(filled)
    hull_area = float(np.count_nonzero(hull))
    solidity = float(np.count_nonzero(filled)) / max(hull_area, 1.0)
    _, lab, stats, centres = cv2.connectedComponentsWithStats(
        (hull > filled).view(np.uint8), connectivity=4, ltype=cv2.CV_32S)  # hull, not filled
    per = max(hull_area, 1.0)
    boxes = stats.tolist()  # each component's left, top, width, height, area
    big = [i for i in range(1, len(boxes)) if boxes[i][cv2.CC_STAT_AREA] / per >= BAY_MIN_AREA]
    if not big:
        return [], solidity
    # bay pixels with a 4-neighbour outside the hull (or the box): the mouths
    inner = cv2.erode(hull.view(np.uint8), _CROSS, borderType=cv2.BORDER_CONSTANT, borderValue=0)
    mouths = lab * (inner == 0)
    # sorted by area at the end; equal areas stay in raster order (only then needed)
    unique = len({boxes[i][cv2.CC_STAT_AREA] for i in big}) == len(big)
    order = big if unique else _raster_order(lab, stats, np.array(big))
    means = centres.tolist()  # OpenCV's: the sums of the columns and rows over the area
    bays = []
    for i in order:
        # the mouth's pixel count and sums of columns, rows, their squares and products
        m = cv2.moments((mouths == i).view(np.uint8), binaryImage=True)  # exact: whole numbers
        count = m["m00"]
        if count == 0:
            continue
        col, row = means[i]
        dr, dc = m["m01"] / count - row, m["m10"] / count - col
        if count >= 3:
            spread, nr, nc = _mouth_axis(int(m["m00"]), int(m["m01"]), int(m["m10"]),
                                         int(m["m02"]), int(m["m20"]), int(m["m11"]))
            if nr * dr + nc * dc < 0:
                nr, nc = -nr, -nc
            if spread > 1e-6:
                dr, dc = nr, nc
        angle = math.degrees(math.atan2(-dr, dc)) % 360.0
        _, top, _, height, area = boxes[i]
        bays.append(Bay(
            side=_side(angle), area=area / per,
            row=(row + 0.5) / rows, col=(col + 0.5) / cols,
            top=top / rows, bottom=(top + height) / rows, angle=angle))
    bays.sort(key=lambda b: -b.area)
    return bays, solidity


def _mouth_axis(n: int, sr: int, sc: int, srr: int, scc: int, src: int
                ) -> tuple[float, float, float]:
    """Main axis of a mouth's ``n`` pixels from their sums (rows, columns, their
    squares and products): the larger variance along it, and the unit normal to it
    (row, col), as from ``np.linalg.eigh`` of their covariance, in closed form."""
    a, c, b = n * srr - sr * sr, n * scc - sc * sc, n * src - sr * sc  # n(n-1) x covariance
    root = math.sqrt((a - c) ** 2 + 4 * b * b)
    big = (a + c + root) / 2
    if b == 0:  # axis-aligned (eigh's order: the second axis wins a tie)
        vr, vc = (1.0, 0.0) if a > c else (0.0, 1.0)
    else:
        vr, vc = (big - c, float(b)) if a >= c else (float(b), big - a)
        norm = math.hypot(vr, vc)
        vr, vc = vr / norm, vc / norm
    return big / (n * (n - 1)), -vc, vr


def _band_width(mask: np.ndarray, rows: slice) -> float:
    """Share of the glyph width spanned by the ink in a band of rows."""
    _, _, width, _ = cv2.boundingRect(np.ascontiguousarray(mask[rows]).view(np.uint8))
    return width / mask.shape[1]


def _merge_holes(sharp: list[Hole], faint: list[Hole]) -> tuple[Hole, ...]:
    """Sharp-mask holes, plus faint-mask holes that none of them lies in."""
    extra = [f for f in faint
             if not any(f.top <= h.row <= f.bottom and abs(f.col - h.col) < 0.25 for h in sharp)]
    return tuple(sorted(sharp + extra, key=lambda h: h.row))


Points = tuple[tuple[float, float], ...]


class _SkeletonFacts:
    """A glyph's skeleton endpoints, junctions (normalised row, col) and stroke
    width (share of the height), measured at the first look at :attr:`measured`.

    ``mask`` is the glyph, ``main`` its main pieces and ``skel`` a pruned
    skeleton, or None to take it from the main pieces' sharp ink.
    """

    def __init__(self, mask: np.ndarray, main: np.ndarray, skel: np.ndarray | None) -> None:
        self.mask, self.main, self.skel = mask, main, skel

    @functools.cached_property
    def measured(self) -> tuple[Points, Points, float]:
        mask, main, skel = self.mask, self.main, self.skel
        rows, cols = mask.shape
        raw = skeletonize(mask)
        stroke = sk.stroke_width(mask, raw)
        if skel is None:
            body = main & mask if (main & mask).any() else main
            skel = sk.skeleton(body, stroke=stroke,
                               raw=raw if np.array_equal(body, mask) else None)
        scale = np.array([rows, cols], float)
        nb = sk.neighbours(skel)
        ends = tuple((float(r), float(c)) for r, c in (sk.endpoints(skel, nb=nb) + 0.5) / scale)
        joins = tuple((float(r), float(c)) for r, c in (sk.junctions(skel, nb=nb) + 0.5) / scale)
        del self.mask, self.main, self.skel  # measured once
        return ends, joins, stroke / rows


def measure(mask: np.ndarray, *, faint: np.ndarray | None = None,
            skel: np.ndarray | None = None) -> Topology:
    """Measure the topology of one glyph mask (True on ink).

    Parameters
    ----------
    mask : ndarray of bool
        The glyph, cropped to its box (resample large glyphs first with
        :func:`resample`).
    faint : ndarray of bool, optional
        The same glyph thresholded closer to the paper level (a superset of
        ``mask``). It decides which pieces belong together and the bays, and
        contributes large holes sealed only by faint pixels (hairline joins).
    skel : ndarray of bool, optional
        A pruned skeleton of the glyph; computed when not given.
    """
    mask = np.asarray(mask, bool)
    rows, cols = mask.shape
    if not np.count_nonzero(mask):
        return Topology(height=rows, width=cols, ink=0.0, stroke=0.0, solidity=0.0, pieces=0)
    whole = mask if faint is None else (np.asarray(faint, bool) | mask)
    main, pieces = _main_pieces(whole)
    sharp, sharp_filled = _holes(main & mask)
    holes: tuple[Hole, ...] = tuple(sharp)
    filled = sharp_filled | main
    if faint is not None:
        loose, loose_filled = _holes(main, min_area=FAINT_HOLE_AREA)
        holes = _merge_holes(sharp, loose)
        filled |= loose_filled
    bays, solidity = _bays(filled)
    # the rules do not read the skeleton: it is measured when the topology's facts are read
    facts = _SkeletonFacts(mask.copy(), main.copy(), None if skel is None else skel.copy())
    sums = cv2.moments(mask.view(np.uint8), binaryImage=True)  # ink pixels, sums of cols, rows
    ink = sums["m00"]
    band = max(1, round(EDGE_BAND * rows))
    return Topology(
        height=rows, width=cols, holes=holes, endpoints=Deferred(lambda: facts.measured[0]),
        junctions=Deferred(lambda: facts.measured[1]),
        centroid=((sums["m01"] / ink + 0.5) / rows, (sums["m10"] / ink + 0.5) / cols),
        bays=tuple(bays), ink=ink / mask.size, stroke=Deferred(lambda: facts.measured[2]),
        solidity=solidity, pieces=pieces, top_width=_band_width(main, slice(0, band)),
        bottom_width=_band_width(main, slice(rows - band, rows)),
    )


__all__ = ["NORM_HEIGHT", "measure", "resample"]
