"""Seven-segment digits: read which segments of one glyph are lit, ssocr-style.

The glyph is unsheared by the line's italic slant and seven zones are placed in
its box in normalised coordinates: ``a``, ``g``, ``d`` are bands at the top,
middle and bottom across the central columns; ``f``, ``b`` (upper half) and
``e``, ``c`` (lower half) are bands at the left and right edges. A segment is
lit when most lines crossing its zone meet ink; the lit set is looked up in
:data:`DIGIT_SEGMENTS`. Two glyphs cannot be placed from their own box: a
narrow full-height one (a 1 covers only the right column of its cell) and a
short flat one (a minus is segment ``g`` only); they are placed in a virtual
cell built from the line's ``cell_width`` and ``height``.

``fit`` (0..1) says how much the glyph looks like an ideal seven-segment
pattern: the share of its ink on the bars of its lit segments, times the share
of those bars' cross-lines whose ink has the bar's straight edges and constant
thickness (give or take a pixel). Curved printed digits put ink between the bars
and bend the edges. Measured on renders of "0123456789" at 12-96 px, the median
fit of a line's digits is >= 0.97 for DSEG7 (Classic/Modern, regular, bold,
light, italic) and 0.19-0.92 for DejaVu Sans/Mono/Serif, Liberation Sans,
FreeSans and FreeMono (up to 0.94 at 12 px, where any font is made of bars);
blocky OCR-A reaches 0.71-0.96, and 1.0 at 12 px. ``crisp`` tells them apart
further: DSEG7 lights every segment zone fully or not at all (1.0), the printed
fonts' medians are 0.55-0.88 (OCR-A's blocky digits 0.75-1.0).

Examples
--------
A 9x5 drawn 4 (segments b c f g):

>>> import numpy as np
>>> four = np.array([[1, 0, 0, 0, 1],
...                  [1, 0, 0, 0, 1],
...                  [1, 0, 0, 0, 1],
...                  [1, 0, 0, 0, 1],
...                  [0, 1, 1, 1, 0],
...                  [0, 0, 0, 0, 1],
...                  [0, 0, 0, 0, 1],
...                  [0, 0, 0, 0, 1],
...                  [0, 0, 0, 0, 1]], bool)
>>> r = decode(four)
>>> r.lit, r.verdict.char, r.verdict.reason
('bcfg', '4', 'segments b c f g lit → 4')
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from topodigit.errors import BadArgumentError
from topodigit.results import UNREADABLE, Verdict
from topodigit.slant import unshear

SEGMENTS = "abcdefg"
#: Accepted lit-segment sets per character (a top, b upper right, c lower right,
#: d bottom, e lower left, f upper left, g middle); variants are display styles.
DIGIT_SEGMENTS: dict[str, tuple[str, ...]] = {
    "0": ("abcdef",),
    "1": ("bc",),
    "2": ("abdeg",),
    "3": ("abcdg",),
    "4": ("bcfg",),
    "5": ("acdfg",),
    "6": ("acdefg", "cdefg"),
    "7": ("abc", "abcf"),
    "8": ("abcdefg",),
    "9": ("abcdfg", "abcfg"),
    "-": ("g",),
}

# Named thresholds ------------------------------------------------------------------
#: A segment is lit when at least this share of the lines crossing its zone meet
#: ink: lit segments score ~1, dark ones ~0, a dropped pixel row costs little.
LIT_LEVEL = 0.5
#: A segment this far (in level) from LIT_LEVEL is certain: confidence 1.
FULL_CONFIDENCE_MARGIN = 0.25
#: Segments less certain than this margin (in units of FULL_CONFIDENCE_MARGIN)
#: may be flipped to list candidate readings.
CANDIDATE_MARGIN = 1.0
#: Height shares of the bands where a, d (top, bottom) and g (middle) are sought,
#: across the columns between the SIDE_BANDs: room for bold bars, not for two.
EDGE_BAND = 0.22
MIDDLE_BAND = 0.24
#: Width share of the left/right columns where b, c, e, f are sought, in rows
#: VERTICAL_FROM..VERTICAL_TO of the box (b, f) or mirrored (c, e): clear of a, g, d.
SIDE_BAND = 0.3
VERTICAL_FROM = 0.15
VERTICAL_TO = 0.38
#: A glyph below this share of the line height that is at least MINUS_ASPECT
#: times wider than tall is a minus (g only): its box holds just the bar.
MINUS_MAX_HEIGHT = 0.4
MINUS_ASPECT = 1.5
#: A glyph at least this share of the line height and narrower than ONE_MAX_WIDTH
#: of the (unsheared) cell is a 1: it only covers the right column of its cell.
ONE_MIN_HEIGHT = 0.6
ONE_MAX_WIDTH = 0.45
#: Without a line, a cell is taken to be this share of the glyph height wide
#: (an upright DSEG7 8 is 0.6-0.65).
DEFAULT_CELL_ASPECT = 0.6
#: fit: ink within this share of the stroke (at least 1 px: render stair steps) of a
#: lit bar is on it; a bar's cross-line is straight when its ink starts and ends
#: this close to the bar's median edges and is as thick, give or take as much
#: (at least 1 px: each thresholded anti-aliased edge may land half a pixel
#: either way, and unshearing an italic by whole-pixel row shifts adds as much).
FIT_TOLERANCE = 0.25
#: Suggested detector threshold on the median fit of a line's digits (see above).
DETECT_FIT = 0.85
_HORIZONTAL = "adg"


@dataclass(frozen=True)
class SegmentReading:
    """Which segments of one glyph are lit, how clearly, and the character they make.

    ``lit`` names the lit segments in SEGMENTS order (``"abcdef"``); ``levels``
    is each segment's share of zone cross-lines meeting ink, in SEGMENTS order;
    ``fit`` (0..1) how much the glyph looks like an ideal seven-segment pattern;
    ``crisp`` (0..1) how clearly its least clear segment is lit or dark: the
    level of a lit segment, one minus that of a dark one (see :func:`crispness`).
    """

    lit: str
    levels: tuple[float, ...]
    fit: float
    verdict: Verdict
    crisp: float = 1.0


_LOOKUP = {s: ch for ch, sets in DIGIT_SEGMENTS.items() for s in sets}


def _cell(mask: np.ndarray, height: float | None, cell_width: float | None,
          slant: float) -> tuple[np.ndarray, str]:
    """Place the unsheared glyph in the box the zones are laid on."""
    rows, cols = mask.shape
    line_h = float(rows) if height is None else height
    if cols >= MINUS_ASPECT * rows and (height is None or rows < MINUS_MAX_HEIGHT * height):
        cell_h = max(rows, round(cols / DEFAULT_CELL_ASPECT if height is None else height))
        out = np.zeros((cell_h, cols), bool)
        out[(cell_h - rows) // 2:(cell_h - rows) // 2 + rows] = mask
        return out, "flat glyph placed mid-cell"
    cell_w = (DEFAULT_CELL_ASPECT * line_h if cell_width is None
              else cell_width - abs(slant) * line_h)  # the cell as the unsheared glyph sees it
    if rows >= ONE_MIN_HEIGHT * line_h and cols < ONE_MAX_WIDTH * cell_w:
        cell_h = max(rows, round(line_h))
        out = np.zeros((cell_h, max(cols, round(cell_w))), bool)
        out[(cell_h - rows) // 2:(cell_h - rows) // 2 + rows, -cols:] = mask
        return out, "narrow glyph placed at the right of a cell"
    return mask, ""


def _median(values: np.ndarray | Sequence[float]) -> float:
    """``np.median`` of a short array (same value, without its overhead)."""
    v = sorted(values.tolist() if isinstance(values, np.ndarray) else values)
    half = len(v) // 2
    return float(v[half]) if len(v) % 2 else (float(v[half - 1]) + float(v[half])) / 2


def _px(lo: float, hi: float, n: int | None = None) -> slice:
    """Pixels ``[lo, hi)`` rounded half up: at least one, starting before ``n``."""
    start = max(0, math.floor(lo + 0.5))
    start = start if n is None else min(n - 1, start)
    return slice(start, max(start + 1, math.floor(hi + 0.5)))


@functools.lru_cache(maxsize=1024)
def _zones(shape: tuple[int, int]) -> dict[str, tuple[slice, slice]]:
    """(rows, cols) of each segment's zone (one dict per shape: read only)."""
    h, w = shape
    mid, left = _px(SIDE_BAND * w, (1 - SIDE_BAND) * w, w), _px(0, SIDE_BAND * w, w)
    right = _px((1 - SIDE_BAND) * w, w, w)
    upper = _px(VERTICAL_FROM * h, VERTICAL_TO * h, h)
    lower = _px((1 - VERTICAL_TO) * h, (1 - VERTICAL_FROM) * h, h)
    middle = _px((0.5 - MIDDLE_BAND / 2) * h, (0.5 + MIDDLE_BAND / 2) * h, h)
    return {"a": (_px(0, EDGE_BAND * h, h), mid), "b": (upper, right), "c": (lower, right),
            "d": (_px((1 - EDGE_BAND) * h, h, h), mid), "e": (lower, left), "f": (upper, left),
            "g": (middle, mid)}


def _levels(cell: np.ndarray, zones: dict[str, tuple[slice, slice]]
            ) -> tuple[dict[str, float], dict[str, float]]:
    """Per segment: share of crossing lines that meet ink, and the median stroke
    (``zones`` are the cell's, see :func:`_zones`)."""
    levels, strokes = {}, {}
    for seg, (rs, cs) in zones.items():
        counts = cell[rs, cs].sum(axis=0 if seg in _HORIZONTAL else 1).tolist()
        inked = [c for c in counts if c > 0]
        levels[seg] = len(inked) / len(counts)
        strokes[seg] = _median(inked) if inked else 0.0
    return levels, strokes


def _straight(bars: list[np.ndarray], tol: float) -> tuple[int, int]:
    """Cross-lines (columns of each array in ``bars``) whose ink run has its bar's
    median edges and thickness, and the count of cross-lines.

    The bars are measured together: side by side in one array (padded with
    paper below), each cross-line keyed by its bar for the medians.
    """
    count = sum(b.shape[1] for b in bars)
    n = max(b.shape[0] for b in bars)
    lines = np.zeros((n, count), bool)
    bar = np.empty(count, np.int64)  # the bar of each cross-line
    at = 0
    for k, b in enumerate(bars):
        lines[:b.shape[0], at:at + b.shape[1]] = b
        bar[at:at + b.shape[1]] = k
        at += b.shape[1]
    inked = lines.any(axis=0)
    if not inked.any():
        return 0, count
    hit, bar = lines[:, inked], bar[inked]  # the cross-lines that meet ink
    first = np.argmax(hit, axis=0)
    last = n - 1 - np.argmax(hit[::-1], axis=0)
    runs = np.stack([first, last, last - first + 1])  # first and last ink row, thickness
    # per bar, the median of each (as _median: the mean of the middle two, exact)
    ordered = np.sort(runs + bar * (n + 1), axis=1) - np.sort(bar) * (n + 1)
    sizes = np.bincount(bar, minlength=len(bars))
    starts = np.cumsum(sizes) - sizes
    used = sizes > 0
    lo, hi = (starts + (sizes - 1) // 2)[used], (starts + sizes // 2)[used]
    median = np.zeros((3, len(bars)))
    median[:, used] = (ordered[:, lo] + ordered[:, hi]) / 2
    # edges and thickness: the same tolerance
    good = (np.abs(runs - median[:, bar]) <= max(1.0, tol)).all(axis=0)
    return int(np.count_nonzero(good)), count


def _fit(cell: np.ndarray, lit: str, strokes: dict[str, float],
         zones: dict[str, tuple[slice, slice]], floor: float = 0.0) -> float:
    """Share of ink on the lit bars times the share of the bars drawn straight.

    ``zones`` are the cell's (see :func:`_zones`). When the share on the bars
    alone is under ``floor``, so is the fit: that share is returned, and the
    bars' straightness is not measured.
    """
    if not lit:
        return 0.0
    h, w = cell.shape
    hor = [strokes[s] for s in lit if s in _HORIZONTAL]
    ver = [strokes[s] for s in lit if s not in _HORIZONTAL]
    th = _median(hor or ver)
    tv = _median(ver or hor)
    tol = FIT_TOLERANCE * min(th, tv)
    near = max(1.0, tol)
    mid0, mid1 = (h - th) / 2, (h + th) / 2
    # (top, bottom, left, right) of each bar between the corners
    bars = {"a": (0, th, tv, w - tv), "g": (mid0, mid1, tv, w - tv), "d": (h - th, h, tv, w - tv),
            "f": (th, mid0, 0, tv), "b": (th, mid0, w - tv, w),
            "e": (mid1, h - th, 0, tv), "c": (mid1, h - th, w - tv, w)}
    allowed = np.zeros_like(cell)
    for seg in lit:
        top, bottom, left, right = bars[seg]
        if seg in _HORIZONTAL:  # reach across the corners
            allowed[_px(top - near, bottom + near), :] = True
        else:
            allowed[_px(top - th - near, bottom + th + near), _px(left - near, right + near)] = True
    on_bars = float(np.count_nonzero(cell & allowed)) / float(np.count_nonzero(cell))
    if on_bars < floor:
        return on_bars
    lines = []
    for seg in lit:
        top, bottom, left, right = bars[seg]
        rows, cols = zones[seg]
        if seg in _HORIZONTAL:  # cross-lines are columns
            lines.append(cell[rows, _px(left + near, right - near)])
        else:
            lines.append(cell[_px(top + near, bottom - near), cols].T)
    good, total = _straight(lines, tol)
    return on_bars * (good / total if total else 0.0)


def _verdict(lit: str, levels: dict[str, float], placed: str) -> Verdict:
    margins = {s: abs(levels[s] - LIT_LEVEL) / FULL_CONFIDENCE_MARGIN for s in SEGMENTS}
    char = _LOOKUP.get(lit, UNREADABLE)
    unsure = sorted(SEGMENTS, key=margins.__getitem__)[:3]  # '?': flip the least certain
    if char != UNREADABLE:
        unsure = [s for s in unsure if margins[s] < CANDIDATE_MARGIN]
    flips = sorted((c for k in range(len(unsure) + 1) for c in itertools.combinations(unsure, k)),
                   key=lambda c: sum(margins[s] for s in c))
    near = (_LOOKUP.get("".join(sorted(set(lit) ^ set(c)))) for c in flips)
    candidates = tuple(dict.fromkeys(ch for ch in near if ch is not None))
    named = " ".join(lit) if lit else "none"
    how = f" ({placed})" if placed else ""
    if char == UNREADABLE:
        return Verdict(UNREADABLE, 0.0, "segments", "seven-segment",
                       f"segments {named} lit{how}: no digit has this set", candidates)
    conf = min(1.0, 0.5 + 0.5 * min(margins.values()))
    return Verdict(char, conf, "segments", "seven-segment",
                   f"segments {named} lit{how} → {char}", candidates)


def decode(mask: np.ndarray, *, height: float | None = None, cell_width: float | None = None,
           slant: float = 0.0) -> SegmentReading:
    """Read one seven-segment glyph.

    Parameters
    ----------
    mask : ndarray of bool
        One glyph (True on ink), cropped to its box; its pieces need not touch.
    height : float, optional
        The line's digit height in px. A glyph below MINUS_MAX_HEIGHT of it and
        flat is a minus (the caller checks that it sits mid-line, not on the
        baseline like a point).
    cell_width : float, optional
        Typical width of a digit cell in the line (as seen, i.e. sheared). A
        full-height glyph narrower than ONE_MAX_WIDTH of it is placed at the
        right of a cell of that width (a 1).
    slant : float
        Italic shear of the line (dx per row going up), see :func:`estimate_slant`.

    Returns
    -------
    SegmentReading
        Its verdict's char is ``"?"`` (confidence 0) when the lit set is no digit.

    Raises
    ------
    BadArgumentError
        ``mask`` is not 2-D or has no ink, ``height``/``cell_width`` not
        positive, ``slant`` not in [-1, 1].
    """
    cell, placed, levels, strokes, lit, zones = _lit(mask, height, cell_width, slant)
    return SegmentReading(lit=lit, levels=tuple(levels[s] for s in SEGMENTS),
                          fit=_fit(cell, lit, strokes, zones),
                          verdict=_verdict(lit, levels, placed), crisp=crispness(levels))


def shape_fit(mask: np.ndarray, *, height: float | None = None,
              cell_width: float | None = None, slant: float = 0.0,
              floor: float = 0.0) -> tuple[float, float]:
    """The ``fit`` and ``crisp`` of :func:`decode` alone (no verdict): what the
    seven-segment detection tests.

    A fit certainly under ``floor`` (the glyph's share of ink on the bars is)
    is returned as that share, an upper bound, sparing the straightness test.

    >>> bar = np.ones((3, 9), bool)  # a minus: segment g, straight
    >>> shape_fit(bar)
    (1.0, 1.0)
    """
    cell, _, levels, strokes, lit, zones = _lit(mask, height, cell_width, slant)
    return _fit(cell, lit, strokes, zones, floor), crispness(levels)


def _lit(mask: np.ndarray, height: float | None, cell_width: float | None, slant: float
         ) -> tuple[np.ndarray, str, dict[str, float], dict[str, float], str,
                    dict[str, tuple[slice, slice]]]:
    """Check the arguments of :func:`decode`; the placed cell, how it was placed,
    each segment's level and stroke, the lit segments and the cell's zones."""
    for name, value in (("height", height), ("cell_width", cell_width)):
        if value is not None and not (math.isfinite(value) and value > 0):
            raise BadArgumentError(f"{name} must be a positive number or None, got {value!r}")
    if not (math.isfinite(slant) and abs(slant) <= 1):
        raise BadArgumentError(f"slant must be a finite number in [-1, 1], got {slant!r}")
    cell, placed = _cell(unshear(mask, slant), height, cell_width, slant)
    zones = _zones(cell.shape)
    levels, strokes = _levels(cell, zones)
    lit = "".join(s for s in SEGMENTS if levels[s] >= LIT_LEVEL)
    return cell, placed, levels, strokes, lit, zones


def upright_crispness(mask: np.ndarray, *, height: float | None = None,
                      cell_width: float | None = None, stop: float = 0.0) -> float:
    """The ``crisp`` of :func:`shape_fit` at slant 0, alone: each zone's level
    without its stroke, and no fit. The seven-segment detection's cheapest test.

    It returns as soon as a zone is less crisp than ``stop``, with that zone's
    crispness (an upper bound, itself under ``stop``).

    >>> upright_crispness(np.ones((3, 9), bool))  # a minus: g fully lit, the rest dark
    1.0
    """
    cell, _ = _cell(unshear(mask, 0.0), height, cell_width, 0.0)
    crisp = 1.0  # crispness() of the levels, as they come
    for seg, (rs, cs) in _zones(cell.shape).items():
        hit = cell[rs, cs].any(axis=0 if seg in _HORIZONTAL else 1)
        level = int(np.count_nonzero(hit)) / hit.size
        crisp = min(crisp, max(level, 1.0 - level))
        if crisp < stop:
            break
    return crisp


def crispness(levels: dict[str, float]) -> float:
    """How clearly the least clear segment is lit or dark (0.5 .. 1).

    A seven-segment digit lights a segment fully or not at all: every line
    crossing a lit segment's zone meets its bar, none crossing a dark one meets
    ink. A printed digit's curves (the tail of a 9, the bowl of a 2) cross
    zones part-way.

    >>> crispness({"a": 1.0, "b": 0.0, "c": 0.8})
    0.8
    """
    return min(max(v, 1.0 - v) for v in levels.values())


__all__ = ["DETECT_FIT", "DIGIT_SEGMENTS", "SEGMENTS", "SegmentReading", "crispness", "decode",
           "shape_fit", "upright_crispness"]
