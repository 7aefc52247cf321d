"""Cutting a line's touching glyphs apart, where the pieces read best.

The glue between segmentation and :mod:`topodigit.touching`: which regions of a
line are wide enough to be touching glyphs, their gray crops per candidate
piece, the score of a piece (the built-in HOG templates' vote on its
normalised mask), and the chosen pieces measured by the rules and relabelled.
"""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np

from topodigit import cuts, knn, touching
from topodigit.binarize import Binarized
from topodigit.layout import MIDDLE_BAND
from topodigit.measure import CROP_PAD, Measured, classify_crop, glyph_masks
from topodigit.results import UNREADABLE, Box, Verdict
from topodigit.segment import TALL_SHARE, Region, line_height, region_mask
from topodigit.signs import is_plus, minus_bar
from topodigit.slant import estimate_slant, row_shifts, shift_rows

#: A glyph at least this share of the line's digit height wide may be touching
#: glyphs and is cut by recognition (see topodigit.touching); the widest single
#: digits of the measured fonts (bold, italic) are about 0.8 ...
TOUCHING_WIDTH = 0.85
#: ... if it is also this many times as wide as the line's other (narrower)
#: glyphs (an italic 1 kerned into a 4 or from a 7 makes a pair only 1.2-1.25
#: times as wide), or, with fewer than two of those, wider than this share of
#: its height (a lone round 0 may be as wide as tall).
TOUCHING_WIDTHS = 1.2
TOUCHING_ALONE = 1.1
#: A line leaning at least this much (dx per row) has its touching glyphs cut
#: along its slant.
ITALIC_CUT = 0.05
#: Kerned 2s, 4s and 7s meet along their diagonals (leaning 0.4-0.6 dx per row),
#: where no cut along the line's lean parts them: a region at most this many
#: pitches wide (a pair; longer blobs, and noise, would pay twice for little) is
#: also cut along columns leaning DIAGONAL_CUT more (not on a seven-segment page) ...
DIAGONAL_GLYPHS = 2
DIAGONAL_CUT = 0.3
#: ... and cut so when that cutting's total (see
#: :func:`topodigit.touching.best_cutting`) beats the other's by this much per
#: column (on held-out renderings, leaning cuttings that won by less were as
#: often wrong as right: they had handed a neighbour's stroke to a thin glyph).
DIAGONAL_GAIN = 0.06
#: A cut piece the rules and the templates read as different digits has at most
#: this confidence, under the fallback's AMBIGUOUS, so the page decides it.
DISPUTED = 0.5
#: A cut piece the rules read as nothing or under this confidence is read again
#: without a blot's end that runs on across it (see :func:`_read_touching`) ...
ACROSS_UNSURE = 0.75
#: ... and read so when the rules then reach this confidence and the templates
#: read it as that digit or as none.
ACROSS_SURE = 0.9
#: A piece is scored without a blot's end across it too (a 7's open middle, a
#: 3's bay), unless the templates then read it as one of these: a bare stroke is
#: what most glyphs leave with a bar taken off (a 4's stem without its crossbar).
ACROSS_NOT = ("1", UNREADABLE)
#: A piece cut from touching glyphs drops its components smaller than this share
#: of its largest (slivers of the neighbour the cut went through).
SLIVER_SHARE = 0.15


def cut_line(regions: list[Region], bw: Binarized, labels: np.ndarray, sharp: float,
             faint: float, *, norm_height: int, shared: np.ndarray, seven: bool = False
             ) -> tuple[list[Region], dict[Box, Measured], np.ndarray, set[Region]]:
    """A line's regions with touching glyphs cut apart, the cut pieces as
    measured, the label image with a new label for each piece (``labels``
    itself, or a copy of it when ``labels`` is ``shared``, segmentation's own),
    and the pieces cut from the one before them.

    A region segmentation cut (its pieces share their labels and follow each
    other), or one wide for the line (TOUCHING_WIDTH, TOUCHING_WIDTHS,
    TOUCHING_ALONE), is cut again where its pieces read best
    (:func:`_read_touching`), before the layout measures spacing, so a space is
    not seen after a touching pair (on a ``seven``-segment page, only along the
    line's lean). Each piece gets its own label (the label image is copied
    first), so later stages see only its ink; a skipped bridge keeps the old
    label and belongs to no glyph.
    """
    if not regions:
        return regions, {}, labels, set()
    height = line_height([r.box for r in regions])
    narrow = [r.box.width for r in regions
              if r.box.height >= TALL_SHARE * height and r.box.width < TOUCHING_WIDTH * height]
    wide = (max(TOUCHING_WIDTH * height, TOUCHING_WIDTHS * float(np.median(narrow)))
            if len(narrow) >= 2 else TOUCHING_ALONE * height)
    out: list[Region] = []
    cut: dict[Box, Measured] = {}
    joined: set[Region] = set()
    last_label: int | None = None  # the largest label in use, once a piece needs a new one
    slant: float | None = None
    k = 0
    while k < len(regions):
        first = regions[k]
        run = 1
        while k + run < len(regions) and regions[k + run].labels == first.labels:
            run += 1
        group = regions[k:k + run]
        k += run
        if run == 1 and (first.box.width < wide or first.box.height < TALL_SHARE * height
                         or is_plus(region_mask(labels, first))):  # a plus, as wide as two 1s
            out.append(first)
            continue
        if slant is None:  # the line's lean, from all its glyphs (one blob misleads)
            slant = _line_slant(regions, labels)
        pieces, whole, marks = _read_touching(group, bw, labels, sharp, faint, height,
                                              norm_height=norm_height, slant=slant, seven=seven)
        if not pieces:  # nothing readable came out: leave the region as it was
            out.extend(group)
            continue
        if len(pieces) == 1 and run == 1 and not marks:
            out.append(first)
            cut[first.box] = pieces[0][1][1]
            continue
        if labels is shared:
            labels = labels.copy()
        if last_label is None:
            last_label = int(labels.max())
        cells: list[tuple[np.ndarray, Box, Measured | None]] = [
            (piece, box, measured) for piece, (box, measured) in pieces]
        cells += [(mark, box, None) for mark, box in marks]
        for n, (piece, box, measured) in enumerate(sorted(cells, key=lambda c: c[1].left)):
            last_label += 1
            labels[whole.top:whole.bottom, whole.left:whole.right][piece] = last_label
            out.append(Region(box, (last_label,)))
            if measured is not None:
                cut[box] = measured
            if n:
                joined.add(out[-1])
    return out, cut, labels, joined


def _read_touching(pieces: list[Region], bw: Binarized, labels: np.ndarray, sharp: float,
                   faint: float, height: float, *, norm_height: int, slant: float = 0.0,
                   seven: bool = False
                   ) -> tuple[list[tuple[np.ndarray, tuple[Box, Measured]]], Box,
                              list[tuple[np.ndarray, Box]]]:
    """Read a region of touching glyphs, cut where the pieces read best.

    Returns each piece's ink (a mask over the region's box) with its box and
    measurement, the region's box, and the ink left before the first piece or
    after the last when it looks like a sign (:func:`_sign_like`: a hyphen
    kerned into a digit; the layout decides what it is), with its box. On an italic line
    (``slant``, dx per row, at least ITALIC_CUT) the region is cut upright: its
    rows are unsheared first, so each cut leans with the glyphs. A pair (unless
    the page is ``seven``-segment) is also cut along columns leaning DIAGONAL_CUT
    more, and that cutting is kept when it reads better by DIAGONAL_GAIN a column.

    ``pieces`` are segmentation's cuts of one region (or the whole region);
    :func:`topodigit.touching.best_cutting` chooses the cuts, scoring each piece by
    the vote of the built-in HOG templates on its normalised mask (cheap: no
    topology; the same whichever classifier decides, so every classifier sees
    one segmentation). The chosen pieces are then measured and read by the rules,
    each without the end of a blot its cuts left on it
    (:func:`topodigit.touching.blot_stub`), unless that bar runs on across more
    than STUB_REACH of the piece (then it is the glyph's own) or the piece, read
    as one digit by the rules and the templates, reads less well without it.
    """
    whole = pieces[0].box
    for p in pieces[1:]:
        whole = whole.union(p.box)
    own = region_mask(labels, pieces[0], whole)
    model = knn.builtin("hog")
    leans = [slant if abs(slant) >= ITALIC_CUT else 0.0]
    if not seven and own.shape[1] <= DIAGONAL_GLYPHS * touching.MAX_PITCH * height:
        leans.append(leans[0] + DIAGONAL_CUT)  # (a display's bars lean with the line)
    found = []  # per lean: total per column (the diagonal's less DIAGONAL_GAIN), spans
    for k, lean in enumerate(leans):
        c = _Cutting(own, whole, lean, bw, sharp, faint, height, norm_height, model)
        extra = tuple(int(p.box.right - whole.left + c.shift[-1]) for p in pieces[:-1])
        total, spans = touching.best_cutting(c.upright, height=height, score=c.score,
                                             extra=extra)
        signs = _end_signs(c, spans, height)
        found.append((total / c.upright.shape[1] - k * DIAGONAL_GAIN, -k, spans, c, signs))
        if signs:  # a sign run into the region: its bar is parted along the line's lean
            break
    _, _, spans, c, signs = max(found, key=lambda f: f[:2])  # a tie keeps the line's lean
    crop, cut, votes = c.crop, c.cut, c.votes
    marks = [(rest, box) for _, rest, box, _ in signs]
    for k, _, _, shorter in signs:
        spans[k] = shorter
    out = []
    for span in spans:
        c.score([span])  # cached; only the whole region, when no cutting was found, is new
        got, vote = crop(*span), votes.get(span)
        if got is None:
            continue
        m = classify_crop(got[1], sharp, faint, norm_height=norm_height)
        # read without the blot's end, unless it runs on across the glyph (then
        # it is a bar of the glyph's own that the blot touched), or the piece
        # read one way by rules and templates alike reads worse without it
        if span in c.cleaned:
            trimmed, better = c.cleaned[span]
            if vote != m.verdict.char or better.confidence >= c.scores[span]:
                got, vote = trimmed, better.char
                m = classify_crop(got[1], sharp, faint, norm_height=norm_height)
        elif not m.verdict.readable or m.verdict.confidence < ACROSS_UNSURE:
            # a blot's end run on across the piece, as a glyph's own bar would, is
            # dropped when the piece reads as nothing sure with it, and without it
            # reads surely as a digit the templates do not read otherwise
            if span in c.bares:  # scored: the same blot ends, cut off already
                bare = c.bares[span]
            else:
                across = c.stub_of(span, across=True)
                bare = None if across is None else cut(*span, drop=across)
            if bare is not None:
                alt = classify_crop(bare[1], sharp, faint, norm_height=norm_height)
                # the templates are asked only about an inked piece the rules read surely
                if (alt.mask.any() and alt.verdict.confidence >= ACROSS_SURE
                        and _votes([alt.mask], model)[0].char in (alt.verdict.char,
                                                                  UNREADABLE)):
                    got, vote, m = bare, alt.verdict.char, alt  # no dispute
        if vote is not None and vote != m.verdict.char:  # a cut piece, read two ways
            m = m._replace(verdict=replace(
                m.verdict, confidence=min(m.verdict.confidence, DISPUTED),
                candidates=tuple(dict.fromkeys((*m.verdict.candidates, vote))),
                reason=f"{m.verdict.reason}; the templates say {vote} (cut piece)"))
        out.append((got[2], (got[0], m)))
    return out, whole, marks


class _Cutting:
    """One way to cut a region's ink (``own``, a mask over ``whole``): along
    columns leaning ``lean`` (dx per row; ``upright`` is the ink sheared so they
    stand upright, each pixel's column there ``ucol``), its scored pieces cached.
    :meth:`score` is the scorer :func:`topodigit.touching.best_cutting` asks.
    """

    def __init__(self, own: np.ndarray, whole: Box, lean: float, bw: Binarized, sharp: float,
                 faint: float, height: float, norm_height: int, model: knn.Model) -> None:
        self.own, self.whole, self.bw, self.model = own, whole, bw, model
        self.sharp, self.faint, self.height, self.norm_height = sharp, faint, height, norm_height
        self.shift = row_shifts(own.shape[0], lean)
        self.upright = shift_rows(own, self.shift)
        self.ucol = np.arange(own.shape[1])[None, :] + self.shift[:, None]
        self.rows = np.arange(own.shape[0])[:, None]  # each pixel's row, beside ucol
        self.crops: dict[tuple[int, int], tuple[Box, np.ndarray, np.ndarray] | None] = {}
        self.scores: dict[tuple[int, int], float] = {}
        self.votes: dict[tuple[int, int], str] = {}
        # a scored piece without its blot ends: cleaned (and vote), bares (however far)
        self.cleaned: dict[tuple[int, int], tuple[tuple[Box, np.ndarray, np.ndarray],
                                                  Verdict]] = {}
        self.bares: dict[tuple[int, int], tuple[Box, np.ndarray, np.ndarray] | None] = {}

    def cut(self, c0: int, c1: int, drop: np.ndarray | None = None
            ) -> tuple[Box, np.ndarray, np.ndarray] | None:
        """The piece between upright columns ``c0`` and ``c1`` (less ``drop``):
        its box, gray crop and ink, or None when it has no ink."""
        band = (self.ucol >= c0) & (self.ucol < c1)
        piece = self.own & band if drop is None else self.own & band & ~drop
        box = cuts.piece_box(piece, self.whole, 0, piece.shape[1])
        return None if box is None else (
            box, _piece_crop(self.bw.ink, piece, band, self.whole, box), piece)

    def crop(self, c0: int, c1: int) -> tuple[Box, np.ndarray, np.ndarray] | None:
        """:meth:`cut`, cached."""
        if (c0, c1) not in self.crops:
            self.crops[c0, c1] = self.cut(c0, c1)
        return self.crops[c0, c1]

    def stub_of(self, span: tuple[int, int], *, across: bool = False) -> np.ndarray | None:
        """The blot ends a span's cuts leave on it (as ``own``), None when there
        are none or (unless ``across``) they run on across more than STUB_REACH of it."""
        upright, height = self.upright, self.height
        stub = np.zeros_like(upright)
        if span[0] > 0:
            stub |= touching.blot_stub(upright, span[0], height=height, right=True)
        if span[1] < upright.shape[1]:
            stub |= touching.blot_stub(upright, span[1], height=height, right=False)
        reach = np.count_nonzero(stub.any(axis=0))
        limit = upright.shape[1] if across else touching.STUB_REACH * (span[1] - span[0])
        out: np.ndarray | None = stub[self.rows, self.ucol] if 0 < reach <= limit else None
        return out

    def score(self, spans: list[tuple[int, int]]) -> list[float]:
        """Each span's plausibility as one glyph: the templates' best confidence
        in it, with or without its blot ends; -1 for no glyph, or one too short."""
        scores = self.scores
        new = [span for span in dict.fromkeys(spans) if span not in scores]
        glyphs: list[tuple[tuple[int, int], np.ndarray, tuple[Box, np.ndarray, np.ndarray],
                         bool]] = []
        for span in new:
            got = self.crop(*span)
            scores[span] = -1.0  # no glyph, or punctuation-sized: not a piece
            if got is None or got[0].height < TALL_SHARE * self.height:
                continue
            stub = self.stub_of(span)  # the piece is scored with and without a blot's ends
            across = None if stub is not None else self.stub_of(span, across=True)
            bare = (None if stub is None and across is None
                    else self.cut(*span, drop=across if stub is None else stub))
            self.bares[span] = bare
            for each in (got, bare):
                if each is not None:
                    mask = glyph_masks(each[1], self.sharp, self.faint,
                                       norm_height=self.norm_height)[0]
                    if mask.any():
                        glyphs.append((span, mask, each, across is not None))
        if glyphs:
            for (span, _, each, far), vote in zip(
                    glyphs, _votes([g[1] for g in glyphs], self.model), strict=True):
                if far and each is not self.crops[span] and vote.char in ACROSS_NOT:
                    continue  # a blot's end across the piece, scored off, left no digit
                if each is not self.crops[span]:
                    self.cleaned[span] = (each, vote)
                if vote.confidence > scores[span]:
                    scores[span] = vote.confidence
                    self.votes[span] = vote.char
        return [scores[span] for span in spans]


def _end_signs(c: _Cutting, spans: list[tuple[int, int]], height: float
               ) -> list[tuple[int, np.ndarray, Box, tuple[int, int]]]:
    """Signs run into the ends of a region cut into ``spans`` (upright columns of
    ``c``): per sign, the span it ends, its ink and box, and that span without it.

    A bar at either end of the region, beyond or in its first or last piece, is
    a sign run into the digit when it is shaped like one (:func:`_sign_like`),
    unless the templates read the piece as another digit, and less well,
    without it (a 4's crossbar reaching out left of its stem is no minus).
    """
    out: list[tuple[int, np.ndarray, Box, tuple[int, int]]] = []
    width, spans = c.upright.shape[1], list(spans)
    for a, b in touching.bar_runs(c.upright, height=height) if spans else []:
        first, last = spans[0], spans[-1]
        at_start, at_end = a <= 1 and b < first[1], b >= width - 1 and a > last[0]
        rest = c.own & ((c.ucol < max(b, first[0])) if at_start else (c.ucol >= min(a, last[1])))
        box = cuts.piece_box(rest, c.whole, 0, rest.shape[1]) if at_start or at_end else None
        if box is None or not _sign_like(rest, box, c.whole, height):
            continue
        k, longer, shorter = (0, (0, first[1]), (max(b, first[0]), first[1])) if at_start else (
            len(spans) - 1, (last[0], width), (last[0], min(a, last[1])))
        without, along = c.score([shorter, longer])
        if without < along and c.votes.get(shorter) != c.votes.get(longer):
            continue
        out.append((k, rest, box, shorter))
        spans[k] = shorter
    return out


def _votes(masks: list[np.ndarray], model: knn.Model) -> list[Verdict]:
    """The templates' readings of normalised glyph masks, in one batch."""
    vecs = np.stack([knn.feature_vector(m, kind=model.features) for m in masks])
    return [vote for vote, _ in model.classify_many(vecs)]


def _sign_like(rest: np.ndarray, box: Box, whole: Box, height: float) -> bool:
    """Ink (``rest``, a mask over ``whole``) in the middle of its region and shaped
    like a minus sign (:func:`topodigit.signs.minus_bar`): a hyphen kerned into a
    digit. Ink left at a region's ends elsewhere is most often a sliver of a cut
    stroke, not a point."""
    mid = ((box.top + box.bottom) / 2 - whole.top) / max(whole.height, 1)
    crop = rest[box.top - whole.top:box.bottom - whole.top,
                box.left - whole.left:box.right - whole.left]
    return MIDDLE_BAND[0] <= mid <= MIDDLE_BAND[1] and minus_bar(crop, height)


def _line_slant(regions: list[Region], labels: np.ndarray) -> float:
    """Italic shear of a line (see :func:`topodigit.slant.estimate_slant`)."""
    line = regions[0].box
    for r in regions[1:]:
        line = line.union(r.box)
    crop = labels[line.top:line.bottom, line.left:line.right]
    ink = np.isin(crop, sorted({label for r in regions for label in r.labels}))
    return estimate_slant(ink) if ink.any() else 0.0


def _piece_crop(ink: np.ndarray, piece: np.ndarray, band: np.ndarray, whole: Box, box: Box,
                *, pad: int = CROP_PAD) -> np.ndarray:
    """Ink-high crop around ``box`` of one piece of a region (``piece``: its ink,
    ``band``: the pixels between its cuts, both masks over ``whole``), without
    slivers (SLIVER_SHARE), grown by one pixel as in
    :func:`~topodigit.measure.glyph_crop` but not past its cuts."""
    top, left = max(box.top - pad, 0), max(box.left - pad, 0)
    bottom, right = min(box.bottom + pad, ink.shape[0]), min(box.right + pad, ink.shape[1])
    mine = np.zeros((bottom - top, right - left), np.uint8)
    allowed = np.zeros_like(mine)
    t, lft = max(top, whole.top), max(left, whole.left)
    b, r = min(bottom, whole.bottom), min(right, whole.right)
    inside = (slice(t - top, b - top), slice(lft - left, r - left))
    there = (slice(t - whole.top, b - whole.top), slice(lft - whole.left, r - whole.left))
    mine[inside] = piece[there]
    allowed[inside] = band[there]
    allowed[:t - top] = allowed[t - top]  # pad rows keep the band of the row next to them
    allowed[b - top:] = allowed[b - top - 1]
    n, lab, stats, _ = cv2.connectedComponentsWithStats(mine, connectivity=8)
    if n > 2:  # slivers of a neighbour the cut cut off are not part of the glyph
        area = stats[1:, cv2.CC_STAT_AREA]
        mine = np.isin(lab, 1 + np.flatnonzero(area >= SLIVER_SHARE * area.max())).astype(
            np.uint8)
    grown = cv2.dilate(mine, np.ones((3, 3), np.uint8)) * allowed
    crop: np.ndarray = ink[top:bottom, left:right] * grown
    return crop


__all__ = ["TOUCHING_ALONE", "TOUCHING_WIDTH", "TOUCHING_WIDTHS", "cut_line"]
