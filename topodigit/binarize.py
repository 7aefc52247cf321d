"""Gray image → ink mask, with automatic polarity.

The ink image returned here is always *ink-high*: 255 where the pen was, 0 on
paper, whatever the polarity of the input. Later stages resample it, so they
need the gray levels as well as the mask.

Examples
--------
>>> import numpy as np
>>> gray = np.full((7, 9), 250, np.uint8); gray[2:5, 3:6] = 10
>>> b = binarize(gray)
>>> b.polarity, int(b.mask.sum())
('dark-on-light', 9)
>>> binarize(255 - gray).polarity
'light-on-dark'
"""

from __future__ import annotations

from typing import NamedTuple

import cv2
import numpy as np

from topodigit.errors import BadArgumentError

#: Below this spread of gray levels (max - min) the image is taken as blank.
MIN_CONTRAST = 24
#: Fraction of the border that must be of one class to call it the paper.
BORDER_MAJORITY = 0.5

#: Threshold position between the paper level (0) and the solid-ink level (1).
THRESHOLD_FRACTION = 0.5
#: Percentile of the ink class taken as the solid-ink level.
INK_PERCENTILE = 75

INK_CHOICES = ("auto", "dark", "light")


class Binarized(NamedTuple):
    """Result of :func:`binarize`."""

    mask: np.ndarray  # bool, True on ink
    ink: np.ndarray  # uint8, ink-high gray levels
    threshold: int  # level of ``ink`` that separates ink (> threshold) from paper
    polarity: str  # "dark-on-light" or "light-on-dark"
    paper_level: int = 0  # typical ``ink`` value of paper
    ink_level: int = 255  # typical ``ink`` value of solid ink

    def level(self, fraction: float) -> float:
        """The ``ink`` value ``fraction`` of the way from paper to solid ink."""
        return self.paper_level + fraction * (self.ink_level - self.paper_level)


def _border(gray: np.ndarray) -> np.ndarray:
    return np.concatenate([gray[0], gray[-1], gray[1:-1, 0], gray[1:-1, -1]])


def binarize(gray: np.ndarray, *, ink: str = "auto") -> Binarized:
    """Split a gray image into ink and paper with Otsu's threshold.

    Parameters
    ----------
    gray : ndarray
        2-D uint8 image.
    ink : {"auto", "dark", "light"}
        Polarity of the ink. ``"auto"`` takes the class that covers most of the
        image border as paper (and the larger class when the border is split).

    Returns
    -------
    Binarized
        ``mask`` (bool), ink-high ``ink`` image, the ``threshold`` on it and the
        ``polarity`` used.
    """
    if ink not in INK_CHOICES:
        raise BadArgumentError(f"ink must be one of {INK_CHOICES}, got {ink!r}")
    if gray.ndim != 2 or gray.dtype != np.uint8 or gray.size == 0:
        raise BadArgumentError(
            f"binarize needs a non-empty 2-D uint8 image, got {gray.dtype} {gray.shape}")
    lo, hi = int(gray.min()), int(gray.max())
    if hi - lo < MIN_CONTRAST:
        polarity = "light-on-dark" if ink == "light" else "dark-on-light"
        return Binarized(np.zeros(gray.shape, bool), np.zeros_like(gray), 255, polarity)
    level, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    if ink == "auto":
        dark_border = float(np.mean(_border(gray) <= level))
        if abs(dark_border - BORDER_MAJORITY) < 0.05:
            dark_border = float(np.mean(gray <= level))
        ink = "light" if dark_border > BORDER_MAJORITY else "dark"
    if ink == "dark":
        ink_img = 255 - gray
        otsu = 255 - int(level) - 1
        polarity = "dark-on-light"
    else:
        ink_img = gray.copy()
        otsu = int(level)
        polarity = "light-on-dark"
    # Otsu is biased when ink is a small share of the image (it lands in the
    # anti-aliased rim); the midpoint of the two classes' typical levels is not.
    paper_level = int(np.median(ink_img[ink_img <= otsu]))
    ink_level = int(np.percentile(ink_img[ink_img > otsu], INK_PERCENTILE))
    threshold = round(paper_level + THRESHOLD_FRACTION * (ink_level - paper_level))
    return Binarized(ink_img > threshold, ink_img, threshold, polarity, paper_level, ink_level)


__all__ = ["Binarized", "binarize"]
