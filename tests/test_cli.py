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


# --- every bad file: exit 2 and one line naming it, nothing else on stderr -------------------

def bad_files(tmp_path: Path) -> dict[str, Path]:
    """One file per kind of bad input, named after its kind."""
    good = digits_png(tmp_path, "7").read_bytes()
    jpeg = cv2.imencode(".jpg", np.full((40, 40), 128, np.uint8))[1].tobytes()
    contents = {"empty.png": b"", "text.png": b"not a picture", "cut.png": good[:200],
                "crc.png": good[:60] + bytes([good[60] ^ 0xFF]) + good[61:],
                "cut.jpg": jpeg[:200], "zero.pgm": b"P5\n0 0\n255\n",
                "huge.pgm": b"P5\n20000 20000\n255\n" + bytes(64)}
    (tmp_path / "folder.png").mkdir()
    paths = {}
    for name, data in contents.items():
        (tmp_path / name).write_bytes(data)
        paths[name] = tmp_path / name
    return {**paths, "missing.png": tmp_path / "missing.png", "folder.png": tmp_path / "folder.png"}


def test_each_bad_file_is_one_line(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    errors = {}
    for name, path in bad_files(tmp_path).items():
        assert main(["read", str(path)]) == 2, name
        out, err = capfd.readouterr()  # file descriptors: C libraries' prints too
        assert out == ""
        errors[name] = one_error_line(err)
        assert path.name in errors[name]
    assert "above the limit" in errors["huge.pgm"]  # refused before decoding
    assert "no image files" in errors["folder.png"]


def test_odd_but_valid_images_read_quietly(tmp_path: Path,
                                           capfd: pytest.CaptureFixture[str]) -> None:
    nan_float = np.full((30, 30), np.nan, np.float32)
    nan_float[5:25, 12:18] = 0.2
    nan_float[0, 0] = np.inf
    images = {"one.png": np.zeros((1, 1), np.uint8), "wide.png": np.full((9, 9), 900, np.uint16),
              "nan.tiff": nan_float, "bgra.png": np.zeros((8, 8, 4), np.uint8)}
    for name, image in images.items():
        assert cv2.imwrite(str(tmp_path / name), image)
        assert main(["read", str(tmp_path / name)]) in (0, 1), name
        assert capfd.readouterr().err == ""


def test_corrupt_model_file_is_one_line(tmp_path: Path, capfd: pytest.CaptureFixture[str]
                                        ) -> None:
    model = tmp_path / "model.npz"
    model.write_bytes(b"PK\x03\x04 not really a zip archive")
    image = str(digits_png(tmp_path, "1234"))
    assert main(["read", image, "--classifier", "knn", "--model", str(model)]) == 2
    assert "model.npz" in one_error_line(capfd.readouterr().err)


def test_unexpected_failure_is_one_line_and_the_batch_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(image: np.ndarray, **options: Any) -> Reading:  # on the wider image
        if image.shape[1] > 150:
            raise RuntimeError("boom\n> on two lines")  # as OpenCV's errors are
        return fake_read("6")(image)

    monkeypatch.setattr(cli, "read", broken)
    wide, narrow = digits_png(tmp_path, "1234", "wide.png"), digits_png(tmp_path, "1", "n.png")
    assert main(["read", "--json", str(wide), str(narrow)]) == 2
    out, err = capsys.readouterr()
    assert [json.loads(line).get("text") for line in out.splitlines()] == [None, "6"]
    assert one_error_line(err).endswith(
        "wide.png: internal error, please report it: RuntimeError: boom > on two lines")


# --- batches: directories, globs, workers, progress ------------------------------------------

def image_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "images"
    folder.mkdir()
    for name in ("b.png", "a.PNG", "c.jpg"):
        digits_png(folder, "12", name)
    (folder / "notes.txt").write_text("not an image")
    (folder / "sub").mkdir()
    digits_png(folder / "sub", "3", "d.png")
    return folder


def test_directory_and_glob_expand_sorted_and_not_recursive(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "read", fake_read("5"))
    folder = image_folder(tmp_path)
    assert main(["read", "--json", str(folder), str(folder / "*.png"),
                 str(folder / "s*"), str(tmp_path / "**" / "d.png")]) == 0
    paths = [json.loads(line)["path"] for line in capsys.readouterr().out.splitlines()]
    names = ["a.PNG", "b.png", "c.jpg", "b.png", "sub/d.png", "sub/d.png"]
    assert paths == [str(folder / name) for name in names]


def test_empty_folder_and_unmatched_pattern(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "notes.txt").write_text("no images here")
    assert main(["read", "--json", str(tmp_path), str(tmp_path / "*.png")]) == 2
    out, err = capsys.readouterr()
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["path"] for r in records] == [str(tmp_path), str(tmp_path / "*.png")]
    assert "no image files" in records[0]["error"]
    assert "no file matches" in records[1]["error"]
    assert len(err.splitlines()) == 2


def test_json_batch_reports_bad_files_in_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "read", fake_read("4?"))
    good, bad = digits_png(tmp_path), tmp_path / "missing.png"
    assert main(["read", "--json", str(good), str(bad), str(good)]) == 2
    out, err = capsys.readouterr()
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["path"] for r in records] == [str(good), str(bad), str(good)]
    assert records[1] == {"path": str(bad), "error": f"{bad}: no such file"}
    assert records[0]["text"] == "4?"
    assert err == f"topodigit: error: {bad}: no such file\n"


def test_exit_code_is_the_worst(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:
    fine, unsure = digits_png(tmp_path, "12", "fine.png"), digits_png(tmp_path, "1", "unsure.png")

    def read(image: Any, **options: Any) -> Reading:  # the narrower image is read as "?"
        return fake_read("?" if image.shape[1] < 150 else "1")(image)

    monkeypatch.setattr(cli, "read", read)
    assert main(["read", str(fine)]) == 0
    assert main(["read", str(fine), str(unsure)]) == 1
    assert main(["read", str(unsure), str(tmp_path / "gone.png"), str(fine)]) == 2


def test_workers_give_the_same_output(capsys: pytest.CaptureFixture[str]) -> None:
    files = sorted(str(p) for p in (REPO / "fixtures/clean/dejavu-sans-regular/20").glob("*.png"))
    assert main(["read", "--json", *files[:5], "/nonexistent.png"]) == 2
    one = capsys.readouterr()
    assert main(["read", "--json", "--workers", "2", *files[:5], "/nonexistent.png"]) == 2
    assert capsys.readouterr() == one


def test_progress_bar(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "read", fake_read("8"))
    files = [str(digits_png(tmp_path, name=f"{i}.png")) for i in range(3)]
    assert main(["read", *files]) == 0
    assert capsys.readouterr().err == ""  # stderr is no terminal here
    assert main(["read", "--progress", *files, str(tmp_path / "gone.png")]) == 2
    err = capsys.readouterr().err
    assert "] 4/4 files" in err
    messages = [line.strip() for line in err.replace("\r", "\n").splitlines()
                if line.strip() and not line.startswith("[")]
    assert messages == [f"topodigit: error: {tmp_path / 'gone.png'}: no such file"]
    assert main(["read", "--progress", files[0]]) == 0
    assert capsys.readouterr().err == ""  # one file: no bar


@pytest.mark.parametrize("value", ["-1", "two", "1.5"])
def test_bad_workers(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["read", "x.png", "--workers", value]) == 2
    assert "--workers" in one_error_line(capsys.readouterr().err)


def test_ctrl_c_is_one_line(monkeypatch: pytest.MonkeyPatch,
                            capsys: pytest.CaptureFixture[str]) -> None:
    def interrupted(argv: Any = None) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "main", interrupted)
    with pytest.raises(SystemExit) as info:
        main_entry()
    assert info.value.code == 130
    assert capsys.readouterr().err == "topodigit: interrupted\n"


def test_progress_counts_any_unit_and_clears(capsys: pytest.CaptureFixture[str]) -> None:
    bar = cli.Progress(3, enabled=True, unit="images")
    bar.advance()
    assert capsys.readouterr().err.startswith("\r[##########--------------------] 1/3 images, ")
    bar.clear()
    assert capsys.readouterr().err.strip(" \r") == ""
    cli.Progress(3, enabled=False).advance(3)
    assert capsys.readouterr().err == ""
