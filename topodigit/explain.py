"""Why each glyph was read as it was: masks, skeleton and shape features as data.

:func:`explain` reads an image like :func:`topodigit.read` and, for every glyph,
rebuilds the normalised masks the classifier measured, its pruned skeleton and
maps of its holes and bays, next to the :class:`~topodigit.results.Topology`
and the decision. It is pure data: :func:`topodigit.render.explain_image` draws
it and :meth:`ImageExplanation.to_dict` exports it as JSON.

A deskewed image is explained in its straightened frame, so the boxes, masks
and features refer to the pixels that were measured (``deskew`` gives the angle).

Examples
--------
>>> import numpy as np, cv2
>>> page = np.full((60, 50), 255, np.uint8)
>>> _ = cv2.circle(page, (25, 30), 13, 0, 4)          # a ring: one hole
>>> ex = explain(page)
>>> [(g.glyph.char, g.topology.n_holes, int(g.hole_map.max())) for g in ex.glyphs]
[('0', 1, 1)]
>>> sorted(ex.to_dict()["glyphs"][0]["skeleton"])
['endpoints', 'junctions', 'pixels']
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import cv2
import numpy as np
from scipy import ndimage as ndi
from skimage.morphology import convex_hull_image

from topodigit import measure, pipeline, topology
from topodigit import skeleton as sk
from topodigit.binarize import Binarized, binarize, border, edges
from topodigit.deskew import estimate_skew, rotate
from topodigit.io import load_image
from topodigit.results import Box, Glyph, Reading, Topology
from topodigit.segment import Region

#: A component belongs to a glyph when at least this share of its pixels lies
#: in the glyph's box (the dot of a dotted zero: all; an italic neighbour's
#: overhang: a few per cent; half of a cut touching pair: about a half), or
#: when it makes up this share of the ink in the box (one of many touching glyphs).
MEMBER_SHARE = 0.3
#: Methods whose glyphs are not digits: no masks are measured for them.
NOT_MEASURED = ("layout",)
#: A hole or bay is drawn on the region nearest its centre, if that region comes
#: within this share of the glyph height of it.
MATCH_REACH = 0.15
#: Decimals of normalised positions in ``to_dict``.
JSON_DIGITS = 4


@dataclass(frozen=True, eq=False)
class GlyphExplanation:
    """One glyph with what its classifier saw.

    ``mask`` and ``faint`` are the normalised masks (``norm_height`` rows),
    ``skeleton`` the pruned skeleton of ``mask``; ``hole_map`` and ``bay_map``
    label the pixels of hole ``k`` and bay ``k`` of ``topology`` with ``k``
    (1-based; 0 elsewhere; a hole closed only by faint pixels may have no
    pixels). ``measured_here`` is true when the reader attached no topology
    (seven-segment glyphs) and it was measured here for display. The masks are
    cut again from the image; ``reproduced`` says whether measuring them gives
    the reader's topology exactly (it does for all but a few glyphs in a
    thousand, where a neighbour's ink reaches into the box differently).
    """

    index: int
    line: int
    glyph: Glyph
    mask: np.ndarray
    faint: np.ndarray
    skeleton: np.ndarray
    topology: Topology | None
    hole_map: np.ndarray
    bay_map: np.ndarray
    measured_here: bool = False
    reproduced: bool = True

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe summary: the glyph, its topology and skeleton counts."""
        topo = self.topology
        return {
            "index": self.index, "line": self.line, **self.glyph.to_dict(),
            "mask": {"height": int(self.mask.shape[0]), "width": int(self.mask.shape[1]),
                     "ink_pixels": int(self.mask.sum())},
            "skeleton": {
                "pixels": int(self.skeleton.sum()),
                "endpoints": _points(topo.endpoints) if topo else [],
                "junctions": _points(topo.junctions) if topo else [],
            },
            "topology": topo.to_dict() if topo else None,
            "topology_source": None if topo is None else
            ("explain" if self.measured_here else "reader"),
            "mask_reproduced": self.reproduced,
        }


@dataclass(frozen=True, eq=False)
class ImageExplanation:
    """A reading with one :class:`GlyphExplanation` per glyph, in reading order.

    ``image`` is the gray image the boxes refer to (straightened when
    ``deskew`` is nonzero: the angle in degrees the lines were tilted).
    """

    image: np.ndarray
    reading: Reading
    glyphs: tuple[GlyphExplanation, ...] = field(default=())
    deskew: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary: the reading's fields and the glyph explanations."""
        d = self.reading.to_dict()
        del d["lines"]
        return {**d, "deskew_degrees": round(self.deskew, 3),
                "glyphs": [g.to_dict() for g in self.glyphs]}


def explain(image: Any, *, config: pipeline.ReaderConfig | None = None,
            ink: str | None = None) -> ImageExplanation:
    """Read ``image`` and explain every glyph.

    Parameters
    ----------
    image : path, bytes, ndarray or PIL.Image
        Anything :func:`topodigit.load_image` accepts.
    config : ReaderConfig, optional
        Reader options, as for :func:`topodigit.read`.
    ink : {"auto", "dark", "light"}, optional
        Overrides ``config.ink``.

    Returns
    -------
    ImageExplanation
        The reading (boxes in the frame of ``.image``) and per-glyph masks,
        skeletons, hole and bay maps and topology.
    """
    cfg = config or pipeline.ReaderConfig()
    if ink is not None:
        cfg = replace(cfg, ink=ink)
    gray = load_image(image)
    bw = binarize(gray, ink=cfg.ink)
    angle = estimate_skew(bw.mask, max_components=cfg.max_components) if cfg.deskew else 0.0
    if angle:  # as read() does, but keep the straightened frame
        gray, _ = rotate(gray, angle, fill=int(np.median(border(gray))))
        cfg = replace(cfg, deskew=False,
                      ink="dark" if bw.polarity == "dark-on-light" else "light")
        bw = binarize(gray, ink=cfg.ink)
    reading = pipeline.read(gray, config=replace(cfg, keep_topology=True))
    sharp, faint = _levels(bw)
    _, labels = cv2.connectedComponents(bw.mask.astype(np.uint8), connectivity=8)
    sizes = np.bincount(labels.ravel())
    out: list[GlyphExplanation] = []
    for n_line, line in enumerate(reading.lines):
        for glyph in line.glyphs:
            crop = _crop(bw, labels, sizes, glyph.box)
            out.append(explain_crop(crop, glyph, sharp=sharp, faint=faint, index=len(out),
                                    line=n_line, norm_height=cfg.norm_height))
    return ImageExplanation(gray, reading, tuple(out), float(angle))


def explain_crop(crop: np.ndarray, glyph: Glyph, *, sharp: float, faint: float, index: int = 0,
                 line: int = 0, norm_height: int = topology.NORM_HEIGHT) -> GlyphExplanation:
    """Explain one glyph from its ink-high gray ``crop`` (see :func:`topodigit.measure.glyph_crop`).

    The crop is normalised as the reader does; the glyph's own topology is
    kept when it has one, else it is measured here (except for punctuation).

    Examples
    --------
    >>> from topodigit.results import Box
    >>> crop = np.zeros((20, 8), np.uint8); crop[:, 3:6] = 255
    >>> g = Glyph(Box(0, 0, 20, 8), "1", 0.9, "rule", "narrow", "no hole, narrow")
    >>> ex = explain_crop(crop, g, sharp=100, faint=50)
    >>> ex.mask.shape[0], len(ex.topology.endpoints), ex.measured_here
    (40, 2, True)
    """
    mask, loose = measure.glyph_masks(crop, sharp, faint, norm_height=norm_height)
    topo, here, same = glyph.topology, False, True
    if glyph.method not in NOT_MEASURED and mask.any():
        measured = topology.measure(mask, faint=loose)
        if topo is None:
            topo, here = measured, True
        same = measured == topo
    skel = sk.skeleton(mask) if mask.any() else np.zeros_like(mask)
    holes, bays = _feature_maps(mask, loose, topo)
    return GlyphExplanation(index=index, line=line, glyph=glyph, mask=mask, faint=loose,
                            skeleton=skel, topology=topo, hole_map=holes, bay_map=bays,
                            measured_here=here, reproduced=same)


def _points(points: tuple[tuple[float, float], ...]) -> list[list[float]]:
    return [[round(r, JSON_DIGITS), round(c, JSON_DIGITS)] for r, c in points]


def _levels(bw: Binarized) -> tuple[float, float]:
    """The sharp and faint mask levels the reader uses for this image."""
    ramp, stroke = edges(bw)
    if ramp >= pipeline.BLURRY_RAMP and pipeline.BLURRY_RAMP_STROKES * stroke <= ramp \
            and stroke >= pipeline.BLURRY_STROKE:
        return bw.level(pipeline.BLURRY_SHARP), bw.level(pipeline.BLURRY_FAINT)
    return bw.level(pipeline.SHARP_FRACTION), bw.level(pipeline.FAINT_FRACTION)


def _crop(bw: Binarized, labels: np.ndarray, sizes: np.ndarray, box: Box) -> np.ndarray:
    """The glyph's crop, with only the components that mostly lie in its box."""
    inside = np.bincount(labels[box.top:box.bottom, box.left:box.right].ravel(),
                         minlength=len(sizes))
    inside[0] = 0  # paper
    share = MEMBER_SHARE * np.minimum(sizes, inside.sum())  # of itself, or of the box's ink
    own = np.flatnonzero((inside > 0) & (inside >= share))
    return measure.glyph_crop(bw.ink, labels, Region(box, tuple(int(v) for v in own)))


def _feature_maps(mask: np.ndarray, loose: np.ndarray, topo: Topology | None
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Label the pixels of each of ``topo``'s holes and bays by its 1-based index."""
    holes = np.zeros(mask.shape, np.int32)
    bays = np.zeros(mask.shape, np.int32)
    if topo is None or not mask.any():
        return holes, bays
    whole = ndi.binary_fill_holes(mask | loose)
    centres = [(h.row, h.col) for h in topo.holes]
    left = _match(holes, ndi.label(ndi.binary_fill_holes(mask) & ~mask)[0], centres)
    if left:  # holes that only the faint mask closes
        _match(holes, ndi.label(whole & ~(mask | loose))[0], centres, only=left)
    space = convex_hull_image(whole) & ~whole
    _match(bays, ndi.label(space)[0], [(b.row, b.col) for b in topo.bays])
    return holes, bays


def _match(out: np.ndarray, regions: np.ndarray, centres: list[tuple[float, float]], *,
           only: set[int] | None = None) -> set[int]:
    """Give each feature (normalised centre; 1-based, those in ``only`` if given) the
    unused region nearest to it; return the features left without one."""
    rows, cols = out.shape
    found = sorted(ndi.value_indices(regions, ignore_value=0).items())
    used: set[int] = set()
    left = set()
    for k, (row, col) in enumerate(centres, 1):
        if only is not None and k not in only:
            continue
        best, best_d = None, (MATCH_REACH * rows) ** 2
        for i, (rr, cc) in found:
            if i in used:
                continue
            d = np.min((rr + 0.5 - row * rows) ** 2 + (cc + 0.5 - col * cols) ** 2)
            if d <= best_d:
                best, best_d = i, d
        if best is None:
            left.add(k)
            continue
        used.add(best)
        rr, cc = dict(found)[best]
        out[rr, cc] = k
    return left


__all__ = ["GlyphExplanation", "ImageExplanation", "explain", "explain_crop"]
