"""The reader: the only module that knows the order of the stages.

load → binarize → deskew → segment → cut touching glyphs (cutting) → layout →
seven-segment lines (sevenline) or, per glyph, normalise → topology → rules
(measure) → page fallback → Reading.

Examples
--------
>>> import numpy as np
>>> read(np.full((30, 30), 255, np.uint8)).text
''
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, NamedTuple

import numpy as np

from topodigit import fallback, knn, sevensplit, topology
from topodigit.binarize import INK_CHOICES, Binarized, binarize, border, edges
from topodigit.cells import stroke_width
from topodigit.cutting import cut_line
from topodigit.deskew import estimate_skew, rotate, unrotate_box
from topodigit.errors import BadArgumentError
from topodigit.faint import with_faint_dots, with_faint_strokes
from topodigit.io import load_image
from topodigit.layout import Token, arrange
from topodigit.measure import classify_crop, glyph_crop
from topodigit.results import Box, Glyph, Line, Reading, Topology, Verdict
from topodigit.scale import scale_down, unscale_box
from topodigit.segment import MAX_COMPONENTS, Components, Region, components, region_mask, segment
from topodigit.sevenline import (
    SEVEN_FIT,
    cell_width,
    cut_apart_digits,
    decode_digits,
    line_slant,
    rejoined,
)
from topodigit.sevenseg import SegmentReading
from topodigit.sevensplit import kerned_one, shared_bars, split_wide, wide_misfits, without_side_bar

FONT_CHOICES = ("auto", "print", "seven-segment")
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
        at all; other lines are read by the rules. The other choices force one way.
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
        regions, labels = (list(line), labels) if seven else with_faint_strokes(
            list(line), labels, seg.labels, bw, sharp, faint, norm_height=cfg.norm_height)
        regions, cut, labels, joined = cut_line(regions, bw, labels, sharp, faint, seven=seven,
                                                norm_height=cfg.norm_height, shared=seg.labels)
        lay = arrange(regions, labels, seven_segment=seven, joined=joined)
        tokens = list(lay.tokens)
        cut_apart = cut_apart_digits(tokens, cut)
        slant = line_slant(tokens, lay.height, bw.mask, font=cfg.font, seven=seven,
                           cut_apart=cut_apart)
        decoded, shared = None, {}
        if slant is not None:  # space it by cells, split touching decimal points off
            regions = rejoined(regions, labels, height=lay.height, slant=slant)
            lay = arrange(regions, labels, seven_segment=True, slant=slant, joined=joined)
            dots = with_faint_dots(regions, labels, seg.labels, bw, lay)
            if dots is not None:  # a point or colon dot blurred below the ink threshold
                regions, labels = dots
                lay = arrange(regions, labels, seven_segment=True, slant=slant, joined=joined)
            tokens = list(lay.tokens)
            decoded = decode_digits(tokens, lay.height, slant)
            split = _split_joined(tokens, decoded, regions, labels, seg.labels, lay.height, slant)
            if split is not None:  # a 1 run into a digit (too narrow for the touching cut)
                regions, labels, pieces = split
                joined = joined | pieces
                lay = arrange(regions, labels, seven_segment=True, slant=slant, joined=joined)
                tokens = list(lay.tokens)
                decoded = decode_digits(tokens, lay.height, slant)
            cut_apart = cut_apart_digits(tokens, cut)
            if cut_apart:  # kerned pieces meeting on one bar: whose is it?
                strokes = stroke_width([t.mask for t in tokens if t.char is None])
                shared = shared_bars(tokens, decoded, cut_apart, slant=slant, stroke=strokes)
        glyphs: list[_Read] = []
        for token in tokens:
            region = token.region
            if token.char is not None:
                mark = Verdict(token.char, 1.0, "layout", token.rule, token.reason)
                glyphs.append(_Read(region.box, None, mark, None, token.space_before))
                continue
            # (a piece holding half of a shared bar may misfit the bars: shared_bars knows)
            if decoded is not None and (decoded[region].fit >= SEVEN_FIT
                                        or region not in cut_apart or region in shared):
                topo, verdict, ink = None, decoded[region].verdict, token.mask
                if region in cut_apart:  # kerned: the piece may hold its neighbour's bar
                    verdict = (shared.get(region) or without_side_bar(decoded[region])
                               or verdict)
            elif (decoded is not None and region in cut_apart and (bare := sevensplit.without_blot(
                    decoded[region], region.box.width, lay.height))):
                topo, verdict, ink = None, bare, token.mask  # a blot's end in a bar's place
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


def _split_joined(tokens: list[Token], decoded: Mapping[Region, SegmentReading],
                regions: list[Region], labels: np.ndarray, shared: np.ndarray, height: float,
                slant: float) -> tuple[list[Region], np.ndarray, set[Region]] | None:
    """A seven-segment line's regions with its wide misfits split in two
    (:func:`topodigit.sevensplit.split_wide`) and 1s kerned onto a digit split
    off (:func:`topodigit.sevensplit.kerned_one`), the label image with a new
    label for each part (a copy when ``labels`` is ``shared``), and the right
    parts; None when nothing was split."""
    digits = [t for t in tokens if t.char is None]
    cell = cell_width([t.region.box for t in digits], height)
    if cell is None:
        return None
    wide = wide_misfits(tokens, cell, decoded)
    stroke = stroke_width([t.mask for t in digits])
    out, right_parts = list(regions), set()
    for token in digits:
        box = token.region.box
        if token.region not in out:
            continue
        own = region_mask(labels, token.region)
        parts = (split_wide(own, height=height, cell=cell, slant=slant) if box in wide else
                 kerned_one(own, height=height, cell=cell, slant=slant, stroke=stroke))
        if parts is None:
            continue
        if labels is shared:
            labels = labels.copy()
        pieces = []
        for part in parts:
            label = int(labels.max()) + 1
            labels[box.top:box.bottom, box.left:box.right][part] = label
            rs, cs = np.flatnonzero(part.any(axis=1)), np.flatnonzero(part.any(axis=0))
            pieces.append(Region(Box(box.top + int(rs[0]), box.left + int(cs[0]),
                                     box.top + int(rs[-1]) + 1, box.left + int(cs[-1]) + 1),
                                 (label,)))
        k = out.index(token.region)
        out[k:k + 1] = pieces
        right_parts.add(pieces[1])
    return (out, labels, right_parts) if right_parts else None


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
    gray, factors, bw, found = scale_down(gray, ink=cfg.ink)  # large glyphs: a smaller copy
    if bw is None or found is None:  # not made by the text-height probe
        bw = binarize(gray, ink=cfg.ink)
        found = components(bw.mask)  # for the skew and the segmentation
    notes = []
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


__all__ = ["ReaderConfig", "check_roi", "model_for", "read", "samples"]
