"""layout: digits vs punctuation vs specks, and spaces, on drawn lines."""

from __future__ import annotations

import numpy as np

from topodigit.layout import LineLayout, arrange
from topodigit.segment import segment

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


def test_two_stacked_dots_between_digits_are_one_colon() -> None:
    m = _line()
    _digits(m, [4, 24, 50])
    m[TOP + 8:TOP + 13, 42:47] = True
    m[TOP + H - 5:TOP + H, 42:47] = True
    lay = _arrange(m)
    assert _text(lay) == "00:0"
    assert len(lay.tokens[2].region.labels) == 2


def test_flat_bar_at_mid_height_is_a_minus_sign_and_a_cross_is_a_plus() -> None:
    m = _line()
    m[TOP + 13:TOP + 17, 4:16] = True  # minus
    _digits(m, [22, 42])
    m[TOP + 13:TOP + 17, 64:80] = True  # plus: bar ...
    m[TOP + 7:TOP + 23, 70:74] = True  # ... and its upright
    _digits(m, [86])
    assert _text(_arrange(m)) == "-00+0"


def test_sign_with_no_digit_after_it_is_dropped() -> None:
    m = _line()
    _digits(m, [4, 24])
    m[TOP + 13:TOP + 17, 50:62] = True
    assert _text(_arrange(m)) == "00"


def test_gap_clearly_wider_than_the_pitch_is_one_space() -> None:
    m = _line(260)
    _digits(m, [4, 24, 44, 100, 120, 200])  # pitch 20; gaps of +36 and +60 px
    assert _text(_arrange(m)) == "000 00 0"


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
