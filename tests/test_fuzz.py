"""Property-based tests: any input gives a Reading or a TopodigitError, never a crash.

Hypothesis draws random arrays (dtypes, shapes, NaN/inf, 1-4 channels), random
digit strings pasted together from glyphs of the committed fixtures (no fonts
needed), random options and random (corrupted) encoded files. The properties:

- only :class:`~topodigit.errors.TopodigitError` escapes ``read``/``load_image``;
- the same input gives an identical ``Reading.to_dict()`` and the input is not modified;
- ``read`` from several threads at once gives the sequential results;
- PNG/JPEG/BMP/WebP decoding prints nothing; the command line gives one JSON line per
  file, and exit code 2 exactly when that line is an error, with one stderr line.

Every test is derandomized (CI sees the same cases each run); set
``TOPODIGIT_FUZZ_SCALE=10`` for a ten times longer local hunt.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from functools import cache
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from PIL import Image

import topodigit
from topodigit.cli import main
from topodigit.errors import TopodigitError
from topodigit.fallback import CLASSIFIERS
from topodigit.knn import FEATURES
from topodigit.pipeline import FONT_CHOICES

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "clean"
SCALE = float(os.environ.get("TOPODIGIT_FUZZ_SCALE", "1"))
#: Height (px) of the fixtures' single digits that are pasted into strings, from every style.
GLYPH_HEIGHT = 32
DTYPES = (np.uint8, np.uint16, np.float32, np.float64)


def fuzz(examples: int) -> Any:
    """Deterministic settings: the same cases on every run, no example database."""
    return settings(max_examples=max(1, int(examples * SCALE)), deadline=None,
                    derandomize=True, database=None, print_blob=False,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def outcome(image: Any, **options: Any) -> dict[str, Any]:
    """``read(image)`` as a JSON-safe dict, or the error's type and message."""
    try:
        reading = topodigit.read(image, **options)
    except TopodigitError as exc:
        assert str(exc), "an error must say what is wrong"
        return {"error": type(exc).__name__, "message": str(exc)}
    record = reading.to_dict()
    json.dumps(record)
    return record


@contextmanager
def stderr_into(text: list[str]) -> Iterator[None]:
    """Append to ``text`` what is written to stderr meanwhile, by C libraries too."""
    python = io.StringIO()
    with tempfile.TemporaryFile() as sink, redirect_stderr(python):
        saved = os.dup(2)
        os.dup2(sink.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        sink.seek(0)
        text.append(sink.read().decode(errors="replace") + python.getvalue())


def same_twice(image: Any, **options: Any) -> dict[str, Any]:
    """Read twice (the second time a copy): identical results, input untouched."""
    before = image.copy() if isinstance(image, np.ndarray) else image
    first = outcome(image, **options)
    if isinstance(image, np.ndarray):
        np.testing.assert_array_equal(image, before)
        assert outcome(image.copy(), **options) == first
    else:
        assert outcome(image, **options) == first
    event(f"error: {first['error']}" if "error" in first else
          "reading" if first["text"] else "reading (empty)")
    return first


# --- strategies ------------------------------------------------------------------------------

@cache
def glyphs() -> dict[str, list[np.ndarray]]:
    """Gray crops (ink dark) of every fixture font's digits, cut to the font's digit band."""
    out: dict[str, list[np.ndarray]] = {str(d): [] for d in range(10)}
    for font in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
        images = [cv2.imread(str(font / str(GLYPH_HEIGHT) / f"single-{d}.png"),
                             cv2.IMREAD_GRAYSCALE) for d in range(10)]
        rows = np.flatnonzero(np.any([img.min(axis=1) < 250 for img in images], axis=0))
        for d, img in enumerate(images):
            cols = np.flatnonzero(img.min(axis=0) < 250)
            out[str(d)].append(img[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1])
    return out


def noise_array(shape: tuple[int, ...], dtype: Any, seed: int, kind: str) -> np.ndarray:
    """A large array made by numpy from a drawn seed (hypothesis is slow per element)."""
    rng = np.random.default_rng(seed)
    if kind == "noise":
        unit = rng.random(shape)
    elif kind == "binary":
        unit = (rng.random(shape) > rng.random()).astype(float)
    elif kind == "lines":  # long strokes at any angle: deskew, bars, touching glyphs
        unit = np.ones(shape[:2])
        for _ in range(int(rng.integers(1, 12))):
            ends = rng.integers(-20, max(shape[:2]) + 20, 4)
            cv2.line(unit, (int(ends[0]), int(ends[1])), (int(ends[2]), int(ends[3])),
                     float(rng.random()) * 0.5, int(rng.integers(1, 8)))
        unit = np.broadcast_to(unit[..., None], shape) if len(shape) == 3 else unit
    else:  # "blobs": white paper with dark rectangles and strokes
        unit = np.ones(shape)
        for _ in range(int(rng.integers(1, 40))):
            r, c = int(rng.integers(0, shape[0])), int(rng.integers(0, shape[1]))
            unit[r:r + int(rng.integers(1, 40)), c:c + int(rng.integers(1, 12))] = rng.random()
    if np.dtype(dtype).kind == "f":
        array = (unit * rng.choice([1.0, 255.0, 1e6, -3.0])).astype(dtype)
        if rng.random() < 0.3:
            holes = rng.random(shape) < rng.random() * 0.5
            array[holes] = rng.choice([np.nan, np.inf, -np.inf])
        return array
    top = rng.choice([255, 4095, np.iinfo(dtype).max])
    return np.round(unit * top).astype(dtype)


@st.composite
def random_arrays(draw: st.DrawFn) -> np.ndarray:
    """Any array ``load_image`` might be given: tiny ones drawn cell by cell, large by numpy."""
    dtype = draw(st.sampled_from(DTYPES))
    channels = draw(st.sampled_from([(), (1,), (3,), (4,)]))
    if draw(st.booleans()):
        side = st.integers(0, 6)
        shape = (draw(side), draw(side), *channels)
        floats = st.floats(allow_nan=True, allow_infinity=True, width=32)
        elements = floats if np.dtype(dtype).kind == "f" else None
        return draw(hnp.arrays(dtype, shape, elements=elements))
    height = draw(st.sampled_from([1, 2, 7, 31, 64, 120, 200]))
    width = draw(st.sampled_from([1, 3, 17, 90, 256, 400, 1500]))
    return noise_array((height, width, *channels), dtype, draw(st.integers(0, 2**32 - 1)),
                       draw(st.sampled_from(["noise", "binary", "blobs", "lines"])))


@st.composite
def digit_images(draw: st.DrawFn) -> np.ndarray:
    """Random digit strings pasted from fixture glyphs: spacing, scale, noise, inversion."""
    crops = glyphs()
    n_fonts = len(crops["0"])
    font = draw(st.integers(0, n_fonts - 1))
    scale = draw(st.sampled_from([0.35, 0.5, 0.75, 1.0, 1.5, 2.5]))
    n_lines = draw(st.integers(1, 3))
    texts = [draw(st.text("0123456789 .-", min_size=1, max_size=12)) for _ in range(n_lines)]
    gap = draw(st.floats(-0.15, 0.8))  # in glyph heights; negative: glyphs touch or overlap
    band = crops["0"][font].shape[0]
    rows = []
    for text in texts:
        row = np.full((band, 4), 255, np.uint8)
        for ch in text:
            if ch.isdigit():
                style = font if draw(st.booleans()) else draw(st.integers(0, n_fonts - 1))
                glyph = crops[ch][style]
                glyph = glyph[:band] if glyph.shape[0] >= band else np.pad(
                    glyph, ((0, band - glyph.shape[0]), (0, 0)), constant_values=255)
            else:
                glyph = np.full((band, band // 2 if ch == " " else band // 4), 255, np.uint8)
                if ch == ".":
                    glyph[-band // 6:, :] = 0
                elif ch == "-":
                    glyph[band // 2 - 2:band // 2 + 2, :] = 0
            step = max(1, round(gap * band))
            if gap < 0:
                overlap = min(-int(gap * band), row.shape[1], glyph.shape[1])
                row[:, row.shape[1] - overlap:] = np.minimum(row[:, row.shape[1] - overlap:],
                                                             glyph[:, :overlap])
                glyph = glyph[:, overlap:]
                step = 0
            row = np.hstack([row, np.full((band, step), 255, np.uint8), glyph])
        rows.append(row)
    width = max(r.shape[1] for r in rows) + band
    pad = band // 2
    canvas = np.full((pad + len(rows) * band * 8 // 5, width + pad), 255, np.uint8)
    for i, row in enumerate(rows):
        top = pad + i * band * 8 // 5
        canvas[top:top + band, pad:pad + row.shape[1]] = row
    size = (max(1, round(canvas.shape[1] * scale)), max(1, round(canvas.shape[0] * scale)))
    image = cv2.resize(canvas, size, interpolation=cv2.INTER_AREA).astype(np.float32)
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    if draw(st.booleans()):
        image = cv2.GaussianBlur(image, (0, 0), draw(st.floats(0.3, 2.0)))
    image = image * draw(st.floats(0.2, 1.0)) + draw(st.floats(0.0, 60.0))
    image = image + rng.normal(0, draw(st.sampled_from([0.0, 5.0, 20.0, 60.0])), image.shape)
    if draw(st.booleans()):
        image = 255.0 - image
    image = np.clip(image, 0, 255)
    out_dtype = draw(st.sampled_from(DTYPES))
    if out_dtype == np.uint16:
        return (image * 257).astype(np.uint16)
    if np.dtype(out_dtype).kind == "f":
        return (image / 255).astype(out_dtype)
    gray = image.astype(np.uint8)
    return cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR) if draw(st.booleans()) else gray


rois = st.one_of(
    st.none(),
    st.tuples(*[st.integers(-5, 450)] * 4),
    st.lists(st.one_of(st.integers(-2, 50), st.floats(allow_nan=True), st.text(max_size=2)),
             max_size=5),
    st.sampled_from([5, "0,0,3,3", b"roi", {"x": 1}]),
)
configs = st.builds(
    topodigit.ReaderConfig,
    ink=st.sampled_from(["auto", "dark", "light"]),
    norm_height=st.integers(16, 200),
    max_components=st.integers(1, 5000),
    keep_topology=st.booleans(),
    deskew=st.booleans(),
    font=st.sampled_from(FONT_CHOICES),
    classifier=st.sampled_from(CLASSIFIERS),
    features=st.sampled_from(FEATURES),
)


# --- properties ------------------------------------------------------------------------------

@fuzz(700)
@given(random_arrays())
def test_random_arrays_give_a_reading_or_a_typed_error(image: np.ndarray) -> None:
    same_twice(image)


@fuzz(600)
@given(digit_images())
def test_rendered_digit_strings_read_deterministically(image: np.ndarray) -> None:
    record = same_twice(image)
    assert "error" not in record, record
    assert set(record["text"]) <= set("0123456789?.,:+- \n")


@fuzz(100)
@given(digit_images(), st.sampled_from(["PIL", "PNG bytes", "JPEG bytes", "file"]))
def test_input_kinds_agree(image: np.ndarray, kind: str) -> None:
    """An image read as an array, a PIL image, PNG bytes or a file: the same reading."""
    gray = topodigit.load_image(image)
    ok, encoded = cv2.imencode(".jpg" if kind == "JPEG bytes" else ".png", gray)
    assert ok
    data = encoded.tobytes()
    expected = outcome(cv2.imdecode(encoded, cv2.IMREAD_UNCHANGED) if "bytes" in kind else gray)
    if kind == "PIL":
        assert outcome(Image.fromarray(gray)) == expected
    elif kind == "file":
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "digits.png"
            path.write_bytes(data)
            assert outcome(path) == expected
    else:
        assert outcome(data) == expected


@fuzz(350)
@given(st.one_of(random_arrays(), digit_images()), configs, st.data(),
       st.sampled_from([None, "auto", "dark", "light", "red", 3]))
def test_random_options(image: np.ndarray, config: topodigit.ReaderConfig,
                        data: st.DataObject, ink: Any) -> None:
    """Options in and out of range; half the time a rectangle inside the image."""
    if image.ndim >= 2 and min(image.shape[:2]) > 0 and data.draw(st.booleans()):
        x0, x1 = sorted(data.draw(st.lists(st.integers(0, image.shape[1]), min_size=2,
                                           max_size=2, unique=True)))
        y0, y1 = sorted(data.draw(st.lists(st.integers(0, image.shape[0]), min_size=2,
                                           max_size=2, unique=True)))
        roi: Any = (x0, y0, x1, y1)
    else:
        roi = data.draw(rois)
    same_twice(image, roi=roi, ink=ink, config=config)


anything = st.one_of(st.none(), st.booleans(), st.integers(-10, 300), st.floats(),
                    st.text(max_size=4),
                    st.sampled_from(["40", "dark", b"auto", (1,), np.int64(40)]))


@fuzz(300)
@given(st.dictionaries(st.sampled_from(["ink", "norm_height", "max_components", "keep_topology",
                                        "deskew", "font", "classifier", "features", "model"]),
                       anything, max_size=3))
def test_any_config_value_is_used_or_refused(options: dict[str, Any]) -> None:
    try:
        config = topodigit.ReaderConfig(**options)
    except TopodigitError:
        event("refused")
        return
    same_twice(glyphs()["8"][0], config=config)


@pytest.mark.parametrize("options", [
    {"norm_height": "x"}, {"norm_height": None}, {"norm_height": 20.5}, {"norm_height": "40"},
    {"norm_height": float("nan")}, {"norm_height": True}, {"max_components": "5"},
    {"max_components": 2.5}, {"max_components": None}, {"max_components": float("inf")},
])
def test_config_numbers_of_the_wrong_type_are_refused(options: dict[str, Any]) -> None:
    name = next(iter(options))
    with pytest.raises(topodigit.BadArgumentError, match=name):
        topodigit.ReaderConfig(**options)


@st.composite
def corrupted_files(draw: st.DrawFn) -> tuple[str, bytes]:
    """A file suffix and a rendered digit image so encoded, cut short, with flipped bytes
    or spliced garbage."""
    source = draw(digit_images())
    ext = draw(st.sampled_from([".png", ".jpg", ".bmp", ".tif", ".webp"]))
    if source.dtype != np.uint16 or ext not in (".png", ".tif"):
        source = topodigit.load_image(source)
    if draw(st.booleans()):
        source = cv2.cvtColor(source, cv2.COLOR_GRAY2BGR)
    ok, buffer = cv2.imencode(ext, source)
    assert ok
    raw = bytearray(buffer.tobytes())
    for _ in range(draw(st.integers(0, 8))):
        at = draw(st.integers(0, len(raw) - 1))
        raw[at] = draw(st.integers(0, 255))
    if draw(st.booleans()):
        raw = raw[:draw(st.integers(0, len(raw)))]
    if draw(st.booleans()):
        raw[draw(st.integers(0, len(raw))):] = draw(st.binary(max_size=64))
    return ext, bytes(raw)


@fuzz(400)
@given(corrupted_files())
def test_corrupted_files(file: tuple[str, bytes]) -> None:
    ext, data = file
    err: list[str] = []
    with stderr_into(err):
        same_twice(data)
    if ext != ".tif":  # libtiff (in OpenCV and PIL alike) prints its own complaints
        assert err == [""]


@fuzz(150)
@given(corrupted_files())
def test_command_line_on_corrupted_files(file: tuple[str, bytes]) -> None:
    """One JSON line per file; exit 2 exactly when it has an error and one stderr line."""
    ext, data = file
    out, err = io.StringIO(), []
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / f"image{ext}")
        Path(path).write_bytes(data)
        with redirect_stdout(out), stderr_into(err):
            code = main(["read", "--json", path])
    record = json.loads(out.getvalue())
    assert record["path"] == path
    if ext == ".tif":
        err = [line for line in err[0].splitlines(keepends=True) if "topodigit" in line]
    if "error" in record:
        assert code == 2
        assert err == [f"topodigit: error: {record['error']}\n"]
    else:
        assert code == (1 if "?" in record["text"] else 0)
        assert err in ([""], [])


@fuzz(60)
@given(st.lists(st.one_of(digit_images(), random_arrays()), min_size=4, max_size=8))
def test_threads_read_like_sequential(images: list[np.ndarray]) -> None:
    expected = [outcome(image) for image in images]
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(outcome, images)) == expected


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("shape", [(0, 0), (1, 1), (1, 7), (9, 9, 4)])
def test_degenerate_arrays_are_typed_errors_or_readings(value: float,
                                                        shape: tuple[int, ...]) -> None:
    image = np.full(shape, value, np.float32)
    assert "error" in outcome(image)
