"""Ink mask → glyph regions grouped into lines, in reading order.

Connected components (8-connected) are merged when they are pieces of one glyph
(a dotted zero's dot inside its ring, a stroke broken by thin rendering), specks
are dropped, and the glyphs are grouped into lines by vertical overlap.

Examples
--------
>>> import numpy as np
>>> m = np.zeros((12, 20), bool)
>>> m[2:10, 2:5] = True; m[2:10, 8:12] = True; m[5:7, 9:11] = False
>>> seg = segment(m)
>>> [[r.box.left for r in line] for line in seg.lines]
[[2, 8]]
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import NamedTuple

import cv2
import numpy as np

from topodigit.errors import BadArgumentError
from topodigit.quantiles import median, percentile
from topodigit.results import Box

#: Components smaller than this many pixels are noise at any size.
MIN_AREA_PX = 3
#: A piece whose columns overlap another's by this share of the narrower width
#: belongs to the same glyph (dotted zero, broken strokes) ...
MERGE_COL_OVERLAP = 0.5
#: ... if the vertical gap between them is at most this share of the taller one.
MERGE_ROW_GAP = 0.25
#: ... and together they are at most this many typical glyph heights tall (or
#: overlap in rows): two whole glyphs stacked are in different lines.
MERGE_MAX_SPAN = 1.3
#: ... unless they all but touch (a gap under this share of the taller): the two
#: bars of a seven-segment 1, which no line spacing brings so close.
MERGE_TIGHT_GAP = 0.1
#: A piece no taller and no wider than this share of the typical glyph height is
#: a mark (a decimal point, a colon's dot, a speck): it joins another piece
#: only from above, below or inside its box (a broken stroke, the dot of a
#: dotted zero), never from beside it.
MARK_SIZE = 0.35
#: A piece about as wide as tall (within DOT_ASPECT) and no bigger than this
#: share of the typical glyph height is a dot: two dots stacked are a colon
#: (a blurred one's dots reach 0.36 H), never joined into one glyph.
DOT_SIZE = 0.45
DOT_ASPECT = 1.5
#: Glyphs at least this share of a line's tallest are digit-sized (see line_height).
TALL_SHARE = 0.6
#: Two glyphs share a line when their rows overlap by this share of the shorter.
LINE_ROW_OVERLAP = 0.4
#: ... and a glyph no taller than this share of a line joins it when their rows
#: overlap at all: a comma hanging below the baseline (up to 0.48 of the digit
#: height in the fonts measured, more when uneven light or blur thickens it).
LINE_MARK = 0.55
#: Seven-segment displays: a piece at least this many times longer than thick is a bar ...
BAR_ELONGATION = 3.0
#: ... and when bars make up this share of the pieces (with upright and lying
#: bars of similar length, at least SEVEN_MIN_BARS of them), the image shows
#: separate segments ...
SEVEN_BAR_SHARE = 0.4
SEVEN_MIN_BARS = 4
#: ... which are joined across gaps up to this share of the digit height, taken
#: as SEVEN_DIGIT_BARS upright bars (far below the gap between digits).
SEVEN_GAP = 0.04
SEVEN_DIGIT_BARS = 2.2
#: Most components examined per image; the rest are ignored and reported.
MAX_COMPONENTS = 2000
#: A glyph at least this many typical widths wide (and wider than tall by
#: SPLIT_MIN_ASPECT) is touching neighbours and is cut at its thinnest columns ...
SPLIT_WIDTHS = 1.6
SPLIT_MIN_ASPECT = 1.1
#: ... searching for each cut this share of a typical width around its expected place.
SPLIT_SEARCH = 0.3
#: Without a typical width in the line, a glyph is taken to be this share of its height.
DEFAULT_ASPECT = 0.6


@dataclass(frozen=True)
class Region:
    """One glyph candidate: its box and the component labels it is made of."""

    box: Box
    labels: tuple[int, ...]


class Components(NamedTuple):
    """8-connected components of an ink mask: their number ``n`` (with the paper,
    label 0), the label image and OpenCV's stats (see :func:`components`)."""

    n: int
    labels: np.ndarray
    stats: np.ndarray


def components(mask: np.ndarray) -> Components:
    """The 8-connected components of an ink mask (``cv2.connectedComponentsWithStats``).

    Labelled with Grana's block-based algorithm (``cv2.CCL_BBDT``): the same
    labels as OpenCV's default, at a third of its time on a line image. Only
    the ink's box is labelled (its stats pass costs per pixel, paper included),
    from an even row and column, so its 2x2 blocks, scanned in the same order,
    are the whole image's: the same labels and stats (the paper's, label 0,
    made whole).

    >>> components(np.eye(3, dtype=bool)).n
    2
    >>> m = np.zeros((9, 12), bool); m[3:6, 5:7] = m[7, 9] = True
    >>> got = components(m)
    >>> want = cv2.connectedComponentsWithStats(m.view(np.uint8), connectivity=8)
    >>> bool((got.labels == want[1]).all() and (got.stats == want[2]).all())
    True
    """
    ink = np.ascontiguousarray(mask).view(np.uint8)
    rows, cols = ink.shape
    x, y, w, h = cv2.boundingRect(ink)
    left, top, right, bottom = x & ~1, y & ~1, x + w, y + h  # from even: the same blocks
    if not w or (right - left) * (bottom - top) == rows * cols:
        n, labels, stats, _ = cv2.connectedComponentsWithStatsWithAlgorithm(
            ink, 8, cv2.CV_32S, cv2.CCL_BBDT)
        return Components(int(n), labels, stats)
    n, inner, stats, _ = cv2.connectedComponentsWithStatsWithAlgorithm(
        ink[top:bottom, left:right], 8, cv2.CV_32S, cv2.CCL_BBDT)
    labels = np.zeros((rows, cols), np.int32)
    labels[top:bottom, left:right] = inner
    stats[1:, cv2.CC_STAT_LEFT] += left
    stats[1:, cv2.CC_STAT_TOP] += top
    stats[0] = _paper_stats(stats, (top, left, bottom, right), (rows, cols))
    return Components(int(n), labels, stats)


def _paper_stats(stats: np.ndarray, crop: tuple[int, int, int, int], shape: tuple[int, int]
                 ) -> list[int]:
    """OpenCV's stats row of the paper (label 0) of a whole image whose ink lies
    in ``crop`` (top, left, bottom, right), from the crop's labelling ``stats``
    (the ink's rows already moved to the whole image)."""
    top, left, bottom, right = crop
    rows, cols = shape
    boxes = [(0, 0, top, cols), (bottom, 0, rows, cols), (top, 0, bottom, left),
             (top, right, bottom, cols)]  # the paper around the crop
    boxes = [b for b in boxes if b[0] < b[2] and b[1] < b[3]]
    if stats[0, cv2.CC_STAT_AREA]:  # paper inside the crop
        t, le = top + int(stats[0, cv2.CC_STAT_TOP]), left + int(stats[0, cv2.CC_STAT_LEFT])
        boxes.append((t, le, t + int(stats[0, cv2.CC_STAT_HEIGHT]),
                      le + int(stats[0, cv2.CC_STAT_WIDTH])))
    t, le = min(b[0] for b in boxes), min(b[1] for b in boxes)
    b, r = max(b[2] for b in boxes), max(b[3] for b in boxes)
    return [le, t, r - le, b - t, rows * cols - int(stats[1:, cv2.CC_STAT_AREA].sum())]


@dataclass(frozen=True)
class Segmentation:
    """Result of :func:`segment`: the label image and the lines of regions."""

    labels: np.ndarray
    lines: tuple[tuple[Region, ...], ...]
    dropped: int
    truncated: bool
    #: Separate segments of seven-segment digits were joined.
    seven_segment: bool = False


def region_mask(labels: np.ndarray, region: Region, box: Box | None = None) -> np.ndarray:
    """The region's own ink within ``box`` (default: its box): True where
    ``labels`` holds one of its component labels.

    >>> lab = np.array([[1, 1, 0, 2], [0, 3, 0, 2]])
    >>> region_mask(lab, Region(Box(0, 0, 2, 4), (1, 2))).astype(int)
    array([[1, 1, 0, 1],
           [0, 0, 0, 1]])
    """
    b = region.box if box is None else box
    crop = labels[b.top:b.bottom, b.left:b.right]
    own: np.ndarray = crop == region.labels[0]
    for label in region.labels[1:]:
        own |= crop == label
    return own


def _find(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def _merge_pairs(stats: np.ndarray) -> np.ndarray:
    """Boolean matrix: components i, j are pieces of one glyph."""
    top, left = stats[:, cv2.CC_STAT_TOP], stats[:, cv2.CC_STAT_LEFT]
    h, w = stats[:, cv2.CC_STAT_HEIGHT], stats[:, cv2.CC_STAT_WIDTH]
    bottom, right = top + h, left + w
    col_ov = np.minimum(right[:, None], right[None, :]) - np.maximum(left[:, None], left[None, :])
    narrow = np.minimum(w[:, None], w[None, :])
    row_gap = np.maximum(top[:, None], top[None, :]) - np.minimum(bottom[:, None], bottom[None, :])
    tall = np.maximum(h[:, None], h[None, :])
    big = stats[:, cv2.CC_STAT_AREA] >= median(stats[:, cv2.CC_STAT_AREA].tolist())
    typical = percentile(h[big].tolist(), 75) if big.any() else float(h.max(initial=1))
    span = np.maximum(bottom[:, None], bottom[None, :]) - np.minimum(top[:, None], top[None, :])
    out: np.ndarray = ((col_ov >= MERGE_COL_OVERLAP * narrow) & (row_gap <= MERGE_ROW_GAP * tall)
                       & ((span <= MERGE_MAX_SPAN * typical)
                          | (row_gap <= np.maximum(1, MERGE_TIGHT_GAP * tall))))
    mark = np.maximum(h, w) <= MARK_SIZE * typical
    inside = ((left[:, None] > left[None, :]) & (right[:, None] < right[None, :])
              & (top[:, None] > top[None, :]) & (bottom[:, None] < bottom[None, :]))
    # a mark joins a piece from above or below, or from inside its box; never
    # from beside it, where a decimal point sits
    out &= ~(mark[:, None] | mark[None, :]) | (row_gap >= 0) | inside | inside.T
    # two dots, one above the other, are a colon's, not one glyph's pieces
    dot = ((np.maximum(h, w) <= DOT_SIZE * typical)
           & (np.maximum(h, w) <= DOT_ASPECT * np.minimum(h, w)))
    out &= ~(dot[:, None] & dot[None, :]) | inside | inside.T
    np.fill_diagonal(out, False)
    return out


def _seven_segment_groups(labels: np.ndarray, stats: np.ndarray, ids: np.ndarray
                          ) -> np.ndarray | None:
    """Group the separate segments of seven-segment digits, or None if there are none.

    Returns, per component in ``ids``, a group number (marks get their own).
    """
    h, w = stats[ids, cv2.CC_STAT_HEIGHT], stats[ids, cv2.CC_STAT_WIDTH]
    upright, lying = h >= BAR_ELONGATION * w, w >= BAR_ELONGATION * h
    bars = int(upright.sum() + lying.sum())
    if (upright.sum() < 2 or lying.sum() < 1 or bars < SEVEN_MIN_BARS
            or bars < SEVEN_BAR_SHARE * len(ids)):
        return None
    bar_len = float(np.median(w[lying]))  # one segment (upright bars may be two joined)
    if not 0.5 <= float(np.median(h[upright])) / bar_len <= 2.5:
        return None  # a line of 1s and minus signs, not segments
    mark = np.maximum(h, w) < MARK_SIZE * bar_len
    radius = max(1, round(SEVEN_GAP * SEVEN_DIGIT_BARS * bar_len))
    body = np.isin(labels, ids[~mark]).astype(np.uint8)
    disk = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
    _, joined = cv2.connectedComponents(cv2.dilate(body, disk), connectivity=8)
    # each piece lies inside one joined blob: label -> blob, looked up per piece
    blob = np.zeros(int(labels.max()) + 1, np.int64)
    inked = body.astype(bool)
    blob[labels[inked]] = joined[inked]
    group: np.ndarray = np.where(mark, -1 - np.arange(len(ids)), blob[ids])
    return group


def _group_lines(boxes: list[Box]) -> list[list[int]]:
    """Greedy line grouping by vertical overlap, tallest glyphs first."""
    order = sorted(range(len(boxes)), key=lambda i: -boxes[i].height)
    lines: list[tuple[int, int, list[int]]] = []  # (top, bottom, members)
    for i in order:
        b = boxes[i]
        for k, (top, bottom, members) in enumerate(lines):
            overlap = min(bottom, b.bottom) - max(top, b.top)
            # a mark (e.g. a comma hanging below the baseline) joins a line it touches
            mark = b.height <= LINE_MARK * (bottom - top)
            if overlap >= LINE_ROW_OVERLAP * min(b.height, bottom - top) or (mark and overlap > 0):
                members.append(i)
                lines[k] = (min(top, b.top), max(bottom, b.bottom), members)
                break
        else:
            lines.append((b.top, b.bottom, [i]))
    lines.sort(key=lambda t: t[0])
    return [sorted(m, key=lambda i: boxes[i].left) for _, _, m in lines]


def line_height(boxes: list[Box]) -> float:
    """Typical digit height of a line: the median height of its tall glyphs.

    Glyphs at least TALL_SHARE of the tallest one count, so punctuation and
    specks do not pull it down.
    """
    tallest = max(b.height for b in boxes)
    return median(float(b.height) for b in boxes if b.height >= TALL_SHARE * tallest)


def _typical_width(line: list[Region], height: float) -> float:
    widths = [r.box.width for r in line if TALL_SHARE * height <= r.box.height
              and r.box.width <= SPLIT_MIN_ASPECT * r.box.height]
    return median(widths) if len(widths) >= 2 else DEFAULT_ASPECT * height


def _split(region: Region, labels: np.ndarray, width: float) -> list[Region]:
    """Cut a region of touching glyphs at the thinnest columns near the expected cuts."""
    b = region.box
    own = region_mask(labels, region)
    parts = max(2, round(b.width / width))
    profile = own.sum(axis=0)
    cuts = [0]
    reach = max(1, int(SPLIT_SEARCH * width))
    for i in range(1, parts):
        centre = round(i * b.width / parts)
        lo, hi = max(cuts[-1] + 1, centre - reach), min(b.width - 1, centre + reach + 1)
        if lo >= hi:
            return [region]
        cuts.append(lo + int(np.argmin(profile[lo:hi])))
    cuts.append(b.width)
    out = []
    for c0, c1 in itertools.pairwise(cuts):
        rows = np.flatnonzero(own[:, c0:c1].any(axis=1))
        if len(rows) == 0:
            continue
        box = Box(b.top + int(rows[0]), b.left + c0, b.top + int(rows[-1]) + 1, b.left + c1)
        out.append(Region(box, region.labels))
    return out


def split_touching(line: list[Region], labels: np.ndarray) -> list[Region]:
    """Split regions of a line that are several glyphs wide (touching neighbours)."""
    height = line_height([r.box for r in line])
    width = _typical_width(line, height)
    out: list[Region] = []
    for r in line:
        if (r.box.height >= TALL_SHARE * height and r.box.width >= SPLIT_WIDTHS * width
                and r.box.width >= SPLIT_MIN_ASPECT * r.box.height):
            out.extend(_split(r, labels, width))
        else:
            out.append(r)
    return out


def segment(mask: np.ndarray, *, max_components: int = MAX_COMPONENTS,
            found: Components | None = None) -> Segmentation:
    """Find glyphs in an ink mask and order them for reading.

    Parameters
    ----------
    mask : ndarray of bool
        True on ink.
    max_components : int
        Cap on the components examined (largest first); more are ignored and
        ``truncated`` is set.
    found : Components, optional
        ``components(mask)``, when the caller already has it.

    Returns
    -------
    Segmentation
        Lines top to bottom, each a tuple of :class:`Region` left to right.
    """
    if mask.ndim != 2 or mask.size == 0:
        raise BadArgumentError(f"segment needs a non-empty 2-D mask, got shape {mask.shape}")
    n, labels, stats = components(mask) if found is None else found
    ids = np.arange(1, n)
    ids = ids[stats[ids, cv2.CC_STAT_AREA] >= MIN_AREA_PX]
    dropped = (n - 1) - len(ids)
    truncated = len(ids) > max_components
    if truncated:
        keep = np.argsort(-stats[ids, cv2.CC_STAT_AREA], kind="stable")[:max_components]
        dropped += len(ids) - max_components
        ids = np.sort(ids[keep])
    st = stats[ids]
    seven = _seven_segment_groups(labels, stats, ids) if len(ids) else None
    groups: dict[int, list[int]] = {}
    if seven is not None:
        for i, g in enumerate(seven):
            groups.setdefault(int(g), []).append(i)
    else:
        pairs = _merge_pairs(st) if len(ids) > 1 else np.zeros((len(ids), len(ids)), bool)
        parent = list(range(len(ids)))
        for i, j in zip(*np.nonzero(np.triu(pairs)), strict=True):
            ri, rj = _find(parent, int(i)), _find(parent, int(j))
            if ri != rj:
                parent[rj] = ri
        for i in range(len(ids)):
            groups.setdefault(_find(parent, i), []).append(i)
    regions: list[Region] = []
    rects, labels_of = st[:, :cv2.CC_STAT_AREA].tolist(), ids.tolist()  # left, top, width, height
    for members in groups.values():
        box = None
        for i in members:
            le, t, w, h = rects[i]
            b = Box(t, le, t + h, le + w)
            box = b if box is None else box.union(b)
        assert box is not None
        regions.append(Region(box, tuple(labels_of[i] for i in members)))
    lines = tuple(tuple(split_touching([regions[i] for i in members], labels))
                  for members in _group_lines([r.box for r in regions]))
    return Segmentation(labels, lines, dropped, truncated, seven is not None)


__all__ = ["MAX_COMPONENTS", "Components", "Region", "Segmentation", "components", "line_height",
           "region_mask", "segment"]
