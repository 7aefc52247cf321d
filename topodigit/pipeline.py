"""The reader: the only module that knows the order of the stages.

load → binarize → segment → (per glyph) normalise → skeleton/topology → rules → Reading.

Examples
--------
>>> import numpy as np
>>> read(np.full((30, 30), 255, np.uint8)).text
''
"""

from __future__ import annotations

import functools
import itertools
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, NamedTuple

import cv2
import numpy as np

from topodigit import cuts, fallback, knn, rules, sevenseg, topology, touching
from topodigit.binarize import INK_CHOICES, Binarized, binarize, border, edges
from topodigit.cells import full_height, without_points
from topodigit.deskew import estimate_skew, rotate, unrotate_box
from topodigit.errors import BadArgumentError
from topodigit.io import load_image
from topodigit.layout import Token, arrange
from topodigit.results import Box, Glyph, Line, Reading, Topology, Verdict
from topodigit.scale import shrink, unscale_box
from topodigit.segment import (
    MAX_COMPONENTS,
    TALL_SHARE,
    Components,
    Region,
    components,
    line_height,
    region_mask,
    segment,
)

FONT_CHOICES = ("auto", "print", "seven-segment")
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
#: first four digits): it spares print lines the slant search.
SEVEN_UPRIGHT = 0.75
SEVEN_MIN_DIGITS = 3
#: Slants (dx per row) also tried when the slant search finds a line upright but
#: it misfits: italic displays lean about 0.1, which glyphs under ~30 px hide.
ITALIC_SLANTS = (0.05, 0.1, 0.15)
#: A glyph at least this share of the line's digit height wide may be touching
#: glyphs and is cut by recognition (see topodigit.touching); the widest single
#: digits of the measured fonts (bold, italic) are about 0.8 ...
TOUCHING_WIDTH = 0.85
#: ... if it is also this many times as wide as the line's other (narrower)
#: glyphs, or, with fewer than two of those, wider than this share of its height
#: (a lone round 0 may be as wide as tall).
TOUCHING_WIDTHS = 1.4
TOUCHING_ALONE = 1.1
#: A piece cut from touching glyphs drops its components smaller than this share
#: of its largest (slivers of the neighbour the cut went through).
SLIVER_SHARE = 0.15
#: Pixels of context kept around a glyph before resampling.
CROP_PAD = 2
#: Glyphs are thresholded this far from paper to solid ink after resampling;
#: below one half, so faint anti-aliased joins of thin strokes stay joined ...
SHARP_FRACTION = 0.4
#: ... and again at this fainter level, for hairline joins (see topology.measure).
FAINT_FRACTION = 0.2
#: A blurred image (ink edges ramp over at least BLURRY_RAMP pixels and
#: BLURRY_RAMP_STROKES stroke widths; crisp text measured under 0.6 px or 0.06
#: strokes at 18-128 px, gaussian blur of 0.05 digit heights over 0.8 px and
#: 0.24 strokes) is thresholded nearer the ink, so blur does not fill the mouths
#: of 6 and 9.
BLURRY_RAMP = 0.8
BLURRY_RAMP_STROKES = 0.2
#: Hairlines (strokes under this many pixels) are all ramp; they are not blur.
BLURRY_STROKE = 2.5
BLURRY_SHARP = 0.6
BLURRY_FAINT = 0.4


#: Kernel that grows a glyph's own ink by one pixel (see :func:`glyph_crop`).
_SQUARE = np.ones((3, 3), np.uint8)


@dataclass(frozen=True)
class ReaderConfig:
    """Options of :func:`read`.

    Parameters
    ----------
    ink : {"auto", "dark", "light"}
        Ink polarity; ``"auto"`` detects it from the image border.
    norm_height : int
        Height glyphs are resampled to before measuring (16-200).
    max_components : int
        Cap on connected components examined per image.
    keep_topology : bool
        Attach each glyph's :class:`~topodigit.results.Topology` to the result.
    deskew : bool
        Straighten lines tilted by up to 6 degrees before reading.
    font : {"auto", "print", "seven-segment"}
        ``"auto"`` decodes a line by its lit segments when the image shows
        separate segment bars, or when nearly all its digits (at least three)
        fit the seven-segment pattern closely, every segment lit fully or not
        at all; other lines are read by the rules. The
        other choices force one way.
    classifier : {"hybrid", "rules", "knn"}
        ``"hybrid"``: the rules (or segment decoder), with page calibration, a
        consistency check and nearest neighbours for ambiguous glyphs (see
        :mod:`topodigit.fallback`); ``"rules"``: the rules alone; ``"knn"``:
        nearest neighbours alone. Segmentation is the same for all three.
    features : {"hog", "raw"}
        Features of the built-in templates: HOG, or classic 10x10 pixels.
        Ignored when ``model`` is given (a model has its own).
    model : path or knn.Model, optional
        Templates made with ``topodigit train`` instead of the built-in ones.
    """

    ink: str = "auto"
    norm_height: int = topology.NORM_HEIGHT
    max_components: int = MAX_COMPONENTS
    keep_topology: bool = True
    deskew: bool = True
    font: str = "auto"
    classifier: str = "hybrid"
    features: str = "hog"
    model: str | os.PathLike[str] | knn.Model | None = None

    def __post_init__(self) -> None:
        if self.classifier not in fallback.CLASSIFIERS:
            raise BadArgumentError(f"classifier must be one of {fallback.CLASSIFIERS}, "
                                   f"got {self.classifier!r}")
        if self.features not in knn.FEATURES:
            raise BadArgumentError(f"features must be one of {knn.FEATURES}, "
                                   f"got {self.features!r}")
        if self.model is not None and not isinstance(self.model, str | os.PathLike | knn.Model):
            raise BadArgumentError(f"model must be a path or a knn.Model, got {self.model!r}")
        if self.ink not in INK_CHOICES:
            raise BadArgumentError(f"ink must be one of {INK_CHOICES}, got {self.ink!r}")
        if not (_whole(self.norm_height) and 16 <= self.norm_height <= 200):
            raise BadArgumentError(f"norm_height must be an integer in 16..200, "
                                   f"got {self.norm_height!r}")
        if self.font not in FONT_CHOICES:
            raise BadArgumentError(f"font must be one of {FONT_CHOICES}, got {self.font!r}")
        if not (_whole(self.max_components) and self.max_components >= 1):
            raise BadArgumentError(f"max_components must be an integer >= 1, "
                                   f"got {self.max_components!r}")


def _whole(value: object) -> bool:
    """An int (or numpy integer), not a bool, float or string."""
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def glyph_crop(ink: np.ndarray, labels: np.ndarray, region: Region, *, pad: int = CROP_PAD
               ) -> np.ndarray:
    """Ink-high crop of one region, with pixels of other glyphs blanked.

    The region's own components are grown by one pixel so the anti-aliased rim
    that fell below the threshold stays with the glyph.
    """
    b = region.box
    top, left = max(b.top - pad, 0), max(b.left - pad, 0)
    bottom, right = min(b.bottom + pad, ink.shape[0]), min(b.right + pad, ink.shape[1])
    own = region_mask(labels, region, Box(top, left, bottom, right)).view(np.uint8)
    grown = cv2.dilate(own, _SQUARE)
    crop: np.ndarray = ink[top:bottom, left:right] * grown
    return crop


def glyph_masks(crop: np.ndarray, sharp: float, faint: float, *, norm_height: int
                ) -> tuple[np.ndarray, np.ndarray]:
    """Resample one crop and threshold it at the ``sharp`` and ``faint`` levels.

    Both masks are cut to the faint mask's ink box.
    """
    img = topology.resample(crop, height=norm_height)
    loose = img > faint
    left, top, width, height = cv2.boundingRect(loose.view(np.uint8))  # of the faint ink
    if width:
        img = img[top:top + height, left:left + width]
        loose = loose[top:top + height, left:left + width]
    return img > sharp, loose


class Measured(NamedTuple):
    """One glyph's normalised mask, its topology and the rules' verdict."""

    mask: np.ndarray
    topology: Topology
    verdict: Verdict


def classify_crop(crop: np.ndarray, sharp: float, faint: float, *, norm_height: int
                  ) -> Measured:
    """Normalise one crop, measure it and apply the rules."""
    mask, loose = glyph_masks(crop, sharp, faint, norm_height=norm_height)
    topo = topology.measure(mask, faint=loose)
    return Measured(mask, topo, rules.classify(topo))


def model_for(cfg: ReaderConfig) -> knn.Model:
    """The templates ``cfg`` asks for: its ``model``, else the built-in ones."""
    if isinstance(cfg.model, knn.Model):
        return cfg.model
    if cfg.model is None:
        return knn.builtin(cfg.features)
    path = os.fspath(cfg.model)
    try:
        stamp = os.stat(path).st_mtime_ns
    except OSError:
        stamp = 0
    return _load_model(path, stamp)


@functools.lru_cache(maxsize=8)
def _load_model(path: str, stamp: int) -> knn.Model:
    """Models are read-only, so a file is loaded once per modification time."""
    return knn.Model.load(path)


def check_roi(roi: Any, shape: tuple[int, int]) -> tuple[int, int, int, int]:
    """Validate ``roi`` = (x0, y0, x1, y1) in pixels against an image ``shape``."""
    h, w = shape
    try:
        x0, y0, x1, y1 = (int(v) for v in roi)
        exact = all(float(v) == int(v) for v in roi)
    except (TypeError, ValueError, OverflowError):
        raise BadArgumentError(f"roi must be four integers X0,Y0,X1,Y1, got {roi!r}") from None
    if not exact:
        raise BadArgumentError(f"roi must be four integers X0,Y0,X1,Y1, got {roi!r}")
    if not (0 <= x0 < x1 <= w and 0 <= y0 < y1 <= h):
        raise BadArgumentError(
            f"roi {x0},{y0},{x1},{y1} must satisfy 0 <= X0 < X1 <= {w} and 0 <= Y0 < Y1 <= {h}"
            f" (the image is {w}x{h})")
    return x0, y0, x1, y1


def _read_lines(bw: Binarized, cfg: ReaderConfig, found: Components | None = None
                ) -> tuple[list[list[_Read]], bool]:
    """Segment, lay out and classify; returns the lines and the truncation flag.

    ``found`` is ``components(bw.mask)``, when the caller already has it.
    """
    seg = segment(bw.mask, max_components=cfg.max_components, found=found)
    sharp, faint = bw.level(SHARP_FRACTION), bw.level(FAINT_FRACTION)
    ramp, stroke = edges(bw)
    if ramp >= BLURRY_RAMP and BLURRY_RAMP_STROKES * stroke <= ramp and stroke >= BLURRY_STROKE:
        sharp, faint = bw.level(BLURRY_SHARP), bw.level(BLURRY_FAINT)
    page: list[list[_Read]] = []
    labels = seg.labels  # copied, with new labels for the pieces, when glyphs are cut
    for line in seg.lines:
        seven = cfg.font == "seven-segment" or (cfg.font == "auto" and seg.seven_segment)
        regions, cut, joined = list(line), dict[Box, Measured](), set[Region]()
        if not seven:
            regions, cut, labels, joined = _cut_touching(regions, bw, labels, sharp, faint, cfg,
                                                         shared=seg.labels)
        lay = arrange(regions, labels, seven_segment=seven, joined=joined)
        tokens = list(lay.tokens)
        slant = _seven_segment(tokens, lay.height, bw.mask, cfg, seven)
        decoded = None
        if slant is not None:  # space it by cells, split touching decimal points off
            lay = arrange(regions, labels, seven_segment=True, slant=slant, joined=joined)
            tokens = list(lay.tokens)
            decoded = _decode_digits(tokens, lay.height, slant)
        # digits cut apart (by segmentation or touching): their segments may misfit
        cut_apart = {t.region for a, b in itertools.pairwise(tokens) if a.char is None
                     and b.char is None and a.region.labels == b.region.labels for t in (a, b)}
        cut_apart |= {t.region for t in tokens if t.region.box in cut}
        glyphs: list[_Read] = []
        for token in tokens:
            region = token.region
            if token.char is not None:
                mark = Verdict(token.char, 1.0, "layout", token.rule, token.reason)
                glyphs.append(_Read(region.box, None, mark, None, token.space_before))
                continue
            if decoded is not None and (decoded[region].fit >= SEVEN_FIT
                                        or region not in cut_apart):
                topo, verdict, ink = None, decoded[region].verdict, token.mask
            else:
                measured = cut.get(region.box)
                if measured is None:
                    measured = classify_crop(glyph_crop(bw.ink, labels, region), sharp,
                                             faint, norm_height=cfg.norm_height)
                ink, topo, verdict = measured
            glyphs.append(_Read(region.box, topo if cfg.keep_topology else None, verdict, ink,
                                token.space_before))
        if glyphs:
            page.append(glyphs)
    return page, seg.truncated


class _Read(NamedTuple):
    """A glyph read by the rules, segments or layout, before the page's fallback."""

    box: Box
    topology: Topology | None
    verdict: Verdict
    mask: np.ndarray | None
    space_before: bool


def _decide(page: list[list[_Read]], cfg: ReaderConfig) -> list[Line]:
    """Run the page's fallback (:func:`topodigit.fallback.decide`) and build its lines."""
    flat = [g for line in page for g in line]
    verdicts = [g.verdict for g in flat]
    if cfg.classifier != "rules" and flat:
        verdicts = fallback.decide(verdicts, [g.mask for g in flat], model=model_for(cfg),
                                   classifier=cfg.classifier)
    it = iter(verdicts)
    return [Line(tuple(Glyph.from_verdict(g.box, next(it), topology=g.topology,
                                          space_before=g.space_before) for g in line))
            for line in page]


def _cell_width(digits: list[Box], height: float) -> float | None:
    """Typical width of a line's digit cells (its 1s left out), None without one."""
    wide = [b.width for b in digits if b.width > sevenseg.ONE_MAX_WIDTH * height]
    return float(np.median(wide)) if wide else None


def _seven_segment(tokens: list[Token], height: float, mask: np.ndarray, cfg: ReaderConfig,
                   seven: bool) -> float | None:
    """The italic slant of a seven-segment line, or None when it is print.

    A line is print with ``font="print"``, or with ``"auto"`` when its segments
    neither came apart nor fit the seven-segment pattern closely (decimal points
    touching its digits split off, see :func:`topodigit.cells.without_points`).
    """
    digits = [t.region for t in tokens if t.char is None]
    if cfg.font == "print" or not digits or (not seven and len(digits) < SEVEN_MIN_DIGITS):
        return None
    masks = [t.mask for t in tokens if t.char is None]
    cell = _cell_width([r.box for r in digits], height)
    full = full_height([r.box for r in digits])
    if not seven:  # cheap tests before the slant search: the digits taken upright
        upright_misfits = max(1, len(digits) // 10)
        for k, m in enumerate(masks):
            fit = sevenseg.decode(m, height=height, cell_width=cell).fit
            if fit < SEVEN_UPRIGHT:  # a decimal point joined to it?
                peeled = without_points([m], height=full, slant=0.0, cell=cell)[0]
                if peeled is not m:
                    fit = max(fit, sevenseg.decode(peeled, height=height, cell_width=cell).fit)
            if k == 0 and fit < SEVEN_PRECHECK:
                return None
            upright_misfits -= fit < SEVEN_UPRIGHT
            if upright_misfits < 0:
                return None
    line = Box(min(r.box.top for r in digits), min(r.box.left for r in digits),
               max(r.box.bottom for r in digits), max(r.box.right for r in digits))
    slant = sevenseg.estimate_slant(mask[line.top:line.bottom, line.left:line.right])
    if seven:
        return slant
    slants = [slant]
    if abs(slant) < min(ITALIC_SLANTS):
        slants += ITALIC_SLANTS  # small italics: the slant search sees them upright
    elif slant:
        slants.append(0.0)  # upright digits that blur or a joined point made look slanted
    labels = [r.labels for r in digits]
    cut = [labels.count(lab) > 1 for lab in labels]  # pieces of touching glyphs cut apart
    if len(cut) - sum(cut) < SEVEN_MIN_DIGITS:
        cut = [False] * len(cut)
    for s in slants:
        if _fits(without_points(masks, height=full, slant=s), full, cell, s, cut):
            return s
    return None


def _fits(masks: list[np.ndarray], height: float, cell: float | None, slant: float,
          cut: list[bool]) -> bool:
    """All but a tenth of a line's digits fit the seven-segment pattern at ``slant``.

    Pieces of touching glyphs cut apart (``cut``) carry the ink that joined them
    (a blot, a bridge): their misfits do not count, and they are read with it cut
    out when they misfit (see _read_lines).
    """
    allowed_misfits = len(masks) // 10
    for m, excused in zip(masks, cut, strict=True):
        r = sevenseg.decode(m, height=height, cell_width=cell, slant=slant)
        if not excused and (r.fit < SEVEN_FIT or r.crisp < SEVEN_CRISP):
            allowed_misfits -= 1
            if allowed_misfits < 0:
                return False
    return True


def _decode_digits(tokens: list[Token], height: float, slant: float
                   ) -> dict[Region, sevenseg.SegmentReading]:
    """Segment readings of a seven-segment line's digits, keyed by region."""
    digits = [t for t in tokens if t.char is None]
    cell = _cell_width([t.region.box for t in digits], height)
    return {t.region: sevenseg.decode(t.mask, height=height, cell_width=cell, slant=slant)
            for t in digits}


def _cut_touching(regions: list[Region], bw: Binarized, labels: np.ndarray, sharp: float,
                  faint: float, cfg: ReaderConfig, *, shared: np.ndarray
                  ) -> tuple[list[Region], dict[Box, Measured], np.ndarray, set[Region]]:
    """A line's regions with touching glyphs cut apart, the cut pieces as
    measured, the label image with a new label for each piece (``labels``
    itself, or a copy of it when ``labels`` is ``shared``, segmentation's own),
    and the pieces cut from the one before them.

    A region segmentation cut (its pieces share their labels and follow each
    other), or one wide for the line (TOUCHING_WIDTH, TOUCHING_WIDTHS,
    TOUCHING_ALONE), is cut again
    where its pieces read best (:func:`_read_touching`), before the layout
    measures spacing, so a space is not seen after a touching pair. Each piece
    gets its own label (the label image is copied first), so later stages see
    only its ink; a skipped bridge keeps the old label and belongs to no glyph.
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
    k = 0
    while k < len(regions):
        first = regions[k]
        run = 1
        while k + run < len(regions) and regions[k + run].labels == first.labels:
            run += 1
        group = regions[k:k + run]
        k += run
        if run == 1 and (first.box.width < wide or first.box.height < TALL_SHARE * height):
            out.append(first)
            continue
        pieces, whole, own = _read_touching(group, bw, labels, sharp, faint, cfg, height)
        if not pieces:  # nothing readable came out: leave the region as it was
            out.extend(group)
            continue
        if len(pieces) == 1 and run == 1:
            out.append(first)
            cut[first.box] = pieces[0][1][1]
            continue
        if labels is shared:
            labels = labels.copy()
        for n, ((c0, c1), (box, measured)) in enumerate(pieces):
            label = int(labels.max()) + 1
            view = labels[whole.top:whole.bottom, whole.left + c0:whole.left + c1]
            view[own[:, c0:c1]] = label
            out.append(Region(box, (label,)))
            cut[box] = measured
            if n:
                joined.add(out[-1])
    return out, cut, labels, joined


def _read_touching(pieces: list[Region], bw: Binarized, labels: np.ndarray, sharp: float,
                   faint: float, cfg: ReaderConfig, height: float
                   ) -> tuple[list[tuple[tuple[int, int], tuple[Box, Measured]]], Box, np.ndarray]:
    """Read a region of touching glyphs, cut where the pieces read best.

    Returns each piece's column span (within the region's box) with its box and
    measurement, the region's box and its ink mask there.

    ``pieces`` are segmentation's cuts of one region (or the whole region);
    :func:`topodigit.touching.best_spans` chooses the cuts, scoring each piece by
    the vote of the built-in HOG templates on its normalised mask (cheap: no
    topology; the same whichever classifier decides, so every classifier sees
    one segmentation). The chosen pieces are then measured and read by the rules.
    """
    whole = pieces[0].box
    for p in pieces[1:]:
        whole = whole.union(p.box)
    own = region_mask(labels, pieces[0], whole)
    crops: dict[tuple[int, int], tuple[Box, np.ndarray] | None] = {}
    model = knn.builtin("hog")

    def crop(c0: int, c1: int) -> tuple[Box, np.ndarray] | None:
        if (c0, c1) not in crops:
            box = cuts.piece_box(own, whole, c0, c1)
            crops[c0, c1] = None if box is None else (
                box, _span_crop(bw.ink, own, whole, box, c0, c1))
        return crops[c0, c1]

    scores: dict[tuple[int, int], float] = {}

    def score(spans: list[tuple[int, int]]) -> list[float]:
        new = [span for span in dict.fromkeys(spans) if span not in scores]
        glyphs: list[tuple[tuple[int, int], np.ndarray]] = []
        for span in new:
            got = crop(*span)
            scores[span] = -1.0  # no glyph, or punctuation-sized: not a piece
            if got is not None and got[0].height >= TALL_SHARE * height:
                mask = glyph_masks(got[1], sharp, faint, norm_height=cfg.norm_height)[0]
                if mask.any():
                    glyphs.append((span, mask))
        if glyphs:
            vecs = np.stack([knn.feature_vector(m, kind=model.features) for _, m in glyphs])
            for (span, _), (vote, _) in zip(glyphs, model.classify_many(vecs), strict=True):
                scores[span] = vote.confidence
        return [scores[span] for span in spans]

    extra = tuple(p.box.right - whole.left for p in pieces[:-1])
    out = []
    for span in touching.best_spans(own, height=height, score=score, extra=extra):
        got = crop(*span)
        if got is not None:
            out.append((span, (got[0], classify_crop(got[1], sharp, faint,
                                                     norm_height=cfg.norm_height))))
    return out, whole, own


def _span_crop(ink: np.ndarray, own: np.ndarray, whole: Box, box: Box, c0: int, c1: int,
               *, pad: int = CROP_PAD) -> np.ndarray:
    """Ink-high crop of columns ``[c0, c1)`` of a region (``own`` within ``whole``)
    around ``box``, without slivers (SLIVER_SHARE), grown by one pixel as in
    :func:`glyph_crop` but never past those columns."""
    top, left = max(box.top - pad, 0), max(box.left - pad, 0)
    bottom, right = min(box.bottom + pad, ink.shape[0]), min(box.right + pad, ink.shape[1])
    mine = np.zeros(ink.shape[:2], np.uint8)[top:bottom, left:right]
    sel = np.zeros(own.shape, np.uint8)
    sel[:, c0:c1] = own[:, c0:c1]
    t, lft = max(top, whole.top), max(left, whole.left)
    b, r = min(bottom, whole.bottom), min(right, whole.right)
    mine[t - top:b - top, lft - left:r - left] = sel[t - whole.top:b - whole.top,
                                                     lft - whole.left:r - whole.left]
    n, lab, stats, _ = cv2.connectedComponentsWithStats(mine, connectivity=8)
    if n > 2:  # slivers of a neighbour the cut cut off are not part of the glyph
        area = stats[1:, cv2.CC_STAT_AREA]
        mine = np.isin(lab, 1 + np.flatnonzero(area >= SLIVER_SHARE * area.max())).astype(
            np.uint8)
    grown = cv2.dilate(mine, np.ones((3, 3), np.uint8))
    grown[:, :max(whole.left + c0 - left, 0)] = 0
    grown[:, max(whole.left + c1 - left, 0):] = 0
    crop: np.ndarray = ink[top:bottom, left:right] * grown
    return crop


def _move(page: list[list[_Read]], where: Callable[[Box], Box]) -> list[list[_Read]]:
    return [[g._replace(box=where(g.box)) for g in line] for line in page]


def read(image: Any, *, ink: str | None = None, roi: Any = None,
         config: ReaderConfig | None = None) -> Reading:
    """Read the digits in an image.

    Parameters
    ----------
    image : path, bytes, ndarray or PIL.Image
        Anything :func:`topodigit.load_image` accepts.
    ink : {"auto", "dark", "light"}, optional
        Overrides ``config.ink``.
    roi : (x0, y0, x1, y1), optional
        Read only this rectangle (pixels, x1/y1 exclusive). Boxes in the result
        are still in whole-image coordinates.
    config : ReaderConfig, optional
        Further options.

    Returns
    -------
    Reading
        Lines top to bottom, glyphs left to right, each with its reason.

    Raises
    ------
    BadImageError
        The image cannot be loaded.
    BadArgumentError
        An option is invalid (e.g. a ``roi`` outside the image).
    BadModelError
        ``config.model`` is not a readable topodigit model.
    """
    cfg = config or ReaderConfig()
    if ink is not None:
        cfg = replace(cfg, ink=ink)
    page, shape, polarity, notes = _scan(image, roi, cfg)
    return Reading(lines=tuple(_decide(page, cfg)), shape=shape, polarity=polarity,
                   notes=tuple(notes))


def samples(image: Any, *, config: ReaderConfig | None = None
            ) -> list[tuple[Glyph, np.ndarray | None]]:
    """Every glyph in reading order with the ink mask the classifiers see.

    Glyphs carry the rules' verdicts (no fallback); the mask is ``None`` for
    punctuation placed by layout. Used to build templates from known text.
    """
    page, _, _, _ = _scan(image, None, config or ReaderConfig())
    return [(Glyph.from_verdict(g.box, g.verdict, space_before=g.space_before), g.mask)
            for line in page for g in line]


def _scan(image: Any, roi: Any, cfg: ReaderConfig
          ) -> tuple[list[list[_Read]], tuple[int, int], str, list[str]]:
    """Load, binarize, deskew and read the page up to the fallback."""
    whole = load_image(image, copy=False)  # the stages only read it
    shape = (int(whole.shape[0]), int(whole.shape[1]))
    x0, y0, x1, y1 = check_roi(roi, shape) if roi is not None else (0, 0, shape[1], shape[0])
    gray = whole[y0:y1, x0:x1]
    full = gray.shape[:2]
    gray, factors = shrink(gray, ink=cfg.ink)  # large glyphs: read a smaller copy
    bw = binarize(gray, ink=cfg.ink)
    notes = []
    found = components(bw.mask)  # for the skew and the segmentation
    angle = 0.0
    if cfg.deskew:
        angle = estimate_skew(bw.mask, max_components=cfg.max_components, stats=found.stats)
    page_found: Components | None = found
    if angle:
        paper = int(np.median(border(gray)))
        turned, matrix = rotate(gray, angle, fill=paper)
        bw = binarize(turned, ink="dark" if bw.polarity == "dark-on-light" else "light")
        page_found = None
        notes.append(f"deskewed: lines were tilted {angle:+.2f} degrees")
    page, truncated = _read_lines(bw, cfg, page_found)
    if angle:
        page = _move(page, lambda b: Box(*unrotate_box(
            (b.top, b.left, b.bottom, b.right), matrix, gray.shape[:2])))
    if factors != (1.0, 1.0):
        page = _move(page, lambda b: Box(*unscale_box(
            (b.top, b.left, b.bottom, b.right), factors, full)))
    if x0 or y0:
        page = _move(page, lambda b: Box(b.top + y0, b.left + x0, b.bottom + y0, b.right + x0))
    if truncated:
        notes.append(f"only the {cfg.max_components} largest components were examined")
    return page, shape, bw.polarity, notes


__all__ = ["Measured", "ReaderConfig", "check_roi", "classify_crop", "glyph_crop", "model_for",
           "read", "samples"]
