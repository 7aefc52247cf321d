"""layout: digits vs punctuation vs specks, and spaces, on drawn lines."""

from __future__ import annotations

import numpy as np

from topodigit.cells import peel_point
from topodigit.layout import LineLayout, arrange
from topodigit.segment import segment
from topodigit.spacing import spaces

H = 30  # digit height of the drawings
TOP = 10


def _line(width: int = 200) -> np.ndarray:
    return np.zeros((TOP + H + 20, width), bool)


def _digit(m: np.ndarray, left: int, width: int = 16, stroke: int = 4) -> None:
    """A ring-like digit-sized glyph (a zero) with the given stroke."""
    m[TOP:TOP + H, left:left + width] = True
    m[TOP + stroke:TOP + H - stroke, left + stroke:left + width - stroke] = False


def _arrange(m: np.ndarray) -> LineLayout:
    seg = segment(m)
    assert len(seg.lines) == 1
    return arrange(seg.lines[0], seg.labels)


def _text(lay: LineLayout) -> str:
    return "".join((" " if t.space_before else "") + (t.char or "0") for t in lay.tokens)


def _digits(m: np.ndarray, lefts: list[int]) -> None:
    for left in lefts:
        _digit(m, left)


def test_dot_on_the_baseline_between_digits_is_a_decimal_point() -> None:
    m = _line()
    _digits(m, [4, 24, 50])
    m[TOP + H - 5:TOP + H, 42:47] = True
    lay = _arrange(m)
    assert _text(lay) == "00.0"
    assert lay.tokens[2].rule == "decimal-point"


def test_dot_that_is_not_between_digits_or_not_on_the_baseline_is_dropped() -> None:
    m = _line()
    _digits(m, [4, 24])
    m[TOP + H - 5:TOP + H, 42:47] = True  # after the last digit
    m[TOP + 2:TOP + 7, 150:155] = True  # far away, high up
    lay = _arrange(m)
    assert _text(lay) == "00"
    assert lay.dropped == 2


def test_a_speck_thinner_than_the_strokes_is_not_a_decimal_point() -> None:
    m = _line()
    _digits(m, [4, 24, 50])
    m[TOP + H - 2:TOP + H, 43:45] = True  # 2x2 on the baseline: half a stroke
    assert _text(_arrange(m)) == "000"


def test_mark_reaching_below_the_baseline_is_a_comma() -> None:
    m = _line()
    _digits(m, [4, 24, 50])
    m[TOP + H - 5:TOP + H + 5, 42:47] = True
    assert _text(_arrange(m)) == "00,0"


def test_a_round_mark_on_the_baseline_is_a_point_a_top_heavy_one_a_comma() -> None:
    # both taller than wide and filling under DOT_FILL of their box, neither
    # reaching below the baseline: a point blurred round is as heavy below its
    # middle as above; a comma (OCR-A's) has its head on top
    m = _line()
    _digits(m, [4, 24, 50])
    dot = np.zeros((8, 7), bool)
    for r, half in enumerate([0, 1, 2, 3, 3, 2, 1, 0]):  # a lozenge
        dot[r, 3 - half:4 + half] = True
    m[TOP + H - 8:TOP + H, 41:48] = dot
    assert _text(_arrange(m)) == "00.0"
    comma = np.zeros((8, 7), bool)
    comma[:4, 1:7] = True  # the head ...
    comma[4:, 2:4] = True  # ... and its tail
    m[TOP + H - 8:TOP + H, 41:48] = comma
    assert _text(_arrange(m)) == "00,0"


def test_two_stacked_dots_between_digits_are_one_colon() -> None:
    m = _line()
    _digits(m, [4, 24, 50])
    m[TOP + 8:TOP + 13, 42:47] = True
    m[TOP + H - 5:TOP + H, 42:47] = True
    lay = _arrange(m)
    assert _text(lay) == "00:0"
    assert len(lay.tokens[2].region.labels) == 2


def test_a_colons_lower_dot_shaped_like_a_small_minus_is_still_the_colons() -> None:
    # at small sizes rotation and blur widen a dot to a flat bar (4 x 8 px here)
    m = _line()
    _digits(m, [4, 24, 58])
    m[TOP + 5:TOP + 10, 46:51] = True
    m[TOP + 19:TOP + 23, 44:52] = True
    assert _text(_arrange(m)) == "00:0"


def test_flat_bar_at_mid_height_is_a_minus_sign_and_a_cross_is_a_plus() -> None:
    m = _line()
    m[TOP + 13:TOP + 17, 4:16] = True  # minus
    _digits(m, [22, 42])
    m[TOP + 13:TOP + 17, 64:80] = True  # plus: bar ...
    m[TOP + 7:TOP + 23, 70:74] = True  # ... and its upright
    _digits(m, [86])
    assert _text(_arrange(m)) == "-00+0"


def test_minus_with_a_speck_of_noise_stuck_to_it_is_still_a_minus() -> None:
    m = _line()
    _digits(m, [4, 24])
    m[TOP + 14:TOP + 16, 46:54] = True  # a thin hyphen (2 x 8 px) ...
    m[TOP + 16:TOP + 18, 48] = True  # ... with a stray pixel hanging under it
    _digits(m, [60, 80])
    assert _text(_arrange(m)) == "00-00"


def test_sign_with_no_digit_after_it_is_dropped() -> None:
    m = _line()
    _digits(m, [4, 24])
    m[TOP + 13:TOP + 17, 50:62] = True
    assert _text(_arrange(m)) == "00"


def test_gap_clearly_wider_than_the_pitch_is_one_space() -> None:
    m = _line(260)
    _digits(m, [4, 24, 44, 100, 120, 200])  # pitch 20; gaps of +36 and +60 px
    assert _text(_arrange(m)) == "000 00 0"


def test_space_in_a_three_digit_line_is_found_with_only_two_steps() -> None:
    # steps of 20 and 32 px: their median, 26, would pass the space for usual
    m = _line()
    _digits(m, [4, 24, 56])
    assert _text(_arrange(m)) == "00 0"


def test_even_pitch_has_no_spaces_even_with_narrow_glyphs() -> None:
    m = _line()
    _digits(m, [4, 24, 44])
    m[TOP:TOP + H, 70:74] = True  # a narrow "1" centred in its cell (64..80)
    _digits(m, [84])
    assert _text(_arrange(m)) == "00000"


def test_space_before_a_sign_shows_as_a_longer_step_on_that_side() -> None:
    m = _line(260)
    _digits(m, [4, 24])
    m[TOP + 13:TOP + 17, 60:70] = True  # "-" after a space
    _digits(m, [76, 96])
    assert _text(_arrange(m)) == "00 -00"


def _arrange_seven(m: np.ndarray, slant: float | None = 0.0) -> LineLayout:
    seg = segment(m)
    assert len(seg.lines) == 1
    return arrange(seg.lines[0], seg.labels, seven_segment=True, slant=slant)


def test_point_touching_a_seven_segment_digit_is_split_off() -> None:
    m = _line()
    _digits(m, [4, 24, 50])
    m[TOP + H - 5:TOP + H, 40:45] = True  # touches the second digit's right bar
    assert _text(_arrange_seven(m)) == "00.0"
    assert _text(_arrange_seven(m, slant=None)) == "000"  # without the slant, no split
    lay = _arrange_seven(m)
    assert lay.tokens[1].region.box.right == 40 and lay.tokens[2].rule == "decimal-point"


def test_point_touching_the_next_digit_is_split_off_before_it() -> None:
    m = _line()
    _digits(m, [4, 30, 50])
    m[TOP + H - 5:TOP + H, 25:30] = True  # touches the second digit's left bar
    assert _text(_arrange_seven(m)) == "0.00"


def test_point_under_an_italic_digit_is_found_upright() -> None:
    # an italic 0 (shear 0.2) whose top overhangs its point: the point's columns
    # hold the digit's upper right too, until the digit is unsheared
    glyph = np.zeros((H, 30), bool)
    for r in range(H):
        shift = round(0.2 * (H - 1 - r))
        glyph[r, shift:shift + 16] = True
        if 4 <= r < H - 4:
            glyph[r, shift + 4:shift + 12] = False
    glyph[H - 5:, 16:21] = True
    assert peel_point(glyph, height=H, slant=0.0, stroke=4) is None
    split = peel_point(glyph, height=H, slant=0.2, stroke=4)
    assert split is not None
    digit, point = split
    rows, cols = np.nonzero(point)
    assert rows.min() >= H - 5 and cols.min() >= 16 and int(point.sum()) >= 20
    assert not digit[H - 5:, 18:].any() and (digit | point).sum() == glyph.sum()


def test_a_bar_reaching_the_baseline_is_no_point() -> None:
    two = np.zeros((H, 16), bool)  # a seven-segment 2: a, b, g, e, d
    two[:4, 2:14] = two[H // 2 - 2:H // 2 + 2, 2:14] = two[H - 4:, 2:14] = True
    two[1:H // 2, 12:16] = two[H // 2:H - 1, 0:4] = True
    assert peel_point(two, height=H, slant=0.0, stroke=4) is None
    assert peel_point(np.ones((H, 4), bool), height=H, slant=0.0, stroke=4) is None


def test_seven_segment_line_height_comes_from_full_cells() -> None:
    m = _line()
    for left in (4, 44, 64):  # three 1s: no top or bottom bar, short at both ends
        m[TOP + 3:TOP + H - 3, left + 12:left + 16] = True
    _digits(m, [24])
    lay = _arrange_seven(m)
    assert (lay.height, lay.top, lay.baseline) == (H, TOP, TOP + H)
    assert _arrange(m).height == H - 6  # printed lines: the median glyph


def test_point_on_a_tilted_line_is_not_a_comma() -> None:
    m = _line(240)
    for k in range(8):  # the line falls one pixel per digit
        left, drop = 4 + 24 * k, k
        m[TOP + drop:TOP + drop + H, left:left + 16] = True
        m[TOP + drop + 4:TOP + drop + H - 4, left + 4:left + 12] = False
    m[TOP + H + 6 - 5:TOP + H + 6, 165:170] = True  # on the baseline between digits 7 and 8
    assert _text(_arrange(m)) == "0000000.0"


def test_a_bottom_bar_sticking_out_left_is_no_point_before_the_digit() -> None:
    # an italic 3 unsheared by too small a slant: its bottom bar's end sticks out
    # at the lower left, but the digit is no wider than the line's other cells
    three = np.zeros((H, 16), bool)
    three[:4, 3:16] = three[H // 2 - 2:H // 2 + 2, 3:16] = three[H - 4:, 0:13] = True
    three[:, 12:16] = True
    three[H - 4:, 13:] = False
    assert peel_point(three, height=H, slant=0.0, stroke=4) is not None
    assert peel_point(three, height=H, slant=0.0, stroke=4, cell=16.0) is None


def test_a_point_fused_into_a_digits_corner_is_split_off_when_the_digit_is_wide() -> None:
    # blur joined a point to a 0's lower left corner: only 2 of its columns (half
    # a dot) stick out, all of them outside the line's 16-px cell
    zero = np.zeros((H, 18), bool)
    zero[:, 2:18] = True
    zero[4:H - 4, 6:14] = False
    zero[H - 3:, 0:2] = True
    split = peel_point(zero, height=H, slant=0.0, stroke=4, cell=16.0)
    assert split is not None and int(split[1].sum()) == 6
    assert peel_point(zero, height=H, slant=0.0, stroke=4, cell=18.0) is None


def _seven_cell(m: np.ndarray, left: int, lit: str, shear: float, w: int = 24, t: int = 4
                ) -> None:
    """Paint the bars of ``lit`` into the H x w cell at ``left``, sheared to the right."""
    mid, inner = H // 2, slice(t + 1, w - t - 1)
    bars = {"a": (slice(0, t), inner), "g": (slice(mid - t // 2, mid + t // 2), inner),
            "d": (slice(H - t, H), inner), "f": (slice(1, mid - 1), slice(0, t)),
            "b": (slice(1, mid - 1), slice(w - t, w)), "e": (slice(mid + 1, H - 1), slice(0, t)),
            "c": (slice(mid + 1, H - 1), slice(w - t, w))}
    cell = np.zeros((H, w), bool)
    for seg in lit:
        cell[bars[seg]] = True
    rr, cc = np.nonzero(cell)
    m[TOP + rr, left + cc + np.round(shear * (H - 1 - rr)).astype(int)] = True


def test_seven_segment_minus_is_spaced_by_its_cell() -> None:
    # italic cells "88-8": the minus is the middle bar alone, which ends a
    # stroke short of its cell's right edge and, on a slant, lower on the lean
    m = _line(200)
    for k, lit in enumerate(["abcdefg", "abcdefg", "g", "abcdefg"]):
        _seven_cell(m, 4 + 30 * k, lit, 0.2)
    assert _text(_arrange_seven(m, slant=0.2)) == "00-0"


def test_one_dot_of_a_seven_segment_colon_is_a_colon() -> None:
    # "88:88" whose lower colon dot blur took: the upper one, off the baseline and
    # mid-line, is the colon on a display; on a print line, a speck in a gap
    m = _line(200)
    for left in [4, 32, 68, 96]:
        _seven_cell(m, left, "abcdefg", 0.0)
    m[TOP + 9:TOP + 13, 60:64] = True
    assert _text(_arrange_seven(m)) == "00:00"
    assert _text(_arrange(m)) == "00 00"


def test_line_without_a_measured_pitch_takes_the_widest() -> None:
    # "2,35" in a monospaced font with 3 and 5 cut apart: no two adjacent digits
    # stand apart, so the pitch is unknown; a cell-wide step out of the comma
    # (1.09 H) is no space, a step wider than any font's pitch allows is one,
    # when the step across the comma holds two such pitches and more too
    h = 64.0
    digit, sign, glued = [True, False, True, True], [False] * 4, [False, False, False, True]
    assert spaces([0.0, 52.0, 122.0, 160.0], digit, sign, glued, h) == [False] * 4
    assert spaces([0.0, 52.0, 142.0, 180.0], digit, sign, glued, h) == [False, False, True, False]


def test_a_comma_taking_a_whole_cell_is_no_space() -> None:
    # "2,351" in a monospaced font (pitch 62 px, 66-px digits): the comma sits
    # left in its cell, so the step out of it (80 px) is longer than a pitch by
    # more than 0.23 H; the step across it is two pitches and a little: no space
    digit = [True, False, True, True, True]
    anchors = [40.0, 92.0, 172.0, 234.0, 296.0]
    assert spaces(anchors, digit, [False] * 5, [False] * 5, 66.0) == [False] * 5
    anchors[2:] = [a + 20.0 for a in anchors[2:]]  # a space after the comma
    assert spaces(anchors, digit, [False] * 5, [False] * 5, 66.0) == [False, False, True,
                                                                      False, False]


def test_a_plus_wider_than_the_digits_lengthens_the_step_out_of_it() -> None:
    # "+33" in DejaVu Sans (32-px digits, pitch 26 px): its plus (27 px of ink
    # against 21 for a digit) is wider than a digit's advance, so the step out of
    # its centre into the 3 is 34 px, over pitch + 0.23 H; half the extra width allows it
    digit, sign, glued = [False, True, True], [True, False, False], [False] * 3
    anchors = [158.5, 192.3, 218.3]
    assert spaces(anchors, digit, sign, glued, 32.0) == [False, True, False]
    wide = [27.0, 21.0, 21.0]
    assert spaces(anchors, digit, sign, glued, 32.0, widths=wide) == [False] * 3
    anchors[1:] = [a + 12.0 for a in anchors[1:]]  # "+ 33": a space after all
    assert spaces(anchors, digit, sign, glued, 32.0, widths=wide) == [False, True, False]
