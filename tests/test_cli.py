"""Tests of the command line: output format, exit codes and one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

import topodigit.cli as cli
from topodigit import __version__
from topodigit.cli import main, main_entry
from topodigit.results import UNREADABLE, Box, Glyph, Line, Reading

REPO = Path(__file__).resolve().parents[1]
READING_KEYS = {"path", "text", "shape", "polarity", "notes", "lines"}


def digits_png(tmp_path: Path, text: str = "1234", name: str = "digits.png") -> Path:
    """Black Hershey digits on white, large enough for any sane reader."""
    image = np.full((120, 60 + 45 * len(text)), 255, np.uint8)
    cv2.putText(image, text, (30, 85), cv2.FONT_HERSHEY_SIMPLEX, 2, 0, 3)
    path = tmp_path / name
    assert cv2.imwrite(str(path), image)
    return path


def fake_read(chars: str, lines: int = 1) -> Any:
    """A stand-in for pipeline.read returning ``chars`` on each of ``lines`` lines."""
    def read(image: np.ndarray, *, ink: str = "auto", roi: Any = None, config: Any = None
             ) -> Reading:
        glyphs = tuple(Glyph(Box(5, 5 + 10 * i, 15, 12 + 10 * i), c, 0.9, "rules", "fake", "")
                       for i, c in enumerate(chars))
        return Reading(lines=(Line(glyphs),) * lines, shape=(image.shape[0], image.shape[1]))
    return read


def one_error_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("topodigit: error: ")
    assert "Traceback" not in err
    return lines[0]


# --- real pipeline: only what holds for any working reader -----------------------------------

def test_read_real_image(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["read", str(digits_png(tmp_path))])
    out, err = capsys.readouterr()
    assert code in (0, 1)
    assert err == ""
    assert set(out) <= set("0123456789" + UNREADABLE + ".,-: \n")


def test_json_output_parses(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = [str(digits_png(tmp_path, "1234", "a.png")), str(digits_png(tmp_path, "56", "b.png"))]
    code = main(["read", "--json", "--ink", "dark", *paths])
    out, _ = capsys.readouterr()
    assert code in (0, 1)
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["path"] for r in records] == paths
    for record in records:
        assert set(record) >= READING_KEYS
        assert record["shape"][0] == 120


def test_annotate_writes_png(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    image, out_png = digits_png(tmp_path), tmp_path / "annotated.png"
    assert main(["read", str(image), "--annotate", str(out_png)]) in (0, 1)
    written, original = cv2.imread(str(out_png), cv2.IMREAD_UNCHANGED), cv2.imread(str(image))
    assert written is not None and original is not None
    assert out_png.read_bytes().startswith(b"\x89PNG")
    assert written.shape == original.shape


# --- exit codes and formats, with a stand-in reader ------------------------------------------

def test_all_read_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "read", fake_read("0815", lines=2))
    assert main(["read", str(digits_png(tmp_path))]) == 0
    assert capsys.readouterr() == ("0815\n0815\n", "")


def test_unreadable_glyph_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "read", fake_read("4?1"))
    assert main(["read", str(digits_png(tmp_path))]) == 1
    assert capsys.readouterr().out == "4?1\n"


def test_several_images_get_headers(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "read", fake_read("12"))
    a, b = digits_png(tmp_path, name="a.png"), digits_png(tmp_path, name="b.png")
    assert main(["read", str(a), str(b)]) == 0
    assert capsys.readouterr().out == f"==> {a} <==\n12\n\n==> {b} <==\n12\n"


def test_json_record_round_trips(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "read", fake_read("7?"))
    path = str(digits_png(tmp_path))
    assert main(["read", "--json", path]) == 1
    record = json.loads(capsys.readouterr().out)
    assert record["path"] == path and record["text"] == "7?"
    assert Reading.from_dict(record).unreadable == 1


def test_bad_image_among_good_ones(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "read", fake_read("9"))
    good, missing = digits_png(tmp_path), tmp_path / "missing.png"
    assert main(["read", str(missing), str(good)]) == 2
    out, err = capsys.readouterr()
    assert out == f"==> {good} <==\n9\n"
    assert "missing.png" in one_error_line(err)


# --- bad input: exit 2 and one line on stderr ------------------------------------------------

def test_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["read", str(tmp_path / "nope.png")]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "nope.png: no such file" in one_error_line(err)


def test_not_an_image(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "notes.png"
    path.write_text("not a picture")
    assert main(["read", str(path)]) == 2
    assert "notes.png" in one_error_line(capsys.readouterr().err)


def test_annotate_with_two_images(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    image, out_png = digits_png(tmp_path), tmp_path / "ann.png"
    assert main(["read", str(image), str(image), "--annotate", str(out_png)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "--annotate" in one_error_line(err)
    assert not out_png.exists()


def test_annotate_to_unwritable_place(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_png = tmp_path / "no-dir" / "ann.png"
    assert main(["read", str(digits_png(tmp_path)), "--annotate", str(out_png)]) == 2
    assert "cannot write" in one_error_line(capsys.readouterr().err)


@pytest.mark.parametrize("argv", [[], ["frobnicate"], ["read"], ["read", "x.png", "--ink", "red"],
                                  ["read", "x.png", "--nope"], ["--bogus"],
                                  ["read", "x.png", "--roi", "1,2,3"],
                                  ["read", "x.png", "--roi", "a,b,c,d"],
                                  ["read", "x.png", "--font", "lcd"]])
def test_usage_errors(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    one_error_line(err)


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"topodigit {__version__}\n"
    assert main(["read", "--help"]) == 0
    out, err = capsys.readouterr()
    assert "--annotate" in out and err == ""


def test_main_entry_exits_with_code(monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "argv", ["topodigit", "read", "/nonexistent/x.png"])
    with pytest.raises(SystemExit) as info:
        main_entry()
    assert info.value.code == 2


def test_python_dash_m(tmp_path: Path) -> None:
    path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path}
    broken = tmp_path / "broken.png"
    broken.write_bytes(digits_png(tmp_path).read_bytes()[:300])
    for argv, code in ((["--version"], 0), (["read", str(broken)], 2)):
        done = subprocess.run([sys.executable, "-m", "topodigit", *argv], env=env,
                              capture_output=True, text=True, check=False, timeout=120)
        assert done.returncode == code, done.stderr
        if code == 2:
            assert "broken.png" in one_error_line(done.stderr)


def test_roi_reads_only_the_rectangle(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = digits_png(tmp_path, "1234")  # glyphs start at x=30, 45 px apart
    assert main(["read", str(path), "--roi", "0,0,120,120", "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["text"] == "12"
    assert record["shape"] == [120, 240]  # still the whole image


def test_roi_outside_the_image_is_one_error_line(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["read", str(digits_png(tmp_path)), "--roi", "0,0,9999,50"]) == 2
    assert "roi" in one_error_line(capsys.readouterr().err)
