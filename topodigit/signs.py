"""Signs by shape: a plus (a cross) and a minus (a flat solid bar).

Where a sign sits on its line (centred at mid-height, a digit after it) is the
layout's test (:mod:`topodigit.layout`); these judge the ink alone, so that the
cutting of touching glyphs (:mod:`topodigit.cutting`) can ask the same question.

Examples
--------
>>> plus = np.zeros((9, 9), bool); plus[3:6, :] = plus[:, 3:6] = True
>>> is_plus(plus), minus_bar(plus, 20.0), minus_bar(np.ones((3, 9), bool), 20.0)
(True, False, True)
"""

from __future__ import annotations

import numpy as np

#: A minus sign is at least this many times wider than tall, at least MINUS_WIDTH H
#: wide (fonts measured: 0.31-0.77 H; a colon's dot is narrower), no taller
#: than MINUS_HEIGHT H, and solid.
MINUS_ELONGATION = 1.5
MINUS_WIDTH = 0.24
MINUS_HEIGHT = 0.3
SOLID_FILL = 0.6
#: ... all measured on its core: the rows inked across at least this share of
#: its width (a speck of noise stuck to the bar is no part of it).
BAR_CORE = 0.5
#: A plus sign's box is about square, its corner cells (of a 3x3 grid) nearly
#: empty, and its middle row and column inked across this share of their length.
PLUS_ASPECT = (0.7, 1.45)
PLUS_CORNER = 0.1
PLUS_ARM = 0.85


def is_plus(own: np.ndarray) -> bool:
    """Ink, cropped to its box, shaped like a plus (PLUS_ASPECT, PLUS_CORNER, PLUS_ARM)."""
    h, w = own.shape
    if h < 5 or w < 5 or not PLUS_ASPECT[0] <= w / h <= PLUS_ASPECT[1]:
        return False
    r, c = (0, h // 3, h - h // 3, h), (0, w // 3, w - w // 3, w)
    for i in (0, 2):  # a digit has ink in some corner: stop at the first
        for j in (0, 2):
            corner = own[r[i]:r[i + 1], c[j]:c[j + 1]]
            if np.count_nonzero(corner) / corner.size > PLUS_CORNER:  # its mean
                return False
    across = np.count_nonzero(own[r[1]:r[2]].any(axis=0)) / w
    down = np.count_nonzero(own[:, c[1]:c[2]].any(axis=1)) / h
    return bool(across >= PLUS_ARM and down >= PLUS_ARM)


def minus_bar(mask: np.ndarray, height: float) -> bool:
    """Whether a mark's ink (cropped to its box) is shaped like a minus sign in a
    line of digits ``height`` px tall (where it sits is the caller's test).

    It is judged by its core, the rows inked across most of its width, so a
    speck of noise stuck to it does not make it thick or hollow.

    >>> bar = np.ones((3, 9), bool); bar[2, 1:] = False  # a pixel of noise under it
    >>> minus_bar(bar, 20.0), minus_bar(np.ones((5, 5), bool), 20.0)
    (True, False)
    """
    rows, width = mask.shape
    core = mask[mask.mean(axis=1) >= BAR_CORE] if mask.size else mask
    return bool(len(core) and width >= MINUS_ELONGATION * len(core)
                and width >= MINUS_WIDTH * height and rows <= MINUS_HEIGHT * height
                and float(core.mean()) >= SOLID_FILL)


__all__ = ["BAR_CORE", "MINUS_ELONGATION", "MINUS_HEIGHT", "MINUS_WIDTH", "PLUS_ARM",
           "PLUS_ASPECT", "PLUS_CORNER", "SOLID_FILL", "is_plus", "minus_bar"]
