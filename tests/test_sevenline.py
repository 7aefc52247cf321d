"""Seven-segment lines read whole: a 1 run into the next digit is split off,
on drawn segments (no fonts involved)."""

from __future__ import annotations

import numpy as np
import pytest

import topodigit
from topodigit import sevenline, sevenseg

from .test_sevenseg import H, W, draw

PITCH = W + 8  # cell pitch of the drawn lines
BAR = 4  # bar thickness of test_sevenseg.draw


def _line(text: str, *, join: int | None = None, blot: bool = False) -> np.ndarray:
    """Dark digits on light paper, one cell per char. The char at index ``join``
    (after a 1) is pulled left until its left bars overlap the 1's bar by a
    column, or, with ``blot``, stops 3 px from it and is joined to it by a bar
    at mid-height."""
    ink = np.zeros((H + 20, PITCH * len(text) + 20), bool)
    x = 10
    for k, ch in enumerate(text):
        if k == join:
            one_bar = x - PITCH + W - BAR  # left column of the 1's bar
            x = one_bar + BAR + 3 if blot else one_bar + BAR - 1
            if blot:
                ink[10 + H // 2 - 3:10 + H // 2 + 3, one_bar + BAR - 2:x + 2] = True
        cell = draw(sevenseg.DIGIT_SEGMENTS[ch][0])
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
    assert sevenline.split_wide(mask, height=H, cell=W, slant=0.0) is None


def test_split_parts_keep_every_pixel_but_the_blot() -> None:
    img = _line("8140", join=2, blot=True)
    reading = topodigit.read(img)
    assert reading.text == "8140"
    one, four = reading.glyphs[1], reading.glyphs[2]
    assert one.box.right <= four.box.left + 1  # the blot's middle belongs to neither
    assert one.method == four.method == "segments"
