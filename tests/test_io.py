"""Tests of topodigit.io: every input kind and dtype, every refusal (see also
test_io_corrupt.py)."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

import topodigit.io as tio
from topodigit.errors import BadArgumentError, BadImageError, TopodigitError
from topodigit.io import MAX_PIXELS, load_image, save_image

RNG = np.random.default_rng(7)
GRAY = RNG.integers(0, 256, (12, 17), dtype=np.uint8)


def encode(array: np.ndarray, ext: str = ".png") -> bytes:
    ok, buf = cv2.imencode(ext, array)
    assert ok
    return buf.tobytes()


def pil_bytes(image: Image.Image, fmt: str, **kwargs: object) -> bytes:
    buf = io.BytesIO()
    image.save(buf, fmt, **kwargs)
    return buf.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny valid PNG whose IHDR (with a correct CRC) claims another size."""
    data = bytearray(pil_bytes(Image.new("L", (4, 4), 255), "PNG"))
    assert data[12:16] == b"IHDR"
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])) & 0xFFFFFFFF)
    return bytes(data)


def check_gray(out: np.ndarray, shape: tuple[int, int]) -> None:
    assert out.dtype == np.uint8
    assert out.shape == shape
    assert out.flags.c_contiguous and out.flags.owndata


# --- arrays ----------------------------------------------------------------------------------

def test_uint8_gray_is_kept_and_copied() -> None:
    out = load_image(GRAY)
    check_gray(out, GRAY.shape)
    np.testing.assert_array_equal(out, GRAY)
    assert not np.shares_memory(out, GRAY)


def test_non_contiguous_view_becomes_contiguous_copy() -> None:
    view = GRAY[:, ::2]
    out = load_image(view)
    check_gray(out, view.shape)
    np.testing.assert_array_equal(out, view)


def test_single_channel_3d() -> None:
    np.testing.assert_array_equal(load_image(GRAY[:, :, None]), GRAY)


def test_three_channels_are_bgr() -> None:
    img = np.zeros((1, 2, 3), np.uint8)
    img[0, 0] = (255, 0, 0)  # blue in BGR
    img[0, 1] = (0, 0, 255)  # red in BGR
    out = load_image(img)
    assert out.tolist() == [[29, 76]]  # 0.114 * 255, 0.299 * 255


def test_bgra_composited_over_white() -> None:
    img = np.zeros((1, 3, 4), np.uint8)  # black ink
    img[0, :, 3] = (0, 128, 255)  # transparent, half, opaque
    assert load_image(img).tolist() == [[255, 127, 0]]


def test_gray_alpha_two_channels() -> None:
    img = np.array([[[0, 0], [0, 255], [200, 255]]], np.uint8)
    assert load_image(img).tolist() == [[255, 0, 200]]


def test_uint16_bgra_full_range_alpha() -> None:
    img = np.zeros((1, 2, 4), np.uint16)
    img[0, 0, :3] = 65535
    img[0, 1, 3] = 65535
    assert load_image(img).tolist() == [[255, 0]]


def test_bool() -> None:
    assert load_image(np.array([[True, False]])).tolist() == [[255, 0]]


@pytest.mark.parametrize("dtype", [np.uint16, np.uint32, np.uint64, np.int16, np.int32, np.int64])
def test_wide_ints_within_0_255_are_kept(dtype: type) -> None:
    np.testing.assert_array_equal(load_image(GRAY.astype(dtype)), GRAY)


def test_uint16_full_range_is_scaled() -> None:
    img = np.array([[0, 257 * 100, 65535]], np.uint16)
    assert load_image(img).tolist() == [[0, 100, 255]]


def test_uint16_12_bit_data_is_stretched_to_its_range() -> None:
    img = np.array([[0, 4095]], np.uint16)
    assert load_image(img).tolist() == [[0, 255]]


def test_big_endian_uint16() -> None:
    img = np.array([[0, 65535]], dtype=">u2")
    assert load_image(img).tolist() == [[0, 255]]


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32, np.int64])
def test_negative_signed_ints_are_min_max_scaled(dtype: type) -> None:
    img: np.ndarray = np.array([[-100, 0, 100]], dtype)
    assert load_image(img).tolist() == [[0, 128, 255]]


def test_int8_nonnegative_kept() -> None:
    assert load_image(np.array([[0, 100]], np.int8)).tolist() == [[0, 100]]


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_unit_floats_times_255(dtype: type) -> None:
    img: np.ndarray = np.array([[0.0, 0.25, 1.0]], dtype)
    assert load_image(img).tolist() == [[0, 64, 255]]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_other_floats_min_max(dtype: type) -> None:
    img: np.ndarray = np.array([[-2.0, 0.0, 2.0]], dtype)
    assert load_image(img).tolist() == [[0, 128, 255]]
    assert load_image(np.array([[0.0, 1000.0]], dtype)).tolist() == [[0, 255]]


def test_constant_images() -> None:
    assert load_image(np.full((2, 2), 7.0)).tolist() == [[255, 255], [255, 255]]
    assert load_image(np.full((1, 2), 999, np.uint16)).tolist() == [[255, 255]]
    assert load_image(np.zeros((1, 2), np.float32)).tolist() == [[0, 0]]


def test_non_finite_replaced_by_finite_median() -> None:
    img = np.array([[0.0, np.nan, 1.0, np.inf, -np.inf, 0.5, 0.5]])
    out = load_image(img)
    assert out.tolist() == [[0, 128, 255, 128, 128, 128, 128]]


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_all_non_finite_is_refused(value: float) -> None:
    with pytest.raises(BadImageError, match="finite"):
        load_image(np.full((3, 3), value, np.float32))


def test_float_bgra_with_unit_alpha() -> None:
    img = np.zeros((1, 2, 4), np.float32)
    img[0, 1, 3] = 1.0
    assert load_image(img).tolist() == [[255, 0]]


def test_input_array_is_not_modified() -> None:
    img = np.array([[0.0, np.nan, 1.0]])
    before = img.copy()
    load_image(img)
    np.testing.assert_array_equal(img, before)


# --- PIL images ------------------------------------------------------------------------------

def test_pil_gray_rgb_rgba_agree_with_arrays() -> None:
    rgb = RNG.integers(0, 256, (5, 6, 3), dtype=np.uint8)
    expected = load_image(rgb[..., ::-1])  # the same picture as a BGR array
    np.testing.assert_array_equal(load_image(Image.fromarray(rgb, "RGB")), expected)
    rgba = np.dstack([rgb, np.full((5, 6), 255, np.uint8)])
    np.testing.assert_array_equal(load_image(Image.fromarray(rgba, "RGBA")), expected)
    np.testing.assert_array_equal(load_image(Image.fromarray(GRAY, "L")), GRAY)


def test_pil_rgba_and_la_composite_over_white() -> None:
    assert load_image(Image.new("RGBA", (2, 1), (0, 0, 0, 0))).tolist() == [[255, 255]]
    assert load_image(Image.new("LA", (2, 1), (0, 0))).tolist() == [[255, 255]]
    assert load_image(Image.new("LA", (2, 1), (0, 255))).tolist() == [[0, 0]]


def test_pil_palette_with_and_without_transparency() -> None:
    pal = Image.new("P", (2, 1), 0)
    pal.putpalette([0, 0, 0, 255, 255, 255])
    assert load_image(pal).tolist() == [[0, 0]]
    pal.info["transparency"] = 0
    assert load_image(pal).tolist() == [[255, 255]]


@pytest.mark.parametrize(("mode", "value", "expected"), [
    ("I;16", 65535, 255), ("I;16", 200, 200), ("I", 100, 100), ("F", 0.5, 128),
    ("1", 1, 255), ("CMYK", (0, 0, 0, 0), 255),
])
def test_pil_modes(mode: str, value: object, expected: int) -> None:
    image = Image.new(mode, (3, 2), value)  # type: ignore[arg-type]
    out = load_image(image)
    check_gray(out, (2, 3))
    assert out[0, 0] == expected


def test_pil_16_bit_range_scaled() -> None:
    image = Image.fromarray(np.array([[0, 65535]], np.uint16))
    assert load_image(image).tolist() == [[0, 255]]


# --- bytes and paths -------------------------------------------------------------------------

@pytest.mark.parametrize("kind", [bytes, bytearray, memoryview])
def test_png_bytes_like(kind: type) -> None:
    np.testing.assert_array_equal(load_image(kind(encode(GRAY))), GRAY)


def test_png_colour_16_bit_and_alpha() -> None:
    bgr = RNG.integers(0, 256, (4, 5, 3), dtype=np.uint8)
    np.testing.assert_array_equal(load_image(encode(bgr)), load_image(bgr))
    wide = np.array([[0, 65535]], np.uint16)
    assert load_image(encode(wide)).tolist() == [[0, 255]]
    bgra = np.zeros((1, 2, 4), np.uint8)
    bgra[0, 1, 3] = 255
    assert load_image(encode(bgra)).tolist() == [[255, 0]]


def test_jpeg_bytes() -> None:
    out = load_image(encode(np.full((8, 8), 200, np.uint8), ".jpg"))
    check_gray(out, (8, 8))
    assert abs(int(out.mean()) - 200) <= 2


def test_pil_fallback_for_format_opencv_refuses() -> None:
    data = pil_bytes(Image.fromarray(GRAY), "PCX")
    np.testing.assert_array_equal(load_image(data), GRAY)


def test_exif_orientation_is_applied() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: rotate 90 degrees clockwise to view
    data = pil_bytes(Image.fromarray(GRAY), "PNG", exif=exif)
    np.testing.assert_array_equal(load_image(data), np.rot90(GRAY, -1))


@pytest.mark.parametrize("name", ["digits.png", "zähler ✓ 42.png"])
def test_paths_str_pathlike_unicode(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(encode(GRAY))
    np.testing.assert_array_equal(load_image(path), GRAY)
    np.testing.assert_array_equal(load_image(str(path)), GRAY)


# --- refusals --------------------------------------------------------------------------------

def test_missing_file_names_path(tmp_path: Path) -> None:
    path = tmp_path / "nope.png"
    with pytest.raises(BadImageError, match=r"nope\.png: no such file"):
        load_image(path)


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(BadImageError, match="is a directory"):
        load_image(tmp_path)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.png"
    path.write_bytes(b"")
    with pytest.raises(BadImageError, match=r"empty\.png: file is empty"):
        load_image(path)


def test_empty_bytes() -> None:
    with pytest.raises(BadImageError, match="0 bytes"):
        load_image(b"")


@pytest.mark.parametrize("cut", [0.5, 0.9])
def test_truncated_png_bytes(cut: float) -> None:
    data = encode(RNG.integers(0, 256, (40, 40), dtype=np.uint8))
    with pytest.raises(BadImageError, match="image bytes"):
        load_image(data[: int(len(data) * cut)])


def test_truncated_png_file_names_path(tmp_path: Path) -> None:
    path = tmp_path / "cut.png"
    data = encode(RNG.integers(0, 256, (40, 40), dtype=np.uint8))
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(BadImageError, match=r"cut\.png"):
        load_image(path)


@pytest.mark.parametrize("data", [b"not an image at all", b"\x89PNG\r\n\x1a\n", bytes(100)])
def test_undecodable_bytes(data: bytes) -> None:
    with pytest.raises(BadImageError, match="cannot decode"):
        load_image(data)


def test_corrupt_pixel_data() -> None:
    with pytest.raises(BadImageError):
        load_image(png_claiming(8, 8))  # a 4x4 stream under an 8x8 header


@pytest.mark.parametrize(("width", "height"), [(20_000, 20_000), (10_001, 10_000)])
def test_oversized_header_refused_before_decoding(
    monkeypatch: pytest.MonkeyPatch, width: int, height: int
) -> None:
    def no_decode(*args: object) -> None:
        raise AssertionError("decoded an oversized image")

    monkeypatch.setattr(tio, "_cv2_decode", no_decode)
    monkeypatch.setattr(tio, "_pil_decode", no_decode)
    with pytest.raises(BadImageError, match=f"limit of {MAX_PIXELS:,}") as info:
        load_image(png_claiming(width, height))
    assert f"{width * height:,}" in str(info.value)


def test_pixel_limit_for_arrays_pil_and_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tio, "MAX_PIXELS", 100)
    assert load_image(np.zeros((10, 10), np.uint8)).shape == (10, 10)
    for big in (np.zeros((11, 10), np.uint8), Image.new("L", (10, 11)),
                encode(np.zeros((11, 10), np.uint8))):
        with pytest.raises(BadImageError, match="110 pixels is above the limit of 100"):
            load_image(big)


@pytest.mark.parametrize("shape", [(0, 0), (0, 5), (5, 0), (0, 5, 3)])
def test_zero_size(shape: tuple[int, ...]) -> None:
    with pytest.raises(BadImageError, match="zero-size"):
        load_image(np.zeros(shape, np.uint8))


@pytest.mark.parametrize("shape", [(5,), (2, 2, 2, 2), (3, 3, 5), ()])
def test_bad_shapes(shape: tuple[int, ...]) -> None:
    with pytest.raises(BadImageError, match=r"expected shape"):
        load_image(np.zeros(shape, np.uint8))


@pytest.mark.parametrize("dtype", [np.complex64, object, "U3", "datetime64[s]"])
def test_bad_dtypes(dtype: object) -> None:
    with pytest.raises(BadImageError, match="unsupported dtype"):
        load_image(np.zeros((2, 2), dtype))


@pytest.mark.parametrize("value", [42, [[0, 255]], None, 3.5])
def test_unsupported_types(value: object) -> None:
    with pytest.raises(BadArgumentError, match=type(value).__name__):
        load_image(value)


# --- save_image ------------------------------------------------------------------------------

@pytest.mark.parametrize("array", [
    GRAY, RNG.integers(0, 256, (4, 5, 3), dtype=np.uint8), GRAY > 128,
    np.array([[0, 65535]], np.uint16),
])
def test_save_round_trip(tmp_path: Path, array: np.ndarray) -> None:
    path = tmp_path / "out.png"
    save_image(path, array)
    assert path.read_bytes().startswith(b"\x89PNG")
    np.testing.assert_array_equal(load_image(path), load_image(array))


def test_save_suffix_picks_format_and_default_is_png(tmp_path: Path) -> None:
    save_image(tmp_path / "out.jpg", GRAY)
    assert (tmp_path / "out.jpg").read_bytes().startswith(b"\xff\xd8")
    save_image(tmp_path / "noext", GRAY)
    assert (tmp_path / "noext").read_bytes().startswith(b"\x89PNG")


def test_save_refuses_bad_arrays(tmp_path: Path) -> None:
    for bad in (np.zeros((2, 2), np.float32), np.zeros((2, 2, 2), np.uint8), np.zeros((0, 3))):
        with pytest.raises(BadArgumentError, match="save_image"):
            save_image(tmp_path / "x.png", bad)


def test_save_unknown_format_and_unwritable_path(tmp_path: Path) -> None:
    with pytest.raises(TopodigitError, match=r"\.nope"):
        save_image(tmp_path / "x.nope", GRAY)
    with pytest.raises(TopodigitError, match="cannot write"):
        save_image(tmp_path / "no-such-dir" / "x.png", GRAY)



def test_load_image_without_copy_returns_a_ready_array_itself() -> None:
    gray = np.full((6, 5), 200, np.uint8)
    assert load_image(gray, copy=False) is gray
    assert load_image(gray) is not gray and np.array_equal(load_image(gray), gray)
    strided = gray[:, ::2]
    assert load_image(strided, copy=False) is not strided  # not contiguous: converted
    with pytest.raises(BadImageError):
        load_image(np.zeros((0, 5), np.uint8), copy=False)


def test_read_leaves_the_callers_array_alone() -> None:
    from topodigit import read

    gray = np.full((40, 60), 255, np.uint8)
    gray[10:30, 20:26] = 0
    before = gray.copy()
    read(gray)
    assert np.array_equal(gray, before)
