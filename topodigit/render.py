"""Draw readings onto images: the only module that draws.

Drawing is pure: arrays in, a new BGR ``uint8`` array out, nothing written to disk
(use :func:`topodigit.io.save_image` for that).

Examples
--------
>>> import numpy as np
>>> from topodigit.results import Reading
>>> annotate(np.zeros((4, 6), np.uint8), Reading(lines=(), shape=(4, 6))).shape
(4, 6, 3)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import cv2
import numpy as np

from topodigit.errors import BadArgumentError
from topodigit.io import load_image
from topodigit.results import Box, Glyph, Line, Reading

if TYPE_CHECKING:
    from topodigit.explain import GlyphExplanation, ImageExplanation

FONT = cv2.FONT_HERSHEY_SIMPLEX
LABEL_HEIGHT = 0.4
"""Label height as a fraction of its glyph's box height."""
MIN_FONT_SCALE = 0.35
"""Smallest font scale, so labels of tiny glyphs stay legible."""
_FONT_PX = cv2.getTextSize("0", FONT, 1.0, 1)[0][1]  # digit height at scale 1


def annotate(
    image: Any,
    reading: Reading,
    *,
    color: Sequence[int] = (0, 0, 255),
    unreadable_color: Sequence[int] = (255, 0, 255),
) -> np.ndarray:
    """Draw each glyph's box and its character above the box.

    Parameters
    ----------
    image : array or anything :func:`topodigit.io.load_image` accepts
        The image the reading came from. A ``uint8`` BGR array keeps its colours;
        anything else is drawn on its gray version.
    reading : Reading
        The reading of ``image``; its ``shape`` must match the image's.
    color : sequence of 3 ints, optional
        BGR colour of readable glyphs (default red).
    unreadable_color : sequence of 3 ints, optional
        BGR colour of glyphs read as ``"?"`` (default magenta).

    Returns
    -------
    numpy.ndarray
        A new ``(H, W, 3)`` ``uint8`` BGR array; the input is never modified.

    Raises
    ------
    BadArgumentError
        A colour is not three integers in 0..255, or the reading is of another size.

    Examples
    --------
    >>> import numpy as np
    >>> from topodigit.results import Box, Glyph, Line, Reading
    >>> g = Glyph(Box(30, 10, 60, 30), "7", 0.9, "rules", "seven", "big lower-left bay")
    >>> reading = Reading(lines=(Line((g,)),), shape=(80, 40))
    >>> out = annotate(np.full((80, 40), 255, np.uint8), reading)
    >>> out.shape, out.dtype, out[30, 20].tolist()
    ((80, 40, 3), dtype('uint8'), [0, 0, 255])
    >>> bool((out[:28] != 255).any())   # the label "7" above the box
    True
    """
    colors = _check_color("color", color), _check_color("unreadable_color", unreadable_color)
    canvas = _bgr_copy(image)
    if tuple(reading.shape) != canvas.shape[:2]:
        raise BadArgumentError(
            f"reading is of a {reading.shape[0]} x {reading.shape[1]} image, "
            f"but the image is {canvas.shape[0]} x {canvas.shape[1]}"
        )
    for glyph in reading.glyphs:
        _draw_glyph(canvas, glyph, colors[0] if glyph.readable else colors[1])
    return canvas


def _bgr_copy(image: Any) -> np.ndarray:
    if isinstance(image, np.ndarray) and image.dtype == np.uint8 and image.ndim == 3 \
            and image.shape[2] == 3:
        return np.array(image, order="C")
    return cv2.cvtColor(load_image(image), cv2.COLOR_GRAY2BGR)


def _check_color(name: str, value: Sequence[int]) -> tuple[int, int, int]:
    try:
        parts = [int(v) for v in value]
        ok = len(parts) == 3 and all(0 <= v <= 255 for v in parts)
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise BadArgumentError(f"{name} must be three integers 0..255 (B, G, R), got {value!r}")
    return parts[0], parts[1], parts[2]


def _draw_glyph(canvas: np.ndarray, glyph: Glyph, color: tuple[int, int, int]) -> None:
    """Box as a rectangle; the label above it, else below it, else inside its top."""
    box = glyph.box
    thickness = max(1, round(box.height / 20))
    cv2.rectangle(canvas, (box.left, box.top), (box.right - 1, box.bottom - 1), color, thickness)
    scale = max(MIN_FONT_SCALE, LABEL_HEIGHT * box.height / _FONT_PX)
    (text_w, text_h), _ = cv2.getTextSize(glyph.char, FONT, scale, thickness)
    gap = thickness + 1
    baseline = box.top - gap
    if baseline - text_h < 0:
        baseline = box.bottom + gap + text_h
        if baseline >= canvas.shape[0]:
            baseline = box.top + gap + text_h
    left = max(0, min(box.left, canvas.shape[1] - text_w))
    cv2.putText(canvas, glyph.char, (left, baseline), FONT, scale, color, thickness, cv2.LINE_AA)


# --- explain image -------------------------------------------------------------------------

#: Height in pixels of each glyph's enlarged mask in an explain image ...
PANEL_HEIGHT = 160
#: ... its smallest width, and the gap around panels.
PANEL_MIN_WIDTH = 170
PANEL_MAX_WIDTH = 240
PANEL_GAP = 12
#: Explain images are laid out to at most this width (the overview is shrunk to it).
EXPLAIN_MAX_WIDTH = 1400
#: The overview of a small image is enlarged to at least this height.
OVERVIEW_MIN_HEIGHT = 120
#: Caption text: scale, line height in pixels and the characters that fit per pixel.
CAPTION_SCALE = 0.42
CAPTION_LINE = 16
CAPTION_CHAR_PX = 8.5
WHITE = (255, 255, 255)
COLORS = {  # BGR
    "ink": (200, 200, 200), "faint": (232, 232, 232), "text": (30, 30, 30),
    "skeleton": (0, 0, 190), "endpoint": (0, 160, 0), "junction": (200, 0, 200),
    "hole": (210, 120, 0), "hole_fill": (255, 225, 185),
    "bay": (0, 140, 255), "bay_fill": (180, 225, 255), "index": (200, 90, 0),
}


def explain_image(explained: ImageExplanation, *, max_width: int = EXPLAIN_MAX_WIDTH
                  ) -> np.ndarray:
    """Draw an explanation: the image with numbered boxes, then one panel per glyph.

    Each panel shows the glyph's normalised mask enlarged (sharp ink gray, faint
    ink lighter), its holes (blue, ``H1``...) and bays (orange, ``B1 L``... with
    the side they open to), the skeleton (red), endpoints (green dots) and
    junctions (magenta squares); underneath, the decision, the rule and its
    reason. A legend of the colours ends the image.

    Parameters
    ----------
    explained : ImageExplanation
        From :func:`topodigit.explain.explain`.
    max_width : int, optional
        Panels wrap into rows of at most this width (pixels, >= 200).

    Returns
    -------
    numpy.ndarray
        A new ``uint8`` BGR image.

    Examples
    --------
    >>> import numpy as np, cv2
    >>> from topodigit.explain import explain
    >>> page = np.full((60, 50), 255, np.uint8)
    >>> _ = cv2.circle(page, (25, 30), 13, 0, 4)
    >>> out = explain_image(explain(page))
    >>> out.dtype, out.shape[2], out.shape[0] > PANEL_HEIGHT
    (dtype('uint8'), 3, True)
    """
    if not isinstance(max_width, int) or max_width < 200:
        raise BadArgumentError(f"max_width must be an integer >= 200, got {max_width!r}")
    parts = [_overview(explained, max_width)]
    panels = [_panel(g) for g in explained.glyphs]
    row: list[np.ndarray] = []
    for panel in panels:
        if row and sum(p.shape[1] + PANEL_GAP for p in row) + panel.shape[1] > max_width:
            parts.append(_hstack(row))
            row = []
        row.append(panel)
    if row:
        parts.append(_hstack(row))
    parts.append(_legend())
    width = max(p.shape[1] for p in parts) + 2 * PANEL_GAP
    canvas = []
    for part in parts:
        pad = np.full((part.shape[0] + PANEL_GAP, width, 3), 255, np.uint8)
        pad[PANEL_GAP:, PANEL_GAP:PANEL_GAP + part.shape[1]] = part
        canvas.append(pad)
    canvas.append(np.full((PANEL_GAP, width, 3), 255, np.uint8))
    return np.vstack(canvas)


def _overview(explained: ImageExplanation, max_width: int) -> np.ndarray:
    """The image with each glyph's box, character and (below the box) index."""
    image = explained.image
    h, w = image.shape[:2]
    f = min(max_width / w, max(1.0, OVERVIEW_MIN_HEIGHT / h))
    size = (max(1, round(w * f)), max(1, round(h * f)))
    small = cv2.resize(image, size, interpolation=cv2.INTER_AREA if f < 1 else cv2.INTER_LINEAR)

    def scaled(b: Box) -> Box:
        return Box(round(b.top * f), round(b.left * f), max(round(b.bottom * f), 1),
                   max(round(b.right * f), 1))

    lines = tuple(Line(tuple(replace(g, box=scaled(g.box)) for g in line.glyphs))
                  for line in explained.reading.lines)
    out = annotate(small, Reading(lines=lines, shape=(size[1], size[0])))
    boxes = [g.box for line in lines for g in line.glyphs]
    canvas = np.vstack([out, np.full((CAPTION_LINE + 4, out.shape[1], 3), 255, np.uint8)])
    for i, b in enumerate(boxes):
        _text(canvas, str(i), (b.left, min(b.bottom + CAPTION_LINE, canvas.shape[0] - 2)),
              COLORS["index"])
    return canvas


def _panel(g: GlyphExplanation) -> np.ndarray:
    """One glyph: enlarged mask with features, and its caption."""
    rows, cols = g.mask.shape
    zoom = _zoom(g.mask.shape)
    img = np.full((rows, cols, 3), 255, np.uint8)
    img[g.faint] = COLORS["faint"]
    img[g.mask] = COLORS["ink"]
    img[g.hole_map > 0] = COLORS["hole_fill"]
    img[g.bay_map > 0] = COLORS["bay_fill"]
    big = cv2.resize(img, (cols * zoom, rows * zoom), interpolation=cv2.INTER_NEAREST)
    for labels, name in ((g.hole_map, "hole"), (g.bay_map, "bay")):
        _outline(big, labels, zoom, COLORS[name])
    _draw_skeleton(big, g.skeleton, zoom)
    topo = g.topology
    if topo is not None:
        for r, c in topo.endpoints:
            cv2.circle(big, (round(c * cols * zoom), round(r * rows * zoom)), max(3, zoom),
                       COLORS["endpoint"], -1, cv2.LINE_AA)
        for r, c in topo.junctions:
            x, y, d = round(c * cols * zoom), round(r * rows * zoom), max(3, zoom)
            cv2.rectangle(big, (x - d, y - d), (x + d, y + d), COLORS["junction"], -1)
        for k, hole in enumerate(topo.holes, 1):
            _text(big, f"H{k}", _at(hole.row, hole.col, rows, cols, zoom), COLORS["hole"])
        for k, bay in enumerate(topo.bays, 1):
            _text(big, f"B{k} {bay.side[0].upper()}", _at(bay.row, bay.col, rows, cols, zoom),
                  COLORS["bay"])
    caption = _caption(g)
    width = max(PANEL_MIN_WIDTH, big.shape[1])
    panel = np.full((big.shape[0] + CAPTION_LINE * (len(caption) + 1), width, 3), 255, np.uint8)
    left = (width - big.shape[1]) // 2
    panel[:big.shape[0], left:left + big.shape[1]] = big
    cv2.rectangle(panel, (left, 0), (left + big.shape[1] - 1, big.shape[0] - 1),
                  COLORS["ink"], 1)
    for i, (text, scale) in enumerate(caption):
        _text(panel, text, (2, big.shape[0] + CAPTION_LINE * (i + 1) + 2), COLORS["text"], scale)
    return panel


def _caption(g: GlyphExplanation) -> list[tuple[str, float]]:
    glyph, topo = g.glyph, g.topology
    out = [(f"#{g.index}  {glyph.char}  {glyph.confidence:.2f}  {glyph.method}",
            CAPTION_SCALE * 1.4),
           (f"rule: {glyph.rule}", CAPTION_SCALE)]
    if topo is not None:
        out.append((f"holes {topo.n_holes}  ends {len(topo.endpoints)}  "
                    f"joins {len(topo.junctions)}  bays {len(topo.bays)}", CAPTION_SCALE))
    width = max(PANEL_MIN_WIDTH, g.mask.shape[1] * _zoom(g.mask.shape))
    if not g.reproduced:
        out.append(("(re-cut mask differs)", CAPTION_SCALE))
    reason = glyph.reason.removeprefix(f"rule {glyph.rule}: ")
    out += [(t, CAPTION_SCALE) for t in _wrap(reason, int(width / CAPTION_CHAR_PX))]
    return out


def _zoom(shape: tuple[int, ...]) -> int:
    """Enlargement of a mask: to PANEL_HEIGHT rows, at most PANEL_MAX_WIDTH columns."""
    return max(1, min(PANEL_HEIGHT // max(shape[0], 1), PANEL_MAX_WIDTH // max(shape[1], 1)))


def _wrap(text: str, chars: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= chars:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def _at(row: float, col: float, rows: int, cols: int, zoom: int) -> tuple[int, int]:
    return round(col * cols * zoom) - 8, round(row * rows * zoom) + 5


def _outline(big: np.ndarray, labels: np.ndarray, zoom: int, color: tuple[int, int, int]) -> None:
    for k in range(1, int(labels.max()) + 1):
        region = cv2.resize((labels == k).astype(np.uint8), big.shape[1::-1],
                            interpolation=cv2.INTER_NEAREST)
        contours, _ = cv2.findContours(region, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        cv2.drawContours(big, contours, -1, color, 2)


def _draw_skeleton(big: np.ndarray, skel: np.ndarray, zoom: int) -> None:
    """Skeleton pixels joined to their 8-neighbours by lines through pixel centres."""
    half = zoom // 2
    for dr, dc in ((0, 1), (1, 0), (1, 1), (1, -1)):
        a = skel[:skel.shape[0] - dr, max(0, -dc):skel.shape[1] - max(0, dc)]
        b = skel[dr:, max(0, dc):skel.shape[1] + min(0, dc)]
        for r, c in np.argwhere(a & b):
            c0 = c + max(0, -dc)
            cv2.line(big, (c0 * zoom + half, r * zoom + half),
                     ((c0 + dc) * zoom + half, (r + dr) * zoom + half), COLORS["skeleton"], 2)
    for r, c in np.argwhere(skel):  # lone pixels too
        cv2.circle(big, (c * zoom + half, r * zoom + half), 1, COLORS["skeleton"], -1)


def _legend() -> np.ndarray:
    out = np.full((CAPTION_LINE + 8, 620, 3), 255, np.uint8)
    x = 0
    for name in ("skeleton", "endpoint", "junction", "hole", "bay"):
        cv2.rectangle(out, (x, 6), (x + 12, 18), COLORS[name], -1)
        _text(out, name, (x + 16, 18), COLORS["text"])
        x += 24 + 9 * len(name) + 20
    return out


def _text(canvas: np.ndarray, text: str, at: tuple[int, int], color: tuple[int, int, int],
          scale: float = CAPTION_SCALE) -> None:
    ascii_text = text.replace("\u2192", "->").encode("ascii", "replace").decode()
    cv2.putText(canvas, ascii_text, at, FONT, scale, color, 1, cv2.LINE_AA)


def _hstack(panels: list[np.ndarray]) -> np.ndarray:
    height = max(p.shape[0] for p in panels)
    padded = []
    for p in panels:
        block = np.full((height, p.shape[1] + PANEL_GAP, 3), 255, np.uint8)
        block[:p.shape[0], :p.shape[1]] = p
        padded.append(block)
    return np.hstack(padded)


__all__ = ["annotate", "explain_image"]
