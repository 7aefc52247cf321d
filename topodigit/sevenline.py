"""Seven-segment lines: is a line a seven-segment display, at which slant, and
what its digits read by their lit segments.

A line whose segments came apart (``seven``) is seven-segment; otherwise it is
when nearly all its digits fit the bars closely and crisply (see
:func:`line_slant`). Its digits are then decoded by
:func:`topodigit.sevenseg.decode` (:func:`decode_digits`).

Examples
--------
>>> cell_width([Box(0, 0, 20, 4), Box(0, 10, 20, 22)], 20.0)
12.0
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping

import numpy as np

from topodigit import sevenseg, touching
from topodigit.cells import full_height, without_points
from topodigit.layout import Token
from topodigit.quantiles import median
from topodigit.results import UNREADABLE, Box, Verdict
from topodigit.segment import Region
from topodigit.slant import estimate_slant

#: A line whose segments did not come apart is still seven-segment when at least
#: SEVEN_MIN_DIGITS digits all but a tenth fit the pattern this well (measured on
#: the fixtures: print lines' 10th percentile at most 0.90, seven-segment lines'
#: median 1.0).
SEVEN_FIT = 0.93
#: ... and every segment of theirs is this clearly lit or dark (the least clear
#: level, see sevenseg.crispness): 1.0 on every seven-segment line of the
#: fixtures, 0.5-0.75 on the printed lines whose blocky digits fit the bars as
#: well (OCR-A bold, small bold sans), where a tail or bowl crosses a zone part-way.
SEVEN_CRISP = 0.85
#: ... which is not tried when the first digit, taken upright, fits worse than this.
SEVEN_PRECHECK = 0.6
#: ... nor when, upright, more than a tenth of the digits (at least one) fit worse
#: than this (seven-segment lines of the fixtures, italics included, have at most
#: one digit under 0.85 upright; most print lines have two under 0.75 among their
#: first four digits): it spares print lines the slant search. Nor when the
#: median crispness (see SEVEN_CRISP) of the digits that fit upright is under
#: SEVEN_CRISP: on every seven-segment line of the fixtures, italics included, it
#: is 1.0 upright; on printed lines that pass the fit test, 0.55-1.0.
SEVEN_UPRIGHT = 0.75
SEVEN_MIN_DIGITS = 3
#: Cheapest of all, before any fit: a line is print when more than half its
#: digits, taken upright, have a segment zone crossed by ink part-way (crispness,
#: see SEVEN_CRISP, under BLURRED_CRISP). Measured on the fixtures and three
#: held-out sets (3700 lines): at most 0.4 of the digits on every seven-segment
#: line, more than half on 86 % of printed ones. A zone of a glyph up to the
#: shrink target has under 20 crossing lines, so this asks for every one to agree:
#: at 0.9 a print digit 48-67 px tall whose curve crosses one line of a zone's
#: 11-15 passed as clear (DejaVu Sans's 3 5 6 9: 0.91-0.93), and its line paid the
#: fits. Seven-segment lines keep the same 0.4 at most (their digits are 1.0).
BLURRED_CRISP = 0.95
#: A digit this many cells wide (see :func:`cell_width`) may be two run together,
#: or one with a blot or point joined: like the pieces of a cut, its misfit does
#: not count against the line (DSEG7's 1 and a digit run together are 1.33 cells;
#: single digits of the fixtures at most 1.1).
WIDE_CELLS = 1.2
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
#: Slants (dx per row) also tried when the slant search finds a line upright but
#: it misfits: italic displays lean about 0.1, which glyphs under ~30 px hide.
ITALIC_SLANTS = (0.05, 0.1, 0.15)


def cell_width(digits: list[Box], height: float) -> float | None:
    """Typical width of a line's digit cells (its 1s left out), None without one."""
    wide = [b.width for b in digits if b.width > sevenseg.ONE_MAX_WIDTH * height]
    return median(wide) if wide else None


def cut_apart_digits(tokens: list[Token], cut: Mapping[Box, object]) -> set[Region]:
    """Digits cut apart, by segmentation (neighbours sharing their labels) or by
    :func:`topodigit.cutting.cut_line` (``cut``): the ink that joined them may
    spoil their bars."""
    out = {t.region for a, b in itertools.pairwise(tokens) if a.char is None
           and b.char is None and a.region.labels == b.region.labels for t in (a, b)}
    return out | {t.region for t in tokens if t.char is None and t.region.box in cut}


def line_slant(tokens: list[Token], height: float, mask: np.ndarray, *, font: str,
               seven: bool, cut_apart: set[Region]) -> float | None:
    """The italic slant of a seven-segment line, or None when it is print.

    A line is print with ``font="print"``, or with ``"auto"`` when its segments
    neither came apart nor fit the seven-segment pattern closely (decimal points
    touching its digits split off, see :func:`topodigit.cells.without_points`).
    """
    digits = [t.region for t in tokens if t.char is None]
    if font == "print" or not digits or (not seven and len(digits) < SEVEN_MIN_DIGITS):
        return None
    masks = [t.mask for t in tokens if t.char is None]
    cell = cell_width([r.box for r in digits], height)
    wide = [cell is not None and r.box.width >= WIDE_CELLS * cell for r in digits]
    full: float | None = None  # the digit height of full cells, when first needed
    if not seven:  # cheap tests before the slant search: the digits taken upright
        unclear, levels = _mostly_unclear(masks, height, cell)
        if unclear:
            return None
        upright_misfits = max(1, len(digits) // 10)
        first = wide.index(False) if False in wide else -1  # the first digit tested
        # the outcome does not depend on the order the digits are tested in (see
        # _test_order), only how soon a print line is turned away
        order = _test_order(wide, levels)
        trailing = len(wide) - 1 - max(order) if order else 0  # wide digits after the last
        crisp = []
        for n, k in enumerate(order):
            m = masks[k]
            # fits are only compared with these floors: under them, bounds will do
            floor = SEVEN_PRECHECK if k == first else SEVEN_UPRIGHT
            fit, crisp_k = sevenseg.shape_fit(m, height=height, cell_width=cell, floor=floor)
            if fit < SEVEN_UPRIGHT:  # a decimal point joined to it?
                full = full_height([r.box for r in digits]) if full is None else full
                peeled = without_points([m], height=full, slant=0.0, cell=cell)[0]
                if peeled is not m:
                    fit = max(fit, sevenseg.shape_fit(peeled, height=height, cell_width=cell,
                                                      floor=floor)[0])
            else:
                crisp.append(crisp_k)
            if k == first and fit < SEVEN_PRECHECK:
                return None
            upright_misfits -= fit < SEVEN_UPRIGHT
            if upright_misfits < 0:
                return None
            if crisp and _median_at_most(crisp, len(order) - n - 1 + trailing) < SEVEN_CRISP:
                return None  # the digits that fit upright are not crisp: curved print
    full = full_height([r.box for r in digits]) if full is None else full
    line = Box(min(r.box.top for r in digits), min(r.box.left for r in digits),
               max(r.box.bottom for r in digits), max(r.box.right for r in digits))
    slant = estimate_slant(mask[line.top:line.bottom, line.left:line.right])
    if seven:
        return slant
    slants = [slant]
    if abs(slant) < min(ITALIC_SLANTS):
        slants += ITALIC_SLANTS  # small italics: the slant search sees them upright
    elif slant:
        slants.append(0.0)  # upright digits that blur or a joined point made look slanted
    # pieces of touching glyphs cut apart, or maybe to be cut, and 1s: a bare bar
    # fits the bars of a display and a print stem alike, and tells nothing
    cut = [r in cut_apart or w or (cell is not None and r.box.width < sevenseg.ONE_MAX_WIDTH * cell)
           for r, w in zip(digits, wide, strict=True)]
    if len(cut) - sum(cut) < SEVEN_MIN_DIGITS:
        cut = [False] * len(cut)
    for s in slants:
        if _fits(without_points(masks, height=full, slant=s), full, cell, s, cut):
            return s
    return None


def _mostly_unclear(masks: list[np.ndarray], height: float, cell: float | None
                    ) -> tuple[bool, list[float]]:
    """Whether more than half the digits (upright) are less crisp than
    BLURRED_CRISP, and the crispness of the first ones, those measured: it
    stops as soon as the count decides."""
    unclear, clear, half = 0, 0, len(masks) / 2
    levels = []
    for m in masks:
        levels.append(sevenseg.upright_crispness(m, height=height, cell_width=cell))
        if levels[-1] < BLURRED_CRISP:
            unclear += 1
            if unclear > half:
                return True, levels
        else:
            clear += 1
            if clear >= half:
                return False, levels
    return False, levels


def _test_order(wide: list[bool], levels: list[float]) -> list[int]:
    """The order :func:`line_slant` fits a line's digits upright in: those that
    are not wide, least crisp first (``levels``: the upright crispness of the
    first digits; the others after them, in line order). A print line's least
    crisp digits are the likeliest to misfit.

    Any order gives the same outcome: the line is print when ``first`` misfits,
    when too many digits misfit (a count), or when the median crispness of the
    digits that fit is low; while digits are left, the median is bounded by
    counting each as a perfect fit (see :func:`_median_at_most`).

    >>> _test_order([True, False, False, False, False], [1.0, 1.0, 0.9, 0.5])
    [3, 2, 1, 4]
    """
    out = [k for k, w in enumerate(wide) if not w]
    out.sort(key=lambda k: (levels[k] if k < len(levels) else 2.0, k))
    return out


def _median_at_most(crisp: list[float], left: int) -> float:
    """The largest median of the crispness of the digits that fit upright,
    ``crisp`` so far, that ``left`` more digits can make: each adds at most 1.0,
    or nothing (it misfits), and adding the most raises the median most.

    >>> _median_at_most([0.5, 0.6], 1), _median_at_most([0.5, 0.6, 0.7], 0)
    (0.6, 0.6)
    """
    return median(crisp + [1.0] * left)


def _fits(masks: list[np.ndarray], height: float, cell: float | None, slant: float,
          cut: list[bool]) -> bool:
    """All but a tenth of a line's digits fit the seven-segment pattern at ``slant``.

    Pieces of touching glyphs cut apart (``cut``) carry the ink that joined them
    (a blot, a bridge): their misfits do not count, and they are read with it cut
    out when they misfit (see _read_lines).
    """
    allowed_misfits = len(masks) // 10
    for m, excused in zip(masks, cut, strict=True):
        fit, crisp = sevenseg.shape_fit(m, height=height, cell_width=cell, slant=slant,
                                        floor=SEVEN_FIT)
        if not excused and (fit < SEVEN_FIT or crisp < SEVEN_CRISP):
            allowed_misfits -= 1
            if allowed_misfits < 0:
                return False
    return True


def wide_misfits(tokens: list[Token], height: float,
                 decoded: Mapping[Region, sevenseg.SegmentReading]) -> set[Box]:
    """Boxes of a seven-segment line's digits that may be two run together
    (see :func:`split_wide`): at least WIDE_CELLS cells wide (see
    :func:`cell_width`; a 1 run into a 3 reads as a wide 8), or wider than a
    cell and reading as no digit (a 1 kerned into the next digit's side)."""
    digits = [t.region for t in tokens if t.char is None]
    cell = cell_width([r.box for r in digits], height)
    if cell is None:
        return set()
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
    line's bars (``stroke``, see :func:`topodigit.cells.stroke_width`), at
    least KERNED_THICK strokes over most of the upright rows (KERNED_ROWS),
    where other digits' sides are one stroke. The outer stroke's width, all
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
    band = upright[round(0.15 * rows):rows - round(0.15 * rows), lo:hi]  # the side bars' rows
    one_w = max(1, round(stroke))
    for left in (True, False):
        side = band if left else band[:, ::-1]
        runs = np.where(side.all(axis=1), side.shape[1], np.argmin(side, axis=1))  # from the edge
        if np.count_nonzero(runs >= KERNED_THICK * stroke) < KERNED_ROWS * len(runs):
            continue
        cut = lo + one_w if left else hi - one_w
        parts = (mask & (ucol < cut), mask & (ucol >= cut))
        one, digit = parts if left else parts[::-1]
        if _digit_char(one, height, cell, slant) != "1":
            continue
        if _digit_fit(digit, height, cell, slant) >= SPLIT_FIT:
            return parts
    return None


def _upright(mask: np.ndarray, slant: float) -> tuple[np.ndarray, np.ndarray, int, int]:
    """Each pixel's upright column (unsheared by ``slant``), the upright ink, and
    its first and past-the-last inked columns."""
    rows, cols = mask.shape
    lean = np.floor(slant * (rows - 1 - np.arange(rows)) + 0.5).astype(np.int64)
    ucol = np.arange(cols)[None, :] + (lean.max() - lean)[:, None]
    rr, cc = np.nonzero(mask)
    upright = np.zeros((rows, int(ucol.max()) + 1), bool)
    upright[rr, ucol[rr, cc]] = True
    used = np.flatnonzero(upright.any(axis=0))
    return ucol, upright, int(used[0]), int(used[-1]) + 1


def _digit_char(mask: np.ndarray, height: float, cell: float, slant: float) -> str:
    """What ``mask`` (cropped to its ink first) decodes as, '?' without ink."""
    rs, cs = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    if not len(rs):
        return UNREADABLE
    return sevenseg.decode(mask[rs[0]:rs[-1] + 1, cs[0]:cs[-1] + 1], height=height,
                           cell_width=cell, slant=slant).verdict.char


def _digit_fit(mask: np.ndarray, height: float, cell: float, slant: float) -> float:
    """How well ``mask`` (cropped to its ink first) fits the bars as a digit:
    its ``fit``, or -1 when it has no ink or its lit set is no digit."""
    rs, cs = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    if not len(rs):
        return -1.0
    got = sevenseg.decode(mask[rs[0]:rs[-1] + 1, cs[0]:cs[-1] + 1], height=height,
                          cell_width=cell, slant=slant)
    return -1.0 if got.verdict.char == UNREADABLE else got.fit


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


def decode_digits(tokens: list[Token], height: float, slant: float
                   ) -> dict[Region, sevenseg.SegmentReading]:
    """Segment readings of a seven-segment line's digits, keyed by region."""
    digits = [t for t in tokens if t.char is None]
    cell = cell_width([t.region.box for t in digits], height)
    return {t.region: sevenseg.decode(t.mask, height=height, cell_width=cell, slant=slant)
            for t in digits}


__all__ = ["SEVEN_CRISP", "SEVEN_FIT", "WIDE_CELLS", "cell_width", "cut_apart_digits",
           "decode_digits", "kerned_one", "line_slant", "split_wide", "wide_misfits",
           "without_side_bar"]
