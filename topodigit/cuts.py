"""Cutting glyphs that touch: the bridge around a cut is cut out whole.

Segmentation splits a region that is several glyphs wide at the thinnest
columns near the expected places. When a blot joins the glyphs, the cut column
sits in a run of thin columns (the blot between them); taking out the whole
run, not just one column, leaves the halves without a stub of the blot.

Examples
--------
>>> import numpy as np
>>> profile = np.array([9, 9, 8, 2, 2, 3, 9, 9, 1, 9, 9])
>>> bridge(profile, 3)
(3, 6)
"""

from __future__ import annotations

import numpy as np

from topodigit.results import Box

#: A column belongs to the bridge around a cut while its ink is at most this
#: many times the cut column's (plus one pixel).
BRIDGE_RATIO = 1.5


def profile(own: np.ndarray) -> np.ndarray:
    """Ink pixels per column of a glyph mask."""
    out: np.ndarray = own.sum(axis=0)
    return out


def bridge(prof: np.ndarray, cut: int, *, reach: int | None = None) -> tuple[int, int]:
    """The run of thin columns around ``cut``, at most ``reach`` each side: ``[start, end)``."""
    limit = BRIDGE_RATIO * prof[cut] + 1
    reach = len(prof) if reach is None else reach
    start, end = cut, cut + 1
    while start > max(0, cut - reach) and prof[start - 1] <= limit:
        start -= 1
    while end < min(len(prof), cut + 1 + reach) and prof[end] <= limit:
        end += 1
    return start, end


def piece_box(own: np.ndarray, box: Box, c0: int, c1: int) -> Box | None:
    """Box of the ink in columns ``[c0, c1)`` of a region's mask, in image coordinates."""
    part = own[:, c0:c1]
    rows = np.flatnonzero(part.any(axis=1))
    cols = np.flatnonzero(part.any(axis=0))
    if len(rows) == 0:
        return None
    return Box(box.top + int(rows[0]), box.left + c0 + int(cols[0]),
               box.top + int(rows[-1]) + 1, box.left + c0 + int(cols[-1]) + 1)


__all__ = ["bridge", "piece_box", "profile"]
