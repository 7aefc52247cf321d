"""Tests of topodigit.explain (per-glyph explanations as data) and the ``explain`` verb."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import topodigit
import topodigit.cli_explain as cli_explain
from topodigit.cli import main
from topodigit.explain import ImageExplanation, explain
from topodigit.io import load_image
from topodigit.results import UNREADABLE, Box, Glyph, Line, Reading

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SHEET = FIXTURES / "clean" / "dejavu-sans-regular" / "32" / "sheet.png"
EIGHT = FIXTURES / "clean" / "dejavu-sans-regular" / "32" / "single-8.png"
TILTED = FIXTURES / "real" / "rotate" / "dejavu-sans-bold-32-digits.png"
PUNCT = FIXTURES / "real" / "blur" / "dejavu-sans-bold-32-punct.png"
SEVEN = FIXTURES / "real" / "clean" / "dseg7-classic-bold-48-digits.png"


@pytest.fixture(scope="module")
def sheet() -> ImageExplanation:
    return explain(SHEET)


def test_explains_every_glyph_of_the_reading(sheet: ImageExplanation) -> None:
    assert sheet.reading.text == topodigit.read(SHEET).text
    assert [g.index for g in sheet.glyphs] == list(range(len(sheet.reading.glyphs)))
    assert [g.glyph for g in sheet.glyphs] == list(sheet.reading.glyphs)
    assert [g.line for g in sheet.glyphs] == [i for i, line in enumerate(sheet.reading.lines)
                                              for _ in line.glyphs]
    assert sheet.deskew == 0.0 and sheet.image.shape == load_image(SHEET).shape


def test_masks_and_skeleton_are_normalised_and_nested(sheet: ImageExplanation) -> None:
    for g in sheet.glyphs:
        assert g.mask.dtype == bool and g.mask.shape == g.faint.shape == g.skeleton.shape
        assert g.mask.shape[0] <= topodigit.ReaderConfig().norm_height
        assert g.skeleton.any() and not (g.skeleton & ~g.mask).any()
        assert not (g.mask & ~g.faint).any()  # the faint mask is a superset


def test_topology_is_the_readers_and_maps_match_it(sheet: ImageExplanation) -> None:
    for g in sheet.glyphs:
        assert g.topology is g.glyph.topology and not g.measured_here and g.reproduced
        assert int(g.hole_map.max()) == g.topology.n_holes
        assert int(g.bay_map.max()) <= len(g.topology.bays)
        assert not (g.hole_map.astype(bool) & g.mask).any()  # holes are paper


def test_eight_has_two_hole_regions() -> None:
    (g,) = explain(EIGHT).glyphs
    assert g.glyph.char == "8" and g.topology is not None
    assert sorted(np.unique(g.hole_map).tolist()) == [0, 1, 2]
    top = np.argwhere(g.hole_map == 1)[:, 0].mean()
    bottom = np.argwhere(g.hole_map == 2)[:, 0].mean()
    assert top < bottom  # numbered as topology.holes: top to bottom


def test_tilted_image_is_explained_straightened() -> None:
    ex = explain(TILTED)
    assert ex.deskew != 0.0
    assert ex.reading.text == topodigit.read(TILTED).text
    h, w = ex.image.shape
    assert all(0 <= g.glyph.box.top < g.glyph.box.bottom <= h and g.glyph.box.right <= w
               for g in ex.glyphs)


def test_punctuation_has_no_topology() -> None:
    ex = explain(PUNCT)
    marks = [g for g in ex.glyphs if g.glyph.method == "layout"]
    assert marks and all(g.topology is None for g in marks)
    assert all(g.to_dict()["topology"] is None for g in marks)


def test_seven_segment_glyphs_are_measured_for_display() -> None:
    ex = explain(SEVEN)
    assert ex.reading.text == "9827534016"
    assert all(g.glyph.method == "segments" and g.measured_here and g.topology for g in ex.glyphs)
    assert ex.glyphs[0].to_dict()["topology_source"] == "explain"


def test_config_picks_the_classifier() -> None:
    ex = explain(SHEET, config=topodigit.ReaderConfig(classifier="knn"))
    assert {g.glyph.method for g in ex.glyphs} == {"knn"}
    assert all(g.topology is not None for g in ex.glyphs)  # measured all the same


def test_to_dict_is_json_with_skeleton_features(sheet: ImageExplanation) -> None:
    d = json.loads(json.dumps(sheet.to_dict()))
    assert d["text"] == sheet.reading.text and len(d["glyphs"]) == len(sheet.glyphs)
    first = d["glyphs"][0]
    assert {"char", "box", "rule", "reason", "skeleton", "topology", "mask"} <= set(first)
    assert set(first["skeleton"]) == {"pixels", "endpoints", "junctions"}
    assert first["skeleton"]["pixels"] == int(sheet.glyphs[0].skeleton.sum())
    assert first["topology_source"] == "reader"


def test_cli_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", str(SHEET), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["path"] == str(SHEET) and d["text"] == "92298764\n30048967\n61451253"
    eights = [g for g in d["glyphs"] if g["char"] == "8"]
    assert eights and all(len(g["topology"]["holes"]) == 2 for g in eights)
    assert all(isinstance(g["skeleton"]["endpoints"], list) for g in d["glyphs"])


def test_cli_classifier_option(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", str(SHEET), "--json", "--classifier", "rules"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert {g["method"] for g in d["glyphs"]} == {"rule"}


def test_cli_text_and_image(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "explain.png"
    assert main(["explain", str(SHEET), "--out", str(out)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 24 and lines[0].startswith("#0 line 0 ")
    assert "holes" in lines[0] and "ends" in lines[0] and "bays" in lines[0]
    image = load_image(out)
    assert image.shape[1] > 400 and image.shape[0] > load_image(SHEET).shape[0]


@pytest.mark.parametrize("argv", [["explain", "missing.png"], ["explain"],
                                  ["explain", str(SHEET), "--classifier", "magic"]])
def test_cli_bad_input_is_one_line_exit_2(argv: list[str], tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("topodigit: error: ") and err.count("\n") == 1


def test_cli_unreadable_glyph_exits_1(monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    glyph = Glyph(Box(1, 1, 9, 5), UNREADABLE, 0.0, "rule", "none", "no rule fits")
    reading = Reading(lines=(Line((glyph,)),), shape=(10, 10))
    fake = ImageExplanation(np.full((10, 10), 255, np.uint8), reading, ())
    monkeypatch.setattr(cli_explain, "explain", lambda image, config: fake)
    assert main(["explain", str(SHEET)]) == 1
