"""topology: holes, bays, endpoints and centroid of hand-drawn glyphs; resample; invariants."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from topodigit.results import Topology
from topodigit.topology import NORM_HEIGHT, measure, resample


def _draw(*rows: str) -> np.ndarray:
    """Bool array from strings: '#' is ink, anything else is paper."""
    return np.array([[ch == "#" for ch in row] for row in rows], bool)


RING = _draw(
    ".###.",
    "#...#",
    "#...#",
    "#...#",
    "#...#",
    "#...#",
    ".###.",
)
EIGHT = _draw(
    ".#####.",
    "#.....#",
    "#.....#",
    "#.....#",
    ".#####.",
    "#.....#",
    "#.....#",
    "#.....#",
    ".#####.",
)
DOTTED_ZERO = _draw(
    "..#####..",
    ".##...##.",
    "##.....##",
    "##.....##",
    "##..#..##",
    "##.###.##",
    "##..#..##",
    "##.....##",
    "##.....##",
    ".##...##.",
    "..#####..",
)
ONE = _draw(
    "..##.",
    "..##.",
    "..##.",
    "..##.",
    "..##.",
    "..##.",
    "..##.",
    "..##.",
    "..##.",
)
C = _draw(
    ".#######",
    "##.....#",
    "#.......",
    "#.......",
    "#.......",
    "#.......",
    "#.......",
    "##.....#",
    ".#######",
)
SEVEN = _draw(
    "#######",
    "#######",
    ".....##",
    "....##.",
    "....##.",
    "...##..",
    "...##..",
    "..##...",
    "..##...",
)
SIX = _draw(
    "..####.",
    ".##....",
    "##.....",
    "##.....",
    "######.",
    "##...##",
    "##...##",
    "##...##",
    ".#####.",
)
NINE = SIX[::-1, ::-1]


def _t_shape() -> np.ndarray:
    img = np.zeros((40, 40), np.uint8)
    cv2.line(img, (4, 6), (36, 6), 1, 5)
    cv2.line(img, (20, 6), (20, 36), 1, 5)
    return img.astype(bool)


def _thick_ring(*, gap: bool = False) -> np.ndarray:
    m = np.zeros((40, 30), bool)
    m[:, :] = True
    m[6:34, 6:24] = False
    if gap:
        m[0:6, 15] = False  # a hairline break through the top of the ring
    return m


def _upscale(glyph: np.ndarray) -> np.ndarray:
    return resample(glyph.astype(np.uint8) * 255) > 127


GLYPHS = {"ring": RING, "eight": EIGHT, "dotted-zero": DOTTED_ZERO, "one": ONE, "c": C,
          "seven": SEVEN, "six": SIX, "nine": NINE, "t": _t_shape(),
          "thick-ring": _thick_ring()}


# --- drawings: holes --------------------------------------------------------------------------


def test_ring_has_one_central_hole() -> None:
    t = measure(RING)
    assert t.n_holes == 1
    assert t.holes[0].row == pytest.approx(0.5)
    assert t.holes[0].col == pytest.approx(0.5)


def test_eight_has_two_holes_one_above_the_other() -> None:
    t = measure(EIGHT)
    assert t.n_holes == 2
    upper, lower = t.holes
    assert upper.row < 0.5 < lower.row
    assert upper.bottom <= lower.top


def test_one_has_no_hole_and_two_endpoints() -> None:
    t = measure(ONE)
    assert t.n_holes == 0
    assert len(t.endpoints) == 2
    assert len(t.junctions) == 0


def test_t_shape_has_three_endpoints_and_one_junction() -> None:
    t = measure(_t_shape())
    assert t.n_holes == 0
    assert len(t.endpoints) == 3
    assert len(t.junctions) == 1


def test_dotted_zero_counts_one_hole_and_ignores_the_dot() -> None:
    t = measure(DOTTED_ZERO)
    assert t.n_holes == 1
    assert t.pieces == 2
    assert t.holes[0].row == pytest.approx(0.5)
    # The hole is the whole inside of the ring, dot included: the dot does not shrink it.
    inside = 36 + 5  # paper pixels inside the ring, plus the 5-px dot
    assert t.holes[0].area == pytest.approx(inside / DOTTED_ZERO.size)


def test_one_pixel_hole_in_a_big_glyph_is_ignored() -> None:
    m = np.ones((40, 30), bool)
    m[20, 15] = False
    assert measure(m).n_holes == 0


def test_one_pixel_hole_beside_a_big_hole_is_ignored() -> None:
    m = np.ones((40, 30), bool)
    m[6:20, 6:24] = False
    m[30, 15] = False  # an italic-join pinhole in the thick bottom
    t = measure(m)
    assert t.n_holes == 1
    assert t.holes[0].row < 0.5


def test_small_hole_beside_a_big_hole_is_ignored() -> None:
    m = np.ones((40, 30), bool)
    m[6:20, 6:24] = False  # 252 px
    m[28:32, 13:17] = False  # 16 px: above 1.2 % of the box, below 12 % of the big hole
    t = measure(m)
    assert t.n_holes == 1
    assert t.holes[0].area == pytest.approx(252 / 1200)


@pytest.mark.parametrize(("glyph", "low"), [(SIX, True), (NINE, False)])
def test_hole_height_separates_six_from_nine(glyph: np.ndarray, low: bool) -> None:
    t = measure(glyph)
    assert t.n_holes == 1
    assert (t.holes[0].row > 0.5) is low


def test_hole_closed_only_by_faint_ink_is_counted_with_faint() -> None:
    sharp, faint = _thick_ring(gap=True), _thick_ring()
    assert measure(sharp).n_holes == 0
    t = measure(sharp, faint=faint)
    assert t.n_holes == 1
    assert t.holes[0].row == pytest.approx(0.5)


# --- drawings: bays and centroid --------------------------------------------------------------


def test_c_opens_to_the_right() -> None:
    t = measure(C)
    assert t.n_holes == 0
    bay = t.bays[0]  # the biggest
    assert bay.side == "right"
    assert min(bay.angle, 360.0 - bay.angle) <= 20.0
    assert bay.area == max(b.area for b in t.bays)
    assert t.bays_on("left") == ()


def test_reversed_c_opens_to_the_left() -> None:
    t = measure(C[:, ::-1])
    bay = t.bays[0]
    assert bay.side == "left"
    assert abs(bay.angle - 180.0) <= 20.0


def test_seven_has_its_ink_high_and_a_big_left_bay() -> None:
    t = measure(SEVEN)
    assert t.centroid[0] < 0.5
    assert t.n_holes == 0
    assert t.bays[0].side == "left"
    assert t.top_width > t.bottom_width


def test_ring_has_no_significant_bay() -> None:
    t = measure(_thick_ring())
    assert t.bays == ()
    assert t.solidity == pytest.approx(1.0)


# --- resample ---------------------------------------------------------------------------------


@pytest.mark.parametrize("height", [12, 40, 64])
@pytest.mark.parametrize("shape", [(10, 6), (80, 50), (40, 40), (7, 3)])
def test_resample_gives_the_requested_height(shape: tuple[int, int], height: int) -> None:
    crop = np.zeros(shape, np.uint8)
    crop[1:-1, shape[1] // 3:2 * shape[1] // 3 + 1] = 255
    out = resample(crop, height=height)
    assert out.shape[0] == height
    assert out.dtype == np.float32
    assert abs(out.shape[1] - shape[1] * height / shape[0]) <= 1
    assert out.min() >= -1e-3 and out.max() <= 255.0 + 1e-3  # float rounding only


def test_resample_defaults_to_the_norm_height() -> None:
    assert resample(np.zeros((13, 9), np.uint8)).shape[0] == NORM_HEIGHT


@pytest.mark.parametrize("name", ["ring", "eight", "c", "six", "nine", "seven"])
def test_topology_survives_resampling(name: str) -> None:
    small, big = measure(GLYPHS[name]), measure(_upscale(GLYPHS[name]))
    assert big.height == NORM_HEIGHT
    assert big.n_holes == small.n_holes
    for hs, hb in zip(small.holes, big.holes, strict=True):
        assert abs(hs.row - hb.row) < 0.1
    if small.bays:
        assert big.bays[0].side == small.bays[0].side


# --- invariants -------------------------------------------------------------------------------


def _points(t: Topology) -> list[float]:
    out = list(t.centroid)
    for h in t.holes:
        out += [h.row, h.col, h.top, h.bottom, h.area]
    for b in t.bays:
        out += [b.row, b.col, b.top, b.bottom, b.area]
    for p in t.endpoints + t.junctions:
        out += list(p)
    return [*out, t.ink, t.solidity, t.stroke, t.top_width, t.bottom_width]


@pytest.mark.parametrize("name", sorted(GLYPHS))
def test_positions_are_normalised_to_the_box(name: str) -> None:
    t = measure(GLYPHS[name])
    assert (t.height, t.width) == GLYPHS[name].shape
    assert all(0.0 <= v <= 1.0 for v in _points(t)), _points(t)
    assert all(0.0 <= b.angle < 360.0 for b in t.bays)
    assert all(h.top < h.row < h.bottom for h in t.holes)
    assert [h.row for h in t.holes] == sorted(h.row for h in t.holes)
    assert [b.area for b in t.bays] == sorted((b.area for b in t.bays), reverse=True)


@pytest.mark.parametrize("seed", range(5))
def test_random_blobs_measure_within_bounds(seed: int) -> None:
    rng = np.random.default_rng(seed)
    m = rng.random((30, 20)) < 0.55
    t = measure(m)
    assert all(0.0 <= v <= 1.0 for v in _points(t))
    assert t.pieces >= 1


def test_mirroring_swaps_bay_sides_and_keeps_holes() -> None:
    for glyph in (C, SIX, SEVEN):
        t, tm = measure(glyph), measure(glyph[:, ::-1])
        assert tm.n_holes == t.n_holes
        swap = {"left": "right", "right": "left", "top": "top", "bottom": "bottom"}
        assert tm.bays[0].side == swap[t.bays[0].side]


@pytest.mark.parametrize("shape", [(10, 7), (1, 1), (40, 3)])
def test_measure_on_an_empty_mask_does_not_crash(shape: tuple[int, int]) -> None:
    t = measure(np.zeros(shape, bool))
    assert (t.height, t.width) == shape
    assert t.n_holes == 0 and t.bays == () and t.endpoints == () and t.junctions == ()
    assert t.pieces == 0
    assert t.ink == 0.0


# --- saved expected reading -------------------------------------------------------------------


def test_saved_expected_reading_of_the_eight() -> None:
    t = measure(EIGHT)
    assert [(round(h.row, 4), round(h.col, 4), round(h.area, 4)) for h in t.holes] == [
        (0.2778, 0.5, 0.2381), (0.7222, 0.5, 0.2381)]
    assert t.centroid == pytest.approx((0.5, 0.5))
    assert t.pieces == 1


def test_saved_expected_reading_of_the_c() -> None:
    t = measure(C)
    bay = t.bays[0]
    assert (bay.side, round(bay.angle, 1), round(bay.area, 3)) == ("right", 0.0, 0.643)
    assert bay.row == pytest.approx(0.5)
    assert len(t.endpoints) == 2


@pytest.mark.parametrize("seed", range(6))
def test_convex_hull_matches_scikit_image(seed: int) -> None:
    from skimage.morphology import convex_hull_image

    from topodigit.topology import convex_hull

    rng = np.random.default_rng(seed)
    for _ in range(50):
        h, w = rng.integers(1, 40, 2)
        m = rng.random((h, w)) < rng.random() * 0.3
        if m.any():
            assert np.array_equal(convex_hull(m), convex_hull_image(m))


# --- the skeleton's facts are measured when first read ----------------------------------------


def test_skeleton_facts_are_measured_only_when_read(monkeypatch: pytest.MonkeyPatch) -> None:
    from topodigit import rules
    from topodigit import skeleton as sk

    calls = []
    real = sk.skeleton

    def counted(*args: object, **kwargs: object) -> np.ndarray:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sk, "skeleton", counted)
    t = measure(_t_shape())
    assert rules.classify(t).rule and not calls  # the rules never need the skeleton
    assert (len(t.endpoints), len(t.junctions)) == (3, 1) and len(calls) == 1
    assert t.stroke > 0 and t.endpoints == measure(_t_shape()).endpoints and len(calls) == 2


def test_deferred_skeleton_facts_match_the_skeleton_functions() -> None:
    from skimage.morphology import skeletonize

    from topodigit import skeleton as sk

    for glyph in (ONE, EIGHT, C, SIX, SEVEN, _t_shape()):
        t = measure(glyph)
        raw = skeletonize(glyph)
        stroke = sk.stroke_width(glyph, raw)
        skel = sk.skeleton(glyph, stroke=stroke, raw=raw)
        scale = np.array(glyph.shape, float)
        assert t.endpoints == tuple(map(tuple, (sk.endpoints(skel) + 0.5) / scale))
        assert t.junctions == tuple(map(tuple, (sk.junctions(skel) + 0.5) / scale))
        assert t.stroke == stroke / glyph.shape[0]


def test_measured_topology_pickles_and_compares_with_its_facts_computed() -> None:
    import pickle

    t = measure(SIX)
    back = pickle.loads(pickle.dumps(t))
    assert back == t and back.endpoints == t.endpoints and hash(back) == hash(t)
    assert Topology(**{f: getattr(t, f) for f in t.__dataclass_fields__}) == measure(SIX)


def test_bays_of_equal_area_come_in_raster_order() -> None:
    h_shape = np.zeros((11, 9), bool)
    h_shape[:, :2] = h_shape[:, -2:] = True
    h_shape[5, :] = True
    t = measure(h_shape)
    assert [b.side for b in t.bays] == ["top", "bottom"]
    assert t.bays[0].area == t.bays[1].area
