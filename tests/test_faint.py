"""Faint dots: points and colon dots blurred below the ink threshold (topodigit.faint)."""

from __future__ import annotations

import numpy as np

from topodigit.binarize import Binarized
from topodigit.faint import faint_dots


def _page(dot: int, *, at: tuple[int, int] = (16, 11)) -> tuple[Binarized, np.ndarray]:
    """Two bars (ink 255) and a 2x2 dot of gray level ``dot`` with its top-left at ``at``."""
    ink = np.zeros((24, 34), np.uint8)
    ink[2:18, 2:5] = ink[2:18, 22:25] = 255
    r, c = at
    ink[r:r + 2, c:c + 2] = dot
    labels = (ink > 200).astype(np.int32)
    labels[:, 20:] *= 2
    return Binarized(ink > 200, ink, 200, "light-on-dark", 0, 255), labels


def _found(bw: Binarized, labels: np.ndarray) -> list[tuple[int, int, int, int]]:
    dots = faint_dots(bw, labels, rows=(2, 21), cols=(2, 25), stroke=3.0)
    return [(b.top, b.left, b.bottom, b.right) for b, _ in dots]


def test_a_dot_below_the_ink_threshold_is_found_with_its_pixels() -> None:
    bw, labels = _page(160)
    dots = faint_dots(bw, labels, rows=(2, 21), cols=(2, 25), stroke=3.0)
    assert [(b.top, b.left, b.bottom, b.right) for b, _ in dots] == [(16, 11, 18, 13)]
    assert dots[0][1].all()


def test_a_faint_gray_patch_is_not_a_dot() -> None:
    # smoothed, a 2x2 patch at 40 % of ink peaks under FAINT_PEAK (noise, ringing)
    assert _found(*_page(100)) == []


def test_the_blurred_edge_of_a_stroke_is_not_a_dot() -> None:
    # the same dot right against a bar: within FAINT_CLEAR strokes of kept ink
    assert _found(*_page(160, at=(10, 5))) == []


def test_a_dot_of_kept_ink_is_left_to_the_layout() -> None:
    # dark enough to be ink, and 4 px: segmented as a component of its own
    bw, labels = _page(255)
    labels[16:18, 11:13] = 3
    assert _found(bw, labels) == []


def test_a_dot_outside_the_searched_rows_is_not_found() -> None:
    bw, labels = _page(160)
    assert faint_dots(bw, labels, rows=(2, 12), cols=(2, 25), stroke=3.0) == []
