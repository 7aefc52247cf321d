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

import math

import cv2
import numpy as np
from scipy import ndimage as ndi
from skimage.morphology import convex_hull_image, skeletonize

from topodigit import skeleton as sk
from topodigit.errors import BadArgumentError
from topodigit.results import Bay, Hole, Topology

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


def _main_pieces(mask: np.ndarray) -> tuple[np.ndarray, int]:
    lab, n = ndi.label(mask, structure=np.ones((3, 3)))
    if n <= 1:
        return mask, n
    sizes = np.bincount(lab.ravel())[1:]
    keep = np.flatnonzero(sizes >= PIECE_MIN_RELATIVE * sizes.max()) + 1
    return np.isin(lab, keep), n


def _holes(mask: np.ndarray, *, min_area: float = HOLE_MIN_AREA
           ) -> tuple[list[Hole], np.ndarray]:
    rows, cols = mask.shape
    lab, _ = ndi.label(~np.pad(mask, 1))  # 4-connected paper
    lab = lab[1:-1, 1:-1]
    outside = set(np.concatenate([lab[0], lab[-1], lab[:, 0], lab[:, -1]]).tolist())
    regions = sorted(ndi.value_indices(lab, ignore_value=0).items())
    found = [(len(rr), rr, cc) for i, (rr, cc) in regions if i not in outside]
    filled = mask.copy()
    if not found:
        return [], filled
    biggest = max(a for a, _, _ in found)
    holes = []
    for area, rr, cc in found:
        filled[rr, cc] = True
        if area >= min_area * rows * cols and area >= HOLE_MIN_RELATIVE * biggest:
            holes.append(Hole(
                row=float((rr.mean() + 0.5) / rows), col=float((cc.mean() + 0.5) / cols),
                area=float(area / (rows * cols)),
                top=float(rr.min() / rows), bottom=float((rr.max() + 1) / rows)))
    holes.sort(key=lambda h: h.row)
    return holes, filled


def _side(angle: float) -> str:
    for limit, name in _SIDES:
        if angle < limit:
            return name
    return "right"


def _bays(filled: np.ndarray) -> tuple[list[Bay], float]:
    rows, cols = filled.shape
    hull = convex_hull_image(filled)
    hull_area = float(hull.sum())
    space = hull & ~filled
    lab, _ = ndi.label(space)
    outer = ndi.binary_dilation(~np.pad(hull, 1))[1:-1, 1:-1]
    bays = []
    for _, (rr, cc) in sorted(ndi.value_indices(lab, ignore_value=0).items()):
        area = len(rr) / max(hull_area, 1.0)
        if area < BAY_MIN_AREA:
            continue
        on_mouth = outer[rr, cc]
        mr, mc = rr[on_mouth], cc[on_mouth]
        if len(mr) == 0:
            continue
        dr, dc = mr.mean() - rr.mean(), mc.mean() - cc.mean()
        if len(mr) >= 3:
            cov = np.cov(np.stack([mr, mc]).astype(float))
            evals, evecs = np.linalg.eigh(cov)
            nr, nc = -evecs[1, 1], evecs[0, 1]  # normal to the mouth's main axis
            if nr * dr + nc * dc < 0:
                nr, nc = -nr, -nc
            if evals[1] > 1e-6:
                dr, dc = nr, nc
        angle = math.degrees(math.atan2(-dr, dc)) % 360.0
        bays.append(Bay(
            side=_side(angle), area=area,
            row=float((rr.mean() + 0.5) / rows), col=float((cc.mean() + 0.5) / cols),
            top=float(rr.min() / rows), bottom=float((rr.max() + 1) / rows), angle=angle))
    bays.sort(key=lambda b: -b.area)
    return bays, float(filled.sum()) / max(hull_area, 1.0)


def _band_width(mask: np.ndarray, rows: slice) -> float:
    """Share of the glyph width spanned by the ink in a band of rows."""
    cols = np.flatnonzero(mask[rows].any(axis=0))
    return float((cols[-1] - cols[0] + 1) / mask.shape[1]) if len(cols) else 0.0


def _merge_holes(sharp: list[Hole], faint: list[Hole]) -> tuple[Hole, ...]:
    """Sharp-mask holes, plus faint-mask holes that none of them lies in."""
    extra = [f for f in faint
             if not any(f.top <= h.row <= f.bottom and abs(f.col - h.col) < 0.25 for h in sharp)]
    return tuple(sorted(sharp + extra, key=lambda h: h.row))


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
    raw = skeletonize(mask)
    stroke = sk.stroke_width(mask, raw)
    if skel is None:
        body = main & mask if (main & mask).any() else main
        skel = sk.skeleton(body, stroke=stroke,
                           raw=raw if np.array_equal(body, mask) else None)
    scale = np.array([rows, cols], float)
    ends = tuple((float(r), float(c)) for r, c in (sk.endpoints(skel) + 0.5) / scale)
    joins = tuple((float(r), float(c)) for r, c in (sk.junctions(skel) + 0.5) / scale)
    rr, cc = np.nonzero(mask)
    band = max(1, round(EDGE_BAND * rows))
    return Topology(
        height=rows, width=cols, holes=holes, endpoints=ends, junctions=joins,
        centroid=(float((rr.mean() + 0.5) / rows), float((cc.mean() + 0.5) / cols)),
        bays=tuple(bays), ink=float(mask.mean()), stroke=stroke / rows, solidity=solidity,
        pieces=pieces, top_width=_band_width(main, slice(0, band)),
        bottom_width=_band_width(main, slice(rows - band, rows)),
    )


__all__ = ["NORM_HEIGHT", "measure", "resample"]
