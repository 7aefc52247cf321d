"""binarize: polarity, forced ink, blank images, bad arguments and thresholds."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from topodigit.binarize import binarize
from topodigit.errors import BadArgumentError, TopodigitError


def _draw(*rows: str) -> np.ndarray:
    """Bool array from strings: '#' is ink, anything else is paper."""
    return np.array([[ch == "#" for ch in row] for row in rows], bool)


GLYPH = _draw(
    "............",
    "....####....",
    "...##..##...",
    "...#....#...",
    "...#....#...",
    "...#....#...",
    "...##..##...",
    "....####....",
    "............",
)


def _paint(mask: np.ndarray, ink: int, paper: int) -> np.ndarray:
    return np.where(mask, ink, paper).astype(np.uint8)


# --- drawings ---------------------------------------------------------------------------------


def test_dark_ink_on_light_paper_is_detected() -> None:
    b = binarize(_paint(GLYPH, ink=20, paper=240))
    assert b.polarity == "dark-on-light"
    assert np.array_equal(b.mask, GLYPH)


def test_light_ink_on_dark_paper_is_detected() -> None:
    b = binarize(_paint(GLYPH, ink=230, paper=15))
    assert b.polarity == "light-on-dark"
    assert np.array_equal(b.mask, GLYPH)


def test_ink_image_is_ink_high_whatever_the_polarity() -> None:
    for gray in (_paint(GLYPH, 20, 240), _paint(GLYPH, 230, 15)):
        b = binarize(gray)
        assert b.ink[GLYPH].min() > b.ink[~GLYPH].max()
        assert b.ink_level > b.paper_level
        assert np.array_equal(b.mask, b.ink > b.threshold)


@pytest.mark.parametrize(("ink", "polarity"), [("dark", "dark-on-light"),
                                               ("light", "light-on-dark")])
def test_forced_ink_is_honoured_even_against_the_evidence(ink: str, polarity: str) -> None:
    # Dark glyph on light paper read as "light": the paper becomes the ink.
    gray = _paint(GLYPH, ink=20, paper=240)
    b = binarize(gray, ink=ink)
    assert b.polarity == polarity
    expected = GLYPH if ink == "dark" else ~GLYPH
    assert np.array_equal(b.mask, expected)


def test_forced_ink_matches_auto_on_the_inverted_image() -> None:
    gray = _paint(GLYPH, ink=40, paper=200)
    assert np.array_equal(binarize(gray, ink="dark").mask, binarize(255 - gray, ink="light").mask)


def test_low_contrast_ink_is_still_found() -> None:
    b = binarize(_paint(GLYPH, ink=90, paper=160))
    assert b.polarity == "dark-on-light"
    assert np.array_equal(b.mask, GLYPH)


def test_thin_antialiased_strokes_get_a_threshold_midway_between_paper_and_ink() -> None:
    # A few 6-px strokes drawn at 4x and area-downsampled: ~2 % ink with a grey rim.
    big = np.full((800, 800), 235, np.uint8)
    for p, q in [((80, 120), (240, 680)), ((400, 80), (720, 240)), ((480, 600), (760, 480))]:
        cv2.line(big, p, q, 25, 6)
    gray = cv2.resize(big, (200, 200), interpolation=cv2.INTER_AREA)
    assert (gray < 200).mean() < 0.03
    b = binarize(gray)
    assert b.polarity == "dark-on-light"
    assert b.paper_level == 255 - 235
    assert 200 <= b.ink_level <= 255 - 25
    middle = (b.paper_level + b.ink_level) / 2
    assert abs(b.threshold - middle) <= 1
    assert abs(b.threshold - (20 + 230) / 2) <= 8  # plain Otsu lands ~14 levels lower
    assert b.mask[gray <= 60].all()  # solid core is ink
    assert not b.mask[gray >= 200].any()  # faint rim and paper are not


# --- blank input and bad arguments ------------------------------------------------------------


@pytest.mark.parametrize("level", [0, 128, 255])
def test_flat_image_gives_an_empty_mask(level: int) -> None:
    b = binarize(np.full((12, 17), level, np.uint8))
    assert b.mask.shape == (12, 17)
    assert b.mask.dtype == bool
    assert not b.mask.any()


def test_noise_below_contrast_floor_gives_an_empty_mask() -> None:
    rng = np.random.default_rng(0)
    gray = (128 + rng.integers(-5, 6, (20, 20))).astype(np.uint8)
    assert not binarize(gray).mask.any()


def test_blank_image_honours_forced_light_polarity() -> None:
    assert binarize(np.full((5, 5), 9, np.uint8), ink="light").polarity == "light-on-dark"


@pytest.mark.parametrize("ink", ["black", "", "Dark", "auto "])
def test_bad_ink_value_raises_naming_it(ink: str) -> None:
    with pytest.raises(BadArgumentError, match="ink") as info:
        binarize(_paint(GLYPH, 20, 240), ink=ink)
    assert repr(ink) in str(info.value)
    assert isinstance(info.value, TopodigitError)


@pytest.mark.parametrize("gray", [
    _paint(GLYPH, 20, 240).astype(np.float64),
    _paint(GLYPH, 20, 240).astype(np.uint16),
    np.dstack([_paint(GLYPH, 20, 240)] * 3),
    np.zeros(10, np.uint8),
], ids=["float64", "uint16", "rgb", "1-d"])
def test_non_uint8_or_non_2d_input_raises(gray: np.ndarray) -> None:
    with pytest.raises(BadArgumentError):
        binarize(gray)


def test_zero_size_image_gives_an_empty_mask_or_a_topodigit_error() -> None:
    for shape in [(0, 0), (0, 9), (9, 0)]:
        try:
            b = binarize(np.zeros(shape, np.uint8))
        except TopodigitError:
            continue
        assert b.mask.shape == shape


# --- saved expected reading -------------------------------------------------------------------


def test_saved_expected_levels_for_a_plain_glyph() -> None:
    b = binarize(_paint(GLYPH, ink=20, paper=240))
    assert (b.paper_level, b.ink_level, b.threshold) == (15, 235, 125)
    assert b.level(0.5) == pytest.approx(125.0)
    assert int(b.mask.sum()) == int(GLYPH.sum()) == 22


@pytest.mark.parametrize("seed", range(5))
def test_order_statistics_are_numpys_to_the_bit(seed: int) -> None:
    from topodigit.binarize import _histogram, _level_percentile, _percentiles
    from topodigit.quantiles import median, percentile

    rng = np.random.default_rng(seed)
    for _ in range(40):
        rows, cols = (int(v) for v in rng.integers(1, 60, 2))
        img = rng.integers(0, 256, (rows, cols)).astype(np.uint8)
        img[rng.random(img.shape) < rng.random()] = int(rng.integers(0, 256))  # ties
        lo, hi = (int(v) for v in np.sort(rng.integers(0, 256, 2)))
        picked, hist = img[(img >= lo) & (img <= hi)], _histogram(img)
        for q in (5, 50, 75, 95):
            if len(picked):
                assert _level_percentile(img, hist, lo, hi, q) == np.percentile(picked, q)
            expected = np.percentile(img, [q, 100 - q], axis=1)
            got = _percentiles(img, (q, 100 - q))
            assert all(np.array_equal(e, g) for e, g in zip(expected, got, strict=True))
        values = rng.random(int(rng.integers(1, 65))) * 100
        assert median(values.tolist()) == np.median(values)
        ints = rng.integers(0, 500, int(rng.integers(1, 30)))
        assert median(ints.tolist()) == np.median(ints)
        assert all(percentile(v, q) == np.percentile(v, q) for v in (ints.tolist(), values.tolist())
                   for q in (5, 25, 50, 75, 95))


def test_histogram_counts_blank_paper_apart_exactly() -> None:
    from topodigit.binarize import _histogram

    rng = np.random.default_rng(3)
    for blank in (0.0, 0.4, 0.9, 1.0):
        img = rng.integers(0, 256, (37, 53)).astype(np.uint8)
        img[rng.random(img.shape) < blank] = 0
        np.testing.assert_array_equal(_histogram(img),
                                      np.bincount(img.ravel(), minlength=256))
        np.testing.assert_array_equal(_histogram(img[:, 3:40]),
                                      np.bincount(img[:, 3:40].ravel(), minlength=256))
