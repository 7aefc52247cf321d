"""End-to-end: read() over the committed fixtures, with accuracy floors."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import cv2
import numpy as np
import pytest

import topodigit
from topodigit.metrics import score

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
MANIFEST = json.loads((FIXTURES / "manifest.json").read_text())


@pytest.fixture(scope="module")
def readings() -> list[tuple[dict, topodigit.Reading]]:
    return [(item, topodigit.read(FIXTURES / item["path"])) for item in MANIFEST]


def test_fixture_accuracy_floors(readings: list[tuple[dict, topodigit.Reading]]) -> None:
    per_font: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    small = [0, 0]
    for item, reading in readings:
        ok, total = score(reading.text, item["text"])
        bucket = per_font[item["font"]] if item["height"] >= 20 else small
        bucket[0] += ok
        bucket[1] += total
    for font, (ok, total) in per_font.items():
        assert ok / total >= 0.995, f"{font}: {ok}/{total} at >= 20 px"
    assert small[0] / small[1] >= 0.97, f"12 px: {small[0]}/{small[1]}"


def test_light_on_dark_is_detected(readings: list[tuple[dict, topodigit.Reading]]) -> None:
    inverted = [(i, r) for i, r in readings if i["polarity"] == "light-on-dark"]
    assert inverted
    for item, reading in inverted:
        assert reading.polarity == "light-on-dark"
        assert reading.text == item["text"]


def test_lines_in_reading_order(readings: list[tuple[dict, topodigit.Reading]]) -> None:
    item, reading = next((i, r) for i, r in readings
                         if i["kind"] == "sheet" and i["height"] == 32)
    assert len(reading.lines) == item["text"].count("\n") + 1
    tops = [line.box.top for line in reading.lines if line.box]
    assert tops == sorted(tops)
    for line in reading.lines:
        lefts = [g.box.left for g in line.glyphs]
        assert lefts == sorted(lefts)


def test_every_glyph_explains_itself(readings: list[tuple[dict, topodigit.Reading]]) -> None:
    for _, reading in readings[:50]:
        for g in reading.glyphs:
            assert g.method == "rule"
            assert g.rule in g.reason
            assert g.topology is not None


def test_input_kinds_give_the_same_reading() -> None:
    path = FIXTURES / "clean" / "dejavu-sans-regular" / "32" / "sheet.png"
    gray = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
    bgr = cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)
    want = topodigit.read(path).text
    assert want
    assert topodigit.read(str(path)).text == want
    assert topodigit.read(path.read_bytes()).text == want
    assert topodigit.read(bgr).text == want
    assert topodigit.read(gray.astype(np.float64) / 255.0).text == want


def test_to_dict_is_json_safe_and_round_trips() -> None:
    reading = topodigit.read(FIXTURES / "clean" / "ocr-a-regular" / "20" / "sheet.png")
    d = json.loads(json.dumps(reading.to_dict()))
    assert d["text"] == reading.text
    back = topodigit.Reading.from_dict(d)
    assert back.text == reading.text
    assert [g.box for g in back.glyphs] == [g.box for g in reading.glyphs]


def test_forced_polarity_and_bad_options() -> None:
    path = FIXTURES / "clean" / "liberation-sans-regular" / "32" / "single-7.png"
    assert topodigit.read(path, ink="dark").text == "7"
    assert topodigit.read(path, ink="light").text != "7"
    with pytest.raises(topodigit.TopodigitError, match="ink"):
        topodigit.read(path, ink="purple")
    with pytest.raises(topodigit.BadArgumentError, match="norm_height"):
        topodigit.ReaderConfig(norm_height=3)


def test_blank_image_reads_nothing() -> None:
    reading = topodigit.read(np.full((40, 60), 200, np.uint8))
    assert reading.text == "" and reading.glyphs == () and reading.unreadable == 0


def test_roi_reads_a_rectangle_and_keeps_whole_image_boxes() -> None:
    path = FIXTURES / "clean" / "dejavu-sans-regular" / "32" / "sheet.png"
    truth = path.with_suffix(".txt").read_text().split("\n")
    whole = topodigit.read(path)
    second = whole.lines[1]
    b = second.box
    assert b is not None
    part = topodigit.read(path, roi=(b.left - 3, b.top - 3, b.right + 3, b.bottom + 3))
    assert part.text == truth[1]
    assert [g.box for g in part.glyphs] == [g.box for g in second.glyphs]
    assert part.shape == whole.shape


@pytest.mark.parametrize("roi", [(0, 0, 0, 10), (5, 5, 4, 20), (-1, 0, 10, 10), (0, 0, 10, 10**6),
                                 (0, 0, 10), "0,0,10,10", (0.5, 0, 10, 10), None])
def test_bad_roi_is_a_typed_error(roi: object) -> None:
    image = np.full((50, 60), 255, np.uint8)
    if roi is None:
        assert topodigit.read(image, roi=roi).text == ""
        return
    with pytest.raises(topodigit.BadArgumentError, match="roi"):
        topodigit.read(image, roi=roi)
