"""Glyph mask → one-pixel skeleton with short spurs pruned.

Spurs are branches from an endpoint to a junction that are shorter than a
multiple of the stroke width: they come from serifs, corners and bold weights
rather than from the digit's design.

Examples
--------
A bar with a one-pixel bump keeps its two ends and loses the bump:

>>> import numpy as np
>>> m = np.zeros((9, 21), bool); m[3:6, 2:19] = True; m[2, 10] = True
>>> sk = skeleton(m)
>>> len(endpoints(sk)), len(junctions(sk))
(2, 0)
"""

from __future__ import annotations

import math

import cv2
import numpy as np
from skimage.morphology import skeletonize

#: A spur shorter than this many stroke widths is pruned.
SPUR_STROKES = 1.2
#: Pruning passes (each removes the current short spurs).
PRUNE_PASSES = 2

_KERNEL = np.array([[1, 1, 1], [1, 0, 1], [1, 1, 1]], np.float32)
_OFFSETS = [(-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)]


def neighbours(skel: np.ndarray) -> np.ndarray:
    """Number of 8-neighbours of each skeleton pixel (0 off the skeleton)."""
    on = skel.astype(np.uint8)
    count = cv2.filter2D(on, -1, _KERNEL, borderType=cv2.BORDER_CONSTANT)
    out: np.ndarray = count * on
    return out


def stroke_width(mask: np.ndarray, skel: np.ndarray | None = None) -> float:
    """Typical stroke width in pixels: twice the median distance to paper on the skeleton.

    >>> import numpy as np
    >>> m = np.zeros((20, 20), bool); m[2:18, 8:13] = True
    >>> stroke_width(m)
    6.0
    """
    if not mask.any():
        return 0.0
    if skel is None:
        skel = skeletonize(mask)
    on = skel if skel.any() else mask
    padded = cv2.copyMakeBorder(mask.astype(np.uint8), 1, 1, 1, 1, cv2.BORDER_CONSTANT, value=0)
    dist = cv2.distanceTransform(padded, cv2.DIST_L2, cv2.DIST_MASK_PRECISE)[1:-1, 1:-1][on]
    # exact Euclidean distances: the squared distance is a whole number of pixels,
    # and the median is taken of those (the square root keeps the order)
    squares = sorted(np.rint(dist.astype(np.float64) ** 2).tolist())
    half = len(squares) // 2
    if len(squares) % 2:
        return float(2.0 * math.sqrt(squares[half]))
    return float(2.0 * ((math.sqrt(squares[half - 1]) + math.sqrt(squares[half])) / 2))


def _is_root(on: set[tuple[int, int]], p: tuple[int, int], spur: set[tuple[int, int]]
             ) -> bool:
    """True if ``p`` only hangs the spur on the stroke: its other neighbours stay
    connected to each other (8-connected, within its 3x3 window) without it, so
    removing it leaves no gap."""
    r, c = p
    cells = [(dr, dc) for dr, dc in _OFFSETS if (r + dr, c + dc) in on
             and (r + dr, c + dc) not in spur]
    if not cells:
        return False
    seen, todo = {cells[0]}, [cells[0]]
    while todo:
        a, b = todo.pop()
        for q in cells:
            if q not in seen and abs(q[0] - a) <= 1 and abs(q[1] - b) <= 1:
                seen.add(q)
                todo.append(q)
    return len(seen) == len(cells)


def _trace_spur(on: set[tuple[int, int]], nb: dict[tuple[int, int], int],
                start: tuple[int, int], limit: int) -> list[tuple[int, int]]:
    """Follow a branch from an endpoint; return its pixels if it ends at a junction
    within ``limit`` steps. ``on`` holds the skeleton's pixels, ``nb`` their
    neighbour counts."""
    path = [start]
    prev = None
    r, c = start
    for _ in range(limit):
        nxt = None
        for dr, dc in _OFFSETS:
            q = (r + dr, c + dc)
            if q in on and q != prev and q not in path:
                if nb[q] >= 3:  # reached a junction: the path is a spur
                    if _is_root(on, q, set(path)):
                        path.append(q)
                    return path
                nxt = q
        if nxt is None:
            return []  # an isolated stroke, not a spur
        prev = (r, c)
        r, c = nxt
        path.append(nxt)
    return []


def prune(skel: np.ndarray, max_len: int) -> np.ndarray:
    """Remove branches shorter than ``max_len`` pixels that end in a junction."""
    out = skel.copy()
    rows, cols = np.nonzero(out)
    pixels = list(zip(rows.tolist(), cols.tolist(), strict=True))
    on = set(pixels)
    counts = dict(zip(pixels, neighbours(out)[rows, cols].tolist(), strict=True))
    for _ in range(PRUNE_PASSES):
        removed = set()
        for end in sorted(p for p in on if counts[p] == 1):  # raster order
            for p in _trace_spur(on, counts, end, max_len):
                out[p] = False
                on.discard(p)
                removed.add(p)
        if not removed:
            break
        for r, c in removed:  # neighbour counts of the pruned skeleton, for the next pass
            for dr, dc in _OFFSETS:
                if (r + dr, c + dc) in on:
                    counts[r + dr, c + dc] -= 1
    return out


def skeleton(mask: np.ndarray, *, stroke: float | None = None,
             raw: np.ndarray | None = None) -> np.ndarray:
    """Skeletonise a glyph mask and prune its spurs relative to the stroke width.

    ``raw`` is ``skeletonize(mask)`` when the caller already has it.
    """
    sk = skeletonize(mask) if raw is None else raw
    width = stroke if stroke is not None else stroke_width(mask, sk)
    return prune(sk, max(2, round(SPUR_STROKES * width)))


def endpoints(skel: np.ndarray, *, nb: np.ndarray | None = None) -> np.ndarray:
    """(row, col) of skeleton pixels with exactly one neighbour.

    ``nb`` is ``neighbours(skel)`` when the caller already has it.
    """
    return np.argwhere((neighbours(skel) if nb is None else nb) == 1)


def junctions(skel: np.ndarray, *, nb: np.ndarray | None = None) -> np.ndarray:
    """(row, col) centres of junctions: clusters of pixels with three or more neighbours.

    Clusters (8-connected) come in the raster order of their first pixel.
    """
    hot = [(r, c) for r, c in np.argwhere((neighbours(skel) if nb is None else nb) >= 3).tolist()]
    left, centres = set(hot), []
    for p in hot:  # raster order: a cluster starts at its first pixel
        if p not in left:
            continue
        left.discard(p)
        todo, rows, cols = [p], 0, 0
        members = 0
        while todo:
            r, c = todo.pop()
            rows, cols, members = rows + r, cols + c, members + 1
            for dr, dc in _OFFSETS:
                if (r + dr, c + dc) in left:
                    left.discard((r + dr, c + dc))
                    todo.append((r + dr, c + dc))
        centres.append((rows / members, cols / members))
    return np.array(centres, float).reshape(-1, 2)


__all__ = ["endpoints", "junctions", "neighbours", "prune", "skeleton", "stroke_width"]
