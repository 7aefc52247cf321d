"""Seven-segment lines read whole: a 1 run into the next digit is split off,
on drawn segments (no fonts involved)."""

from __future__ import annotations

import numpy as np
import pytest

import topodigit
from topodigit import sevenseg, sevensplit

from .test_sevenseg import H, W, draw

PITCH = W + 8  # cell pitch of the drawn lines
BAR = 4  # bar thickness of test_sevenseg.draw


def _line(text: str, *, join: int | None = None, blot: bool = False,
          share: int | None = None, onto: int | None = None, gap: int = 1) -> np.ndarray:
    """Dark digits on light paper, one cell per char. The char at index ``join``
    (after a 1) is pulled left until its left bars overlap the 1's bar by a
    column, or, with ``blot``, stops 3 px from it and is joined to it by a bar
    at mid-height. The char at index ``share`` is pulled left until its left
    bars lie on the right bars of the one before (kerned to share a column);
    the 1 at index ``onto`` is pulled left until its bar overlaps the right bars
    of the digit before it by a column.
    ``gap`` px separate a digit's bars (0: they touch, as small displays' do)."""
    ink = np.zeros((H + 20, PITCH * len(text) + 20), bool)
    x = 10
    for k, ch in enumerate(text):
        if k == share:
            x -= PITCH - W + BAR
        if k == onto:
            x -= PITCH - BAR + 1
        if k == join:
            one_bar = x - PITCH + W - BAR  # left column of the 1's bar
            x = one_bar + BAR + 3 if blot else one_bar + BAR - 1
            if blot:
                ink[10 + H // 2 - 3:10 + H // 2 + 3, one_bar + BAR - 2:x + 2] = True
        cell = draw(sevenseg.DIGIT_SEGMENTS[ch][0], gap=gap)
        ink[10:10 + H, x:x + cell.shape[1]] |= cell
        x += PITCH
    return np.where(ink, 0, 255).astype(np.uint8)


@pytest.mark.parametrize("blot", [False, True])
@pytest.mark.parametrize("after", ["4", "7", "2", "3"])
def test_a_one_run_into_the_next_digit_is_split_off(after: str, blot: bool) -> None:
    # (a 1 kerned into a 0, 6 or 8 is a thick left side: not tested, not split)
    text = f"381{after}52"
    img = _line(text, join=3, blot=blot)
    assert topodigit.read(img).text == text


def test_a_wide_eight_with_a_blot_end_is_not_a_one_and_a_three() -> None:
    eight = draw(sevenseg.DIGIT_SEGMENTS["8"][0])
    mask = np.zeros((H, W + 8), bool)
    mask[:, :eight.shape[1]] = eight
    mask[H // 2 - 3:H // 2 + 3, W:] = True  # the end of a blot, beyond its right bars
    assert sevensplit.split_wide(mask, height=H, cell=W, slant=0.0) is None


def test_split_parts_keep_every_pixel_but_the_blot() -> None:
    img = _line("8140", join=2, blot=True)
    reading = topodigit.read(img)
    assert reading.text == "8140"
    one, four = reading.glyphs[1], reading.glyphs[2]
    assert one.box.right <= four.box.left + 1  # the blot's middle belongs to neither
    assert one.method == four.method == "segments"


@pytest.mark.parametrize(("text", "share"), [("8320", 2), ("5327", 2), ("9321", 2)])
def test_kerned_digits_sharing_a_bar_each_keep_only_their_own(text: str, share: int) -> None:
    # the piece after the cut holds the other's upright bar: without it, a digit
    img = _line(text, share=share, gap=0)
    assert topodigit.read(img).text == text


def test_a_cut_piece_with_its_neighbours_bar_reads_without_it() -> None:
    two_and_f = draw("abdeg") | draw("f")  # a 2 carrying the bar of the digit before it
    reading = sevenseg.decode(two_and_f)
    assert reading.verdict.char == "?"
    verdict = sevensplit.without_side_bar(reading)
    assert verdict is not None and verdict.char == "2"
    assert "without bar f" in verdict.reason


def test_side_bar_is_dropped_only_when_one_choice_makes_a_digit() -> None:
    assert sevensplit.without_side_bar(sevenseg.decode(draw("abdeg"))) is None  # reads: a 2
    nine = sevensplit.without_side_bar(sevenseg.decode(draw("abcefg")))  # only e's loss: 9
    assert nine is not None and nine.char == "9"
    # a b c d e g: without e a 3, without c a 2: which bar is the neighbour's is unknown
    assert sevensplit.without_side_bar(sevenseg.decode(draw("abcdeg"))) is None


@pytest.mark.parametrize("text", ["4915", "3108", "0172"])
def test_a_one_kerned_onto_a_digits_side_is_split_off(text: str) -> None:
    # the 1's bar lies on the right bars of the digit before it: that side is
    # twice as thick as the line's bars, which no digit's side is (a digit with
    # one right bar, as a 6, is thick on too few rows: not split)
    img = _line(text, onto=text.index("1"))
    assert topodigit.read(img).text == text


@pytest.mark.parametrize("text", ["4158", "3152", "9152"])
def test_a_one_kerned_onto_a_side_with_one_bar_is_split_off(text: str) -> None:
    # the 5 after the 1 overlaps its bar by a column: its one left bar (f) makes
    # the upper half twice as thick, the lower half is the 1's bar alone, in
    # line with it; the glyph is wider than a digit
    img = _line(text, join=text.index("1") + 1)
    assert topodigit.read(img).text == text


def test_a_kerned_one_is_found_where_the_uprighted_edge_wanders() -> None:
    # an italic line's bars, stood upright by whole-pixel row shifts, start a
    # pixel further in on some rows: the thick side is measured per row from
    # the row's own outer stroke, not from the glyph's outermost column
    ink = np.zeros((40, 28), bool)
    ink[0::2, 0:4] = ink[1::2, 1:5] = True  # the 1, its edge wandering by a pixel
    ink[:, 4:8] = ink[:, 24:28] = ink[0:4, 4:28] = ink[36:40, 4:28] = True  # the 0
    parts = sevensplit.kerned_one(ink, height=40, cell=24, slant=0.0, stroke=4.0)
    assert parts is not None
    one, zero = parts
    assert one.sum() == 40 * 4 - 20 * 1 and not zero[:, :4].any()


@pytest.mark.parametrize(("text", "join"), [("20126", 3), ("501263", 3), ("2010126", 5)])
def test_a_short_line_with_a_one_kerned_into_a_digit_is_still_seven_segment(
        text: str, join: int) -> None:
    # bars that touch (gap 0) do not come apart, so the line must fit the bars;
    # the 1 run into the digit after it is wider than a cell by less than
    # WIDE_CELLS, and under ten digits no misfit is allowed: it is excused
    img = _line(text, join=join, gap=0)
    assert topodigit.read(img).text == text
