"""Pixel arrays to the reader's gray image: any supported dtype and channel
layout becomes a C-contiguous 2-D ``uint8`` array (see :func:`topodigit.io.load_image`,
which decodes files and calls this; this module touches no disk).

Colour arrays follow the OpenCV convention (BGR, BGRA); transparent pixels are
composited over white; float images are taken in [0, 1] (non-finite pixels
replaced by the median of the finite ones), integers in [0, 255], and other
ranges are stretched.
"""

from __future__ import annotations

import cv2
import numpy as np

from topodigit.errors import BadImageError

_BGR_WEIGHTS = np.array([0.114, 0.587, 0.299], np.float32)  # ITU-R BT.601, as cv2 uses


def to_gray(array: np.ndarray, source: str, *, max_pixels: int) -> np.ndarray:
    """Any supported array -> new C-contiguous uint8 gray array (``source`` names it
    in errors; more than ``max_pixels`` pixels is a :class:`BadImageError`).

    >>> to_gray(np.array([[0.0, 0.5, 1.0]]), "x", max_pixels=10).tolist()
    [[0, 128, 255]]
    """
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]
    check_array(array, source, max_pixels=max_pixels)
    if array.dtype == np.uint8 and array.ndim == 2:
        return np.array(array, order="C")
    if array.dtype == np.uint8 and array.shape[2] == 3:
        return cv2.cvtColor(np.ascontiguousarray(array), cv2.COLOR_BGR2GRAY)
    if array.dtype.kind == "f":
        array = _finite(array.astype(np.float32), source)
    has_alpha = array.ndim == 3 and array.shape[2] in (2, 4)
    colour = array[..., :-1] if has_alpha else array
    unit = _unit(colour)
    if unit.ndim == 3:
        unit = unit[..., 0] if unit.shape[2] == 1 else unit @ _BGR_WEIGHTS
    if has_alpha:
        alpha = _alpha_unit(array[..., -1], colour)
        unit = unit * alpha + (1.0 - alpha)  # composite over white
    return np.ascontiguousarray(np.clip(np.rint(unit * 255.0), 0, 255).astype(np.uint8))


def check_array(array: np.ndarray, source: str, *, max_pixels: int) -> None:
    """Fail with :class:`BadImageError` unless ``array`` is a supported image array."""
    if array.ndim not in (2, 3) or (array.ndim == 3 and array.shape[2] not in (2, 3, 4)):
        raise BadImageError(f"{source}: expected shape (H, W) or (H, W, 1|2|3|4), "
                            f"got {array.shape}")
    if array.shape[0] == 0 or array.shape[1] == 0:
        raise BadImageError(f"{source}: image has a zero-size side, shape {array.shape}")
    if array.dtype.kind not in "biuf":
        raise BadImageError(f"{source}: unsupported dtype {array.dtype}")
    if array.shape[0] * array.shape[1] > max_pixels:
        raise BadImageError(f"{source}: image of {array.shape[1]} x {array.shape[0]} = "
                            f"{array.shape[0] * array.shape[1]:,} pixels is above the limit "
                            f"of {max_pixels:,} (topodigit.io.MAX_PIXELS)")


def _finite(array: np.ndarray, source: str) -> np.ndarray:
    finite = np.isfinite(array)
    if finite.all():
        return array
    if not finite.any():
        raise BadImageError(f"{source}: no finite pixel value (all NaN or infinite)")
    return np.where(finite, array, np.float32(np.median(array[finite])))


def _unit(colour: np.ndarray) -> np.ndarray:
    """Scale colour values to float32 in [0, 1] by the rules of :func:`load_image`."""
    values = colour.astype(np.float32)
    if colour.dtype == np.bool_:
        return values
    low, high = float(values.min()), float(values.max())
    in_range = (0.0, 1.0) if colour.dtype.kind == "f" else (0.0, 255.0)
    if in_range[0] <= low and high <= in_range[1]:
        return values / np.float32(in_range[1])
    if high == low:
        return np.full(values.shape, np.clip(low / in_range[1], 0.0, 1.0), np.float32)
    return (values - np.float32(low)) / np.float32(high - low)


def _alpha_unit(alpha: np.ndarray, colour: np.ndarray) -> np.ndarray:
    """Opacity in [0, 1]: 8-bit-looking data over 255, else over the dtype's or data's max."""
    values = alpha.astype(np.float32)
    if alpha.dtype == np.bool_:
        return values
    high = float(values.max())
    if alpha.dtype.kind == "f":
        scale = 1.0 if high <= 1.0 else 255.0 if high <= 255.0 else high
    elif high <= 255 and int(colour.max()) <= 255:
        scale = 255.0
    else:
        scale = float(np.iinfo(alpha.dtype).max)
    return np.clip(values / np.float32(scale), 0.0, 1.0)


__all__ = ["check_array", "to_gray"]
