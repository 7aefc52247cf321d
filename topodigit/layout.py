"""One line of glyph regions → digits, punctuation, specks and spaces.

Segmentation hands over every piece of ink in a line. This stage decides, from
each piece's size, shape and place relative to the line's digits, which are
digits (for the rules), which are punctuation, which are specks (dropped), and
where a gap is wide enough to be a space. Positions are in units of the line's
digit height ``H``, measured from the digits' top line (0) to their baseline (1).

===========  ==========================================================
mark         what makes it
===========  ==========================================================
``+``        a cross: ink through the middle both ways, empty corners
``-``        a flat solid bar around mid-height
``.``        a small compact dot on the baseline, digits on both sides
``,``        a small mark on the baseline reaching below it, or hooked
``:``        two dots stacked, one at mid-height and one on the baseline
===========  ==========================================================

Examples
--------
>>> import numpy as np
>>> from topodigit.segment import segment
>>> m = np.zeros((20, 40), bool)
>>> m[2:17, 2:10] = m[2:17, 18:26] = True; m[13:17, 12:16] = True
>>> [t.char for t in arrange(segment(m).lines[0], segment(m).labels).tokens]
[None, '.', None]
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace

import cv2
import numpy as np

from topodigit import spacing
from topodigit.cells import (
    DOT_STROKES,
    FULL_HEIGHT,
    cell_width,
    peel_point,
    seven_metrics,
    stroke_width,
)
from topodigit.quantiles import median
from topodigit.results import Box
from topodigit.segment import TALL_SHARE, Region, line_height, region_mask
from topodigit.signs import is_plus, minus_bar
from topodigit.slant import narrowest_shear

#: A glyph at least this share of the line's digit height is digit-sized, and
#: no digit is drawn less than MIN_DIGIT_PX pixels tall (a line of crumbs is no line).
DIGIT_HEIGHT = 0.6
MIN_DIGIT_PX = 6
#: A mark is no wider than MARK_WIDTH and no taller than MARK_HEIGHT (H):
#: periods, commas (up to 0.4 H wide and 0.48 H tall, OCR-A and FreeMono) and colon dots.
MARK_WIDTH = 0.45
MARK_HEIGHT = 0.55
#: A mark's bottom this far above the baseline (H) still sits on it (OCR-A's
#: period is raised by 0.17 H) ...
BASELINE_ABOVE = 0.27
#: ... and is at least DOT_STROKES digit strokes wide and tall (see
#: topodigit.cells), unlike a speck of dirt ...
#: ... and a comma reaches at least this far below it; a period does not.
COMMA_DESCENT = 0.07
#: A mark that does not reach below the baseline is still a comma when it is
#: this much taller than wide and fills less of its box than a dot does.
COMMA_ASPECT = 1.1
DOT_FILL = 0.7
#: ... with its head on top: the ink above its middle row outweighs that below by
#: this share of it (OCR-A's commas 0.31-0.38; points blurred round, 0.0).
COMMA_HEAD = 0.15
#: Signs (+ -) and colons are centred in this band of the digit height.
MIDDLE_BAND = (0.25, 0.8)
#: A colon's dots are stacked, their centres at most this far apart sideways (H),
#: which allows for italics.
COLON_SHIFT = 0.25
#: ... and it is at least this tall (H): fonts measured draw it 0.6-0.9 H.
PLUS_HEIGHT = 0.4
SIGNS = "+-"


@dataclass(frozen=True)
class Token:
    """One kept glyph of a line: a digit to classify (``char`` None) or punctuation."""

    region: Region
    char: str | None = None
    rule: str = ""
    reason: str = ""
    space_before: bool = False
    #: The region's own ink, cropped to its box (empty for a colon's two dots).
    mask: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), bool), compare=False)


@dataclass(frozen=True)
class LineLayout:
    """Result of :func:`arrange`: kept tokens, line metrics and the count of specks."""

    tokens: tuple[Token, ...]
    height: float
    top: float
    baseline: float
    dropped: int


@dataclass(frozen=True)
class _Piece:
    region: Region
    mask: np.ndarray
    anchor: float  # column used to measure spacing
    row: float = 0.0  # ink centroid row
    peeled: bool = False  # a point split off a digit (cells.peel_point sized it)

    @property
    def box(self) -> Box:
        return self.region.box


def _piece(region: Region, labels: np.ndarray, right_anchor: bool) -> _Piece:
    return _placed(region, region_mask(labels, region), right_anchor)


def _placed(region: Region, own: np.ndarray, right_anchor: bool) -> _Piece:
    """The piece of ``region`` whose ink is ``own`` (a mask over its box), anchored
    at its right edge or its ink's mean column."""
    b = region.box
    # means from exact integer sums (as ndarray.mean gives them): the ink's count
    # and sums of columns and rows
    sums = cv2.moments(own.view(np.uint8), binaryImage=True)
    n = int(sums["m00"])
    anchor = float(b.right) if right_anchor else b.left + int(sums["m10"]) / n + 0.5
    return _Piece(region, own, anchor, b.top + int(sums["m01"]) / n)


def _upright(pieces: list[_Piece], digit: list[bool], middle: float) -> list[_Piece]:
    """Shift each anchor to where it would be in an upright font.

    Italic marks sit low on the line, left of the digits' centroids.
    """
    slant = narrowest_shear([p.mask for p, d in zip(pieces, digit, strict=True) if d])
    return [_Piece(p.region, p.mask, p.anchor - slant * (p.row - middle), p.row) for p in pieces]


def _kind(p: _Piece, height: float, top: float) -> tuple[str, str]:
    """Classify one piece: ('digit'|'+'|'-'|'mark'|'speck', reason)."""
    b = p.box
    mid = ((b.top + b.bottom) / 2 - top) / height
    centred = MIDDLE_BAND[0] <= mid <= MIDDLE_BAND[1]
    if centred and b.height >= PLUS_HEIGHT * height and is_plus(p.mask):
        return "+", "a cross centred on the line"
    if b.height >= DIGIT_HEIGHT * height and b.height >= MIN_DIGIT_PX:
        return "digit", ""
    if centred and minus_bar(p.mask, height):
        return "-", "a flat bar at mid-height"
    if b.height <= MARK_HEIGHT * height and b.width <= MARK_WIDTH * height:
        return "mark", ""
    return "speck", ""


def _mark_char(p: _Piece, height: float, baseline: float, stroke: float) -> str | None:
    """'.' or ',' for a mark on the baseline, None for a speck or one elsewhere."""
    b = p.box
    if b.bottom < baseline - BASELINE_ABOVE * height or (
            min(b.height, b.width) < DOT_STROKES * stroke and not p.peeled):
        return None
    half = (b.height + 1) // 2  # the rows above the middle one, and below it
    head = float(p.mask[:b.height // 2].sum() - p.mask[half:].sum()) / float(p.mask.sum())
    hooked = (float(p.mask.mean()) < DOT_FILL and b.height >= COMMA_ASPECT * b.width
              and head >= COMMA_HEAD)
    return "," if b.bottom - baseline >= COMMA_DESCENT * height or hooked else "."


def _baseline(digits: list[Box], baseline: float) -> Callable[[float], float]:
    """The baseline at a column: a line through the bottoms of the full digits.

    A line tilted by less than deskewing undoes (or left by an imprecise
    deskew) drifts by a good share of a comma's descent along its length. The
    slope is the median of the slopes between full digits' bottoms (Theil-Sen),
    0 on an untilted line where most digits share the bottom row; without two
    full digits the baseline is flat.
    """
    full = [b for b in digits if b.height >= FULL_HEIGHT * max(d.height for d in digits)]
    x = np.array([(b.left + b.right) / 2 for b in full])
    y = np.array([b.bottom for b in full], float)
    i, j = np.triu_indices(len(full), 1)
    apart = x[j] - x[i] > 0
    if not apart.any():
        return lambda col: baseline
    slope = float(np.median((y[j] - y[i])[apart] / (x[j] - x[i])[apart]))
    offset = float(np.median(y - slope * x))
    return lambda col: offset + slope * col


def _sign_cells(pieces: list[_Piece], chars: list[str | None], top: float, slant: float
                ) -> list[_Piece]:
    """Anchor seven-segment signs at the right edge of their cell, like the digits.

    A minus is the middle bar of a cell, which ends a stroke (the right upright
    bars) short of the cell's right edge; the digits' right edges are at their
    top, further right by the slant on an italic display.
    """
    stroke = stroke_width([p.mask for p, c in zip(pieces, chars, strict=True) if c is None])
    return [_Piece(p.region, p.mask, p.anchor + stroke + slant * (p.row - top), p.row)
            if (c or "?") in SIGNS else p for p, c in zip(pieces, chars, strict=True)]


def _colon_dot(p: _Piece, height: float, top: float, stroke: float) -> bool:
    """Whether a mark off the baseline (see :func:`_mark_char`) is a dot about as
    tall as wide, at least DOT_STROKES strokes, centred in MIDDLE_BAND (where a
    colon's dots sit)."""
    b = p.box
    mid = ((b.top + b.bottom) / 2 - top) / height
    return (MIDDLE_BAND[0] <= mid <= MIDDLE_BAND[1]
            and min(b.height, b.width) >= DOT_STROKES * stroke
            and abs(b.height - b.width) <= max(1, b.width // 2))


def _colon(upper: _Piece, lower: _Piece, height: float, top: float) -> bool:
    upper, lower = sorted((upper, lower), key=lambda q: q.box.top)
    a, b = upper.box, lower.box
    shift = abs((a.left + a.right) - (b.left + b.right)) / 2
    mid = ((a.top + a.bottom) / 2 - top) / height
    return (shift <= COLON_SHIFT * height and a.bottom <= b.top
            and MIDDLE_BAND[0] <= mid <= MIDDLE_BAND[1] - 0.2)


def _crop(piece: _Piece, own: np.ndarray, right_anchor: bool) -> _Piece:
    """The piece made of the ``own`` part (same shape as its mask) of its ink."""
    b = piece.box
    rows, cols = np.flatnonzero(own.any(axis=1)), np.flatnonzero(own.any(axis=0))
    box = Box(b.top + int(rows[0]), b.left + int(cols[0]), b.top + int(rows[-1]) + 1,
              b.left + int(cols[-1]) + 1)
    mask = own[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    return _placed(Region(box, piece.region.labels), mask, right_anchor)


def _peel(pieces: list[_Piece], height: float, slant: float) -> list[_Piece]:
    """Split decimal points off the seven-segment digits they touch (see cells.peel_point)."""
    digits = [p for p in pieces if p.box.height >= DIGIT_HEIGHT * height]
    stroke = stroke_width([p.mask for p in digits])
    cell = cell_width([p.mask for p in digits], height, slant)
    out = []
    for p in pieces:
        split = (peel_point(p.mask, height=height, slant=slant, stroke=stroke, cell=cell)
                 if p.box.height >= DIGIT_HEIGHT * height else None)
        if split is None:
            out.append(p)
            continue
        digit, point = (_crop(p, part, True) for part in split)
        out.extend(sorted([digit, replace(point, peeled=True)], key=lambda q: q.box.left))
    return out


def arrange(line: Sequence[Region], labels: np.ndarray, *, seven_segment: bool = False,
            slant: float | None = None, joined: Collection[Region] = ()) -> LineLayout:
    """Sort one line's regions into digits, punctuation and specks; mark spaces.

    Parameters
    ----------
    line : sequence of Region
        The regions of one line, left to right.
    labels : ndarray
        Label image the regions refer to.
    seven_segment : bool
        Space glyphs by their right edges (a seven-segment 1 sits at the right of
        its cell) rather than by their ink centroids, and take the line's height
        from its full cells (a 1, 4 or 7 lacks the top or bottom bar).
    slant : float, optional
        The seven-segment line's italic shear: decimal points touching its
        digits are split off (see :func:`topodigit.cells.peel_point`).
    joined : collection of Region
        Glyphs cut from the one before them (they touched): no space before
        them, and their step from it, squeezed, does not count in the pitch.

    Returns
    -------
    LineLayout
    """
    pieces = [_piece(r, labels, seven_segment) for r in line]
    boxes = [p.box for p in pieces]
    height = line_height(boxes)
    tall = [b for b in boxes if b.height >= TALL_SHARE * height]
    top = median([b.top for b in tall])
    baseline = median([b.bottom for b in tall])
    if seven_segment:
        height, top, baseline = seven_metrics(boxes, height)
        if slant is not None:
            pieces = _peel(pieces, height, slant)
    kinds = [_kind(p, height, top) for p in pieces]
    for i in range(len(pieces)):  # a colon's lower dot is as wide as a small minus
        if kinds[i][0] == "-" and any(
                0 <= j < len(pieces) and kinds[j][0] == "mark"
                and _colon(pieces[i], pieces[j], height, top) for j in (i - 1, i + 1)):
            kinds[i] = ("mark", "")
    digit = [k == "digit" for k, _ in kinds]
    marks = "mark" in {k for k, _ in kinds}
    digits = [p for p, d in zip(pieces, digit, strict=True) if d]
    stroke = stroke_width([p.mask for p in digits]) if marks else 0.0
    base_at = _baseline([p.box for p in digits], baseline) if marks else None
    kept: list[tuple[_Piece, str | None, str, str]] = []  # piece, char, rule, reason
    i = 0
    while i < len(pieces):
        p, (kind, why) = pieces[i], kinds[i]
        left_digit = any(digit[:i])
        if kind == "digit":
            kept.append((p, None, "", ""))
        elif kind in "+-":
            if any(digit[i + 1:]):
                kept.append((p, kind, "plus" if kind == "+" else "minus", why))
        elif kind == "mark":
            nxt = i + 1 < len(pieces) and kinds[i + 1][0] == "mark"
            pair = sorted(pieces[i:i + 2], key=lambda q: q.box.top) if nxt else []
            if pair and _colon(pair[0], pair[1], height, top):
                p = _Piece(Region(pair[0].box.union(pair[1].box),
                                  pair[0].region.labels + pair[1].region.labels),
                           np.zeros((0, 0), bool), (pair[0].anchor + pair[1].anchor) / 2,
                           (pair[0].row + pair[1].row) / 2)
                if left_digit and any(digit[i + 2:]):
                    kept.append((p, ":", "colon", "two dots stacked, between digits"))
                i += 2
                continue
            assert base_at is not None
            char = _mark_char(p, height, base_at((p.box.left + p.box.right) / 2), stroke)
            if (char is None and seven_segment and left_digit and any(digit[i + 1:])
                    and _colon_dot(p, height, top, stroke)):
                kept.append((p, ":", "colon", "one dot of a colon between digits (a display's"
                             " only mark off its baseline; blur took the other)"))
            if char and left_digit and any(digit[i + 1:]):
                rule = "decimal-point" if char == "." else "comma"
                where = "reaching below the baseline" if char == "," else "on the baseline"
                kept.append((p, char, rule, f"a small mark {where}, between digits"))
        i += 1
    tokens = [Token(p.region, char, rule, why, mask=p.mask) for p, char, rule, why in kept]
    placed = [p for p, *_ in kept]
    if not seven_segment:
        placed = _upright(placed, [t.char is None for t in tokens], (top + baseline) / 2)
    elif any((t.char or "?") in SIGNS for t in tokens):
        placed = _sign_cells(placed, [t.char for t in tokens], top, slant or 0.0)
    tokens = _spaces(tokens, placed, height, seven_segment, joined)
    return LineLayout(tuple(tokens), height, top, baseline, len(pieces) - len(tokens))


def _spaces(tokens: list[Token], pieces: list[_Piece], height: float, seven_segment: bool,
            joined: Collection[Region] = ()) -> list[Token]:
    """Mark tokens that follow a gap clearly wider than the line's usual spacing."""
    marks = spacing.spaces([p.anchor for p in pieces], [t.char is None for t in tokens],
                           [(t.char or "?") in SIGNS for t in tokens],
                           [t.region in joined for t in tokens], height,
                           signs_spaced=not seven_segment,
                           widths=[float(p.box.width) for p in pieces])
    return [Token(t.region, t.char, t.rule, t.reason, space, t.mask)
            for t, space in zip(tokens, marks, strict=True)]


__all__ = ["LineLayout", "Token", "arrange"]
