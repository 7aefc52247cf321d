"""Bounded cost: pathological images finish and say what was skipped; large glyphs
are read from a smaller copy (scale.py) with their boxes in the original image."""

from __future__ import annotations

import numpy as np
import pytest

import topodigit
from topodigit import ReaderConfig, scale
from topodigit.segment import MAX_COMPONENTS

TRUNCATED = f"only the {MAX_COMPONENTS} largest components were examined"


def _checkerboard(size: int, cell: int) -> np.ndarray:
    band = (np.arange(size) // cell) % 2
    return np.where(band[:, None] ^ band[None, :], 0, 255).astype(np.uint8)


def _dots(size: int, pitch: int, dot: int) -> np.ndarray:
    img = np.full((size, size), 255, np.uint8)
    for dr in range(dot):
        for dc in range(dot):
            img[dr::pitch, dc::pitch] = 0
    return img


def test_a_million_random_specks_give_a_reading() -> None:
    rng = np.random.default_rng(0)
    specks = np.where(rng.random((1000, 1000)) < 0.5, 0, 255).astype(np.uint8)
    reading = topodigit.read(specks)
    assert reading.shape == (1000, 1000)


@pytest.mark.parametrize("cell", [1, 2, 3])
def test_checkerboards_give_a_reading(cell: int) -> None:
    reading = topodigit.read(_checkerboard(1000, cell))
    assert reading.shape == (1000, 1000)


def test_a_grid_of_separate_dots_is_capped_and_says_so() -> None:
    reading = topodigit.read(_dots(1000, 4, 2))  # 62,500 components of 4 pixels
    assert TRUNCATED in reading.notes


def test_the_cap_is_a_config_option() -> None:
    reading = topodigit.read(_dots(200, 4, 2), config=ReaderConfig(max_components=50))
    assert "only the 50 largest components were examined" in reading.notes


def test_small_text_is_not_rescaled() -> None:
    gray = np.full((60, 200), 255, np.uint8)
    gray[10:40, 20:35] = 0
    small, factors = scale.shrink(gray)
    assert small is gray and factors == (1.0, 1.0)


def test_large_glyphs_are_read_at_the_cap_height_and_boxed_in_the_original() -> None:
    gray = np.full((600, 900), 255, np.uint8)
    for left in (100, 400):  # two 300-px bars
        gray[150:450, left:left + 60] = 0
    assert scale.text_height(gray) == pytest.approx(300, abs=12)
    small, (fy, fx) = scale.shrink(gray)
    assert small.shape[0] == pytest.approx(600 * scale.MAX_GLYPH_HEIGHT / 300, abs=6)
    reading = topodigit.read(gray)
    assert reading.text == "11"
    for glyph, left in zip(reading.glyphs, (100, 400), strict=True):
        assert abs(glyph.box.left - left) <= 1 / fx + 1
        assert abs(glyph.box.top - 150) <= 1 / fy + 1
        assert glyph.box.bottom <= 600 and glyph.box.right <= 900


def test_unscaled_boxes_stay_inside_the_image() -> None:
    assert scale.unscale_box((0, 0, 10, 10), (0.1, 0.1), (50, 60)) == (0, 0, 50, 60)
    assert scale.unscale_box((9, 9, 10, 10), (0.2, 0.2), (50, 50)) == (45, 45, 50, 50)


def test_glyphs_a_halving_brings_near_the_cap_are_read_from_that_halving() -> None:
    gray = np.full((260, 400), 255, np.uint8)
    for left in (150, 220):  # two 124-px bars: halved, 62 px, within HALVING_SLACK of 64
        gray[68:192, left:left + 30] = 0
    out = scale.scale_down(gray)
    assert out.gray.shape == (130, 200) and out.factors == (0.5, 0.5)
    assert out.binarized is not None  # the probe read this halving: its binarization
    assert topodigit.read(gray).text == "11"
