"""Synthetic printed-digit images rendered from TrueType fonts.

Used to build test fixtures and benchmarks. Everything here is pure: functions
return arrays or strings and only read the font file they are given.
"""

from __future__ import annotations

import math
import os
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from topodigit.errors import BadArgumentError

DIGITS = "0123456789"
_REF_SIZE = 200  # font size used to estimate the size/ink-height ratio


def _font_file(font_path: str | os.PathLike[str]) -> str:
    path = os.fspath(font_path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"font file not found: {path!r}")
    return path


def _check_digit_height(digit_height: int) -> None:
    if not 4 <= digit_height <= 1000:
        raise BadArgumentError(f"digit_height must be in [4, 1000], got {digit_height!r}")


def _digit_ink_height(path: str, size: int) -> int:
    _, top, _, bottom = ImageFont.truetype(path, size).getbbox(DIGITS)
    return int(bottom - top)


@lru_cache(maxsize=512)
def _size_for(path: str, digit_height: int) -> int:
    ref = _digit_ink_height(path, _REF_SIZE)
    if ref <= 0:
        raise BadArgumentError(f"font {path!r} has no visible digits")
    guess = max(1, round(digit_height * _REF_SIZE / ref))
    sizes = range(max(1, guess - 3), guess + 4)
    return min(sizes, key=lambda s: (abs(_digit_ink_height(path, s) - digit_height), s))


def font_size_for_digit_height(font_path: str | os.PathLike[str], digit_height: int) -> int:
    """Return the font size whose digits "0123456789" are `digit_height` px tall.

    The ink height is measured with ``font.getbbox`` from the top of the
    tallest digit to the bottom of the lowest one; the chosen size gives the
    height closest to `digit_height` (normally exact, at worst off by one).

    Parameters
    ----------
    font_path : str or os.PathLike
        TrueType/OpenType font file.
    digit_height : int
        Wanted ink height of the digits in pixels, 4 to 1000.

    Returns
    -------
    int
        Font size (pixels per em) for ``PIL.ImageFont.truetype``. Cached.

    Examples
    --------
    >>> font_size_for_digit_height("DejaVuSans.ttf", 32)  # doctest: +SKIP
    44
    """
    _check_digit_height(digit_height)
    return _size_for(_font_file(font_path), int(digit_height))


def render_text(
    text: str,
    font_path: str | os.PathLike[str],
    *,
    digit_height: int,
    margin: float = 0.6,
    line_spacing: float = 1.6,
    ink: int = 0,
    paper: int = 255,
    letter_spacing: float = 0.0,
) -> np.ndarray:
    """Render `text` as an anti-aliased 2-D uint8 gray image.

    Parameters
    ----------
    text : str
        Text to draw; ``"\\n"`` separates left-aligned lines.
    font_path : str or os.PathLike
        TrueType/OpenType font file.
    digit_height : int
        Ink height of the digits in pixels (see :func:`font_size_for_digit_height`).
    margin : float
        Blank border on every side of the ink, in units of `digit_height`.
    line_spacing : float
        Distance between the tops of consecutive lines, in units of `digit_height`.
    ink, paper : int
        Gray levels (0-255) of the text and the background.
    letter_spacing : float
        Extra space after every character, in units of `digit_height`
        (>= -0.5). When nonzero the line is drawn character by character
        using the font advances, so kerning is not applied.

    Returns
    -------
    numpy.ndarray
        ``uint8`` array of shape (height, width).

    Raises
    ------
    ValueError
        A parameter is out of range (message names it and its value).
    FileNotFoundError
        `font_path` does not exist.

    Examples
    --------
    >>> img = render_text("12\\n345", "DejaVuSans.ttf", digit_height=20)  # doctest: +SKIP
    >>> img.dtype, img.ndim  # doctest: +SKIP
    (dtype('uint8'), 2)
    """
    if not text:
        raise BadArgumentError(f"text must not be empty, got {text!r}")
    _check_digit_height(digit_height)
    for name, value, low in (("margin", margin, 0.0), ("letter_spacing", letter_spacing, -0.5)):
        if not (math.isfinite(value) and value >= low):
            raise BadArgumentError(f"{name} must be a finite number >= {low:g}, got {value!r}")
    if not (math.isfinite(line_spacing) and line_spacing > 0):
        raise BadArgumentError(f"line_spacing must be a finite number > 0, got {line_spacing!r}")
    for name, level in (("ink", ink), ("paper", paper)):
        if not 0 <= level <= 255:
            raise BadArgumentError(f"{name} must be in [0, 255], got {level!r}")

    path = _font_file(font_path)
    font = ImageFont.truetype(path, font_size_for_digit_height(path, digit_height))
    bbox = font.getbbox(DIGITS)
    top, bottom = int(bbox[1]), int(bbox[3])
    extra = letter_spacing * digit_height
    lines = text.split("\n")

    def advance(line: str) -> float:
        if not line:
            return 0.0
        if extra == 0:
            return float(font.getlength(line))
        return sum(float(font.getlength(c)) + extra for c in line) - extra

    pad = 2 * digit_height  # room for ascenders, descenders and italic overhang
    last_top = pad + round((len(lines) - 1) * line_spacing * digit_height)
    width = math.ceil(max(advance(line) for line in lines)) + 2 * pad
    canvas = Image.new("L", (width, last_top + (bottom - top) + pad), paper)
    draw = ImageDraw.Draw(canvas)
    for i, line in enumerate(lines):
        y = pad + round(i * line_spacing * digit_height) - top
        if extra == 0:
            draw.text((pad, y), line, font=font, fill=ink)
            continue
        x = float(pad)
        for char in line:
            draw.text((x, y), char, font=font, fill=ink)
            x += float(font.getlength(char)) + extra

    arr = np.asarray(canvas)
    rows = np.flatnonzero((arr != paper).any(axis=1))
    cols = np.flatnonzero((arr != paper).any(axis=0))
    # Vertically keep at least the digit band of the first and last line, so
    # that e.g. "1" and "8" images share the same layout; horizontally crop to ink.
    y0 = min(pad, int(rows[0])) if rows.size else pad
    y1 = max(last_top + bottom - top, int(rows[-1]) + 1) if rows.size else last_top + bottom - top
    x0, x1 = (int(cols[0]), int(cols[-1]) + 1) if cols.size else (pad, width - pad)
    m = round(margin * digit_height)
    out = np.full((y1 - y0 + 2 * m, max(x1 - x0, 1) + 2 * m), paper, dtype=np.uint8)
    out[m : m + y1 - y0, m : m + x1 - x0] = arr[y0:y1, x0:x1]
    return out


def random_digit_lines(rng: np.random.Generator, n_lines: int, n_digits: int) -> str:
    """Return `n_lines` lines of `n_digits` random digits joined by ``"\\n"``.

    When ``n_lines * n_digits >= 10`` every digit 0-9 occurs at least once:
    the digits are a shuffled pool of repeated ``"0123456789"`` topped up
    with random digits.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness (the result is reproducible for a given seed).
    n_lines, n_digits : int
        Number of lines and digits per line, both >= 1.

    Returns
    -------
    str
        The lines, without a trailing newline.

    Examples
    --------
    >>> import numpy as np
    >>> text = random_digit_lines(np.random.default_rng(1), 2, 5)
    >>> [len(line) for line in text.split("\\n")], sorted(set(text) - {"\\n"}) == list(DIGITS)
    ([5, 5], True)
    """
    for name, value in (("n_lines", n_lines), ("n_digits", n_digits)):
        if value < 1:
            raise BadArgumentError(f"{name} must be >= 1, got {value!r}")
    total = n_lines * n_digits
    pool = list(range(10)) * (total // 10) + list(rng.integers(0, 10, total % 10))
    chars = [DIGITS[d] for d in rng.permutation(pool)]
    return "\n".join("".join(chars[i * n_digits : (i + 1) * n_digits]) for i in range(n_lines))


__all__ = ["DIGITS", "font_size_for_digit_height", "random_digit_lines", "render_text"]
