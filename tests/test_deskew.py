"""deskew: skew estimate on drawings, and reading long tilted lines end to end."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

import topodigit
from topodigit.deskew import estimate_skew, rotate, unrotate_box

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _bars(angle: float, n: int = 12) -> np.ndarray:
    """A row of upright bars whose tops and bottoms fall by ``angle`` degrees."""
    m = np.zeros((200, 40 * n + 40), np.uint8)
    slope = np.tan(np.deg2rad(angle))
    for i in range(n):
        x = 20 + 40 * i
        y = 80 + slope * x
        cv2.rectangle(m, (x, round(y)), (x + 16, round(y) + 30), 1, -1)
    return m.astype(bool)


@pytest.mark.parametrize("angle", [-5.0, -2.0, 2.0, 4.0, 5.0])
def test_estimate_recovers_the_tilt_of_a_row(angle: float) -> None:
    assert estimate_skew(_bars(angle)) == pytest.approx(angle, abs=0.5)


def test_level_rows_and_lone_glyphs_are_not_turned() -> None:
    assert estimate_skew(_bars(0.0)) == 0.0
    assert estimate_skew(_bars(4.0, n=2)) == 0.0  # too few glyphs to vote
    assert estimate_skew(np.zeros((30, 30), bool)) == 0.0


def test_boxes_map_back_inside_the_original_image() -> None:
    gray = np.full((100, 300), 255, np.uint8)
    turned, m = rotate(gray, 5.0, fill=255)
    assert turned.shape[0] > 100 and turned.shape[1] > 300
    top, left, bottom, right = unrotate_box((0, 0, turned.shape[0], turned.shape[1]), m, (100, 300))
    assert (top, left, bottom, right) == (0, 0, 100, 300)


def _long_tilted_sheet(angle: float) -> tuple[np.ndarray, str]:
    path = FIXTURES / "clean" / "dejavu-sans-regular" / "32" / "sheet.png"
    sheet = topodigit.load_image(path)
    text = path.with_suffix(".txt").read_text()
    wide = np.hstack([sheet] * 3)  # long lines (the margins make spaces) that drift a line
    h, w = wide.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), -angle, 1.0)
    pad = round(w * np.sin(np.deg2rad(abs(angle)))) + 10
    canvas = np.full((h + 2 * pad, w), 255, np.uint8)
    canvas[pad:pad + h] = wide
    m = cv2.getRotationMatrix2D((w / 2, h / 2 + pad), -angle, 1.0)
    tilted = cv2.warpAffine(canvas, m, (w, h + 2 * pad), borderValue=255)
    return tilted, "\n".join(" ".join([line] * 3) for line in text.split("\n"))


@pytest.mark.parametrize("angle", [-5.0, 4.0])
def test_long_tilted_lines_are_straightened_and_read(angle: float) -> None:
    image, truth = _long_tilted_sheet(angle)
    reading = topodigit.read(image)
    assert reading.text == truth
    assert any("deskewed" in n for n in reading.notes)
    h, w = image.shape
    assert all(0 <= g.box.top < g.box.bottom <= h and 0 <= g.box.left < g.box.right <= w
               for g in reading.glyphs)
    # without deskewing, the drifting lines fall apart
    flat = topodigit.read(image, config=topodigit.ReaderConfig(deskew=False))
    assert flat.text != truth
