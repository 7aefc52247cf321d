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
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, NamedTuple

import cv2
import numpy as np

from topodigit import cuts, fallback, knn, rules, sevenseg, topology
from topodigit.binarize import INK_CHOICES, Binarized, binarize, border, edges
from topodigit.deskew import estimate_skew, rotate, unrotate_box
from topodigit.errors import BadArgumentError
from topodigit.io import load_image
from topodigit.layout import Token, arrange
from topodigit.results import Box, Glyph, Line, Reading, Topology, Verdict
from topodigit.scale import shrink, unscale_box
from topodigit.segment import MAX_COMPONENTS, Components, Region, components, region_mask, segment

FONT_CHOICES = ("auto", "print", "seven-segment")
#: A line whose segments did not come apart is still seven-segment when at least
#: SEVEN_MIN_DIGITS digits all but a tenth fit the pattern this well (measured on
#: the fixtures: print lines' 10th percentile at most 0.90, seven-segment lines'
#: median 1.0).
SEVEN_FIT = 0.93
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
#: Touching glyphs: a cut takes out the thin bridge around it (a blot), up to
#: this share of a glyph width each side.
BRIDGE_REACH = 0.15
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
        separate segment bars, or when nearly all its digits fit the
        seven-segment pattern closely; other lines are read by the rules. The
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
    for regions in seg.lines:
        seven = cfg.font == "seven-segment" or (cfg.font == "auto" and seg.seven_segment)
        lay = arrange(regions, seg.labels, seven_segment=seven)
        tokens = list(lay.tokens)
        decoded = _seven_segment(tokens, lay.height, bw.mask, cfg, seven)
        if decoded is not None and not seven:  # found by its fit: space it by cells
            lay = arrange(regions, seg.labels, seven_segment=True)
            tokens = list(lay.tokens)
        glyphs: list[_Read] = []
        k = 0
        while k < len(tokens):
            token = tokens[k]
            region = token.region
            if token.char is not None:
                mark = Verdict(token.char, 1.0, "layout", token.rule, token.reason)
                glyphs.append(_Read(region.box, None, mark, None, token.space_before))
                k += 1
                continue
            run = 1  # pieces of one region cut apart (touching glyphs) follow each other
            while (k + run < len(tokens) and tokens[k + run].char is None
                   and tokens[k + run].region.labels == region.labels):
                run += 1
            group = tokens[k:k + run]
            read_pieces: list[tuple[Box, Topology | None, Verdict, np.ndarray | None]]
            if decoded is not None:
                read_pieces = [(t.region.box, None, decoded[t.region], t.mask) for t in group]
            elif run > 1:
                read_pieces = [*_read_touching([t.region for t in group], bw, seg.labels,
                                               sharp, faint, cfg)]
            else:
                crop = glyph_crop(bw.ink, seg.labels, region)
                mask, topo, verdict = classify_crop(crop, sharp, faint,
                                                    norm_height=cfg.norm_height)
                read_pieces = [(region.box, topo, verdict, mask)]
            for token, (box, measured, verdict, ink) in zip(group, read_pieces, strict=True):
                glyphs.append(_Read(box, measured if cfg.keep_topology else None, verdict,
                                    ink, token.space_before))
            k += run
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


def _seven_segment(tokens: list[Token], height: float, mask: np.ndarray, cfg: ReaderConfig,
                   seven: bool) -> dict[Region, Verdict] | None:
    """Decode a line's digits by their lit segments, if it is a seven-segment line.

    Returns the verdicts keyed by digit region, or None when the line is
    print (``font="print"``, or ``"auto"`` and its segments neither came apart
    nor fit the seven-segment pattern closely). Segment-decoded glyphs carry
    no :class:`Topology`.
    """
    digits = [t.region for t in tokens if t.char is None]
    if cfg.font == "print" or not digits or (not seven and len(digits) < SEVEN_MIN_DIGITS):
        return None
    masks = [t.mask for t in tokens if t.char is None]
    wide = [r.box.width for r in digits if r.box.width > sevenseg.ONE_MAX_WIDTH * height]
    cell = float(np.median(wide)) if wide else None
    if not seven:  # cheap tests before the slant search: the digits taken upright
        upright_misfits = max(1, len(digits) // 10)
        for k, m in enumerate(masks):
            fit = sevenseg.decode(m, height=height, cell_width=cell).fit
            if k == 0 and fit < SEVEN_PRECHECK:
                return None
            upright_misfits -= fit < SEVEN_UPRIGHT
            if upright_misfits < 0:
                return None
    line = Box(min(r.box.top for r in digits), min(r.box.left for r in digits),
               max(r.box.bottom for r in digits), max(r.box.right for r in digits))
    slant = sevenseg.estimate_slant(mask[line.top:line.bottom, line.left:line.right])
    slants = [slant]
    if not seven and abs(slant) < min(ITALIC_SLANTS):
        slants += ITALIC_SLANTS  # small italics: the slant search sees them upright
    for s in slants:
        reads = _decode_line(masks, height, cell, s, seven)
        if reads is not None:
            return {r: sr.verdict for r, sr in zip(digits, reads, strict=True)}
    return None


def _decode_line(masks: list[np.ndarray], height: float, cell: float | None, slant: float,
                 seven: bool) -> list[sevenseg.SegmentReading] | None:
    """Segment readings of a line's digits, or None when too many misfit (``auto``)."""
    allowed_misfits = len(masks) // 10  # all but a tenth must fit
    reads = []
    for m in masks:
        reads.append(sevenseg.decode(m, height=height, cell_width=cell, slant=slant))
        if not seven and reads[-1].fit < SEVEN_FIT:
            allowed_misfits -= 1
            if allowed_misfits < 0:
                return None
    return reads


def _read_touching(pieces: list[Region], bw: Binarized, labels: np.ndarray, sharp: float,
                   faint: float, cfg: ReaderConfig
                   ) -> list[tuple[Box, Topology, Verdict, np.ndarray]]:
    """Read the pieces of one region cut apart, each cut widened to the whole thin
    bridge around it (see :mod:`topodigit.cuts`)."""
    whole = pieces[0].box
    for p in pieces[1:]:
        whole = whole.union(p.box)
    own = region_mask(labels, pieces[0], whole)
    prof = cuts.profile(own)
    reach = max(1, round(BRIDGE_REACH * whole.width / len(pieces)))
    spans, start = [], 0
    for p in pieces[:-1]:
        lo, hi = cuts.bridge(prof, p.box.right - whole.left, reach=reach)
        spans.append((start, lo))
        start = hi
    spans.append((start, own.shape[1]))
    out = []
    for (c0, c1), piece in zip(spans, pieces, strict=True):
        box = cuts.piece_box(own, whole, c0, c1) or piece.box
        crop = glyph_crop(bw.ink, labels, Region(box, piece.labels))
        mask, topo, verdict = classify_crop(crop, sharp, faint, norm_height=cfg.norm_height)
        out.append((box, topo, verdict, mask))
    return out


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
