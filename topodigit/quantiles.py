"""Medians and percentiles of short sequences, the same floats as numpy's, cheaper.

``np.median`` and ``np.percentile`` cost tens of microseconds of set-up per call,
which adds up when the stages take a few of them per image or per line. These
take the same steps on a sorted list: the middle value or the mean of the
middle two; linear interpolation between neighbouring order statistics in
numpy's float operations (``np.percentile``'s default method). Both ask numpy
itself for an empty sequence, so they fail (or warn) as it does.

Examples
--------
>>> median([3, 1, 2, 10])
2.5
>>> percentile([4, 1, 3, 2], 75) == float(np.percentile([4, 1, 3, 2], 75))
True
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TypeVar

import numpy as np

Value = TypeVar("Value", float, np.ndarray)


def interpolate(lower: Value, upper: Value, gamma: float) -> Value:
    """numpy's linear interpolation between neighbouring order statistics (its
    ``_lerp``: from the upper one when ``gamma`` is at least a half), of numbers
    or elementwise of arrays."""
    diff = upper - lower
    return upper - diff * (1 - gamma) if gamma >= 0.5 else lower + diff * gamma


def median(values: Iterable[float]) -> float:
    """``float(np.median(values))`` of a short sequence of numbers."""
    s = sorted(values)
    if not s:
        return float(np.median(s))
    half = len(s) // 2
    return float(s[half]) if len(s) % 2 else float((s[half - 1] + s[half]) / 2)


def percentile(values: Iterable[float], q: float) -> float:
    """``float(np.percentile(values, q))`` of a short sequence of numbers."""
    s = sorted(values)
    if not s:
        return float(np.percentile(s, q))
    at = (len(s) - 1) * (q / 100)  # numpy's virtual index
    below = math.floor(at)
    return float(interpolate(s[below], s[min(below + 1, len(s) - 1)], at - below))


__all__ = ["interpolate", "median", "percentile"]
