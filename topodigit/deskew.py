"""Skew of text lines: estimate it from the glyphs' tops and bottoms, and undo it.

Digits of one line share a top line and a baseline. Rotating the glyphs' top
and bottom points by the right angle stacks them into sharp rows, so the
angle whose histogram of rotated rows is most concentrated is the skew.

Examples
--------
>>> import numpy as np, cv2
>>> m = np.zeros((80, 220), np.uint8)
>>> for i in range(8):
...     _ = cv2.rectangle(m, (10 + 25 * i, 20 + 2 * i), (24 + 25 * i, 45 + 2 * i), 1, -1)
>>> abs(estimate_skew(m.astype(bool)) - 4.6) < 0.5  # rows drop 2 px per 25 px: 4.6 degrees
True
"""

from __future__ import annotations

import cv2
import numpy as np

from topodigit.quantiles import median

#: Angles tried, in degrees (positive: lines fall to the right, in image rows).
MAX_SKEW = 6.0
SKEW_STEP = 0.25
#: Skews smaller than this are left alone.
MIN_SKEW = 0.5
#: Only glyph-sized components vote: at least this share of the tallest's height ...
VOTER_HEIGHT = 0.4
#: ... and at least this many of them.
MIN_VOTERS = 3
#: Histogram bins are this share of the voters' median height.
BIN_SHARE = 0.15
#: The best angle must concentrate the rows this much better than no rotation.
MIN_GAIN = 1.15
#: The angles tried, their cosines and sines (columns), and the index of the upright one.
_ANGLES = np.arange(-MAX_SKEW, MAX_SKEW + SKEW_STEP / 2, SKEW_STEP)
_COS, _SIN = np.cos(np.deg2rad(_ANGLES)[:, None]), np.sin(np.deg2rad(_ANGLES)[:, None])
_FLAT = int(np.argmin(np.abs(_ANGLES)))
for _table in (_ANGLES, _COS, _SIN):
    _table.flags.writeable = False  # shared by every read: never written


def estimate_skew(mask: np.ndarray, *, max_components: int = 2000,
                  stats: np.ndarray | None = None) -> float:
    """Estimate the text skew of an ink mask, in degrees (0 when unsure).

    Parameters
    ----------
    mask : ndarray of bool
        True on ink.
    max_components : int
        Only the largest this many components vote.
    stats : ndarray, optional
        ``cv2.connectedComponentsWithStats`` stats of the mask (8-connected),
        when the caller already has them.

    Returns
    -------
    float
        The angle the lines make with the image rows: positive when they fall
        towards the right (row grows with column).
    """
    if stats is None:
        _, _, stats, _ = cv2.connectedComponentsWithStatsWithAlgorithm(
            mask.astype(np.uint8), 8, cv2.CV_32S, cv2.CCL_BBDT)  # OpenCV's fastest here
    stats = stats[1:]
    if len(stats) < MIN_VOTERS:
        return 0.0
    h = stats[:, cv2.CC_STAT_HEIGHT]
    voters = stats[h >= VOTER_HEIGHT * h.max()]
    voters = voters[np.argsort(-voters[:, cv2.CC_STAT_AREA])[:max_components]]
    if len(voters) < MIN_VOTERS:
        return 0.0
    x = (voters[:, cv2.CC_STAT_LEFT] + voters[:, cv2.CC_STAT_WIDTH] / 2).astype(float)
    top = voters[:, cv2.CC_STAT_TOP].astype(float)
    bottom = top + voters[:, cv2.CC_STAT_HEIGHT]
    xs, ys = np.concatenate([x, x]), np.concatenate([top, bottom])
    width = max(1.0, BIN_SHARE * median(voters[:, cv2.CC_STAT_HEIGHT].tolist()))
    angles = _ANGLES
    rows = ys[None, :] * _COS - xs[None, :] * _SIN  # (angles, points)
    bins = np.floor((rows - rows.min(axis=1, keepdims=True)) / width).astype(np.int64)
    span = int(bins.max()) + 1  # each angle's histogram, side by side in one bincount
    counts = np.bincount((bins + span * np.arange(len(angles))[:, None]).ravel(),
                         minlength=span * len(angles)).reshape(len(angles), span)
    scores = (counts**2).sum(axis=1).astype(float)
    best = int(np.argmax(scores))
    flat = _FLAT
    if scores[best] < MIN_GAIN * scores[flat] or abs(angles[best]) < MIN_SKEW:
        return 0.0
    return float(angles[best])


def rotation(shape: tuple[int, int], angle: float) -> tuple[np.ndarray, tuple[int, int]]:
    """Affine matrix turning an image of ``shape`` by ``-angle`` degrees (undoing a
    skew of ``angle``) onto a canvas large enough to hold it, and that canvas's shape."""
    h, w = shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    out_w, out_h = int(np.ceil(h * sin + w * cos)), int(np.ceil(h * cos + w * sin))
    m[0, 2] += out_w / 2 - w / 2
    m[1, 2] += out_h / 2 - h / 2
    return m, (out_h, out_w)


def rotate(gray: np.ndarray, angle: float, *, fill: int) -> tuple[np.ndarray, np.ndarray]:
    """Undo a skew of ``angle`` degrees; return the image and the affine matrix used.

    Cubic interpolation keeps a point or stroke 2 px wide about as dark as it
    was; linear interpolation averages it with the paper, under the ink threshold.
    """
    m, (out_h, out_w) = rotation(gray.shape[:2], angle)
    out = cv2.warpAffine(gray, m, (out_w, out_h), flags=cv2.INTER_CUBIC,
                         borderMode=cv2.BORDER_CONSTANT, borderValue=int(fill))
    return out, m


def unrotate_box(box: tuple[int, int, int, int], m: np.ndarray, shape: tuple[int, int]
                 ) -> tuple[int, int, int, int]:
    """Map a (top, left, bottom, right) box of the rotated image back to the original.

    Returns the bounding box of its four corners there, clipped to ``shape``.
    """
    top, left, bottom, right = box
    inv = cv2.invertAffineTransform(m)
    corners = np.array([[left, top], [right, top], [left, bottom], [right, bottom]], float)
    pts = corners @ inv[:, :2].T + inv[:, 2]
    h, w = shape
    x0, y0 = np.clip(np.floor(pts.min(axis=0)), 0, [w, h]).astype(int)
    x1, y1 = np.clip(np.ceil(pts.max(axis=0)), 0, [w, h]).astype(int)
    return int(y0), int(x0), int(max(y1, y0 + 1)), int(max(x1, x0 + 1))


__all__ = ["estimate_skew", "rotate", "rotation", "unrotate_box"]
