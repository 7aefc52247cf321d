"""Load and save images: the only module that touches the disk.

:func:`load_image` turns a path, encoded bytes, a numpy array or a PIL image into
one thing every stage can trust: a new, C-contiguous, 2-D ``uint8`` gray array.
Colour arrays follow the OpenCV convention (BGR, BGRA); transparent pixels are
composited over white. Images above :data:`MAX_PIXELS` are refused before decoding.

Examples
--------
>>> import numpy as np
>>> gray = load_image(np.array([[0.0, 0.5, 1.0]]))
>>> gray.dtype, gray.tolist()
(dtype('uint8'), [[0, 128, 255]])
>>> load_image(np.zeros((2, 2, 3), np.uint16)).shape
(2, 2)
"""

from __future__ import annotations

import io
import os
import re
import threading
import warnings
from typing import Any

import cv2
import numpy as np
from PIL import Image

from topodigit.errors import BadArgumentError, BadImageError, BadModelError, TopodigitError
from topodigit.pixels import check_array, to_gray

MAX_PIXELS = 100_000_000
"""Largest image (height x width) topodigit will decode: about 10000 x 10000 pixels."""

_EXIF_ORIENTATION = 0x0112
_EXIF_FORMATS = ("JPEG", "MPO", "TIFF", "WEBP")
_PIL_TO_ARRAY_MODE = {"L": "L", "LA": "LA", "1": "1", "I": "I", "F": "F", "RGB": "RGB",
                      "RGBA": "RGBA", "La": "LA", "RGBa": "RGBA", "PA": "RGBA"}
#: PNG and JPEG are decoded by PIL, never OpenCV: inside OpenCV, libpng and libjpeg
#: print corrupt-data messages to stderr; PIL decodes silently, to the same pixels.
_NOISY_MAGIC = (b"\x89PNG", b"\xff\xd8")


class _Quiet:
    """Silence PIL's warnings and OpenCV's log while decoding, safely across threads.

    Both are process-wide settings, so overlapping decodes share one quiet window:
    the first thread in saves and changes them, the last one out restores them.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._depth = 0
        self._saved: tuple[warnings.catch_warnings[None], int] | None = None

    def __enter__(self) -> None:
        with self._lock:
            if self._depth == 0:
                caught: warnings.catch_warnings[None] = warnings.catch_warnings()
                caught.__enter__()
                warnings.filterwarnings("ignore", module=r"PIL(\.|$)")
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                level = cv2.utils.logging.getLogLevel()
                cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)
                self._saved = (caught, level)
            self._depth += 1

    def __exit__(self, *exc_info: object) -> None:
        with self._lock:
            self._depth -= 1
            if self._depth == 0 and self._saved is not None:
                caught, level = self._saved
                self._saved = None
                cv2.utils.logging.setLogLevel(level)
                caught.__exit__(None, None, None)


_QUIET = _Quiet()


def load_image(image: Any, *, copy: bool = True) -> np.ndarray:
    """Load an image as a 2-D ``uint8`` gray array (0 black, 255 white).

    Parameters
    ----------
    image : str, os.PathLike, bytes, bytearray, memoryview, numpy.ndarray or PIL.Image.Image
        A file path; encoded image bytes (PNG, JPEG, TIFF, ...); an array of shape
        ``(H, W)``, ``(H, W, 1)``, ``(H, W, 2)`` (gray + alpha), ``(H, W, 3)`` (BGR)
        or ``(H, W, 4)`` (BGRA) and dtype bool, integer or float; or a PIL image.
        Files and bytes are turned upright by their EXIF orientation.
    copy : bool
        With False, a C-contiguous 2-D ``uint8`` array is returned itself, not a
        copy (for callers that only read it).

    Returns
    -------
    numpy.ndarray
        A new C-contiguous ``uint8`` array of shape ``(H, W)`` (or ``image``
        itself, see ``copy``). ``uint8`` data is
        kept; wider integers are min-max scaled only if they exceed 0..255; floats
        within [0, 1] are multiplied by 255, other floats are min-max scaled;
        non-finite floats are replaced by the median of the finite ones.

    Raises
    ------
    BadImageError
        The file is missing, empty or undecodable; the array has a bad shape or
        dtype, a zero-size side, no finite value; or the image exceeds :data:`MAX_PIXELS`.
    BadArgumentError
        ``image`` is of an unsupported type.

    Examples
    --------
    >>> import numpy as np
    >>> load_image(np.array([[False, True]])).tolist()
    [[0, 255]]
    >>> load_image(np.array([[0, 1000]], np.uint16)).tolist()
    [[0, 255]]
    >>> bgra = np.zeros((1, 2, 4), np.uint8); bgra[0, 1, 3] = 255   # transparent, opaque
    >>> load_image(bgra).tolist()
    [[255, 0]]
    >>> load_image(42)
    Traceback (most recent call last):
    topodigit.errors.BadArgumentError: image must be a path, bytes, ndarray or PIL image, got int
    """
    if isinstance(image, np.ndarray):
        if (not copy and image.ndim == 2 and image.dtype == np.uint8
                and image.flags.c_contiguous):
            check_array(image, "image array", max_pixels=MAX_PIXELS)
            return image
        return to_gray(image, "image array", max_pixels=MAX_PIXELS)
    if isinstance(image, Image.Image):
        _check_pixels(image.height, image.width, "PIL image")
        return to_gray(_pil_to_array(image), "PIL image", max_pixels=MAX_PIXELS)
    if isinstance(image, (bytes, bytearray, memoryview)):
        return to_gray(_decode(bytes(image), "image bytes"), "image bytes", max_pixels=MAX_PIXELS)
    if isinstance(image, (str, os.PathLike)):
        name = os.fsdecode(image)
        return to_gray(_decode(_read_file(name), name), name, max_pixels=MAX_PIXELS)
    raise BadArgumentError(
        f"image must be a path, bytes, ndarray or PIL image, got {type(image).__name__}"
    )


def save_image(path: str | os.PathLike[str], array: np.ndarray) -> None:
    """Write a gray, BGR or BGRA array to ``path``, in the format named by its suffix.

    PNG is written when the suffix is ``.png`` or missing; other suffixes OpenCV
    knows (``.jpg``, ``.bmp``, ``.tif``, ...) work too. Bool arrays become 0/255.

    Raises
    ------
    BadArgumentError
        ``array`` is not a ``uint8``/``uint16``/bool array of shape (H, W) or (H, W, 1|3|4).
    TopodigitError
        The image cannot be encoded in that format or the file cannot be written.

    Examples
    --------
    >>> import numpy as np, pathlib, tempfile
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "ring.png"
    >>> save_image(out, np.full((3, 4), 200, np.uint8))
    >>> load_image(out).shape
    (3, 4)
    """
    name = os.fsdecode(path)
    ok_shape = array.ndim == 2 or (array.ndim == 3 and array.shape[2] in (1, 3, 4))
    if array.dtype not in (np.uint8, np.uint16, np.bool_) or not ok_shape or array.size == 0:
        raise BadArgumentError(
            f"save_image needs a uint8/uint16/bool array of shape (H, W) or (H, W, 1|3|4), "
            f"got {array.dtype} {array.shape}"
        )
    if array.dtype == np.bool_:
        array = array.astype(np.uint8) * 255
    suffix = os.path.splitext(name)[1].lower() or ".png"
    try:
        ok, encoded = cv2.imencode(suffix, np.ascontiguousarray(array))
    except cv2.error:
        ok = False
    if not ok:
        raise TopodigitError(f"{name}: cannot encode a {array.dtype} image as {suffix}")
    try:
        with open(name, "wb") as handle:
            handle.write(encoded.tobytes())
    except OSError as exc:
        raise TopodigitError(f"{name}: cannot write: {exc.strerror or exc}") from exc


def _read_file(name: str) -> bytes:
    if os.path.isdir(name):
        raise BadImageError(f"{name}: is a directory, not an image file")
    try:
        with open(name, "rb") as handle:
            data = handle.read()
    except FileNotFoundError as exc:
        raise BadImageError(f"{name}: no such file") from exc
    except OSError as exc:
        raise BadImageError(f"{name}: cannot read: {exc.strerror or exc}") from exc
    if not data:
        raise BadImageError(f"{name}: file is empty")
    return data


def _decode(data: bytes, source: str) -> np.ndarray:
    """Decode after checking the header's size: PNG and JPEG with PIL, others OpenCV first."""
    if not data:
        raise BadImageError(f"{source}: no data (0 bytes)")
    with _QUIET:
        header = _open_header(data, source)
        noisy = data.startswith(_NOISY_MAGIC)  # PNG and JPEG
        if noisy and header is not None and _wide_colour_png(data):
            _verify(data, source)  # OpenCV keeps the 16 bits PIL would cut: check it first
            noisy = False
        array = None if noisy else _cv2_decode(data)
        if array is None:
            if header is None:
                raise BadImageError(f"{source}: cannot decode: not an image, truncated, "
                                    "or in a format neither OpenCV nor PIL reads")
            array = _pil_decode(header, source)
        return _orient(array, _exif_orientation(header))


def _pil_decode(header: Image.Image, source: str) -> np.ndarray:
    try:
        header.load()
        return _pil_to_array(header)
    except Exception as exc:  # PIL decoders raise many types on corrupt data
        raise BadImageError(f"{source}: cannot decode image (corrupt or truncated?): {exc}"
                            ) from exc


def _wide_colour_png(data: bytes) -> bool:
    """A 16-bit colour PNG, which PIL would cut to 8 bits (OpenCV keeps 16)."""
    return data[12:16] == b"IHDR" and len(data) > 25 and data[24] == 16 and data[25] in (2, 6)


def _verify(data: bytes, source: str) -> None:
    """Check a PNG's chunks and their CRCs with PIL, without decoding the pixels."""
    try:
        Image.open(io.BytesIO(data)).verify()
    except Exception as exc:  # PIL raises many types on corrupt data
        raise BadImageError(f"{source}: corrupt or truncated PNG: {exc}") from exc


def _open_header(data: bytes, source: str) -> Image.Image | None:
    """Open (not decode) with PIL to check the pixel count; None if PIL cannot."""
    try:
        header = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as exc:
        match = re.search(r"\((\d+) pixels\)", str(exc))
        size = f"{int(match.group(1)):,} pixels" if match else "too many pixels"
        raise BadImageError(f"{source}: image has {size}, above the limit of {MAX_PIXELS:,} "
                            "(topodigit.io.MAX_PIXELS)") from exc
    except Exception:  # unknown or broken header: let OpenCV try
        return None
    _check_pixels(header.height, header.width, source)
    return header


def _cv2_decode(data: bytes) -> np.ndarray | None:
    try:
        return cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    except cv2.error:
        return None


def _exif_orientation(header: Image.Image | None) -> int:
    """EXIF orientation tag (1 = upright) if the header carries one, without decoding."""
    # PNG keeps EXIF in info only when it precedes the pixels; asking otherwise would decode.
    if header is None or not (header.format in _EXIF_FORMATS or "exif" in header.info):
        return 1
    try:
        return int(header.getexif().get(_EXIF_ORIENTATION, 1))
    except Exception:  # a broken EXIF block must not make a readable image unreadable
        return 1


def _orient(array: np.ndarray, orientation: int) -> np.ndarray:
    """Apply an EXIF orientation (1..8) so the image stands upright."""
    turns = {2: lambda a: a[:, ::-1], 3: lambda a: a[::-1, ::-1], 4: lambda a: a[::-1],
             5: lambda a: np.swapaxes(a, 0, 1), 6: lambda a: np.rot90(a, -1),
             7: lambda a: np.swapaxes(np.rot90(a, 2), 0, 1), 8: lambda a: np.rot90(a, 1)}
    return turns[orientation](array) if orientation in turns else array


def _pil_to_array(img: Image.Image) -> np.ndarray:
    """PIL image -> array in OpenCV channel order (BGR/BGRA), native byte order."""
    if img.mode.startswith("I;16"):
        array = np.asarray(img)
        return array.astype(array.dtype.newbyteorder("="))
    mode = _PIL_TO_ARRAY_MODE.get(img.mode)
    if mode is None:  # P, CMYK, YCbCr, LAB, HSV, ...
        has_alpha = "transparency" in img.info or "A" in img.getbands()
        mode = "RGBA" if has_alpha else "RGB"
    array = np.asarray(img if img.mode == mode else img.convert(mode))
    if mode in ("RGB", "RGBA"):
        array = array[..., [2, 1, 0, 3][: array.shape[2]]]
    return array


def _check_pixels(height: int, width: int, source: str) -> None:
    if height * width > MAX_PIXELS:
        raise BadImageError(f"{source}: image of {width} x {height} = {height * width:,} pixels "
                            f"is above the limit of {MAX_PIXELS:,} (topodigit.io.MAX_PIXELS)")


MAX_MODEL_BYTES = 256 * 2**20
"""Largest model file topodigit will open (256 MiB)."""


def save_npz(path: str | os.PathLike[str], **arrays: np.ndarray) -> None:
    """Write ``arrays`` to a compressed ``.npz`` at ``path`` (no pickled objects).

    Raises
    ------
    TopodigitError
        The file cannot be written.
    """
    name = os.fsdecode(path)
    try:
        with open(name, "wb") as handle:
            np.savez_compressed(handle, allow_pickle=False, **arrays)
    except OSError as exc:
        raise TopodigitError(f"{name}: cannot write: {exc.strerror or exc}") from exc


def load_npz(path: str | os.PathLike[str], *, required: set[str]) -> dict[str, np.ndarray]:
    """Read an ``.npz`` with ``allow_pickle=False``; it must hold exactly ``required``.

    Raises
    ------
    BadModelError
        Missing, unreadable, too large, not an ``.npz``, pickled objects, or other keys.
    """
    name = os.fsdecode(path)
    if os.path.isdir(name):
        raise BadModelError(f"{name}: is a directory, not a model file")
    try:
        size = os.path.getsize(name)
    except OSError:
        raise BadModelError(f"{name}: no such model file") from None
    if size > MAX_MODEL_BYTES:
        raise BadModelError(f"{name}: {size:,} bytes is above the model limit of "
                            f"{MAX_MODEL_BYTES:,} (topodigit.io.MAX_MODEL_BYTES)")
    try:
        with open(name, "rb") as handle:
            magic = handle.read(4)
    except OSError as exc:
        raise BadModelError(f"{name}: cannot read: {exc.strerror or exc}") from None
    if magic != b"PK\x03\x04":
        raise BadModelError(f"{name}: not an .npz model file (it does not start like a zip "
                            "archive)")
    try:
        with np.load(name, allow_pickle=False) as archive:
            keys = set(archive.files)
            if keys != required:
                raise BadModelError(
                    f"{name}: not a topodigit model (fields {sorted(keys)[:8]}, expected "
                    f"{sorted(required)})")
            return {k: archive[k] for k in keys}
    except BadModelError:
        raise
    except Exception as exc:  # np.load raises OSError, ValueError, zipfile errors, EOFError
        raise BadModelError(f"{name}: not a readable .npz model file "
                            f"({type(exc).__name__}: {exc})"[:300]) from None


__all__ = ["MAX_MODEL_BYTES", "MAX_PIXELS", "load_image", "load_npz", "save_image", "save_npz"]
