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

from topodigit import sevenseg
from topodigit.cells import full_height, stroke_width, without_points
from topodigit.layout import DIGIT_HEIGHT, Token
from topodigit.quantiles import median
from topodigit.results import UNREADABLE, Box
from topodigit.segment import Region, region_mask
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
#: A 1 kerned into a digit makes it wider than a cell by its bar, less the
#: overlap: a digit wider than a cell by this many bar strokes may be one, and
#: its misfit does not count in the slant search either.
KERNED_BARS = 0.5
#: Slants (dx per row) also tried when the slant search finds a line upright but
#: it misfits: italic displays lean about 0.1, which glyphs under ~30 px hide.
ITALIC_SLANTS = (0.05, 0.1, 0.15)
#: ... and, when the search finds a line slanted but it misfits, those within
#: this much of its slant.
ITALIC_NEAR = 0.05


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
    elif slant:  # upright digits that blur or a joined point made look slanted, and
        # italics whose slant degradation misjudged (DSEG7's 0.08 seen as 0.06)
        slants += [0.0, *(s for s in ITALIC_SLANTS if 0 < abs(s - slant) <= ITALIC_NEAR)]
    # pieces of touching glyphs cut apart, or maybe to be cut, and 1s: a bare bar
    # fits the bars of a display and a print stem alike, and tells nothing
    joined = (min(WIDE_CELLS * cell, cell + KERNED_BARS * stroke_width(masks))
              if cell is not None else np.inf)
    ones = [cell is not None and r.box.width < sevenseg.ONE_MAX_WIDTH * cell for r in digits]
    cut = [r in cut_apart or r.box.width >= joined or one
           for r, one in zip(digits, ones, strict=True)]
    if len(cut) - sum(cut) < SEVEN_MIN_DIGITS:  # too few left to go by: the 1s must fit too
        cut = [c and not one for c, one in zip(cut, ones, strict=True)]
    for s in slants:
        if _fits(without_points(masks, height=full, slant=s), full, cell, s, cut):
            return s
    return None


def _mostly_unclear(masks: list[np.ndarray], height: float, cell: float | None
                    ) -> tuple[bool, list[float]]:
    """Whether more than half the digits (upright) are less crisp than
    BLURRED_CRISP, and the crispness of the first ones, those measured (of a
    digit less crisp than that, an upper bound under it): it stops as soon as
    the count decides."""
    unclear, clear, half = 0, 0, len(masks) / 2
    levels = []
    for m in masks:
        levels.append(sevenseg.upright_crispness(m, height=height, cell_width=cell,
                                                 stop=BLURRED_CRISP))
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
    """All but a tenth of a line's digits fit the seven-segment pattern at
    ``slant``, and at least SEVEN_MIN_DIGITS of them do.

    Pieces of touching glyphs cut apart (``cut``) carry the ink that joined them
    (a blot, a bridge): their misfits do not count, and they are read with it cut
    out when they misfit (see _read_lines); those that fit count.

    >>> eight = np.zeros((40, 24), bool)  # bars 4 px thick
    >>> eight[0:4, 4:20] = eight[18:22, 4:20] = eight[36:40, 4:20] = True
    >>> eight[4:18, 0:4] = eight[22:36, 0:4] = eight[4:18, 20:24] = eight[22:36, 20:24] = True
    >>> yy, xx = np.mgrid[:40, :24]  # and a round 0, as print draws it
    >>> oval = np.hypot((yy - 19.5) / 20, (xx - 11.5) / 12) <= 1
    >>> zero = oval & (np.hypot((yy - 19.5) / 14, (xx - 11.5) / 7) > 1)
    >>> _fits([eight, eight, eight, zero], 40, 24, 0.0, [False, False, False, True])
    True
    >>> _fits([eight, eight, zero], 40, 24, 0.0, [False, False, True])  # two fit
    False
    """
    allowed_misfits, fitting = len(masks) // 10, 0
    for m, excused in zip(masks, cut, strict=True):
        fit, crisp = sevenseg.shape_fit(m, height=height, cell_width=cell, slant=slant,
                                        floor=SEVEN_FIT)
        if fit >= SEVEN_FIT and crisp >= SEVEN_CRISP:
            fitting += 1
        elif not excused:
            allowed_misfits -= 1
            if allowed_misfits < 0:
                return False
    return fitting >= SEVEN_MIN_DIGITS


def rejoined(regions: list[Region], labels: np.ndarray, *, height: float, slant: float
             ) -> list[Region]:
    """A seven-segment line's regions with digits whose right bars came apart
    joined again.

    DSEG7 joins a 7's top bar to its upper left bar but not always to its right
    bars: the 7 is then a bare bar and, within the cell before it, a piece
    shorter than a digit (see :data:`topodigit.layout.DIGIT_HEIGHT`; it may reach
    over the bar, not past it). The two are one digit when together they decode
    as one other than a 1, fitting the bars (SEVEN_FIT). ``regions`` are in line
    order.

    >>> from topodigit.segment import segment
    >>> ink = np.zeros((30, 60), bool)
    >>> ink[2:26, 2:18] = True; ink[4:24, 4:16] = False  # a 0
    >>> ink[2:4, 22:34] = ink[2:14, 22:24] = True  # a 7's top and upper left bars,
    >>> ink[2:26, 36:38] = True  # and its right bars, apart
    >>> seg = segment(ink)
    >>> [r.box.width for r in rejoined(list(seg.lines[0]), seg.labels, height=24, slant=0.0)]
    [16, 16]
    """
    tall = [r.box for r in regions if r.box.height >= DIGIT_HEIGHT * height]
    cell = cell_width(tall, height)
    if cell is None:
        return regions
    out = list(regions)
    k = 1
    while k < len(out):
        bar, part = out[k].box, out[k - 1].box
        if (bar.height >= DIGIT_HEIGHT * height and bar.width < sevenseg.ONE_MAX_WIDTH * cell
                and part.height < DIGIT_HEIGHT * height
                and part.left >= bar.right - cell - abs(slant) * height
                and part.right <= bar.right):
            both = Region(part.union(bar), out[k - 1].labels + out[k].labels)
            got = sevenseg.decode(region_mask(labels, both), height=height, cell_width=cell,
                                  slant=slant)
            if got.verdict.char not in ("1", UNREADABLE) and got.fit >= SEVEN_FIT:
                out[k - 1:k + 1] = [both]
                continue
        k += 1
    return out


def decode_digits(tokens: list[Token], height: float, slant: float
                   ) -> dict[Region, sevenseg.SegmentReading]:
    """Segment readings of a seven-segment line's digits, keyed by region."""
    digits = [t for t in tokens if t.char is None]
    cell = cell_width([t.region.box for t in digits], height)
    return {t.region: sevenseg.decode(t.mask, height=height, cell_width=cell, slant=slant)
            for t in digits}


__all__ = ["SEVEN_CRISP", "SEVEN_FIT", "WIDE_CELLS", "cell_width", "cut_apart_digits",
           "decode_digits", "line_slant", "rejoined"]
