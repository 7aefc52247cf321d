"""Tests of topodigit.io on corrupt input: refused with a typed error, quietly (no
libpng/libjpeg output), from any thread; corrupt model files through read()."""

from __future__ import annotations

import struct
import warnings
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import cv2
import numpy as np
import pytest

import topodigit
from topodigit.errors import BadImageError
from topodigit.io import load_image

RNG = np.random.default_rng(11)


def encode(array: np.ndarray, ext: str = ".png") -> bytes:
    return bytes(cv2.imencode(ext, array)[1])


def png_header_only(width: int, height: int) -> bytes:
    """A PNG signature and an IHDR chunk (correct CRC) for a gray image, no pixels."""
    body = b"IHDR" + struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + body + struct.pack(
        ">I", zlib.crc32(body))


# --- corrupt files are refused quietly, from any thread ---------------------------------------

JPEG = encode(np.tile(np.arange(40, dtype=np.uint8) * 6, (40, 1)), ".jpg")


def with_crc_error(data: bytes) -> bytes:
    broken = bytearray(data)
    broken[len(broken) // 2] ^= 0xFF  # inside IDAT: its CRC no longer matches
    return bytes(broken)


@pytest.mark.parametrize("data", [
    JPEG[:300], JPEG[:3] + b"\x01" + JPEG[4:],
    with_crc_error(encode(RNG.integers(0, 256, (40, 40), dtype=np.uint8))),
    with_crc_error(encode(RNG.integers(0, 65535, (40, 40, 3), dtype=np.uint16))),
    png_header_only(0, 0), png_header_only(1, 0),
], ids=["truncated-jpeg", "bad-jpeg-marker", "png-crc", "png16-colour-crc", "png-0x0",
        "png-1x0"])
def test_corrupt_png_and_jpeg_refused_without_library_noise(
    data: bytes, capfd: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(BadImageError, match="image bytes"):
        load_image(data)
    with pytest.raises(BadImageError, match="image bytes"):
        topodigit.read(data)
    assert capfd.readouterr() == ("", "")  # libpng/libjpeg print nothing


def test_truncated_jpeg_file_names_path(tmp_path: Path) -> None:
    path = tmp_path / "cut.jpg"
    path.write_bytes(JPEG[:200])
    with pytest.raises(BadImageError, match=r"cut\.jpg"):
        load_image(path)


def test_jpeg_with_stray_bytes_decodes_quietly(capfd: pytest.CaptureFixture[str]) -> None:
    data = JPEG
    out = load_image(data[:-2] + bytes(37) + data[-2:])  # junk before the end marker
    np.testing.assert_array_equal(out, load_image(data))
    assert capfd.readouterr() == ("", "")


def test_png_and_jpeg_decode_like_opencv() -> None:
    bgr = RNG.integers(0, 256, (9, 11, 3), dtype=np.uint8)
    for ext in (".png", ".jpg"):
        expected = cv2.imdecode(np.frombuffer(encode(bgr, ext), np.uint8), cv2.IMREAD_UNCHANGED)
        np.testing.assert_array_equal(load_image(encode(bgr, ext)), load_image(expected))


def test_16_bit_colour_png_keeps_its_range() -> None:
    img = np.zeros((1, 2, 3), np.uint16)
    img[0, 1] = 4095  # 12-bit data: PIL would cut it to 15 of 255
    assert load_image(encode(img)).tolist() == [[0, 255]]


def test_one_pixel_images() -> None:
    for image in (np.zeros((1, 1), np.uint8), encode(np.zeros((1, 1), np.uint8)),
                  np.full((1, 1, 4), 0.5, np.float32)):
        assert load_image(image).shape == (1, 1)
        assert topodigit.read(image).text == ""


def test_decoding_from_threads_restores_global_settings() -> None:
    level, filters = cv2.utils.logging.getLogLevel(), list(warnings.filters)
    gray = RNG.integers(0, 256, (12, 17), dtype=np.uint8)
    files = [encode(gray), encode(gray, ".bmp"), JPEG[:300], b"junk"] * 40

    def load(data: bytes) -> int:
        try:
            return load_image(data).size
        except BadImageError:
            return -1

    with ThreadPoolExecutor(max_workers=8) as pool:
        sizes = list(pool.map(load, files))
    assert sizes == [load(data) for data in files]
    assert cv2.utils.logging.getLogLevel() == level
    assert warnings.filters == filters


# --- model files: every corrupt one is a BadModelError naming it, through read() --------------

def corrupt_models(folder: Path) -> list[Path]:
    builtin = (Path(topodigit.__file__).parent / "data" / "templates-hog.npz").read_bytes()
    contents = {"empty.npz": b"", "junk.npz": b"not a model", "zipish.npz": b"PK\x03\x04junk",
                "cut.npz": builtin[: len(builtin) // 2]}
    for name, data in contents.items():
        (folder / name).write_bytes(data)
    np.savez(folder / "foreign.npz", weights=np.zeros(3))
    np.savez(folder / "pickled.npz", labels=np.array([{"a": 1}], dtype=object))
    (folder / "folder.npz").mkdir()
    return [folder / name for name in (*contents, "foreign.npz", "pickled.npz", "folder.npz",
                                       "missing.npz")]


def test_corrupt_model_files_through_read(tmp_path: Path) -> None:
    sheet = Path(__file__).resolve().parents[1] / "fixtures/clean/ocr-a-regular/32/sheet.png"
    for model in corrupt_models(tmp_path):
        config = topodigit.ReaderConfig(classifier="knn", model=model)
        with pytest.raises(topodigit.BadModelError, match=model.name):
            topodigit.read(sheet, config=config)
