"""Seven-segment digits run together on a line, told apart: a 1 kerned or
blotted into the next digit (:func:`split_wide`), a 1 kerned onto a digit's
side bars (:func:`kerned_one`), and a cut piece holding its neighbour's bar
(:func:`without_side_bar`) or a blot's end (:func:`without_blot`).
:mod:`topodigit.sevenline` finds the lines and decodes their digits;
:func:`topodigit.pipeline.read` calls these in between.

Examples
--------
>>> from topodigit.results import Box
>>> from topodigit.sevenline import cell_width  # the cell all of these measure by
>>> cell_width([Box(0, 0, 20, 12), Box(0, 14, 20, 26)], 20.0)
12.0
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping

import numpy as np

from topodigit import sevenseg, touching
from topodigit.layout import Token
from topodigit.results import UNREADABLE, Box, Verdict
from topodigit.segment import Region
from topodigit.sevenline import KERNED_BARS, SEVEN_FIT, WIDE_CELLS
from topodigit.slant import row_shifts, shift_rows

#: A wide misfit is split where one part is one cell wide, at either end, or
#: this many px either side of there.
SPLIT_SLACK = 2
#: ... and both parts must fit the bars this well (the whole misfits: a blot's
#: remains or an italic lean the line's slant missed may spoil a part's fit a
#: little; print digits that pass for seven-segment fit under 0.75).
SPLIT_FIT = 0.8
#: Confidence of a cut piece read without a side bar (see :func:`without_side_bar`):
#: at the fallback's AMBIGUOUS, so templates confident of another reading win.
SIDE_BAR_CONFIDENCE = 0.75
#: Lit sets of the digits.
_DIGITS = {lit: ch for ch, sets in sevenseg.DIGIT_SEGMENTS.items() for lit in sets}
#: A 1 kerned onto a digit's side bars (see :func:`kerned_one`) makes that side
#: at least this many bar strokes thick on at least this share of its rows.
KERNED_THICK = 1.6
KERNED_ROWS = 0.6
#: ... or, on a glyph wider than a digit by KERNED_BARS bars, that thick on that
#: share of one half's rows and at least KERNED_ONE strokes (the 1 alone) on the
#: other's, both starting at one column within KERNED_ALIGN strokes (see
#: :func:`_half_kerned`).
KERNED_ONE = 0.7
KERNED_ALIGN = 0.25
#: Two digits kerned together may meet on a side bar both light, in one column:
#: both of theirs, it is two bars thick less the column or two they overlap; one
#: bar thick, it is one digit's (a 5 before an 8 holds the 8's upper left bar as
#: its upper right one, and reads 9). Under this many strokes it is one bar
#: (see :func:`shared_bars`), on lines whose bars are at least SHARED_STROKE px
#: thick (a 2-px bar overlapped by 2 columns is no thicker).
SHARED_THICK = 1.25
SHARED_STROKE = 3.0
#: The two side bars a digit's right column and the next one's left column share.
_SIDES = (("b", "f"), ("c", "e"))


def wide_misfits(tokens: list[Token], cell: float,
                 decoded: Mapping[Region, sevenseg.SegmentReading]) -> set[Box]:
    """Boxes of a seven-segment line's digits that may be two run together
    (see :func:`split_wide`): at least WIDE_CELLS cells wide (``cell``: the
    line's, see :func:`topodigit.sevenline.cell_width`; a 1 run into a 3 reads
    as a wide 8), or wider than a cell and reading as no digit (a 1 kerned into
    the next digit's side)."""
    digits = [t.region for t in tokens if t.char is None]
    out = set()
    for r in digits:
        unreadable = decoded[r].verdict.char == UNREADABLE
        if r.box.width >= WIDE_CELLS * cell or (unreadable and r.box.width > cell):
            out.add(r.box)
    return out


def split_wide(mask: np.ndarray, *, height: float, cell: float, slant: float
               ) -> tuple[np.ndarray, np.ndarray] | None:
    """Two digits run together (see :func:`wide_misfits`) as two masks like
    ``mask``, left first, or None when no cut reads as two digits.

    One of the two is one cell wide, upright, at either end: DSEG7's 1 is a bar
    at the right of its cell, so a 1 kerned or blotted into the next digit
    leaves that digit a whole cell. The upright cut is tried SPLIT_SLACK px
    either side of there; each part loses the end of a blot the cut left on it
    (:func:`topodigit.touching.blot_stub`; a bar running on across more than
    STUB_REACH of the part is the digit's own) and must read as a digit fitting the
    bars (SPLIT_FIT). The cut whose worse part fits best wins. A glyph that,
    without a blot's bar at either end (:func:`topodigit.touching.bar_runs`),
    reads as one digit fitting the bars (SEVEN_FIT) is that digit, not split
    (an 8 with a blot's end is no 1 and 3).

    >>> ink = np.zeros((20, 16), bool)  # a 1 (a bar) and a 4, joined by a blot
    >>> ink[:, 0:2] = ink[9:11, 2:4] = True
    >>> ink[:10, 4:6] = ink[9:11, 4:16] = ink[:, 14:16] = True
    >>> one, four = split_wide(ink, height=20, cell=12, slant=0)
    >>> [(int(p.sum()), int(p.nonzero()[1].min())) for p in (one, four)]  # blot dropped
    [(40, 0), (78, 4)]
    """
    rows = mask.shape[0]
    ucol, upright, lo, hi = _upright(mask, slant)
    one = round(cell - abs(slant) * height)  # a cell, upright
    at = {end + d for end in (lo + one, hi - one)
          for d in range(-SPLIT_SLACK, SPLIT_SLACK + 1)}
    rows_ix = np.arange(rows)[:, None]
    ends = [(a, b) for a, b in touching.bar_runs(upright, height=height) if a <= lo or b >= hi]
    if ends:
        keep = np.ones(upright.shape[1], bool)
        for a, b in ends:
            keep[a:b] = False
        trimmed = mask & keep[ucol]
        if _digit_fit(trimmed, height, cell, slant) >= SEVEN_FIT:
            return None
    best, best_fit = None, SPLIT_FIT
    for c in sorted(k for k in at if lo < k < hi):
        parts = []
        for side, right in ((ucol < c, False), (ucol >= c, True)):
            stub = touching.blot_stub(upright, c, height=height, right=right)
            reach = np.count_nonzero(stub.any(axis=0))
            if reach > touching.STUB_REACH * (hi - c if right else c - lo):
                stub[:] = False  # a bar across the part is its own (a 4's middle bar)
            parts.append(mask & side & ~stub[rows_ix, ucol])
        fit = min(_digit_fit(part, height, cell, slant) for part in parts)
        if fit >= best_fit:
            best, best_fit = (parts[0], parts[1]), fit
    return best


def kerned_one(mask: np.ndarray, *, height: float, cell: float, slant: float, stroke: float
               ) -> tuple[np.ndarray, np.ndarray] | None:
    """A 1 kerned onto a digit's side, split off: two masks like ``mask``, left
    first, or None.

    DSEG7's 1 is a bar at the right of its cell, so kerning a 1 and the digit
    after it (or the one before) until their ink overlaps lays the 1's bar on
    the digit's side bars: that side is then about twice as thick as the
    line's bars (``stroke``, see :func:`topodigit.cells.stroke_width`): its
    outer stroke, row by row (:func:`_outer_runs`), is at least KERNED_THICK
    strokes over most of the upright rows (KERNED_ROWS), where other digits'
    sides are one stroke. The outer stroke's width, all
    rows, is the 1; the rest the digit, which must read as a digit fitting the
    bars (SPLIT_FIT); the 1 must read as a 1.

    >>> ink = np.zeros((40, 27), bool)  # a 1 lying on the left bars of a 0
    >>> ink[:, 0:4] = True  # the 1; the 0, overlapping it by a column:
    >>> ink[:, 3:7] = ink[:, 23:27] = ink[0:4, 3:27] = ink[36:40, 3:27] = True
    >>> one, zero = kerned_one(ink, height=40, cell=24, slant=0.0, stroke=4.0)
    >>> int(one.sum()), int(zero.sum()), bool(zero[:, :4].any())
    (160, 408, False)
    """
    rows = mask.shape[0]
    ucol, upright, lo, hi = _upright(mask, slant)
    edge = round(sevenseg.VERTICAL_FROM * rows)  # the side bars' rows, as the zones'
    band = upright[edge:rows - edge, lo:hi]
    one_w = max(1, round(stroke))
    wide = hi - lo >= cell + KERNED_BARS * stroke  # upright: wider than a digit
    for left in (True, False):
        side = band if left else band[:, ::-1]
        runs = _outer_runs(side, stroke)
        width = one_w
        if np.count_nonzero(runs >= KERNED_THICK * stroke) < KERNED_ROWS * len(side):
            width = _half_kerned(side, runs, stroke) if wide else 0
            if not width:
                continue
        cut = lo + width if left else hi - width
        parts = (mask & (ucol < cut), mask & (ucol >= cut))
        one, digit = parts if left else parts[::-1]
        if _digit_char(one, height, cell, slant) != "1":
            continue
        if _digit_fit(digit, height, cell, slant) >= SPLIT_FIT:
            return parts
    return None


def shared_bars(tokens: list[Token], decoded: Mapping[Region, sevenseg.SegmentReading],
                cut_apart: set[Region], *, slant: float, stroke: float) -> dict[Region, Verdict]:
    """Cut pieces read again where two meet on a side bar that is one digit's.

    Of two neighbouring digits cut apart (``cut_apart``) whose boxes touch, the
    left one's b or c and the right one's f or e may be one bar, cut through:
    its ink runs across the cut on KERNED_ROWS of the bar's rows. Thinner than
    SHARED_THICK strokes, it is one digit's bar, not both; when exactly one
    choice of owner for each such bar leaves both pieces lit as digits, they
    read so. Pieces with no such bar, or where several choices read, are left
    out of the result.

    >>> ink = np.zeros((40, 40), bool)  # a 5, and an 8 kerned onto it by its left bars
    >>> ink[0:4, 0:24] = ink[18:22, 0:24] = ink[36:40, 0:24] = True  # a g d of the 5
    >>> ink[4:18, 0:4] = ink[22:36, 20:24] = True  # f and c of the 5
    >>> ink[0:4, 20:40] = ink[18:22, 20:40] = ink[36:40, 20:40] = True  # a g d of the 8
    >>> ink[4:36, 20:24] = ink[4:36, 36:40] = True  # its b c, and its e f on the 5's c
    >>> ink[22:36, 18:20] = True  # the two columns more of the 5's c: two bars overlapped
    >>> left, right = Region(Box(0, 0, 40, 22), (1,)), Region(Box(0, 22, 40, 40), (2,))
    >>> tokens = [Token(left, mask=ink[:, :22]), Token(right, mask=ink[:, 22:])]
    >>> read = {r: sevenseg.decode(t.mask, height=40, cell_width=20) for r, t in
    ...         zip((left, right), tokens)}
    >>> read[left].verdict.char, read[right].verdict.char
    ('9', '8')
    >>> [(r.box.left, v.char) for r, v in shared_bars(tokens, read, {left, right},
    ...                                               slant=0.0, stroke=4.0).items()]
    [(0, '5')]
    """
    out: dict[Region, Verdict] = {}
    if stroke < SHARED_STROKE:
        return out
    for a, b in itertools.pairwise(tokens):
        ra, rb = a.region, b.region
        if (a.char is not None or b.char is not None or not {ra, rb} <= cut_apart
                or ra not in decoded or rb not in decoded or rb.box.left > ra.box.right):
            continue
        lit = (decoded[ra].lit, decoded[rb].lit)
        bars = _thin_shared(a, b, lit, slant, stroke)
        reads = set()
        for mine in itertools.product((True, False), repeat=len(bars)) if bars else ():
            left, right = lit  # each bar the left piece's (mine) or the right one's
            for (bar, mate), keep in zip(bars, mine, strict=True):
                left, right = (left, right.replace(mate, "")) if keep else (
                    left.replace(bar, ""), right)
            chars = (_DIGITS.get(left), _DIGITS.get(right))
            if chars[0] is not None and chars[1] is not None:
                reads.add((chars[0], chars[1]))
        if len(reads) != 1:
            continue
        for region, char in zip((ra, rb), next(iter(reads)), strict=True):
            if char != decoded[region].verdict.char:
                out[region] = Verdict(char, SIDE_BAR_CONFIDENCE, "segments", "seven-segment",
                                      f"segments {' '.join(decoded[region].lit)} lit, one "
                                      f"bar shared with a neighbour (cut piece) → {char}",
                                      (char,))
    return out


def _thin_shared(a: Token, b: Token, lit: tuple[str, str], slant: float, stroke: float
                 ) -> list[tuple[str, str]]:
    """The side bars (left piece's, right piece's: b and f, c and e) lit in both
    of two touching pieces whose ink runs across their meeting on KERNED_ROWS
    of the bar's rows (upright, by ``slant``), thinner than SHARED_THICK strokes."""
    ba, bb = a.region.box, b.region.box
    top, left = min(ba.top, bb.top), ba.left
    rows, cols = max(ba.bottom, bb.bottom) - top, max(ba.right, bb.right) - left
    shift = row_shifts(rows, slant)
    pieces = []
    for t, box in ((a, ba), (b, bb)):
        m = np.zeros((rows, cols), bool)
        m[box.top - top:box.bottom - top, box.left - left:box.right - left] = t.mask
        pieces.append(shift_rows(m, shift))
    one, two = pieces
    ink = one | two
    zone = (round(sevenseg.VERTICAL_FROM * rows), round(sevenseg.VERTICAL_TO * rows))
    out = []
    for (bar, mate), (r0, r1) in zip(_SIDES, (zone, (rows - zone[1], rows - zone[0])),
                                     strict=True):
        if bar not in lit[0] or mate not in lit[1]:
            continue
        widths = []
        for r in range(r0, r1):
            ends, starts = np.flatnonzero(one[r]), np.flatnonzero(two[r])
            if not len(ends) or not len(starts):
                continue
            lo = hi = int(starts[0])  # the run of ink holding the right piece's first
            while lo > 0 and ink[r, lo - 1]:
                lo -= 1
            while hi + 1 < ink.shape[1] and ink[r, hi + 1]:
                hi += 1
            if lo <= ends[-1]:  # ... and the left piece's last: one bar, cut through
                widths.append(hi - lo + 1)
        if (len(widths) >= KERNED_ROWS * (r1 - r0)
                and float(np.median(widths)) < SHARED_THICK * stroke):
            out.append((bar, mate))
    return out


def _half_kerned(side: np.ndarray, runs: np.ndarray, stroke: float) -> int:
    """The width of a 1 kerned onto a side with a bar in one half only (a 5's
    upper left, a 2's lower left), or 0: the outer stroke (``runs``, see
    :func:`_outer_runs`) is KERNED_THICK strokes thick on KERNED_ROWS of that
    half's rows and one stroke (the 1 alone) on as many of the other's, both
    starting at one column (the 1's bar is straight, give or take KERNED_ALIGN
    strokes). The width is the 1's alone, the median of the thin half's runs.

    >>> side = np.zeros((8, 10), bool)
    >>> side[:, 0:3] = True; side[:4, 2:6] = True  # the 1, and a bar on its upper half
    >>> _half_kerned(side, _outer_runs(side, 3), 3.0)
    3
    """
    half = len(side) // 2
    if half < 2:  # too few rows to tell the halves apart
        return 0
    starts = np.argmax(side, axis=1)
    thick = runs >= KERNED_THICK * stroke
    thin = (runs >= KERNED_ONE * stroke) & ~thick
    for a, b in ((slice(0, half), slice(half, None)), (slice(half, None), slice(0, half))):
        if (np.count_nonzero(thick[a]) >= KERNED_ROWS * len(thick[a])
                and np.count_nonzero(thin[b]) >= KERNED_ROWS * len(thin[b])
                and abs(float(np.median(starts[b][thin[b]]) - np.median(starts[a][thick[a]])))
                <= max(1.0, KERNED_ALIGN * stroke)):
            return max(1, round(float(np.median(runs[b][thin[b]]))))
    return 0


def _outer_runs(side: np.ndarray, reach: float) -> np.ndarray:
    """Per row of ``side`` (a mask read from its column 0 on), the width of its
    first run of ink when that run starts within ``reach`` of column 0, else 0:
    the outer stroke's thickness, give or take the pixel or two by which an
    italic's uprighted edge wanders.

    >>> _outer_runs(np.array([[1, 1, 1, 0, 1], [0, 1, 1, 0, 0], [0, 0, 0, 1, 1]], bool), 2)
    array([3, 2, 0])
    """
    cols = side.shape[1]
    start = np.where(side.any(axis=1), np.argmax(side, axis=1), cols)
    after = (np.arange(cols)[None, :] >= start[:, None]) & ~side
    end = np.where(after.any(axis=1), np.argmax(after, axis=1), cols)
    return np.where(start <= reach, end - start, 0)


def _upright(mask: np.ndarray, slant: float) -> tuple[np.ndarray, np.ndarray, int, int]:
    """Each pixel's upright column (unsheared by ``slant``), the upright ink, and
    its first and past-the-last inked columns."""
    shift = row_shifts(mask.shape[0], slant)
    upright = shift_rows(mask, shift)
    used = np.flatnonzero(upright.any(axis=0))
    ucol = np.arange(mask.shape[1])[None, :] + shift[:, None]
    return ucol, upright, int(used[0]), int(used[-1]) + 1


def _decoded(mask: np.ndarray, height: float, cell: float, slant: float
             ) -> sevenseg.SegmentReading | None:
    """``mask``, cropped to its ink, decoded; None without ink."""
    rs, cs = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    if not len(rs):
        return None
    return sevenseg.decode(mask[rs[0]:rs[-1] + 1, cs[0]:cs[-1] + 1], height=height,
                           cell_width=cell, slant=slant)


def _digit_char(mask: np.ndarray, height: float, cell: float, slant: float) -> str:
    """What ``mask`` (cropped to its ink first) decodes as, '?' without ink."""
    got = _decoded(mask, height, cell, slant)
    return UNREADABLE if got is None else got.verdict.char


def _digit_fit(mask: np.ndarray, height: float, cell: float, slant: float) -> float:
    """How well ``mask`` (cropped to its ink first) fits the bars as a digit:
    its ``fit``, or -1 when it has no ink or its lit set is no digit."""
    got = _decoded(mask, height, cell, slant)
    return -1.0 if got is None or got.verdict.char == UNREADABLE else got.fit


def without_side_bar(reading: sevenseg.SegmentReading) -> Verdict | None:
    """A glyph cut from its neighbour that reads as no digit, read without the
    one upright bar (b, c, e or f) whose loss makes it a digit, None unless
    exactly one does: kerned displays share a column, so a bar of the
    neighbour's may sit in the piece's side (a 2 cut from a 3 before it keeps
    the 3's upper bar: a b d e f g, no digit; without f it is a 2).

    >>> m = np.zeros((20, 12), bool)
    >>> m[0:2, 2:10] = m[9:11, 2:10] = m[18:20, 2:10] = True  # a, g, d
    >>> m[2:9, 10:12] = m[11:18, 0:2] = True  # b, e: a 2
    >>> m[2:9, 0:2] = True  # and f, the bar of the neighbour before it
    >>> r = sevenseg.decode(m)
    >>> r.verdict.char, without_side_bar(r).char
    ('?', '2')
    """
    if reading.verdict.char != UNREADABLE:
        return None
    found = {(bar, _DIGITS[rest]) for bar in "bcef" if bar in reading.lit
             and (rest := reading.lit.replace(bar, "")) in _DIGITS}
    if len(found) != 1:
        return None
    (bar, char), = found
    return Verdict(char, SIDE_BAR_CONFIDENCE, "segments", "seven-segment",
                   f"segments {' '.join(reading.lit)} lit: no digit; without bar {bar}, "
                   f"a neighbour's (cut piece) → {char}", (char,))


def without_blot(reading: sevenseg.SegmentReading, width: int, height: float) -> Verdict | None:
    """A glyph ``width`` px wide cut from its neighbour, read without the one lit
    segment lit only in part (under LIT_LEVEL plus FULL_CONFIDENCE_MARGIN: a
    blot's end, not a bar; a 6 cut from a blot to the next digit may keep it
    where its upper right bar would be, and read 8); None unless that makes it
    a digit, or for a glyph as narrow as a 1 (ONE_MAX_WIDTH of the ``height``).

    >>> m = np.zeros((20, 12), bool)
    >>> m[0:2, 2:10] = m[9:11, 2:10] = m[18:20, 2:10] = True  # a, g, d
    >>> m[2:9, 0:2] = m[11:18, 0:2] = m[11:18, 10:12] = True  # f, e, c: a 6
    >>> m[2:6, 10:12] = True  # and a blot's end where b would be
    >>> r = sevenseg.decode(m)
    >>> r.verdict.char, without_blot(r, 12, 20.0).char
    ('8', '6')
    """
    weak = [s for s, level in zip(sevenseg.SEGMENTS, reading.levels, strict=True)
            if s in reading.lit and level < sevenseg.LIT_LEVEL + sevenseg.FULL_CONFIDENCE_MARGIN
            ] if width > sevenseg.ONE_MAX_WIDTH * height else []  # (a 1's bar: no blot to drop)
    if len(weak) != 1 or (char := _DIGITS.get(reading.lit.replace(weak[0], ""))) is None:
        return None
    return Verdict(char, SIDE_BAR_CONFIDENCE, "segments", "seven-segment",
                   f"segments {' '.join(reading.lit)} lit, {weak[0]} only in part: "
                   f"without it (a blot's end) → {char}", (char,))


__all__ = ["KERNED_ROWS", "KERNED_THICK", "SHARED_STROKE", "SHARED_THICK", "SPLIT_FIT",
           "SPLIT_SLACK", "kerned_one", "shared_bars", "split_wide", "wide_misfits",
           "without_blot", "without_side_bar"]
