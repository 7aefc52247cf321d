"""cells: seven-segment line metrics and decimal points, on drawn masks."""

from __future__ import annotations

import numpy as np

from topodigit.cells import cell_width, full_height, seven_metrics, without_points
from topodigit.results import Box

H = 30


def _zero(point: bool = False) -> np.ndarray:
    m = np.zeros((H, 22 if point else 16), bool)
    m[:, 0:4] = m[:, 12:16] = m[0:4, 0:16] = m[H - 4:, 0:16] = True
    if point:
        m[H - 5:, 16:21] = True
    return m


def test_line_metrics_come_from_the_full_cells() -> None:
    boxes = [Box(10, 0, 40, 16), Box(13, 20, 37, 24), Box(13, 40, 37, 44), Box(13, 60, 37, 64)]
    assert seven_metrics(boxes, 24.0) == (30.0, 10.0, 40.0)
    assert full_height(boxes) == 30.0


def test_cell_width_leaves_out_ones() -> None:
    one = np.ones((H, 4), bool)
    assert cell_width([_zero(), one, _zero(), one], H, 0.0) == 16.0
    assert cell_width([one], H, 0.0) is None


def test_without_points_crops_the_digit_and_keeps_others() -> None:
    plain, dotted = _zero(), _zero(point=True)
    out = without_points([plain, dotted, plain], height=H, slant=0.0)
    assert out[0] is plain and out[2] is plain
    assert out[1].shape == plain.shape and (out[1] == plain).all()
