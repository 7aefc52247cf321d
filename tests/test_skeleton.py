"""skeleton: endpoints and junctions of drawings, spur pruning, invariants, stroke width."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from scipy import ndimage as ndi

from topodigit import skeleton as sk


def _draw(*rows: str) -> np.ndarray:
    """Bool array from strings: '#' is ink, anything else is paper."""
    return np.array([[ch == "#" for ch in row] for row in rows], bool)


def _strokes(shape: tuple[int, int], segments: list[tuple[tuple[int, int], tuple[int, int]]],
             thickness: int) -> np.ndarray:
    """Thick straight strokes; points are (x, y) as cv2 takes them."""
    img = np.zeros(shape, np.uint8)
    for p, q in segments:
        cv2.line(img, p, q, 1, thickness)
    return img.astype(bool)


def _bar(width: int, *, length: int = 40) -> np.ndarray:
    m = np.zeros((length + 6, width + 10), bool)
    m[3:3 + length, 5:5 + width] = True
    return m


def _ring(outer: int = 30, thick: int = 6) -> np.ndarray:
    m = np.zeros((outer + 4, outer + 4), bool)
    m[2:2 + outer, 2:2 + outer] = True
    m[2 + thick:2 + outer - thick, 2 + thick:2 + outer - thick] = False
    return m


def _eight() -> np.ndarray:
    m = np.zeros((44, 28), bool)
    m[2:42, 2:26] = True
    m[7:19, 8:20] = False
    m[25:37, 8:20] = False
    return m


def _blob(seed: int, shape: tuple[int, int] = (48, 48)) -> np.ndarray:
    rng = np.random.default_rng(seed)
    field = ndi.gaussian_filter(rng.random(shape), 3)
    return field > np.quantile(field, 0.6)


T_SHAPE = _strokes((40, 40), [((4, 6), (36, 6)), ((20, 6), (20, 36))], 5)
Y_SHAPE = _strokes((40, 40), [((8, 4), (20, 18)), ((32, 4), (20, 18)), ((20, 18), (20, 36))], 4)
PLUS = _strokes((40, 40), [((4, 20), (36, 20)), ((20, 4), (20, 36))], 5)

SHAPES = {
    "bar-3": _bar(3), "bar-8": _bar(8), "ring": _ring(), "thick-ring": _ring(30, 12),
    "eight": _eight(), "T": T_SHAPE, "Y": Y_SHAPE, "plus": PLUS,
    "square": np.pad(np.ones((20, 20), bool), 2), "two-by-two": np.pad(np.ones((2, 2), bool), 1),
    "disk": np.hypot(*np.mgrid[-15:16, -15:16]) <= 13,
    **{f"blob-{seed}": _blob(seed) for seed in range(6)},
}


def _n_holes(mask: np.ndarray) -> int:
    _, n = ndi.label(~np.pad(mask, 1))  # 4-connected paper
    return n - 1


def _n_pieces(mask: np.ndarray) -> int:
    return int(ndi.label(mask, structure=np.ones((3, 3)))[1])


# --- drawings ---------------------------------------------------------------------------------


@pytest.mark.parametrize("width", [3, 5, 8])
def test_bar_has_two_endpoints_and_no_junction(width: int) -> None:
    s = sk.skeleton(_bar(width))
    assert len(sk.endpoints(s)) == 2
    assert len(sk.junctions(s)) == 0
    ends = sorted(int(r) for r, _ in sk.endpoints(s))
    assert ends[0] < 3 + 40 * 0.25 and ends[1] > 3 + 40 * 0.75  # ends near the bar's ends


@pytest.mark.parametrize("shape", ["T", "Y"])
def test_t_and_y_have_three_endpoints_and_one_junction(shape: str) -> None:
    s = sk.skeleton(SHAPES[shape])
    assert len(sk.endpoints(s)) == 3
    assert len(sk.junctions(s)) == 1


def test_plus_has_four_endpoints_and_one_central_junction() -> None:
    s = sk.skeleton(PLUS)
    assert len(sk.endpoints(s)) == 4
    (row, col), = sk.junctions(s)
    assert abs(row - 20) <= 2 and abs(col - 20) <= 2


@pytest.mark.parametrize("shape", ["ring", "thick-ring"])
def test_ring_skeleton_is_a_closed_loop(shape: str) -> None:
    s = sk.skeleton(SHAPES[shape])
    assert len(sk.endpoints(s)) == 0
    assert len(sk.junctions(s)) == 0
    assert _n_holes(s) == 1


def test_eight_skeleton_has_two_loops_and_no_endpoints() -> None:
    s = sk.skeleton(_eight())
    assert _n_holes(s) == 2
    assert len(sk.endpoints(s)) == 0


# --- spur pruning -----------------------------------------------------------------------------

LINE_WITH_SPUR = _draw(
    ".....................",
    ".###################.",
    "..........#..........",
    "..........#..........",
    ".....................",
)
LINE_ONLY = _draw(
    ".....................",
    ".###################.",
    ".....................",
    ".....................",
    ".....................",
)


LINE_WITH_BRANCH = _draw(
    ".....................",
    ".###################.",
    "..........#..........",
    "..........#..........",
    "..........#..........",
    "..........#..........",
    "..........#..........",
    "..........#..........",
    ".....................",
)


def test_prune_keeps_a_branch_longer_than_the_limit() -> None:
    assert np.array_equal(sk.prune(LINE_WITH_BRANCH, 3), LINE_WITH_BRANCH)


def test_prune_removes_a_short_spur_entirely() -> None:
    # The spur's root pixel touches three line pixels; it must go with the spur,
    # or it stays behind as a stump that junctions() still reports.
    pruned = sk.prune(LINE_WITH_SPUR, 4)
    left = [tuple(p) for p in np.argwhere(pruned & ~LINE_ONLY).tolist()]
    assert left == [], f"spur pixels left behind at {left}"
    assert np.array_equal(pruned, LINE_ONLY)


def test_prune_keeps_isolated_short_strokes() -> None:
    stroke = _draw(".....", ".###.", ".....")
    assert np.array_equal(sk.prune(stroke, 50), stroke)


def test_prune_leaves_a_loop_closed() -> None:
    loop = _draw(
        "..........",
        ".######...",
        ".#....#...",
        ".#....####",
        ".#....#...",
        ".######...",
        "..........",
    )
    pruned = sk.prune(loop, 6)
    assert _n_holes(pruned) == 1
    assert not pruned[3, 8:].any()  # the tail went
    assert len(sk.endpoints(pruned)) == 0


def _bar_with_serif(serif_height: int, serif_width: int) -> np.ndarray:
    m = np.zeros((22, 50), bool)
    m[10:15, 4:46] = True  # horizontal stroke, 5 px thick
    m[10 - serif_height:10, 24:24 + serif_width] = True
    return m


@pytest.mark.parametrize(("height", "width"), [(3, 3), (4, 3), (6, 4)])
def test_short_serif_spur_loses_its_endpoint(height: int, width: int) -> None:
    s = sk.skeleton(_bar_with_serif(height, width))
    assert len(sk.endpoints(s)) == 2
    assert not s[:8].any()  # nothing of the spur above the stroke's upper half


def test_short_serif_spur_leaves_no_junction_behind() -> None:
    s = sk.skeleton(_bar_with_serif(4, 3))
    found = sk.junctions(s).tolist()
    assert found == [], f"junction left by a pruned spur at {found}"


def test_long_branch_is_not_pruned() -> None:
    s = sk.skeleton(_bar_with_serif(8, 5))  # a 9-px branch on a 6-px stroke: a real stem
    assert len(sk.endpoints(s)) == 3
    assert len(sk.junctions(s)) == 1


def test_explicit_stroke_sets_the_spur_limit() -> None:
    m = _bar_with_serif(8, 5)
    assert len(sk.endpoints(sk.skeleton(m, stroke=4.0))) == 3  # limit 5 px < 9-px branch
    assert len(sk.endpoints(sk.skeleton(m, stroke=9.0))) == 2  # limit 11 px > 9-px branch


# --- invariants -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_skeleton_has_no_two_by_two_block(name: str) -> None:
    s = sk.skeleton(SHAPES[name])
    assert not (s[:-1, :-1] & s[1:, :-1] & s[:-1, 1:] & s[1:, 1:]).any()


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_skeleton_lies_in_the_mask_and_keeps_its_topology(name: str) -> None:
    m = SHAPES[name]
    s = sk.skeleton(m)
    assert s.dtype == bool and s.shape == m.shape
    assert not (s & ~m).any()
    assert _n_pieces(s) == _n_pieces(m)
    assert _n_holes(s) == _n_holes(m)


def test_empty_mask_gives_empty_skeleton_and_no_points() -> None:
    s = sk.skeleton(np.zeros((10, 10), bool))
    assert not s.any()
    assert sk.endpoints(s).shape == (0, 2)
    assert sk.junctions(s).shape == (0, 2)


# --- stroke width -----------------------------------------------------------------------------


@pytest.mark.parametrize("width", range(2, 11))
def test_stroke_width_of_a_bar_is_its_thickness(width: int) -> None:
    assert abs(sk.stroke_width(_bar(width)) - width) <= 1


def test_stroke_width_grows_with_the_bar_and_ignores_its_length() -> None:
    widths = [sk.stroke_width(_bar(w)) for w in (2, 4, 6, 8, 10)]
    assert widths == sorted(widths) and widths[0] < widths[-1]
    assert sk.stroke_width(_bar(6, length=20)) == sk.stroke_width(_bar(6, length=60))


def test_stroke_width_of_empty_mask_is_zero() -> None:
    assert sk.stroke_width(np.zeros((5, 5), bool)) == 0.0


# --- saved expected reading -------------------------------------------------------------------


def test_saved_neighbour_counts_endpoints_and_junction_of_a_drawn_t() -> None:
    t = _draw(
        "#####",
        "..#..",
        "..#..",
    )
    assert sk.neighbours(t).tolist() == [[1, 3, 3, 3, 1], [0, 0, 4, 0, 0], [0, 0, 1, 0, 0]]
    assert sorted(map(tuple, sk.endpoints(t).tolist())) == [(0, 0), (0, 4), (2, 2)]
    assert sk.junctions(t).tolist() == [[0.25, 2.0]]


@pytest.mark.parametrize("seed", range(4))
def test_fast_neighbours_stroke_and_junctions_match_scipy(seed: int) -> None:
    from skimage.morphology import skeletonize

    rng = np.random.default_rng(seed)
    blob = ndi.binary_dilation(rng.random((40, 30)) < 0.04, iterations=2)
    skel = skeletonize(blob)
    kernel = np.array([[1, 1, 1], [1, 0, 1], [1, 1, 1]], np.uint8)
    counts = np.where(skel, ndi.convolve(skel.astype(np.uint8), kernel, mode="constant"), 0)
    assert np.array_equal(sk.neighbours(skel), counts)
    dist = ndi.distance_transform_edt(np.pad(blob, 1))[1:-1, 1:-1]
    assert sk.stroke_width(blob, skel) == 2.0 * float(np.median(dist[skel]))
    hot = counts >= 3
    lab, n = ndi.label(hot, structure=np.ones((3, 3)))
    expected = np.array(ndi.center_of_mass(hot, lab, range(1, n + 1))).reshape(-1, 2)
    assert np.array_equal(sk.junctions(skel), expected)
