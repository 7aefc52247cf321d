"""Training without key presses: from known text, fonts (skipped in CI) and grids."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

import topodigit
from topodigit import BadArgumentError, knn, train
from topodigit.cli import main

ROOT = Path(__file__).resolve().parents[1]
SHEET = ROOT / "fixtures" / "clean" / "dejavu-sans-regular" / "32" / "sheet.png"
GRID = ROOT / "fixtures" / "grid" / "digits.png"


def sheet_text() -> str:
    return SHEET.with_suffix(".txt").read_text()


def test_from_text_labels_glyphs_in_reading_order() -> None:
    text = sheet_text()
    model = train.from_text(SHEET, text, features="raw")
    assert "".join(model.labels) == "".join(text.split())
    assert model.sources[0] == "sheet"


def test_from_text_with_the_wrong_count_says_both_counts() -> None:
    with pytest.raises(BadArgumentError, match=r"found 24 glyphs .* text has 3"):
        train.from_text(SHEET, "123")


def test_grid_cells_by_blocks_of_rows() -> None:
    sheet = np.zeros((40, 60), np.uint8)  # 2 rows x 3 columns of 20x20 cells
    sheet[4:16, 8:12] = 255
    sheet[24:36, 44:52] = 255
    masks, labels, columns = train.grid_cells(sheet, (20, 20), "ab")
    assert labels == ["a", "b"] and columns == [0, 2]
    assert masks[0].shape == (12, 4)


def test_grid_errors() -> None:
    sheet = np.zeros((40, 60), np.uint8)
    with pytest.raises(BadArgumentError, match="whole number"):
        train.grid_cells(sheet, (7, 20), "ab")
    with pytest.raises(BadArgumentError, match="fit neither"):
        train.grid_cells(sheet, (20, 20), "abc")
    with pytest.raises(BadArgumentError, match="no cell with ink"):
        train.grid_cells(sheet, (20, 20), "ab")
    with pytest.raises(BadArgumentError, match="WxH"):
        train.parse_cell("20by20")


def test_read_with_a_trained_model(tmp_path: Path) -> None:
    out = tmp_path / "m.npz"
    assert main(["train", str(SHEET), "--text", sheet_text(), "-o", str(out)]) == 0
    cfg = topodigit.ReaderConfig(classifier="knn", model=out)
    assert topodigit.read(SHEET, config=cfg).text == sheet_text().strip()
    assert main(["read", str(SHEET), "--classifier", "knn", "--model", str(out)]) == 0


def test_grid_half_reads_the_other_half(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                        ) -> None:
    out = tmp_path / "grid.npz"
    labels = (GRID.parent / "labels.txt").read_text().strip()
    code = main(["train", "--grid", str(GRID), "--cell", "20x20", "--labels", labels,
                 "--holdout", "0.5", "-o", str(out)])
    assert code == 0
    printed = capsys.readouterr().out
    accuracy = float(printed.split("held-out accuracy: ")[1].split("%")[0])
    assert accuracy >= 95.0
    assert len(knn.Model.load(out).labels) == 500


@pytest.mark.parametrize("argv, message", [
    (["train", "-o", "m.npz"], "exactly one of"),
    (["train", "x.png", "-o", "m.npz"], "--text"),
    (["train", "--grid", "g.png", "-o", "m.npz"], "--cell"),
    (["train", "--font", "missing.ttf", "-o", "m.npz"], "no such font"),
])
def test_train_usage_errors_exit_2(argv: list[str], message: str,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_corrupt_model_in_read_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                       ) -> None:
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"\x00" * 64)
    assert main(["read", str(SHEET), "--model", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.npz" in err and len(err.strip().splitlines()) == 1
    with pytest.raises(topodigit.BadModelError):
        topodigit.read(SHEET, config=topodigit.ReaderConfig(model=bad))


@pytest.mark.skipif(shutil.which("fc-list") is None or not Path("/usr/share/fonts").is_dir(),
                    reason="needs installed fonts")
def test_from_fonts_renders_every_digit() -> None:
    fonts = sorted(Path("/usr/share/fonts").rglob("DejaVuSans.ttf"))
    if not fonts:
        pytest.skip("DejaVu Sans is not installed")
    model, skipped = train.from_fonts(fonts[:1], heights=(24,), conditions_=("clean",))
    assert sorted(model.labels) == list("0123456789") and not skipped
