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


def _raster_order(lab: np.ndarray, stats: np.ndarray, ids: np.ndarray) -> list[int]:
    """``ids`` sorted by the raster position of each label's first pixel (the
    order :func:`scipy.ndimage.label` numbers them in); ``stats`` are OpenCV's."""
    if len(ids) < 2:
        return [int(i) for i in ids]
    labels = ids.tolist()
    tops = stats[ids, cv2.CC_STAT_TOP].tolist()  # the first pixel is in the top row
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
    n, lab, stats, _ = cv2.connectedComponentsWithStats(  # 4-connected paper; label 0 is ink
        (~mask).astype(np.uint8), connectivity=4, ltype=cv2.CV_32S)
    outside = np.zeros(n, bool)
    outside[0] = True
    for edge in (lab[0], lab[-1], lab[:, 0], lab[:, -1]):
        outside[edge] = True
    ids = np.flatnonzero(~outside)
    if not len(ids):
        return [], mask.copy()
    filled = mask | ~outside[lab]
    areas = stats[:, cv2.CC_STAT_AREA]
    biggest = int(areas[ids].max())
    holes = []
    for i in _raster_order(lab, stats, ids):
        area = int(areas[i])
        if area >= min_area * rows * cols and area >= HOLE_MIN_RELATIVE * biggest:
            rr, cc = np.nonzero(lab == i)
            top = int(stats[i, cv2.CC_STAT_TOP])
            holes.append(Hole(
                row=(int(rr.sum()) / area + 0.5) / rows, col=(int(cc.sum()) / area + 0.5) / cols,
                area=float(area / (rows * cols)), top=top / rows,
                bottom=(top + int(stats[i, cv2.CC_STAT_HEIGHT])) / rows))
    holes.sort(key=lambda h: h.row)
    return holes, filled


def convex_hull(mask: np.ndarray) -> np.ndarray:
    """Pixels of the convex hull of a mask's ink (``skimage.morphology.convex_hull_image``).

    The hull is taken around the midpoints of the ink pixels' edges, and a pixel
    belongs to it when its centre lies inside or on the hull; the test is done
    in exact integer arithmetic, in coordinates doubled so the midpoints are
    whole numbers.

    >>> import numpy as np
    >>> m = np.zeros((5, 5), bool); m[0, 0] = m[4, 4] = m[0, 4] = True
    >>> convex_hull(m).astype(int)
    array([[1, 1, 1, 1, 1],
           [0, 1, 1, 1, 1],
           [0, 0, 1, 1, 1],
           [0, 0, 0, 1, 1],
           [0, 0, 0, 0, 1]])
    """
    cols = mask.shape[1]
    out = np.zeros(mask.shape, bool)
    r = np.flatnonzero(mask.any(axis=1))
    if not len(r):
        return out
    sub = mask[r]
    first, last = sub.argmax(axis=1), cols - 1 - sub[:, ::-1].argmax(axis=1)
    # the extreme pixels of each row span the hull; their edge midpoints, doubled
    xs, ys = 2 * np.concatenate([first, last]), 2 * np.concatenate([r, r])
    pts = np.stack([np.concatenate([xs, xs, xs - 1, xs + 1]),
                    np.concatenate([ys - 1, ys + 1, ys, ys])], axis=1).astype(np.int32)
    v = cv2.convexHull(pts)[:, 0, :].astype(np.int64)
    x0, y0 = v[:, 0], v[:, 1]
    x1, y1 = np.concatenate([x0[1:], x0[:1]]), np.concatenate([y0[1:], y0[:1]])
    turn = 1 if int(np.sum(x0 * y1 - x1 * y0)) > 0 else -1
    dx, dy = turn * (x1 - x0), turn * (y1 - y0)
    # rows r[0]..r[-1] lie between the flat top and bottom edges; in them,
    # (px, py) is inside or on edge k when dx*(py - y0) - dy*(px - x0) >= 0
    k = dx[:, None] * (2 * np.arange(r[0], r[-1] + 1)[None, :] - y0[:, None])  # edges x rows
    right, left = dy > 0, dy < 0
    hi = ((x0[right, None] + k[right] // dy[right, None]) // 2).min(axis=0, initial=cols)
    ceil = -(-k[left] // dy[left, None])
    lo = (-(-(x0[left, None] + ceil) // 2)).max(axis=0, initial=-1)
    c = np.arange(cols)
    out[r[0]:r[-1] + 1] = (c[None, :] >= lo[:, None]) & (c[None, :] <= hi[:, None])
    return out


def _side(angle: float) -> str:
    for limit, name in _SIDES:
        if angle < limit:
            return name
    return "right"


def _bays(filled: np.ndarray) -> tuple[list[Bay], float]:
    rows, cols = filled.shape
    hull = convex_hull(filled)
    hull_area = float(hull.sum())
    solidity = float(filled.sum()) / max(hull_area, 1.0)
    n, lab, stats, _ = cv2.connectedComponentsWithStats((hull & ~filled).astype(np.uint8),
                                                        connectivity=4, ltype=cv2.CV_32S)
    shares = stats[:, cv2.CC_STAT_AREA] / max(hull_area, 1.0)
    shares[0] = 0.0
    big = np.flatnonzero(shares >= BAY_MIN_AREA)
    if not len(big):
        return [], solidity
    # hull pixels with a 4-neighbour outside the hull (or the box): the mouths
    outer = cv2.erode(hull.astype(np.uint8), _CROSS, borderType=cv2.BORDER_CONSTANT,
                      borderValue=0) == 0
    rr, cc = np.nonzero(lab)
    ids = lab[rr, cc]
    on_mouth = outer[rr, cc]
    mids, mrr, mcc = ids[on_mouth], rr[on_mouth], cc[on_mouth]
    # per bay: sums of rows and columns of its pixels and of its mouth's (exact)
    sums = [np.bincount(i, w, n) for i, w in ((ids, rr), (ids, cc), (mids, mrr), (mids, mcc),
                                              (mids, mrr * mrr), (mids, mcc * mcc),
                                              (mids, mrr * mcc))]
    mouths = np.bincount(mids, minlength=n)
    bays = []
    for i in _raster_order(lab, stats, big):
        area, count = float(shares[i]), int(stats[i, cv2.CC_STAT_AREA])
        if mouths[i] == 0:
            continue
        row, col = sums[0][i] / count, sums[1][i] / count
        dr, dc = sums[2][i] / mouths[i] - row, sums[3][i] / mouths[i] - col
        if mouths[i] >= 3:
            spread, nr, nc = _mouth_axis(int(mouths[i]), *(int(s[i]) for s in sums[2:]))
            if nr * dr + nc * dc < 0:
                nr, nc = -nr, -nc
            if spread > 1e-6:
                dr, dc = nr, nc
        angle = math.degrees(math.atan2(-dr, dc)) % 360.0
        top = int(stats[i, cv2.CC_STAT_TOP])
        bays.append(Bay(
            side=_side(angle), area=area,
            row=float((row + 0.5) / rows), col=float((col + 0.5) / cols),
            top=top / rows, bottom=(top + int(stats[i, cv2.CC_STAT_HEIGHT])) / rows,
            angle=angle))
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
    cols = np.flatnonzero(mask[rows].any(axis=0))
    return float((cols[-1] - cols[0] + 1) / mask.shape[1]) if len(cols) else 0.0


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
    if not mask.any():
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
    rr, cc = np.nonzero(mask)
    band = max(1, round(EDGE_BAND * rows))
    return Topology(
        height=rows, width=cols, holes=holes, endpoints=Deferred(lambda: facts.measured[0]),
        junctions=Deferred(lambda: facts.measured[1]),
        centroid=((int(rr.sum()) / len(rr) + 0.5) / rows, (int(cc.sum()) / len(rr) + 0.5) / cols),
        bays=tuple(bays), ink=len(rr) / mask.size, stroke=Deferred(lambda: facts.measured[2]),
        solidity=solidity, pieces=pieces, top_width=_band_width(main, slice(0, band)),
        bottom_width=_band_width(main, slice(rows - band, rows)),
    )


__all__ = ["NORM_HEIGHT", "measure", "resample"]
