"""Tests of topodigit.render.annotate: pure drawing of boxes and labels."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from topodigit.errors import BadArgumentError
from topodigit.explain import explain
from topodigit.render import COLORS, PANEL_HEIGHT, annotate, explain_image
from topodigit.results import UNREADABLE, Box, Glyph, Line, Reading

RED, MAGENTA, GREEN = (0, 0, 255), (255, 0, 255), (0, 255, 0)


def glyph(box: Box, char: str = "4") -> Glyph:
    return Glyph(box=box, char=char, confidence=0.9, method="rules", rule="test", reason="drawn")


def reading_of(shape: tuple[int, int], *glyphs: Glyph) -> Reading:
    return Reading(lines=(Line(tuple(glyphs)),) if glyphs else (), shape=shape)


def white(shape: tuple[int, int]) -> np.ndarray:
    return np.full(shape, 255, np.uint8)


def coloured(image: np.ndarray, color: tuple[int, int, int]) -> np.ndarray:
    """Mask of pixels exactly of ``color``."""
    return np.all(image == np.array(color, np.uint8), axis=2)


def test_returns_new_bgr_array_and_leaves_input_alone() -> None:
    gray = white((60, 50))
    out = annotate(gray, reading_of((60, 50), glyph(Box(20, 10, 50, 30))))
    assert out.shape == (60, 50, 3) and out.dtype == np.uint8
    assert (gray == 255).all()
    bgr = np.full((60, 50, 3), 200, np.uint8)
    out = annotate(bgr, reading_of((60, 50), glyph(Box(20, 10, 50, 30))))
    assert (bgr == 200).all() and not np.shares_memory(out, bgr)


def test_no_glyphs_gives_plain_bgr_copy() -> None:
    gray = np.arange(20, dtype=np.uint8).reshape(4, 5)
    out = annotate(gray, reading_of((4, 5)))
    np.testing.assert_array_equal(out, cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR))


def test_colour_input_keeps_its_colours() -> None:
    bgr = np.zeros((30, 30, 3), np.uint8)
    bgr[..., 1] = 180
    out = annotate(bgr, reading_of((30, 30)))
    np.testing.assert_array_equal(out, bgr)


def test_box_edges_drawn_in_colour() -> None:
    box = Box(40, 20, 80, 45)
    out = annotate(white((100, 80)), reading_of((100, 80), glyph(box)), color=GREEN)
    mask = coloured(out, GREEN)
    assert mask[box.top, box.left] and mask[box.bottom - 1, box.right - 1]
    assert mask[60, box.left] and mask[60, box.right - 1]
    assert not mask[60, 32]  # the box's inside stays clear


def test_label_drawn_above_box_and_scales_with_height() -> None:
    def label_height(box_height: int) -> int:
        box = Box(200 - box_height, 20, 200, 20 + box_height // 2)
        out = annotate(white((220, 200)), reading_of((220, 200), glyph(box, "8")))
        rows = np.flatnonzero((out[: box.top - 1] != 255).any(axis=(1, 2)))
        assert rows.size, "no label above the box"
        return int(rows[-1] - rows[0] + 1)

    small, large = label_height(20), label_height(120)
    assert large > 3 * small


def test_unreadable_glyph_in_other_colour() -> None:
    good, bad = glyph(Box(40, 10, 70, 30), "3"), glyph(Box(40, 50, 70, 70), UNREADABLE)
    out = annotate(white((90, 90)), reading_of((90, 90), good, bad))
    assert coloured(out, RED)[40, 20] and coloured(out, MAGENTA)[40, 60]
    assert not coloured(out, RED)[40, 60]
    out = annotate(white((90, 90)), reading_of((90, 90), bad), unreadable_color=GREEN)
    assert coloured(out, GREEN)[40, 60]


@pytest.mark.parametrize("box", [Box(0, 0, 30, 20), Box(0, 80, 40, 100), Box(2, 5, 48, 30)])
def test_label_placed_below_or_inside_when_no_room_above(box: Box) -> None:
    out = annotate(white((50, 100)), reading_of((50, 100), glyph(box, "7")))
    assert coloured(out, RED).sum() > 2 * (box.height + box.width)  # box plus a label


def test_accepts_everything_load_image_accepts(tmp_path: Path) -> None:
    gray = white((40, 30))
    reading = reading_of((40, 30), glyph(Box(20, 5, 35, 15)))
    expected = annotate(gray, reading)
    path = tmp_path / "w.png"
    cv2.imwrite(str(path), gray)
    for image in (path, str(path), path.read_bytes(), Image.fromarray(gray),
                  gray.astype(np.float32) / 255.0):
        np.testing.assert_array_equal(annotate(image, reading), expected)


def test_shape_mismatch_is_refused() -> None:
    with pytest.raises(BadArgumentError, match="30 x 30 image, but the image is 40 x 30"):
        annotate(white((40, 30)), reading_of((30, 30)))


@pytest.mark.parametrize("color", [(0, 0, 256), (1, 2), "red", (0, -1, 0), None])
def test_bad_colour_is_refused(color: object) -> None:
    with pytest.raises(BadArgumentError, match="three integers"):
        annotate(white((5, 5)), reading_of((5, 5)), color=color)  # type: ignore[arg-type]


# --- explain_image ---------------------------------------------------------------------------

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def test_explain_image_draws_a_panel_per_glyph_with_features() -> None:
    one = explain(FIXTURES / "clean" / "dejavu-sans-regular" / "32" / "single-8.png")
    sheet = explain(FIXTURES / "clean" / "dejavu-sans-regular" / "32" / "sheet.png")
    small, big = explain_image(one), explain_image(sheet)
    assert small.dtype == np.uint8 and small.shape[2] == 3
    assert small.shape[0] > PANEL_HEIGHT and big.shape[0] > 2 * PANEL_HEIGHT  # rows wrap
    for name in ("skeleton", "hole", "junction"):  # an 8: skeleton, two holes, junctions
        assert coloured(small, COLORS[name]).any(), name
    assert coloured(big, COLORS["endpoint"]).any()


def test_explain_image_refuses_a_tiny_width() -> None:
    ex = explain(FIXTURES / "clean" / "dejavu-sans-regular" / "32" / "single-1.png")
    with pytest.raises(BadArgumentError, match="max_width"):
        explain_image(ex, max_width=50)
