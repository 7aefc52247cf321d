"""Touching glyphs: where to cut a run of glyphs joined by tight kerning or a blot.

A region as wide as two or more digits is cut by recognition. Candidate cut
columns are the local minima of its column profile, the cuts segmentation
proposed, the ends of thin bridges and of columns holding only a short bar in
the middle band (a blot, which a cutting may skip), and, for two glyphs, every
few columns near the middle (kerned glyphs meet at their thickest columns, no
minimum). The pieces between cuts are chosen by dynamic programming to maximise
their width-weighted plausibility, as judged by a scorer the caller passes in
(the reader asks the built-in templates), weighted by how near each piece's
width is to the digit pitch. Cutting a 0 through its thin middle gives two arcs
that read as nothing; cutting between two digits gives two digits that both
read well.

Examples
--------
Two 6-px-wide bars joined by a 1-px-thin bridge, in a line of 40-px digits; the
scorer likes a piece that holds one whole bar and nothing else (72 pixels):

>>> import numpy as np
>>> own = np.zeros((12, 20), bool)
>>> own[:, 1:7] = True; own[:, 13:19] = True; own[5, 7:13] = True
>>> like = lambda spans: [float(own[:, c0:c1].sum() == 72) for c0, c1 in spans]
>>> best_spans(own, height=40, score=like)
[(0, 7), (13, 20)]
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from topodigit import cuts

#: A piece between two cuts is at least this share of the digit height wide (a
#: bare 1 of a sans font is about 0.2) ...
MIN_PIECE = 0.12
#: ... and at most this share (the widest digits of bold and italic fonts are
#: about 0.8 with their slant).
MAX_PIECE = 1.1
#: A column is a candidate cut when it is the thinnest within this share of the
#: digit height either side.
MINIMUM_REACH = 0.04
#: A cut's bridge (see :func:`topodigit.cuts.bridge`) reaches at most this share
#: of the digit height either side of it.
BRIDGE_REACH = 0.15
#: A piece's width may differ from the pitch by about this share of it (one
#: standard deviation of the gaussian weight).
PITCH_SPREAD = 0.25
#: ... and a piece further from it than this many spreads is not scored (its
#: weight would be under 0.2).
PITCH_CUTOFF = 1.8
#: A piece scoring less than this costs more than it brings: pieces that read
#: as nothing are not free filler between pieces that read well.
WORTH = 0.02
#: Skipped bridges (see :func:`best_spans`) next to one another drop at most this
#: share of the digit height of ink in all, but for bars in the middle band (a
#: blot); a thin-stroked glyph's thin columns are no bridge all the way.
SKIP_REACH = 0.45
#: Each piece costs this share of a pitch's width at full plausibility: of two
#: cuttings that read about as well, the one with fewer glyphs wins (an ink blot
#: between two digits is no third glyph).
PIECE_COST = 0.2
#: Digit pitch (left edge to left edge) of the fonts measured, in digit heights:
#: 0.73-0.92 with normal spacing (see topodigit.spacing), down to about 0.6 when
#: crowded; a region's glyph count is sought within it.
MIN_PITCH = 0.5
MAX_PITCH = 0.95
#: A run of this many glyphs (two touching digits) is also cut at every
#: DENSE_STEP pitches within DENSE_REACH pitches of its middle: glyphs kerned
#: into each other meet at their thickest columns, no minimum of the profile.
#: (Longer runs are cut at the minima only, which bounds their cost.)
DENSE_MAX_GLYPHS = 2
DENSE_STEP = 0.1
DENSE_REACH = 0.3
#: A column whose ink is one run at most this share of the digit height tall,
#: centred within this band of the region's rows, is part of a bar joining two
#: glyphs (blots drawn in the fixtures are 0.15-0.25 H tall, at 0.3-0.7 H).
BAR_HEIGHT = 0.3
BAR_BAND = (0.2, 0.8)
#: A blot is centred between the two glyphs it joins, so its end reaches at
#: most about the middle of one: a bar running further than this share of the
#: piece's width may be the glyph's own (a seven-segment middle bar the blot
#: touched; but also a blot across a 7's open middle).
STUB_REACH = 0.6
#: Most candidate cuts examined per region, the thinnest first: bounds the cost.
MAX_CANDIDATES = 80

Scorer = Callable[[list[tuple[int, int]]], list[float]]


def candidates(prof: np.ndarray, *, height: float, extra: tuple[int, ...] = ()) -> list[int]:
    """Candidate cut columns of a column profile: its local minima, plus ``extra``.

    A run of equal values lower than the runs beside it gives its middle column
    (when nothing within :data:`MINIMUM_REACH` is lower); the ends are no cut.

    >>> candidates(np.array([5, 5, 1, 1, 1, 6, 6, 2, 6, 5]), height=25)
    [3, 7]
    """
    reach = max(1, round(MINIMUM_REACH * height))
    n = len(prof)
    change = np.flatnonzero(np.diff(prof)) + 1  # runs of equal values
    starts = np.concatenate([[0], change])
    ends = np.concatenate([change, [n]])
    vals = prof[starts].astype(float)
    left = np.concatenate([[np.inf], vals[:-1]])
    right = np.concatenate([vals[1:], [np.inf]])
    low = (vals < left) & (vals < right)  # a run lower than the runs beside it
    out: list[int] = []
    for a, b, v in zip(starts[low], ends[low], vals[low], strict=True):
        mid = int(a + b - 1) // 2
        if 0 < mid < n - 1 and v <= prof[max(0, mid - reach):mid + reach + 1].min():
            out.append(mid)
    out += [c for c in extra if 0 < c < n]
    if len(out) > MAX_CANDIDATES:
        out = sorted(out, key=lambda c: prof[c])[:MAX_CANDIDATES]
    return sorted(set(out))


def bar_runs(own: np.ndarray, *, height: float) -> list[tuple[int, int]]:
    """Runs of columns ``[c0, c1)`` that hold only a short bar in the middle band.

    An ink blot joining two glyphs, seen column by column, is one short run of
    ink (at most BAR_HEIGHT digit heights) away from the top and bottom of the
    region (its centre within BAR_BAND); at least two such columns in a row make
    a run that a cutting may skip.

    >>> own = np.zeros((20, 12), bool)
    >>> own[:, :4] = own[:, 8:] = True; own[9:13, 4:8] = True
    >>> bar_runs(own, height=20)
    [(4, 8)]
    """
    rows = own.shape[0]
    starts = (own[:1] | (own[1:] & ~own[:-1])).sum(axis=0) if rows > 1 else own[0].astype(int)
    ink = own.sum(axis=0)
    idx = np.arange(rows)[:, None]
    centre = np.divide((own * idx).sum(axis=0), ink, out=np.zeros(own.shape[1]), where=ink > 0)
    lo, hi = BAR_BAND
    bar = ((starts == 1) & (ink <= BAR_HEIGHT * height)
           & (centre >= lo * rows) & (centre <= hi * rows))
    edges = np.flatnonzero(np.diff(np.concatenate([[0], bar.astype(np.int8), [0]])))
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True) if b - a > 1]


def blot_stub(own: np.ndarray, cut: int, *, height: float, right: bool) -> np.ndarray:
    """The part of a blot that a cut at column ``cut`` left on one piece.

    When the columns next to the cut hold only a short bar in the middle band
    (see :func:`bar_runs`: the blot joining two glyphs), the piece on the
    ``right`` (columns from ``cut``) or left (columns before it) keeps the
    blot's end, which reaches into the glyph until it meets one of its strokes,
    and can change what the glyph reads as (a 7 with a bar across its middle is
    a 4, a 3 whose bay it fills an 8). Walking from the cut into the piece, each
    column's run of ink at the bar's rows is the blot's while it lies within
    those rows (give or take a pixel); the first run that reaches beyond them is
    a stroke of the glyph, and the walk stops there. Returns a mask like ``own``
    of the pixels to drop (none when no bar touches the cut).

    >>> own = np.zeros((20, 16), bool)
    >>> own[:, 1:3] = True; own[9:12, 3:10] = True  # a stem, and a blot to the cut at 8
    >>> int(blot_stub(own, 8, height=20, right=False).sum())  # columns 3..7 of the blot
    15
    """
    out = np.zeros_like(own)
    rows, cols = own.shape
    gap = [(a, b) for a, b in bar_runs(own, height=height) if a - 1 <= cut <= b + 1]
    if not gap or not 0 < cut < cols:
        return out
    a, b = gap[0]
    ref = min(max(cut if right else cut - 1, a), b - 1)  # a column of the bar itself
    hit = np.flatnonzero(own[:, ref])
    r0, r1 = int(hit[0]) - 1, int(hit[-1]) + 1  # the bar's rows, give or take a pixel
    step = 1 if right else -1
    col = cut if right else cut - 1
    while 0 <= col < cols:
        column = own[:, col]
        inked = np.flatnonzero(column[r0 + 1:r1])
        if not len(inked):
            break  # the blot ended before a stroke
        top = bottom = r0 + 1 + int(inked[0])
        while top > 0 and column[top - 1]:
            top -= 1
        while bottom + 1 < rows and column[bottom + 1]:
            bottom += 1
        if top < r0 or bottom > r1 or column[r0 + 1:r1][bottom - r0:].any():
            break  # reaches beyond the bar's rows (or a second run there): a stroke
        out[top:bottom + 1, col] = True
        col += step
    return out


def best_spans(own: np.ndarray, *, height: float, score: Scorer,
               extra: tuple[int, ...] = (), pitch: float | None = None
               ) -> list[tuple[int, int]]:
    """The column spans ``[c0, c1)`` of the best cutting of a region's mask.

    Digits of one font share one advance width (tabular figures), so the
    distance between neighbouring cuts is near one *pitch*: a piece's
    plausibility is weighted by its width and by how near that width is to the
    pitch (:data:`PITCH_SPREAD`; the end pieces may be narrower, a 1 at the end of
    a run). Without a ``pitch``, each count of glyphs the region's width allows
    is tried with the pitch it implies, and the best cutting of all is kept.

    Parameters
    ----------
    own : ndarray of bool, shape (rows, cols)
        The region's ink.
    height : float
        The line's digit height in pixels.
    score : callable ``[(c0, c1), ...] -> [float, ...]``
        Plausibility in 0..1 of each piece in columns ``[c0, c1)`` as one glyph,
        or negative when it cannot be a glyph (such a piece is never cut). It
        gets the pieces of one search at once (so it can batch), and may be
        asked about a piece more than once; the caller caches.
    extra : tuple of int
        More candidate cut columns (e.g. segmentation's own cuts).
    pitch : float, optional
        The line's digit pitch in pixels, when neighbours show it.

    Returns
    -------
    list of (int, int)
        Spans left to right; one span ``(0, cols)`` when the region is best left whole.

    See Also
    --------
    best_cutting : the same, with the cutting's total plausibility.
    """
    return best_cutting(own, height=height, score=score, extra=extra, pitch=pitch)[1]


def best_cutting(own: np.ndarray, *, height: float, score: Scorer,
                 extra: tuple[int, ...] = (), pitch: float | None = None
                 ) -> tuple[float, list[tuple[int, int]]]:
    """The best cutting of a region's mask, as :func:`best_spans` finds it, with
    its total: the pieces' width- and pitch-weighted plausibility less their cost
    (PIECE_COST), ``-inf`` when no path of pieces crosses the region. Cuttings of
    one region's ink sheared two ways compare by their total per column.

    A bar 6 columns wide that reads fully as one glyph stays whole: its 6
    columns at plausibility 1, less WORTH and PIECE_COST on each.

    >>> bar = np.ones((10, 6), bool)
    >>> total, spans = best_cutting(bar, height=20, score=lambda s: [1.0] * len(s))
    >>> spans, round(total, 2)
    ([(0, 6)], 4.68)
    """
    prof = cuts.profile(own)
    width = own.shape[1]
    cands = candidates(prof, height=height, extra=extra)
    reach = max(1, round(BRIDGE_REACH * height))
    bridges = {b for b in (cuts.bridge(prof, c, reach=reach) for c in cands) if b[1] - b[0] > 1}
    bars = set(bar_runs(own, height=height))
    bridges |= bars
    base = {0, width, *cands, *(c for b in bridges for c in b)}
    if pitch is not None:
        counts = [(pitch, max(1, round(width / pitch)))]
    else:  # each glyph count whose pitch lies in the fonts' range
        fewest = max(1, int(width // (MAX_PITCH * height)))
        most = max(fewest, int(np.ceil(width / (MIN_PITCH * height))))
        counts = [(width / n, n) for n in range(fewest, most + 1)]
    best_total, best_pieces = -np.inf, [(0, width)]
    for p, n in counts:
        cols = set(base)
        if 1 < n <= DENSE_MAX_GLYPHS:  # few glyphs: try every few columns near the cuts
            step = max(1, round(DENSE_STEP * p))
            reach = round(DENSE_REACH * p)
            for k in range(1, n):
                at = round(k * width / n)
                cols.update(range(max(1, at - reach), min(width, at + reach + 1), step))
        total, pieces = _cut(sorted(cols), bridges, bars, height, p, score)
        if total > best_total:
            best_total, best_pieces = total, pieces
    return best_total, best_pieces


def _cut(cols: list[int], bridges: set[tuple[int, int]], bars: set[tuple[int, int]],
         height: float, pitch: float, score: Scorer) -> tuple[float, list[tuple[int, int]]]:
    """Best path through the cut columns for one pitch: (total, pieces).

    A step from one cut to a later one is either a piece, scored, or the skip
    of a thin bridge (a blot between glyphs), which scores nothing. Skips next to
    one another reach at most SKIP_REACH from where they began, unless the step
    is a bar (``bars``, see :func:`bar_runs`: a blot's bar is as long as it is).
    """
    smallest, largest = MIN_PIECE * height, MAX_PIECE * height
    last = len(cols) - 1
    steps: dict[tuple[int, int], float] = {}  # candidate pieces (i, j) -> pitch weight
    for j in range(1, len(cols)):
        for i in range(j - 1, -1, -1):
            span = cols[j] - cols[i]
            if span > largest:
                break
            off = (span - pitch) / (PITCH_SPREAD * pitch)
            if (i == 0 or j == last) and span < pitch:
                off = 0.0  # an end piece is only its ink and half a gap wide
            if span >= smallest and abs(off) <= PITCH_CUTOFF:
                steps[i, j] = span * float(np.exp(-0.5 * off * off))
    plausible = dict(zip(steps, score([(cols[i], cols[j]) for i, j in steps]), strict=True))
    best = np.full(len(cols), -np.inf)
    back: list[tuple[int, bool]] = [(-1, False)] * len(cols)
    best[0] = 0.0
    # where the run of skipped bridges that reaches each cut began (the cut itself
    # when the step there was a piece): skips chain over at most SKIP_REACH
    began = list(cols)
    reach = SKIP_REACH * height
    for j in range(1, len(cols)):
        for i in range(j - 1, -1, -1):
            if cols[j] - cols[i] > largest:
                break
            if best[i] == -np.inf:
                continue
            skip = (cols[i], cols[j])
            if (skip in bridges and best[i] > best[j]
                    and (skip in bars or cols[j] - began[i] <= reach)):
                best[j], back[j], began[j] = best[i], (i, False), began[i]
            if (i, j) not in steps or plausible[i, j] < 0:
                continue  # too narrow, too far from the pitch, or no glyph at all
            gain = (plausible[i, j] - WORTH) * steps[i, j] - PIECE_COST * pitch
            if best[i] + gain > best[j]:
                best[j], back[j], began[j] = best[i] + gain, (i, True), cols[j]
    if back[last][0] < 0:
        return -np.inf, [(0, cols[last])]
    pieces, j = [], last
    while j > 0:
        i, is_piece = back[j]
        if is_piece:
            pieces.append((cols[i], cols[j]))
        j = i
    return float(best[last]), pieces[::-1]


__all__ = [
    "BRIDGE_REACH",
    "MAX_PIECE",
    "MAX_PITCH",
    "MIN_PIECE",
    "MIN_PITCH",
    "bar_runs",
    "best_cutting",
    "best_spans",
    "blot_stub",
    "candidates",
]
