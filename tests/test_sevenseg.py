"""Seven-segment decoding tested on hand-drawn segment arrays: no fonts involved."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from topodigit import sevenseg, slant
from topodigit.errors import BadArgumentError

H, W, T, GAP = 40, 24, 4, 1
CASES = [(ch, lit) for ch, sets in sevenseg.DIGIT_SEGMENTS.items() for lit in sets]


def draw(lit: str, *, h: int = H, w: int = W, t: int = T, gap: int = GAP,
         shear: float = 0.0) -> np.ndarray:
    """Paint the bars of ``lit`` into an h x w cell, gaps at the joins, sheared to the right.

    Horizontal bars (a, g, d) run between the upright ones; upright bars (f, b,
    e, c) fill the upper and lower halves; ``gap`` px separate neighbours.
    """
    mid = h // 2
    inner = slice(t + gap, w - t - gap)
    upper, lower = slice(gap, mid - gap), slice(mid + gap, h - gap)
    bars = {"a": (slice(0, t), inner), "g": (slice(mid - t // 2, mid - t // 2 + t), inner),
            "d": (slice(h - t, h), inner), "f": (upper, slice(0, t)), "b": (upper, slice(w - t, w)),
            "e": (lower, slice(0, t)), "c": (lower, slice(w - t, w))}
    cell = np.zeros((h, w), bool)
    for seg in lit:
        cell[bars[seg]] = True
    rr, cc = np.nonzero(cell)
    out = np.zeros((h, w + math.ceil(abs(shear) * h) + 1), bool)
    shift = np.round(shear * (h - 1 - rr)).astype(int)
    out[rr, cc + shift - min(0, int(shift.min()))] = True
    return out


def ink_box(mask: np.ndarray) -> np.ndarray:
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    return mask[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]


def test_table_is_data_over_the_seven_segments() -> None:
    sets = [lit for _, lit in CASES]
    assert len(sets) == len(set(sets))
    assert all(set(lit) <= set(sevenseg.SEGMENTS) for lit in sets)
    assert set(sevenseg.DIGIT_SEGMENTS) == set("0123456789-")


@pytest.mark.parametrize(("char", "lit"), CASES)
def test_drawn_digit_decodes_upright(char: str, lit: str) -> None:
    r = sevenseg.decode(ink_box(draw(lit)), height=H, cell_width=W)
    assert (r.lit, r.verdict.char) == (lit, char)
    assert r.verdict.confidence == 1.0
    assert r.verdict.method == "segments" and r.verdict.rule == "seven-segment"
    assert r.verdict.reason.endswith(f"→ {char}")
    assert r.verdict.candidates[0] == char
    assert len(r.levels) == 7 and all(0.0 <= x <= 1.0 for x in r.levels)
    assert r.fit > 0.8


@pytest.mark.parametrize(("char", "lit"), CASES)
def test_drawn_digit_decodes_without_line_context(char: str, lit: str) -> None:
    assert sevenseg.decode(draw(lit)).verdict.char == char


@pytest.mark.parametrize(("char", "lit"), CASES)
@pytest.mark.parametrize("shear", [0.18, -0.1])
def test_sheared_digit_decodes_with_its_slant(char: str, lit: str, shear: float) -> None:
    glyph = ink_box(draw(lit, shear=shear))
    r = sevenseg.decode(glyph, height=H, cell_width=W + abs(shear) * H, slant=shear)
    assert (r.lit, r.verdict.char) == (lit, char)
    assert r.fit > 0.8


def test_unsheared_italic_eight_needs_its_slant() -> None:
    glyph = ink_box(draw("abcdefg", shear=0.35))
    assert sevenseg.decode(glyph, slant=0.35).verdict.char == "8"
    assert sevenseg.decode(glyph).fit < sevenseg.decode(glyph, slant=0.35).fit


@pytest.mark.parametrize("shear", [0.0, 0.1, 0.2, -0.15])
def test_estimate_slant_recovers_the_shear(shear: float) -> None:
    assert slant.estimate_slant(draw("abcdefg", shear=shear)) == pytest.approx(shear, abs=0.03)
    line = np.hstack([draw(lit, shear=shear) for lit in ("abcdef", "bc", "abdeg", "bcfg")])
    assert slant.estimate_slant(line) == pytest.approx(shear, abs=0.03)


def test_narrow_full_height_bar_is_a_one() -> None:
    bar = np.ones((H - 2, T), bool)
    r = sevenseg.decode(bar, height=H, cell_width=W)
    assert (r.lit, r.verdict.char) == ("bc", "1")
    assert "narrow" in r.verdict.reason
    assert r.fit > 0.8


def test_flat_middle_bar_is_a_minus() -> None:
    bar = np.ones((T, W - 2 * T), bool)
    r = sevenseg.decode(bar, height=H, cell_width=W)
    assert (r.lit, r.verdict.char) == ("g", "-")
    assert r.fit > 0.8


def test_lit_set_in_no_entry_is_unreadable() -> None:
    r = sevenseg.decode(draw("abcdeg"), height=H, cell_width=W)
    assert r.lit == "abcdeg"
    assert r.verdict.char == "?" and not r.verdict.readable
    assert r.verdict.confidence == 0.0
    assert "no digit" in r.verdict.reason


def test_faint_segment_lowers_confidence_and_lists_the_other_reading() -> None:
    glyph = draw("abcdefg")
    glyph[H // 2 - T:H // 2 + T, W // 2 - 1:W - T - GAP] = False  # g half erased: 8 or 0?
    r = sevenseg.decode(glyph, height=H, cell_width=W)
    assert 0.5 <= r.verdict.confidence < 1.0
    assert set(r.verdict.candidates) == {"0", "8"}


def test_fit_is_low_for_a_ring() -> None:
    ring = np.zeros((H, H), np.uint8)
    cv2.circle(ring, (H // 2, H // 2), H // 2 - T, 1, T)
    oval = np.zeros((H, W), np.uint8)
    cv2.ellipse(oval, (W // 2, H // 2), (W // 2 - T // 2, H // 2 - T // 2), 0, 0, 360, 1, T)
    assert sevenseg.decode(ring.astype(bool), height=H, cell_width=W).fit < 0.6
    # a tall oval (a printed 0) has straight-ish sides but still stays well below
    assert sevenseg.decode(oval.astype(bool), height=H, cell_width=W).fit < 0.8
    assert sevenseg.decode(draw("abcdef"), height=H, cell_width=W).fit > 0.95


@pytest.mark.parametrize("bad", [np.ones(5, bool), np.ones((2, 3, 4), bool),
                                 np.zeros((0, 4), bool), np.zeros((6, 4), bool)])
def test_bad_masks_raise(bad: np.ndarray) -> None:
    with pytest.raises(BadArgumentError, match="mask"):
        sevenseg.decode(bad)
    with pytest.raises(BadArgumentError, match="mask"):
        slant.estimate_slant(bad)


@pytest.mark.parametrize("kwargs", [{"height": 0}, {"cell_width": -3.0}, {"slant": math.nan}])
def test_bad_options_raise(kwargs: dict[str, float]) -> None:
    with pytest.raises(BadArgumentError, match=next(iter(kwargs))):
        sevenseg.decode(draw("bc"), **kwargs)


def test_bars_with_ragged_edges_still_fit() -> None:
    # thresholded anti-aliased (or unsheared italic) bars: every other row of the
    # upright bars one pixel thicker on the outside, still a seven-segment 8
    glyph = np.pad(draw("abcdefg", t=3), ((0, 0), (1, 1)))
    rows = np.arange(0, H, 2)
    glyph[rows, 0] = glyph[rows, 1]
    glyph[rows, -1] = glyph[rows, -2]
    r = sevenseg.decode(glyph, height=H, cell_width=W + 2)
    assert r.verdict.char == "8"
    assert r.fit >= 0.93  # sevenline.SEVEN_FIT


def test_crispness_is_full_for_drawn_segments_and_lower_for_a_tail() -> None:
    assert sevenseg.decode(draw("abcdfg"), height=H, cell_width=W).crisp == 1.0
    tailed = draw("abcdfg")  # a 9 whose tail curls into the lower-left zone part-way
    tailed[H // 2 + GAP:H // 2 + 8, 0:T] = True
    r = sevenseg.decode(tailed, height=H, cell_width=W)
    assert r.crisp < 0.85  # sevenline.SEVEN_CRISP
    assert sevenseg.crispness({"a": 1.0, "b": 0.0, "c": 0.3}) == 0.7


def _shapes() -> list[np.ndarray]:
    """Drawn digits upright and sheared, a ring, a disc and a ragged 8."""
    ring = np.zeros((40, 26), np.uint8)
    cv2.ellipse(ring, (13, 20), (11, 18), 0, 0, 360, 1, 4)
    disc = np.zeros((30, 30), np.uint8)
    cv2.circle(disc, (15, 15), 13, 1, -1)
    ragged = draw("abcdefg")
    ragged[::3, 0] = False
    return [draw(lit, shear=s) for _, lit in CASES for s in (0.0, 0.2)] + [
        ring.astype(bool), disc.astype(bool), ragged]


@pytest.mark.parametrize("slant", [0.0, 0.2])
def test_shape_fit_is_decodes_fit_and_crispness(slant: float) -> None:
    for mask in _shapes():
        r = sevenseg.decode(mask, height=40.0, cell_width=26.0, slant=slant)
        assert sevenseg.shape_fit(mask, height=40.0, cell_width=26.0, slant=slant) == (
            r.fit, r.crisp)


@pytest.mark.parametrize("floor", [0.6, 0.75, 0.93, 1.0])
def test_shape_fit_under_its_floor_is_an_upper_bound(floor: float) -> None:
    under = 0
    for mask in _shapes():
        fit = sevenseg.decode(mask, height=40.0).fit
        bound, _ = sevenseg.shape_fit(mask, height=40.0, floor=floor)
        assert (bound < floor) == (fit < floor)
        assert bound == fit if fit >= floor else bound >= fit
        under += fit < floor
    assert under  # some shapes are tested under the floor


def test_upright_unshear_is_the_ink_box() -> None:
    m = np.zeros((9, 7), bool)
    m[2:6, 3] = m[5, 1:5] = True
    assert np.array_equal(slant.unshear(m, 0.0), m[2:6, 1:5])
    assert np.array_equal(slant.unshear(m, 0.0), slant.unshear(m, 1e-9))
