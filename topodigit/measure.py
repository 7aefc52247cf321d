"""Normalising and measuring one glyph: crop, resample, threshold, topology, rules.

The crop is the glyph's gray ink (its own components grown by a pixel); it is
resampled to a fixed height and thresholded at two levels (see
:func:`glyph_masks`), measured (:func:`topodigit.topology.measure`) and read by
the rules (:func:`topodigit.rules.classify`).

Examples
--------
>>> import numpy as np
>>> crop = np.zeros((24, 16), np.float32)
>>> crop[2:22, 2:14] = 1.0; crop[7:17, 6:10] = 0.0          # a ring
>>> classify_crop(crop, 0.4, 0.2, norm_height=40).verdict.char
'0'
"""

from __future__ import annotations

from typing import NamedTuple

import cv2
import numpy as np

from topodigit import rules, topology
from topodigit.results import Box, Topology, Verdict
from topodigit.segment import Region, region_mask

#: Pixels of context kept around a glyph before resampling.
CROP_PAD = 2
#: Kernel that grows a glyph's own ink by one pixel (see :func:`glyph_crop`).
_SQUARE = np.ones((3, 3), np.uint8)


def glyph_crop(ink: np.ndarray, labels: np.ndarray, region: Region, *, pad: int = CROP_PAD
               ) -> np.ndarray:
    """Ink-high crop of one region, with pixels of other glyphs blanked.

    The region's own components are grown by one pixel so the anti-aliased rim
    that fell below the threshold stays with the glyph.
    """
    b = region.box
    top, left = max(b.top - pad, 0), max(b.left - pad, 0)
    bottom, right = min(b.bottom + pad, ink.shape[0]), min(b.right + pad, ink.shape[1])
    own = region_mask(labels, region, Box(top, left, bottom, right)).view(np.uint8)
    grown = cv2.dilate(own, _SQUARE)
    crop: np.ndarray = ink[top:bottom, left:right] * grown
    return crop


def glyph_masks(crop: np.ndarray, sharp: float, faint: float, *, norm_height: int
                ) -> tuple[np.ndarray, np.ndarray]:
    """Resample one crop and threshold it at the ``sharp`` and ``faint`` levels.

    Both masks are cut to the faint mask's ink box.
    """
    img = topology.resample(crop, height=norm_height)
    loose = img > faint
    left, top, width, height = cv2.boundingRect(loose.view(np.uint8))  # of the faint ink
    if width:
        img = img[top:top + height, left:left + width]
        loose = loose[top:top + height, left:left + width]
    return img > sharp, loose


class Measured(NamedTuple):
    """One glyph's normalised mask, its topology and the rules' verdict."""

    mask: np.ndarray
    topology: Topology
    verdict: Verdict


def classify_crop(crop: np.ndarray, sharp: float, faint: float, *, norm_height: int
                  ) -> Measured:
    """Normalise one crop, measure it and apply the rules."""
    mask, loose = glyph_masks(crop, sharp, faint, norm_height=norm_height)
    topo = topology.measure(mask, faint=loose)
    return Measured(mask, topo, rules.classify(topo))


__all__ = ["CROP_PAD", "Measured", "classify_crop", "glyph_crop", "glyph_masks"]
