"""Charts for comparison reports, drawn with OpenCV (no plotting library).

Pure like :mod:`topodigit.render`: numbers in, a new BGR ``uint8`` image out.

Examples
--------
>>> import numpy as np
>>> heatmap(np.eye(3, dtype=int) * 5, ["a", "b", "c"], ["a", "b", "c"], title="t").shape[2]
3
>>> bars(["18", "24"], {"rules": [90.0, 99.5], "knn": [None, 97.0]}, title="t").dtype
dtype('uint8')
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import cv2
import numpy as np

from topodigit.errors import BadArgumentError

FONT = cv2.FONT_HERSHEY_SIMPLEX
TEXT_SCALE = 0.45
TITLE_SCALE = 0.6
BLACK, GREY, WHITE = (30, 30, 30), (200, 200, 200), (255, 255, 255)
#: Heatmap cell side and the margins for labels.
CELL = 38
LABEL_MARGIN = 70
#: Cells darker than this (0-1 of the colour scale) get white counts.
DARK_CELL = 0.55
#: Correct readings in blue, errors in red (BGR at full share).
CORRECT_COLOR = (180, 90, 20)
ERROR_COLOR = (40, 40, 210)
#: Bar chart: plot area size, bar group gap (share of a group) and colours per series.
PLOT_W, PLOT_H = 640, 300
GROUP_GAP = 0.25
#: Groups get at least this many pixels each (the plot widens).
GROUP_MIN_WIDTH = 72
#: Value axis ticks: the first of these steps that gives at most MAX_TICKS intervals.
TICK_STEPS = (0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 25.0, 50.0, 100.0, 200.0, 500.0, 1000.0)
MAX_TICKS = 8
PALETTE = ((180, 119, 31), (14, 127, 255), (44, 160, 44), (40, 39, 214), (189, 103, 148),
           (75, 86, 140), (194, 119, 227), (127, 127, 127))


def _text(img: np.ndarray, text: str, at: tuple[int, int], *, scale: float = TEXT_SCALE,
          color: tuple[int, int, int] = BLACK, center: bool = False) -> None:
    x, y = at
    if center:
        (w, h), _ = cv2.getTextSize(text, FONT, scale, 1)
        x, y = x - w // 2, y + h // 2
    cv2.putText(img, text, (int(x), int(y)), FONT, scale, color, 1, cv2.LINE_AA)


def _blend(color: tuple[int, int, int], share: float) -> tuple[int, int, int]:
    s = min(max(share, 0.0), 1.0)
    return (round(255 + (color[0] - 255) * s), round(255 + (color[1] - 255) * s),
            round(255 + (color[2] - 255) * s))


def heatmap(matrix: np.ndarray, rows: Sequence[str], cols: Sequence[str], *, title: str,
            row_axis: str = "truth", col_axis: str = "read", note: str = "") -> np.ndarray:
    """Confusion matrix as coloured cells with their counts.

    A cell's colour is its share of its row: blue where the column label equals
    the row label (read right), red elsewhere (errors); zero cells stay white.

    Parameters
    ----------
    matrix : ndarray of int, shape (len(rows), len(cols))
    rows, cols : sequence of str
        Labels of the rows (truth) and columns (read).
    title, note : str
        Drawn above and below the matrix.
    """
    matrix = np.asarray(matrix)
    if matrix.shape != (len(rows), len(cols)):
        raise BadArgumentError(f"matrix of shape {matrix.shape} does not match "
                               f"{len(rows)} rows and {len(cols)} columns")
    top = LABEL_MARGIN
    width = LABEL_MARGIN + CELL * len(cols) + 20
    img = np.full((top + CELL * len(rows) + 30, max(width, 360), 3), 255, np.uint8)
    _text(img, note, (10, img.shape[0] - 10), scale=TEXT_SCALE * 0.85)
    _text(img, title, (10, 24), scale=TITLE_SCALE)
    _text(img, f"{col_axis} ->", (LABEL_MARGIN, top - 30))
    _text(img, row_axis, (8, top + 4))
    totals = matrix.sum(axis=1)
    for j, label in enumerate(cols):
        _text(img, label[:4], (LABEL_MARGIN + CELL * j + CELL // 2, top - 10), center=True,
              scale=TEXT_SCALE if len(label) < 3 else TEXT_SCALE * 0.8)
    for i, label in enumerate(rows):
        y = top + CELL * i
        _text(img, label, (LABEL_MARGIN - 16, y + CELL // 2), center=True)
        for j, col in enumerate(cols):
            x, count = LABEL_MARGIN + CELL * j, int(matrix[i, j])
            share = count / totals[i] if totals[i] else 0.0
            color = _blend(CORRECT_COLOR if col == label else ERROR_COLOR,
                           share if col == label else max(share, 0.15) if count else 0.0)
            cv2.rectangle(img, (x, y), (x + CELL - 1, y + CELL - 1), color, -1)
            cv2.rectangle(img, (x, y), (x + CELL - 1, y + CELL - 1), GREY, 1)
            if count:
                dark = share > DARK_CELL
                _text(img, str(count), (x + CELL // 2, y + CELL // 2),
                      scale=TEXT_SCALE * (0.8 if count >= 1000 else 1.0),
                      color=WHITE if dark else BLACK, center=True)
    return img


def bars(groups: Sequence[str], series: Mapping[str, Sequence[float | None]], *, title: str,
         xlabel: str = "", ylabel: str = "accuracy %", top: float | None = 100.0,
         floor: float | None = None) -> np.ndarray:
    """Grouped bar chart: one group per label in ``groups``, one bar per series.

    Values of ``None`` draw no bar. The value axis runs from ``floor`` (default:
    a round number below the smallest value, so differences show) to ``top``
    (``None``: a round number above the largest value).
    """
    values = [v for vs in series.values() for v in vs if v is not None]
    if any(len(vs) != len(groups) for vs in series.values()):
        raise BadArgumentError("every series needs one value per group")
    hi = top if top is not None else _nice_up(max(values, default=1.0))
    lo = floor if floor is not None else _nice_down(min(values, default=0.0), hi)
    left, head, foot = 60, 56, 64 + 18 * math.ceil(len(series) / 4)
    plot_w = max(PLOT_W, GROUP_MIN_WIDTH * len(groups))
    img = np.full((head + PLOT_H + foot, left + plot_w + 20, 3), 255, np.uint8)
    _text(img, title, (10, 24), scale=TITLE_SCALE)

    def y_of(v: float) -> int:
        return head + round(PLOT_H * (1 - (min(max(v, lo), hi) - lo) / max(hi - lo, 1e-9)))

    step = next((t for t in TICK_STEPS if (hi - lo) / t <= MAX_TICKS), hi - lo)
    for k in range(round((hi - lo) / step) + 1):
        v = lo + step * k
        cv2.line(img, (left, y_of(v)), (left + plot_w, y_of(v)), (230, 230, 230), 1)
        _text(img, f"{v:g}" if v == round(v) else f"{v:.1f}", (5, y_of(v) + 5))
    _text(img, ylabel, (5, head - 8))
    group_w = plot_w / max(len(groups), 1)
    bar_w = group_w * (1 - GROUP_GAP) / max(len(series), 1)
    for g, label in enumerate(groups):
        x0 = left + g * group_w + group_w * GROUP_GAP / 2
        for s, vs in enumerate(series.values()):
            value = vs[g]
            if value is None:
                continue
            xa, xb = round(x0 + s * bar_w), round(x0 + (s + 1) * bar_w) - 1
            cv2.rectangle(img, (xa, y_of(value)), (max(xa, xb), y_of(lo)),
                          PALETTE[s % len(PALETTE)], -1)
            if bar_w >= 26:
                _text(img, f"{value:.1f}", ((xa + xb) // 2, y_of(value) - 8), scale=0.35,
                      center=True)
        _text(img, label, (round(x0 + group_w * (1 - GROUP_GAP) / 2), head + PLOT_H + 14),
              center=True)
    cv2.line(img, (left, y_of(lo)), (left + plot_w, y_of(lo)), BLACK, 1)
    _text(img, xlabel, (left + plot_w // 2 - 4 * len(xlabel), head + PLOT_H + 40))
    for s, name in enumerate(series):
        x, y = left + (s % 4) * 160, head + PLOT_H + 66 + 18 * (s // 4)
        cv2.rectangle(img, (x, y - 10), (x + 12, y + 2), PALETTE[s % len(PALETTE)], -1)
        _text(img, name, (x + 18, y + 1))
    return img


def _nice_down(v: float, hi: float) -> float:
    """A round axis start below ``v``: a multiple of 10, or 0 for large spans."""
    start = 10.0 * math.floor((v - 2) / 10.0)
    return max(0.0, start) if hi - start < 60 else 0.0


def _nice_up(v: float) -> float:
    step = 10.0 ** math.floor(math.log10(max(v, 1e-9)))
    return step * math.ceil(v * 1.1 / step)


__all__ = ["bars", "heatmap"]
