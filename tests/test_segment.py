"""segment: lines and reading order, merged pieces, specks, touching glyphs, caps."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from topodigit.segment import Segmentation, segment


def _draw(*rows: str) -> np.ndarray:
    """Bool array from strings: '#' is ink, anything else is paper."""
    return np.array([[ch == "#" for ch in row] for row in rows], bool)


def _boxes(seg: Segmentation) -> list[list[tuple[int, int, int, int]]]:
    return [[(r.box.top, r.box.left, r.box.bottom, r.box.right) for r in line]
            for line in seg.lines]


def _blobs(shape: tuple[int, int], top: int, lefts: list[int], *, height: int = 20,
           width: int = 12, mask: np.ndarray | None = None) -> np.ndarray:
    out = np.zeros(shape, bool) if mask is None else mask
    for left in lefts:
        out[top:top + height, left:left + width] = True
    return out


# --- drawings ---------------------------------------------------------------------------------


def test_two_blobs_make_one_line_left_to_right() -> None:
    m = _draw(
        "..........",
        ".##....###",
        ".##....#.#",
        ".##....###",
        "..........",
    )
    seg = segment(m)
    assert _boxes(seg) == [[(1, 1, 4, 3), (1, 7, 4, 10)]]
    assert seg.dropped == 0
    assert not seg.truncated


def test_three_rows_of_blobs_make_three_lines_top_to_bottom() -> None:
    m = np.zeros((100, 80), bool)
    for top, lefts in [(70, [40, 4, 22]), (10, [22, 40, 4]), (40, [4, 40, 22])]:
        _blobs(m.shape, top, lefts, mask=m)
    seg = segment(m)
    assert [[r.box.top for r in line] for line in seg.lines] == [[10] * 3, [40] * 3, [70] * 3]
    assert [[r.box.left for r in line] for line in seg.lines] == [[4, 22, 40]] * 3


def test_ring_with_a_dot_inside_is_one_region() -> None:
    m = np.zeros((40, 60), bool)
    m[5:35, 5:25] = True
    m[10:30, 10:20] = False  # the ring
    m[18:22, 13:17] = True  # the dot of a dotted zero
    m[5:35, 35:55] = True  # a neighbour
    seg = segment(m)
    assert _boxes(seg) == [[(5, 5, 35, 25), (5, 35, 35, 55)]]
    ring = seg.lines[0][0]
    assert len(ring.labels) == 2
    assert {int(seg.labels[7, 7]), int(seg.labels[20, 15])} == set(ring.labels)


def test_broken_stroke_pieces_are_merged() -> None:
    m = np.zeros((40, 40), bool)
    m[5:18, 10:14] = True
    m[20:35, 10:14] = True  # gap of 2 rows in a 30-row bar
    m[5:35, 24:34] = True
    seg = segment(m)
    assert _boxes(seg) == [[(5, 10, 35, 14), (5, 24, 35, 34)]]


def test_colon_dots_a_row_apart_stay_two_marks() -> None:
    # a blurred colon: dots 0.35-0.4 H, one row apart; a broken stroke's
    # pieces (elongated) still join, above
    m = _blobs((40, 80), 10, [4, 48], height=17, width=11)
    m[13:19, 30:35] = True
    m[20:25, 30:36] = True
    seg = segment(m)
    assert _boxes(seg) == [[(10, 4, 27, 15), (13, 30, 19, 35), (20, 30, 25, 36),
                            (10, 48, 27, 59)]]


def test_a_thick_comma_hanging_below_the_line_stays_in_it() -> None:
    m = _blobs((60, 80), 10, [4, 40], height=30, width=14)
    m[36:49, 24:31] = True  # 13 rows, 0.43 of the digits' height, 4 of them beside them
    seg = segment(m)
    assert _boxes(seg) == [[(10, 4, 40, 18), (36, 24, 49, 31), (10, 40, 40, 54)]]


def test_small_piece_is_kept_for_layout_but_pixel_noise_is_dropped() -> None:
    m = _blobs((40, 80), 10, [4, 22, 48])
    m[27:29, 38:40] = True  # 2x2 speck between glyphs: layout decides what it is
    m[5, 70] = True  # 1-px speck: below the area floor
    seg = segment(m)
    assert _boxes(seg) == [[(10, 4, 30, 16), (10, 22, 30, 34), (27, 38, 29, 40),
                            (10, 48, 30, 60)]]
    assert seg.dropped == 1


def test_decimal_point_beside_a_glyph_is_not_merged_into_it() -> None:
    m = _blobs((40, 80), 10, [40])
    m[10:20, 4:24] = True  # a glyph leaning right: wide at the top ...
    m[20:30, 4:12] = True  # ... narrow at the bottom
    m[26:30, 16:20] = True  # a dot on the baseline, under the glyph's top, beside its foot
    seg = segment(m)
    assert _boxes(seg) == [[(10, 4, 30, 24), (26, 16, 30, 20), (10, 40, 30, 52)]]


def test_touching_pair_in_a_line_of_single_glyphs_is_split() -> None:
    m = _blobs((40, 140), 10, [4, 22, 40, 58, 76])
    m[10:30, 94:106] = True
    m[18:20, 106:110] = True  # thin bridge
    m[10:30, 110:122] = True
    seg = segment(m)
    assert len(seg.lines) == 1
    boxes = _boxes(seg)[0]
    assert len(boxes) == 7
    assert [b[1] for b in boxes[:5]] == [4, 22, 40, 58, 76]
    (_, l1, _, r1), (_, l2, _, r2) = boxes[5:]
    assert l1 == 94
    assert r2 == 122
    assert r1 == l2
    assert 106 <= r1 <= 110  # the cut falls in the bridge
    assert all(b[0] == 10 and b[2] == 30 for b in boxes)


def test_single_wide_glyph_without_neighbours_is_not_split_when_narrow() -> None:
    m = _blobs((40, 100), 10, [4, 22, 40, 58], width=14)
    seg = segment(m)
    assert len(seg.lines[0]) == 4


def test_max_components_caps_and_reports_truncation() -> None:
    m = np.zeros((20, 200), bool)
    for i in range(10):  # ten bars, each taller (and larger) than the last
        m[2:6 + i, 5 + 18 * i:13 + 18 * i] = True
    capped = segment(m, max_components=4)
    assert capped.truncated
    kept = [r.box.left for line in capped.lines for r in line]
    assert kept == [5 + 18 * i for i in range(6, 10)]  # the four largest
    assert capped.dropped == 6
    full = segment(m, max_components=10)
    assert not full.truncated
    assert sum(len(line) for line in full.lines) == 10


@pytest.mark.parametrize("shape", [(1, 1), (30, 50)])
def test_empty_mask_gives_no_lines(shape: tuple[int, int]) -> None:
    seg = segment(np.zeros(shape, bool))
    assert seg.lines == ()
    assert seg.dropped == 0
    assert not seg.truncated


_ZERO_SIZE_CHILD = """
import cv2
import numpy as np
from topodigit.errors import TopodigitError
from topodigit.segment import segment
for shape in [(0, 0), (0, 7), (7, 0)]:
    try:
        assert segment(np.zeros(shape, bool)).lines == ()
    except TopodigitError:
        pass
print("ok")
"""


def test_zero_size_mask_neither_crashes_nor_segfaults() -> None:
    # Run in a child: cv2.connectedComponentsWithStats on a 0-row mask kills the interpreter.
    root = Path(__file__).resolve().parents[1]
    child = subprocess.run([sys.executable, "-c", _ZERO_SIZE_CHILD], cwd=root,
                           capture_output=True, text=True, timeout=60, check=False)
    assert child.returncode == 0, f"exit {child.returncode}: {child.stderr[-300:]}"
    assert child.stdout.strip() == "ok"


# --- invariants -------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(4))
def test_regions_hold_their_ink_and_are_in_reading_order(seed: int) -> None:
    rng = np.random.default_rng(seed)
    m = np.zeros((120, 200), bool)
    for top in (10, 50, 90):
        left = 5
        while left < 180:
            h, w = int(rng.integers(16, 22)), int(rng.integers(8, 14))
            m[top:top + h, left:left + w] = True
            left += w + int(rng.integers(4, 9))
    seg = segment(m)
    assert len(seg.lines) == 3
    covered = np.zeros_like(m)
    for line in seg.lines:
        lefts = [r.box.left for r in line]
        assert lefts == sorted(lefts)
        for r in line:
            b = r.box
            assert 0 <= b.top < b.bottom <= m.shape[0]
            assert 0 <= b.left < b.right <= m.shape[1]
            own = np.isin(seg.labels, r.labels)
            assert own[b.top:b.bottom, b.left:b.right].any()
            covered[b.top:b.bottom, b.left:b.right] |= own[b.top:b.bottom, b.left:b.right]
    assert np.array_equal(covered, m)
    tops = [line[0].box.top for line in seg.lines]
    assert tops == sorted(tops)


def test_components_label_as_opencvs_default_algorithm() -> None:
    from topodigit.segment import components

    rng = np.random.default_rng(3)
    for _ in range(40):
        mask = rng.random(tuple(int(v) for v in rng.integers(1, 120, 2))) < rng.random()
        n, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8),
                                                               connectivity=8, ltype=cv2.CV_32S)
        found = components(mask)
        assert found.n == n and np.array_equal(found.labels, labels)
        assert np.array_equal(found.stats, stats)


def test_components_of_ink_in_part_of_the_image_are_opencvs() -> None:
    from topodigit.segment import components

    rng = np.random.default_rng(4)
    for _ in range(200):
        rows, cols = (int(v) for v in rng.integers(1, 60, 2))
        top, bottom = sorted(int(v) for v in rng.integers(0, rows + 1, 2))
        left, right = sorted(int(v) for v in rng.integers(0, cols + 1, 2))
        mask = np.zeros((rows, cols), bool)
        mask[top:bottom, left:right] = rng.random((bottom - top, right - left)) < rng.random()
        n, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8),
                                                               connectivity=8, ltype=cv2.CV_32S)
        found = components(mask)
        assert found.n == n and np.array_equal(found.labels, labels)
        assert np.array_equal(found.stats, stats)
