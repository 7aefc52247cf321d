"""Degradations of real-world input: blur, noise, JPEG, rotation, light, LCDs, touching digits.

Pure functions for fixtures and benchmarks: a 2-D ``uint8`` gray image of dark
text on light paper goes in, a degraded 2-D ``uint8`` image comes out. All
randomness comes from the :class:`numpy.random.Generator` passed in, so the
result is reproducible for a given seed. Strengths are the module constants
below; sizes in units of the digit height are scaled by ``digit_height``.
The joining of neighbouring glyphs (conditions ``touching`` and ``crowded``)
lives in :mod:`topodigit.joins` and is re-exported here.

Examples
--------
>>> import numpy as np
>>> page = np.full((40, 60), 255, np.uint8)
>>> page[10:30, 20:26] = 0
>>> out = degrade(page, "lowcontrast", np.random.default_rng(0), digit_height=20)
>>> int(out.min()), int(out.max())
(90, 160)
>>> degrade(page, "rotate", np.random.default_rng(0), digit_height=20).shape > page.shape
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import cv2
import numpy as np

from topodigit.errors import BadArgumentError, BadImageError
from topodigit.joins import (
    BLOT_HEIGHT,
    BLOT_PAIRS,
    BLOT_ROWS,
    BLOT_WIDTH,
    CROWDED_LETTER_SPACING,
    JOIN_PAIRS,
    KERN_OVERLAP,
    KERN_SHARE,
    Box,
    blot,
    check_image,
    ink_pairs,
    join,
    kern,
)

#: The conditions, in report order; ``crowded`` is last so that adding it kept
#: the heights and kinds that ``fixtures/generate_real.py`` plans for the others.
CONDITIONS = ("clean", "blur", "noise", "jpeg", "rotate", "lowcontrast", "inverted", "uneven",
              "scan", "photo", "lcd", "touching", "crowded")  # fmt: skip
#: Conditions that join neighbouring glyphs (they take ``pairs``).
JOINING = ("touching", "crowded")

#: blur: gaussian blur; sigma in units of the digit height (2.4 px at 48 px).
BLUR_SIGMA = 0.05
#: noise: additive gaussian noise, sigma in gray levels, clipped to 0..255.
NOISE_SIGMA = 20.0
#: jpeg: one JPEG round trip at this quality (0-100).
JPEG_QUALITY = 30
#: rotate: |angle| in degrees, uniform in this range, random sign; canvas expanded.
ROTATE_DEGREES = (2.0, 5.0)
#: lowcontrast: (ink, paper) gray levels that 0 and 255 are mapped to.
LOWCONTRAST_LEVELS = (90, 160)
#: inverted: light on dark; (ink, paper) levels after inverting.
INVERTED_LEVELS = (235, 25)
#: uneven: illumination falls linearly from 1.0 to this across the image.
UNEVEN_LOW = 0.35
#: scan: mild blur (units of digit height), noise sigma and JPEG quality.
SCAN_BLUR_SIGMA, SCAN_NOISE_SIGMA, SCAN_JPEG_QUALITY = 0.03, 10.0, 50
#: photo: a phone photo of a printed page. Gray paper and ink, small tilt,
#: gradient + vignette illumination down to PHOTO_LOW, then blur, noise, JPEG.
PHOTO_LEVELS = (40, 225)
PHOTO_DEGREES = (0.5, 2.0)
PHOTO_LOW = 0.6
PHOTO_BLUR_SIGMA, PHOTO_NOISE_SIGMA, PHOTO_JPEG_QUALITY = 0.03, 8.0, 60
#: lcd: a phone photo of an LCD. Lit segments and background gray levels, the
#: unlit "ghost" segments this many levels darker than the background, then
#: gradient illumination down to LCD_LOW, blur, noise and JPEG.
LCD_LEVELS = (45, 165)
LCD_GHOST_DARKER = 12
LCD_LOW = 0.7
LCD_BLUR_SIGMA, LCD_NOISE_SIGMA, LCD_JPEG_QUALITY = 0.03, 6.0, 60


def _to_u8(img: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(img), 0, 255).astype(np.uint8)


def remap(gray: np.ndarray, ink: float, paper: float) -> np.ndarray:
    """Map gray 0 to `ink` and 255 to `paper`, linearly.

    >>> remap(np.array([[0, 255]], np.uint8), 90, 160).tolist()
    [[90, 160]]
    """
    return _to_u8(ink + gray.astype(np.float32) * ((paper - ink) / 255.0))


def blur(gray: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian blur with standard deviation `sigma` pixels (no-op for sigma <= 0)."""
    if sigma <= 0:
        return gray.copy()
    return cv2.GaussianBlur(gray, (0, 0), sigmaX=sigma, sigmaY=sigma,
                            borderType=cv2.BORDER_REPLICATE)  # fmt: skip


def add_noise(gray: np.ndarray, sigma: float, rng: np.random.Generator) -> np.ndarray:
    """Add gaussian noise of `sigma` gray levels, clipped to 0..255."""
    return _to_u8(gray + rng.normal(0.0, sigma, gray.shape))


def jpeg(gray: np.ndarray, quality: int) -> np.ndarray:
    """Encode as JPEG at `quality` and decode again.

    >>> img = np.tile(np.arange(0, 256, 8, dtype=np.uint8), (16, 1))
    >>> out = jpeg(img, 30)
    >>> out.shape == img.shape, out.dtype == np.uint8
    (True, True)
    """
    ok, buf = cv2.imencode(".jpg", gray, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    out = cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE) if ok else None
    if out is None:  # pragma: no cover - OpenCV always round-trips a valid uint8 image
        raise BadImageError("JPEG round trip failed")
    return np.asarray(out, np.uint8)


def rotate(gray: np.ndarray, degrees: float) -> np.ndarray:
    """Rotate counter-clockwise by `degrees`, expanding the canvas so nothing is cut.

    The new corners are filled with the paper level, estimated as the median.
    """
    rows, cols = gray.shape
    rad = math.radians(degrees)
    cos, sin = abs(math.cos(rad)), abs(math.sin(rad))
    new_cols = math.ceil(cols * cos + rows * sin)
    new_rows = math.ceil(cols * sin + rows * cos)
    m = cv2.getRotationMatrix2D(((cols - 1) / 2, (rows - 1) / 2), degrees, 1.0)
    m[0, 2] += (new_cols - cols) / 2
    m[1, 2] += (new_rows - rows) / 2
    paper = float(np.median(gray))
    return cv2.warpAffine(gray, m, (new_cols, new_rows), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=paper)  # fmt: skip


def illumination(shape: tuple[int, int], low: float, rng: np.random.Generator, *,
                 vignette: float = 0.0) -> np.ndarray:  # fmt: skip
    """Smooth light field falling from 1.0 to `low` along a random direction.

    ``vignette`` (0..1) is the share of the fall given to a radial term
    (darker corners) instead of the linear gradient.

    >>> light = illumination((10, 20), 0.35, np.random.default_rng(0))
    >>> round(float(light.max()), 2), round(float(light.min()), 2)
    (1.0, 0.35)
    """
    rows, cols = shape
    angle = rng.uniform(0.0, 2 * math.pi)
    r, c = np.mgrid[0:rows, 0:cols].astype(np.float32)
    t = r * math.sin(angle) + c * math.cos(angle)
    t = (t - t.min()) / max(float(t.max() - t.min()), 1e-6)
    rad = ((r - (rows - 1) / 2) / max(rows, 1)) ** 2 + ((c - (cols - 1) / 2) / max(cols, 1)) ** 2
    rad = rad / max(float(rad.max()), 1e-6)
    fall = (1 - vignette) * t + vignette * rad
    fall = (fall - fall.min()) / max(float(fall.max() - fall.min()), 1e-6)
    return (1.0 - (1.0 - low) * fall).astype(np.float32)


def _signed_angle(bounds: tuple[float, float], rng: np.random.Generator) -> float:
    return float(rng.uniform(*bounds) * rng.choice((-1.0, 1.0)))


def degrade(gray: np.ndarray, condition: str, rng: np.random.Generator, *, digit_height: float,
            ghost: np.ndarray | None = None,
            pairs: Sequence[tuple[Box, Box]] | None = None) -> np.ndarray:  # fmt: skip
    """Apply one real-world `condition` to a dark-on-light gray image.

    Parameters
    ----------
    gray : numpy.ndarray
        2-D uint8 image, dark ink (about 0) on light paper (about 255).
    condition : str
        One of :data:`CONDITIONS`; see the module constants for the strengths.
    rng : numpy.random.Generator
        Source of all randomness (noise, angles, light direction, blob places).
    digit_height : float
        Digit height in pixels, 4 to 1000; blur and blobs scale with it.
    ghost : numpy.ndarray, optional
        ``lcd`` only: same-shape rendering of all segments on (e.g. ``"8888"``),
        drawn ``LCD_GHOST_DARKER`` levels darker than the background.
    pairs : sequence of (Box, Box), optional
        ``touching`` and ``crowded`` only: neighbouring glyph boxes that may
        be joined (default: found with :func:`ink_pairs`). ``touching`` joins
        1-2 pairs sharing no glyph, each by a blot or by kerning
        (:func:`~topodigit.joins.join`); ``crowded`` blots 1-2 pairs only
        (:func:`~topodigit.joins.blot`): render its line with
        ``CROWDED_LETTER_SPACING`` to crowd the glyphs too.

    Returns
    -------
    numpy.ndarray
        2-D uint8 image; same shape except for ``rotate`` and ``photo`` (larger)
        and ``touching`` (narrower by each kerned pair's shift).

    Examples
    --------
    >>> page = np.full((30, 40), 255, np.uint8)
    >>> page[5:25, 10:14] = 0
    >>> out = degrade(page, "inverted", np.random.default_rng(1), digit_height=20)
    >>> int(out[0, 0]), int(out[10, 11])
    (25, 235)
    """
    if condition not in CONDITIONS:
        raise BadArgumentError(f"condition must be one of {', '.join(CONDITIONS)}; "
                               f"got {condition!r}")  # fmt: skip
    check_image(gray, digit_height)
    if ghost is not None and (condition != "lcd" or ghost.shape != gray.shape):
        raise BadArgumentError(f"ghost must be a {gray.shape} image and is used by 'lcd' only; "
                               f"got shape {ghost.shape} for {condition!r}")  # fmt: skip
    if pairs is not None and condition not in JOINING:
        raise BadArgumentError(f"pairs is used by {' and '.join(map(repr, JOINING))} only, "
                               f"got it for {condition!r}")  # fmt: skip
    h = float(digit_height)
    if condition == "clean":
        return gray.copy()
    if condition == "blur":
        return blur(gray, BLUR_SIGMA * h)
    if condition == "noise":
        return add_noise(gray, NOISE_SIGMA, rng)
    if condition == "jpeg":
        return jpeg(gray, JPEG_QUALITY)
    if condition == "rotate":
        return rotate(gray, _signed_angle(ROTATE_DEGREES, rng))
    if condition == "lowcontrast":
        return remap(gray, *LOWCONTRAST_LEVELS)
    if condition == "inverted":
        return remap(255 - gray, INVERTED_LEVELS[1], INVERTED_LEVELS[0])
    if condition == "uneven":
        return _to_u8(gray * illumination(gray.shape, UNEVEN_LOW, rng))
    if condition == "scan":
        out = add_noise(blur(gray, SCAN_BLUR_SIGMA * h), SCAN_NOISE_SIGMA, rng)
        return jpeg(out, SCAN_JPEG_QUALITY)
    if condition == "photo":
        out = rotate(remap(gray, *PHOTO_LEVELS), _signed_angle(PHOTO_DEGREES, rng))
        out = _to_u8(out * illumination(out.shape, PHOTO_LOW, rng, vignette=0.4))
        out = add_noise(blur(out, PHOTO_BLUR_SIGMA * h), PHOTO_NOISE_SIGMA, rng)
        return jpeg(out, PHOTO_JPEG_QUALITY)
    if condition == "lcd":
        return _lcd(gray, ghost, rng, h)
    found = ink_pairs(gray, digit_height=h) if pairs is None else pairs
    if condition == "touching":
        return join(gray, found, rng, digit_height=h)
    return blot(gray, found, rng, digit_height=h)


def _lcd(gray: np.ndarray, ghost: np.ndarray | None, rng: np.random.Generator,
         h: float) -> np.ndarray:  # fmt: skip
    segment, background = LCD_LEVELS
    out = np.full(gray.shape, float(background), np.float32)
    if ghost is not None:
        out -= LCD_GHOST_DARKER * (1.0 - ghost.astype(np.float32) / 255.0)
    lit = 1.0 - gray.astype(np.float32) / 255.0
    out = out * (1.0 - lit) + segment * lit
    out = _to_u8(out * illumination(gray.shape, LCD_LOW, rng))
    out = add_noise(blur(out, LCD_BLUR_SIGMA * h), LCD_NOISE_SIGMA, rng)
    return jpeg(out, LCD_JPEG_QUALITY)


__all__ = ["BLOT_HEIGHT", "BLOT_PAIRS", "BLOT_ROWS", "BLOT_WIDTH", "CONDITIONS",
           "CROWDED_LETTER_SPACING", "JOINING", "JOIN_PAIRS", "KERN_OVERLAP", "KERN_SHARE", "Box",
           "add_noise", "blot", "blur", "degrade", "illumination", "ink_pairs", "join", "jpeg",
           "kern", "remap", "rotate"]  # fmt: skip
