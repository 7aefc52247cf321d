"""Tests of the comparison harness: datasets, counting, report, charts and the ``compare`` verb."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

import topodigit.compare as compare_mod
from topodigit import dataset, plots, report
from topodigit.cli import main
from topodigit.compare import COLUMNS, ClassifierResult, align, compare, configs
from topodigit.errors import BadArgumentError
from topodigit.io import load_image
from topodigit.results import Box, Glyph, Line, Reading

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CLEAN = FIXTURES / "clean"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")  # optional: CI has no fonts
ALL = "rules,knn-raw,knn-hog,hybrid"


def copy_pairs(dest: Path, sources: list[Path]) -> Path:
    """Copy fixture PNGs and their .txt ground truth into ``dest`` (sidecar dataset)."""
    dest.mkdir(parents=True, exist_ok=True)
    for i, png in enumerate(sources):
        shutil.copy(png, dest / f"{i:02d}-{png.name}")
        shutil.copy(png.with_suffix(".txt"), dest / f"{i:02d}-{png.stem}.txt")
    return dest


@pytest.fixture(scope="module")
def sidecars(tmp_path_factory: pytest.TempPathFactory) -> Path:
    sources = [CLEAN / "dejavu-sans-regular" / "32" / "sheet.png",
               CLEAN / "liberation-serif-bold" / "20" / "sheet.png",
               CLEAN / "ocr-a-regular" / "64" / "single-4.png",
               CLEAN / "freesans-italic" / "12" / "single-7.png"]
    return copy_pairs(tmp_path_factory.mktemp("sidecars"), sources)


def glyphs_reading(text: str) -> Reading:
    glyphs = tuple(Glyph(Box(0, 10 * i, 10, 10 * i + 8), c, 1.0, "rule", "r", "")
                   for i, c in enumerate(text))
    return Reading(lines=(Line(glyphs),), shape=(10, 10 * len(text) + 10))


# --- counting ---------------------------------------------------------------------------------

def test_align_pairs_substitutions_misses_and_extras() -> None:
    assert align("1284", "1234") == [("1", "1"), ("2", "2"), ("8", "3"), ("4", "4")]
    assert align("12", "123") == [("1", "1"), ("2", "2"), (None, "3")]
    assert align("1239", "123") == [("1", "1"), ("2", "2"), ("3", "3"), ("9", None)]
    assert align("", "") == []


def test_confusion_counts_digits_unreadable_other_missing_and_extras() -> None:
    r = ClassifierResult("rules")
    sample = dataset.Sample(Path("x.png"), "1234\n56", "x.png")
    r.add(sample, Reading(lines=(Line(glyphs_reading("1?3.").glyphs),
                                 Line(glyphs_reading("5").glyphs),
                                 Line(glyphs_reading("9").glyphs)), shape=(30, 60)), 1.0, 32)
    c = r.confusion
    assert c[1, COLUMNS.index("1")] == 1 and c[3, COLUMNS.index("3")] == 1
    assert c[2, COLUMNS.index("?")] == 1 and c[4, COLUMNS.index("other")] == 1
    assert c[6, COLUMNS.index("missing")] == 1 and c.sum() == 6
    assert r.extra == 1  # the third line
    assert (r.tally.images, r.tally.exact, r.tally.total) == (1, 0, 6)
    assert r.by_size[32].images == 1 and r.failures[0][0] == "x.png"


def test_configs_select_the_classifier() -> None:
    cfgs = configs(["rules", "knn-raw", "knn-hog", "hybrid"])
    assert [c.classifier for c in cfgs.values()] == ["rules", "knn", "knn", "hybrid"]
    assert cfgs["knn-raw"].features == "raw" and cfgs["knn-hog"].features == "hog"
    with pytest.raises(BadArgumentError, match="unknown classifier"):
        configs(["svm"])


# --- datasets ---------------------------------------------------------------------------------

def test_load_sidecars_and_manifest(sidecars: Path) -> None:
    samples = dataset.load(sidecars)
    assert [s.name for s in samples] == sorted(p.name for p in sidecars.glob("*.png"))
    assert samples[0].text == "92298764\n30048967\n61451253" and samples[0].height is None
    real = dataset.load(FIXTURES / "real")
    assert len(real) == 1080 and all(s.height for s in real)
    assert real[0].facts["condition"] == "blur" and real[0].path.is_file()


def test_images_without_ground_truth_are_skipped(tmp_path: Path, sidecars: Path) -> None:
    shutil.copytree(sidecars, tmp_path / "d")
    next((tmp_path / "d").glob("*.txt")).unlink()
    assert len(dataset.load(tmp_path / "d")) == 3


@pytest.mark.parametrize("manifest, match", [
    ("not json", "JSON manifest"), ('{"path": "a.png"}', "JSON list"),
    ('[{"path": "a.png"}]', "record 0 needs"), ('[{"path": "b.png", "text": "1"}]', "no such"),
])
def test_bad_manifest_is_refused(tmp_path: Path, manifest: str, match: str) -> None:
    (tmp_path / "manifest.json").write_text(manifest)
    with pytest.raises(BadArgumentError, match=match):
        dataset.load(tmp_path)


def test_generate_refuses_missing_fonts_and_bad_options(tmp_path: Path) -> None:
    with pytest.raises(BadArgumentError, match=r"not found: nope\.ttf"):
        dataset.generate(tmp_path / "g", ["nope.ttf"], sizes=[20], conditions=["clean"], count=1)
    with pytest.raises(BadArgumentError, match="conditions must be among"):
        dataset.generate(tmp_path / "g", [__file__], sizes=[20], conditions=["fog"], count=1)
    with pytest.raises(BadArgumentError, match="sizes"):
        dataset.generate(tmp_path / "g", [__file__], sizes=[2], conditions=["clean"], count=1)


@pytest.mark.skipif(not FONT.is_file(), reason="needs DejaVu Sans installed")
def test_generate_writes_a_loadable_dataset(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                            ) -> None:
    out = tmp_path / "gen"
    assert main(["compare", "--generate", str(out), "--font", str(FONT), "--sizes", "20,32",
                 "--conditions", "clean,blur", "--count", "2", "--seed", "3"]) == 0
    assert "wrote 8 images" in capsys.readouterr().out
    samples = dataset.load(out)
    assert len(samples) == 8 and {s.height for s in samples} == {20, 32}
    assert {s.facts["condition"] for s in samples} == {"clean", "blur"}
    assert all(len(s.text) == dataset.GENERATED_DIGITS for s in samples)
    first = load_image(samples[0].path).copy()
    again = tmp_path / "again"
    dataset.generate(again, [str(FONT)], sizes=[20, 32], conditions=["clean", "blur"], count=2,
                     seed=3)
    np.testing.assert_array_equal(load_image(again / samples[0].name), first)  # reproducible
    assert main(["compare", "--generate", str(out), "--font", str(FONT)]) == 2  # not empty


# --- the harness ------------------------------------------------------------------------------

def test_compare_shares_segmentation_and_counts(sidecars: Path) -> None:
    samples = dataset.load(sidecars)
    seen: list[tuple[int, int, str]] = []
    result = compare(samples, ALL.split(","), progress=lambda d, t, n: seen.append((d, t, n)))
    assert [r.name for r in result.results] == ALL.split(",")
    assert result.mismatched == [] and result.images == 4 and not result.sizes_recorded
    assert [d for d, _, _ in seen] == [1, 2, 3, 4]
    for r in result.results:
        assert r.tally.images == 4 and r.tally.total == 24 + 24 + 2
        assert len(r.ms) == 4 and r.median_ms > 0
        assert int(r.confusion.sum()) == 50 and sum(t.images for t in r.by_size.values()) == 4
    assert {r.name: set(r.methods) for r in result.results}["rules"] == {"rule"}


def test_compare_reports_differing_boxes(sidecars: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_read = compare_mod.read

    def shifted(image: np.ndarray, *, config: object) -> Reading:
        reading = real_read(image, config=config)
        if getattr(config, "classifier", "") != "hybrid":
            return reading
        g = reading.glyphs[0]
        moved = Glyph(Box(g.box.top, g.box.left + 1, g.box.bottom, g.box.right), g.char,
                      g.confidence, g.method, g.rule, g.reason)
        return Reading(lines=(Line((moved, *reading.glyphs[1:])),), shape=reading.shape)

    monkeypatch.setattr(compare_mod, "read", shifted)
    result = compare(dataset.load(sidecars)[:2], ["rules", "hybrid"])
    assert len(result.mismatched) == 2
    assert "differed between classifiers in 2" in report.markdown(result, dataset="d")


# --- report and charts ------------------------------------------------------------------------

def test_charts() -> None:
    m = np.zeros((10, len(COLUMNS)), int)
    m[np.arange(10), np.arange(10)] = 7
    img = plots.heatmap(m, list("0123456789"), report.DRAWN_COLUMNS, title="t")
    assert img.dtype == np.uint8 and img.shape[0] >= plots.CELL * 10
    assert (img == plots.CORRECT_COLOR).all(axis=2).any()  # full rows are full colour
    with pytest.raises(BadArgumentError, match="does not match"):
        plots.heatmap(m, list("012"), report.DRAWN_COLUMNS, title="t")
    chart = plots.bars(["a", "b"], {"x": [50.0, None], "y": [75.0, 100.0]}, title="t")
    assert (chart == plots.PALETTE[1]).all(axis=2).any()
    with pytest.raises(BadArgumentError, match="one value per group"):
        plots.bars(["a"], {"x": [1.0, 2.0]}, title="t")


# --- the verb ---------------------------------------------------------------------------------

def test_cli_compare_writes_report_and_prints_summary(
        sidecars: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report"
    assert main(["compare", str(sidecars), "--out", str(out), "--classifiers", ALL,
                 "--progress"]) == 0
    captured = capsys.readouterr()
    rows = [line for line in captured.out.splitlines() if line.startswith("| ")]
    assert [r.split(" | ")[0] for r in rows] == ["| classifier", "| rules", "| knn-raw",
                                                 "| knn-hog", "| hybrid"]
    assert "] 4/4 " in captured.err  # the progress bar
    text = (out / "report.md").read_text()
    for row in rows[1:]:
        assert row.split(" | ")[3] in text  # the accuracy of each classifier
    assert "same glyph boxes in all 4 images" in text and "## Confusion" in text
    for name in ("confusion-rules.png", "confusion-hybrid.png", "accuracy-by-size.png",
                 "ms-per-image.png"):
        assert load_image(out / name).size > 0 and f"]({name})" in text


def test_cli_compare_manifest_limit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", str(FIXTURES / "real"), "--limit", "3", "--classifiers", "rules",
                 "--out", str(tmp_path)]) == 0
    assert "| rules | 3 |" in capsys.readouterr().out
    text = (tmp_path / "report.md").read_text()
    assert "(recorded)" in text and "## Accuracy by condition" in text
    assert (tmp_path / "accuracy-by-condition.png").is_file()
    assert not json.loads(json.dumps(text)).count("differed")


@pytest.mark.parametrize("make, argv_tail", [
    (lambda p: p / "missing", []),
    (lambda p: p, []),                                   # an empty folder
    (lambda p: p, ["--classifiers", "rules,svm"]),
    (lambda p: p, ["--limit", "0"]),
    (lambda p: p, ["--generate", "x"]),                  # both DATASET and --generate
])
def test_cli_compare_bad_input_is_one_line_exit_2(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], make: object,
        argv_tail: list[str]) -> None:
    folder = make(tmp_path)  # type: ignore[operator]
    assert main(["compare", str(folder), "--out", str(tmp_path / "o"), *argv_tail]) == 2
    err = capsys.readouterr().err
    assert err.startswith("topodigit: error: ") and err.count("\n") == 1


def test_cli_compare_needs_a_dataset(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare"]) == 2
    assert "DATASET" in capsys.readouterr().err
    assert main(["compare", "--generate", "x", "--font", "nope.ttf"]) == 2
    assert "nope.ttf" in capsys.readouterr().err


def test_unloadable_images_are_skipped_and_reported(
        sidecars: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "d"
    shutil.copytree(sidecars, data)
    (data / "zz-broken.png").write_bytes(b"not a png")
    (data / "zz-broken.txt").write_text("1")
    assert main(["compare", str(data), "--classifiers", "rules", "--out",
                 str(tmp_path / "o")]) == 0
    captured = capsys.readouterr()
    assert "| rules | 4 |" in captured.out and "skipped: " in captured.err
    assert "1 image(s) could not be loaded" in (tmp_path / "o" / "report.md").read_text()


def test_bad_model_is_one_line_exit_2(sidecars: Path, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", str(sidecars), "--model", str(tmp_path / "none.npz"),
                 "--classifiers", "hybrid", "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("topodigit: error: ") and err.count("\n") == 1
