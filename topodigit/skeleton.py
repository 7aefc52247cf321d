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

import numpy as np
from scipy import ndimage as ndi
from skimage.morphology import skeletonize

#: A spur shorter than this many stroke widths is pruned.
SPUR_STROKES = 1.2
#: Pruning passes (each removes the current short spurs).
PRUNE_PASSES = 2

_KERNEL = np.array([[1, 1, 1], [1, 0, 1], [1, 1, 1]], np.uint8)
_OFFSETS = [(-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)]


def neighbours(skel: np.ndarray) -> np.ndarray:
    """Number of 8-neighbours of each skeleton pixel (0 off the skeleton)."""
    count = ndi.convolve(skel.astype(np.uint8), _KERNEL, mode="constant")
    return np.where(skel, count, 0)


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
    dist = ndi.distance_transform_edt(np.pad(mask, 1))[1:-1, 1:-1]
    values = dist[skel] if skel.any() else dist[mask]
    return float(2.0 * np.median(values))


def _is_root(skel: np.ndarray, p: tuple[int, int], spur: set) -> bool:
    """True if ``p`` only hangs the spur on the stroke: its other neighbours stay
    connected to each other without it, so removing it leaves no gap."""
    r, c = p
    win = np.zeros((3, 3), bool)
    for dr, dc in _OFFSETS:
        rr, cc = r + dr, c + dc
        if 0 <= rr < skel.shape[0] and 0 <= cc < skel.shape[1] and skel[rr, cc] \
                and (rr, cc) not in spur:
            win[dr + 1, dc + 1] = True
    if not win.any():
        return False
    _, n = ndi.label(win, structure=np.ones((3, 3)))
    return bool(n == 1)


def _trace_spur(skel: np.ndarray, nb: np.ndarray, start: tuple[int, int], limit: int) -> list:
    """Follow a branch from an endpoint; return its pixels if it ends at a junction within limit."""
    path = [start]
    prev = None
    r, c = start
    rows, cols = skel.shape
    for _ in range(limit):
        nxt = None
        for dr, dc in _OFFSETS:
            rr, cc = r + dr, c + dc
            if 0 <= rr < rows and 0 <= cc < cols and skel[rr, cc] and (rr, cc) != prev \
                    and (rr, cc) not in path:
                if nb[rr, cc] >= 3:  # reached a junction: the path is a spur
                    if _is_root(skel, (rr, cc), set(path)):
                        path.append((rr, cc))
                    return path
                nxt = (rr, cc)
        if nxt is None:
            return []  # an isolated stroke, not a spur
        prev = (r, c)
        r, c = nxt
        path.append(nxt)
    return []


def prune(skel: np.ndarray, max_len: int) -> np.ndarray:
    """Remove branches shorter than ``max_len`` pixels that end in a junction."""
    out = skel.copy()
    for _ in range(PRUNE_PASSES):
        nb = neighbours(out)
        ends = np.argwhere(nb == 1)
        removed = False
        for r, c in ends:
            path = _trace_spur(out, nb, (int(r), int(c)), max_len)
            for pr, pc in path:
                out[pr, pc] = False
                removed = True
        if not removed:
            break
    return out


def skeleton(mask: np.ndarray, *, stroke: float | None = None,
             raw: np.ndarray | None = None) -> np.ndarray:
    """Skeletonise a glyph mask and prune its spurs relative to the stroke width.

    ``raw`` is ``skeletonize(mask)`` when the caller already has it.
    """
    sk = skeletonize(mask) if raw is None else raw
    width = stroke if stroke is not None else stroke_width(mask, sk)
    return prune(sk, max(2, round(SPUR_STROKES * width)))


def endpoints(skel: np.ndarray) -> np.ndarray:
    """(row, col) of skeleton pixels with exactly one neighbour."""
    return np.argwhere(neighbours(skel) == 1)


def junctions(skel: np.ndarray) -> np.ndarray:
    """(row, col) centres of junctions: clusters of pixels with three or more neighbours."""
    hot = neighbours(skel) >= 3
    lab, n = ndi.label(hot, structure=np.ones((3, 3)))
    if n == 0:
        return np.zeros((0, 2))
    return np.array(ndi.center_of_mass(hot, lab, range(1, n + 1)))


__all__ = ["endpoints", "junctions", "neighbours", "prune", "skeleton", "stroke_width"]
