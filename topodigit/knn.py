"""Nearest-neighbour classification of glyph masks: features, models, templates.

A :class:`Model` holds labelled feature vectors, searched by brute force with
numpy (OpenCV 5 has no ``cv2.ml``; scipy's ``cKDTree`` is slower in HOG's 324
dimensions and is built only on request, :attr:`Model.tree`). Two feature kinds exist:

``"raw"``
    the classic recipe: the glyph padded to a square and shrunk to 10x10 pixels;
``"hog"``
    a histogram of oriented gradients (``skimage.feature.hog``) of the glyph
    padded to a square and resampled to 32x32 pixels.

Padding to a square keeps the aspect ratio, so a narrow 1 stays narrow. A
query farther than the model's ``gate`` from every template is unreadable
rather than a wrong digit.

Model files are ``.npz`` archives read with ``allow_pickle=False`` and checked
field by field; anything else raises :class:`~topodigit.errors.BadModelError`.

Examples
--------
>>> import numpy as np
>>> bar = np.zeros((40, 8), bool); bar[:, 2:6] = True
>>> ring = np.zeros((40, 24), bool); ring[2:38, 2:22] = True; ring[8:32, 8:16] = False
>>> model = Model.fit([bar, ring], ["1", "0"], features="raw")
>>> model.classify(ring).char
'0'
>>> feature_vector(bar, kind="raw").shape
(100,)
"""

from __future__ import annotations

import functools
import math
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import cv2
import numpy as np
from scipy.spatial import cKDTree
from skimage.feature import hog

from topodigit.errors import BadArgumentError, BadModelError
from topodigit.results import UNREADABLE, Verdict

FEATURES = ("hog", "raw")
#: Side of the square the classic raw-pixel feature shrinks a glyph to.
RAW_SIDE = 10
#: Side of the square HOG is computed on, and its cell layout.
HOG_SIDE = 32
HOG_CELL = 8
HOG_BLOCK = 2
HOG_ORIENTATIONS = 9
#: Neighbours that vote.
K = 3
#: Neighbours fetched before filtering by the allowed candidates.
SEARCH = 64
#: Extra candidates the brute-force search keeps from its matrix product before
#: summing their distances exactly (rounding there moves a distance by ~1e-12).
CANDIDATE_SLACK = 8
#: Default gate: this many times the median distance from a template to the
#: nearest template of another label. Beyond it a glyph is unlike every digit.
GATE_FACTOR = 1.0
#: Version written into and required from model files.
FORMAT = "topodigit-knn"
VERSION = 1
_KEYS = {"format", "version", "features", "vectors", "labels", "sources", "gate"}


def _square(mask: np.ndarray, side: int) -> np.ndarray:
    """The mask (any dtype, ink > 0) centred in a square and resampled to ``side``."""
    img = np.asarray(mask, np.float32)
    if img.ndim != 2 or img.size == 0:
        raise BadArgumentError(f"a glyph mask must be a non-empty 2-D array, got {img.shape}")
    rows, cols = img.shape
    n = max(rows, cols)
    canvas = np.zeros((n, n), np.float32)
    top, left = (n - rows) // 2, (n - cols) // 2
    canvas[top:top + rows, left:left + cols] = img
    interp = cv2.INTER_AREA if n > side else cv2.INTER_LINEAR
    out: np.ndarray = cv2.resize(canvas, (side, side), interpolation=interp)
    return out


def feature_vector(mask: np.ndarray, *, kind: str = "hog") -> np.ndarray:
    """Feature vector (float32) of one glyph mask cut to its ink box.

    Examples
    --------
    >>> import numpy as np
    >>> feature_vector(np.ones((40, 20), bool)).shape
    (324,)
    """
    if kind == "raw":
        return _square(mask, RAW_SIDE).ravel()
    if kind == "hog":
        vec = hog(_square(mask, HOG_SIDE), orientations=HOG_ORIENTATIONS,
                  pixels_per_cell=(HOG_CELL, HOG_CELL),
                  cells_per_block=(HOG_BLOCK, HOG_BLOCK), feature_vector=True)
        return np.asarray(vec, np.float32)
    raise BadArgumentError(f"features must be one of {FEATURES}, got {kind!r}")


def _dim(kind: str) -> int:
    if kind == "raw":
        return RAW_SIDE * RAW_SIDE
    blocks = HOG_SIDE // HOG_CELL - HOG_BLOCK + 1
    return blocks * blocks * HOG_BLOCK * HOG_BLOCK * HOG_ORIENTATIONS


@dataclass(frozen=True, eq=False)
class Model:
    """Labelled templates, searched by brute force (see :meth:`_nearest`).

    Parameters
    ----------
    features : {"hog", "raw"}
        Feature kind of ``vectors``.
    vectors : ndarray, shape (n, d)
        One feature vector per template.
    labels : sequence of str
        One character per template.
    sources : sequence of str
        Where each template came from (font, sheet, grid), for explanations.
    gate : float
        Distance beyond which a glyph is unreadable.
    """

    features: str
    vectors: np.ndarray
    labels: tuple[str, ...]
    sources: tuple[str, ...]
    gate: float
    _v64: np.ndarray = field(init=False, repr=False)
    _norms: np.ndarray = field(init=False, repr=False)
    _max_norm: float = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.features not in FEATURES:
            raise BadModelError(f"features must be one of {FEATURES}, got {self.features!r}")
        vec = np.asarray(self.vectors, np.float32)
        n = len(self.labels)
        if vec.ndim != 2 or vec.shape != (n, _dim(self.features)) or n == 0:
            raise BadModelError(f"{n} labels need vectors of shape ({n}, "
                                f"{_dim(self.features)}), got {vec.shape}")
        if len(self.sources) != n:
            raise BadModelError(f"{n} labels need {n} sources, got {len(self.sources)}")
        if any(not isinstance(c, str) or len(c) != 1 or c.isspace() for c in self.labels):
            raise BadModelError("every label must be one visible character")
        if not np.isfinite(vec).all() or not (np.isfinite(self.gate) and self.gate > 0):
            raise BadModelError("model vectors and gate must be finite (gate > 0)")
        object.__setattr__(self, "vectors", vec)
        object.__setattr__(self, "_v64", vec.astype(np.float64))
        object.__setattr__(self, "_norms", (self._v64 * self._v64).sum(axis=1))
        object.__setattr__(self, "_max_norm", float(np.sqrt(self._norms.max())))

    @classmethod
    def fit(cls, masks: Sequence[np.ndarray], labels: Sequence[str], *, features: str = "hog",
            sources: Sequence[str] | None = None, gate: float | None = None) -> Model:
        """Build a model from glyph masks and their labels.

        The gate defaults to :data:`GATE_FACTOR` times the median distance from a
        template to the nearest template with another label (with one label
        only, to the nearest other template).
        """
        if len(masks) != len(labels) or not masks:
            raise BadArgumentError(f"need as many labels as masks (>= 1), got {len(labels)} "
                                   f"labels for {len(masks)} masks")
        vec = np.stack([feature_vector(m, kind=features) for m in masks])
        return cls.from_vectors(vec, labels, features=features, sources=sources, gate=gate)

    @classmethod
    def from_vectors(cls, vectors: np.ndarray, labels: Sequence[str], *, features: str,
                     sources: Sequence[str] | None = None, gate: float | None = None) -> Model:
        """Build a model from ready feature vectors (see :meth:`fit`)."""
        labels = tuple(str(c) for c in labels)
        src = tuple(sources) if sources is not None else ("",) * len(labels)
        if gate is None:
            gate = GATE_FACTOR * _separation(np.asarray(vectors, np.float32), labels)
        return cls(features, vectors, labels, src, float(gate))

    def neighbours(self, vec: np.ndarray, *, allowed: Sequence[str] | None = None,
                   k: int = K) -> list[tuple[float, int]]:
        """Up to ``k`` nearest templates ``(distance, index)``, only ``allowed`` labels."""
        n = len(self.labels)
        want = min(n, SEARCH if allowed else k)
        dist, idx = self._nearest(np.asarray(vec, np.float64).ravel(), want)
        out = [(float(d), int(i)) for d, i in zip(dist, idx, strict=True)
               if not allowed or self.labels[i] in allowed]
        return out[:k]

    def _nearest(self, q: np.ndarray, want: int) -> tuple[np.ndarray, np.ndarray]:
        """The ``want`` nearest templates to ``q``: distances (ascending) and indices.

        What the tree's query finds, by brute force (HOG's 324 dimensions defeat
        the tree: 0.23 ms a query on one core, this 0.07): the candidates come
        from one float32 matrix product, CANDIDATE_SLACK more than wanted, and
        their distances are then summed exactly in float64. When the product's
        rounding (bounded by :meth:`_product_error`) could have left out a
        template nearer than the last one kept, all are summed exactly.
        """
        n = len(self.labels)
        q32 = q.astype(np.float32)
        sq = self._norms - 2.0 * (self.vectors @ q32).astype(np.float64)  # less |q|^2
        take = min(n, want + CANDIDATE_SLACK)
        if take < n:
            split = np.argpartition(sq, take)
            near, rest = split[:take], float(sq[split[take:]].min())
        else:
            near, rest = np.arange(n), math.inf
        diff = self._v64[near] - q
        d2 = np.einsum("ij,ij->i", diff, diff)
        order = np.lexsort((near, d2))[:want]
        if rest - self._product_error(q) <= float(d2[order[-1]]) - float(q @ q):
            diff = self._v64 - q  # a left-out template may be nearer: all, exactly
            d2, near = np.einsum("ij,ij->i", diff, diff), np.arange(n)
            order = np.lexsort((near, d2))[:want]
        return np.sqrt(d2[order]), near[order]

    def _product_error(self, q: np.ndarray) -> float:
        """A bound on the rounding error of :meth:`_nearest`'s squared distances
        from the float32 product: twice the dot products' (at most the number
        of terms times float32's unit roundoff times the norms' product), and
        float64's on the norms, with a factor 4 to spare."""
        dim = self.vectors.shape[1]
        return 4.0 * (2.0 * dim * 2.0 ** -24 * self._max_norm * float(np.sqrt(q @ q))
                      + 1e-12 * (self._max_norm ** 2 + float(q @ q)))

    def classify(self, mask: np.ndarray, *, allowed: Sequence[str] | None = None,
                 k: int = K) -> Verdict:
        """Vote of the ``k`` nearest templates; unreadable beyond the gate.

        ``allowed`` restricts the vote to those labels (the rules' candidates).
        Confidence is the winner's share of the inverse-distance vote times how
        far inside the gate the nearest winning template is.
        """
        return self.classify_vector(feature_vector(mask, kind=self.features), allowed=allowed, k=k)

    def classify_vector(self, vec: np.ndarray, *, allowed: Sequence[str] | None = None,
                        k: int = K) -> Verdict:
        """:meth:`classify` for a ready feature vector."""
        return self._vote(self.neighbours(vec, allowed=allowed, k=k), allowed)

    def classify_many(self, vecs: np.ndarray, *, k: int = K
                      ) -> list[tuple[Verdict, list[tuple[float, int]]]]:
        """:meth:`classify_vector` for many vectors (rows) at once, with each
        one's ``k`` nearest templates ``(distance, index)``: all distances come
        from one matrix product, not from the tree."""
        n = len(self.labels)
        want = min(n, k)
        q = np.asarray(vecs, np.float64).reshape(len(vecs), -1)
        # all distances at once by one matrix product (numpy): for a batch this
        # is many times faster than the tree, whose search degrades in HOG's
        # 324 dimensions; the same neighbours up to rounding
        sq = (q * q).sum(axis=1)[:, None] + self._norms[None, :] - 2.0 * (q @ self._v64.T)
        idx = np.argpartition(sq, want - 1, axis=1)[:, :want] if want < n else np.tile(
            np.arange(n), (len(q), 1))
        part = np.take_along_axis(sq, idx, axis=1)
        order = np.argsort(part, axis=1, kind="stable")
        idx = np.take_along_axis(idx, order, axis=1)
        dist = np.sqrt(np.maximum(np.take_along_axis(part, order, axis=1), 0.0))
        out = []
        for d_row, i_row in zip(dist, idx, strict=True):
            near = [(float(d), int(i)) for d, i in zip(d_row, i_row, strict=True) if i < n]
            out.append((self._vote(near, None), near))
        return out

    def _vote(self, near: list[tuple[float, int]], allowed: Sequence[str] | None) -> Verdict:
        rule = f"knn-{self.features}"
        if not near:
            return Verdict(UNREADABLE, 0.0, "knn", rule, "no template among the candidates",
                           candidates=tuple(allowed or ()))
        votes: dict[str, float] = {}
        for d, i in near:
            votes[self.labels[i]] = votes.get(self.labels[i], 0.0) + 1.0 / (d + 1e-3)
        ranked = sorted(votes, key=lambda c: -votes[c])
        best = ranked[0]
        d0, i0 = min((d, i) for d, i in near if self.labels[i] == best)
        where = f"'{best}' from {self.sources[i0] or 'a template'} at {d0:.2f}"
        if d0 > self.gate:
            return Verdict(UNREADABLE, 0.0, "knn", rule,
                           f"nearest template {where} is beyond the gate {self.gate:.2f}",
                           candidates=tuple(ranked))
        share = votes[best] / sum(votes.values())
        conf = share * (1.0 - d0 / self.gate)
        return Verdict(best, conf, "knn", rule,
                       f"{rule}: nearest template {where} (gate {self.gate:.2f})",
                       candidates=tuple(ranked))

    @functools.cached_property
    def tree(self) -> cKDTree:
        """A scipy tree over the templates, built when first asked for (the
        searches here are brute force: see :meth:`_nearest`)."""
        return cKDTree(self.vectors)

    def distance(self, vec: np.ndarray) -> float:
        """Distance to the nearest template."""
        d, _ = self._nearest(np.asarray(vec, np.float64).ravel(), 1)
        return float(d[0])

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the model as a compressed ``.npz`` (no pickled objects)."""
        from topodigit.io import save_npz  # io is the only module that touches disk

        save_npz(path, format=np.array(FORMAT), version=np.array(VERSION),
                 features=np.array(self.features), vectors=self.vectors.astype(np.float32),
                 labels=np.array(self.labels, dtype="<U1"),
                 sources=np.array(self.sources, dtype=str), gate=np.array(self.gate))

    @classmethod
    def load(cls, path: str | os.PathLike[str] | Any) -> Model:
        """Read and validate a model file written by :meth:`save`.

        Raises
        ------
        BadModelError
            The file is missing, not an ``.npz``, or not a topodigit model.
        """
        from topodigit.io import load_npz

        data = load_npz(path, required=_KEYS)
        name = os.fspath(path) if isinstance(path, str | os.PathLike) else "model"
        try:
            if str(data["format"]) != FORMAT:
                raise BadModelError(f"{name}: not a topodigit model (format "
                                    f"{str(data['format'])[:40]!r})")
            if int(data["version"]) != VERSION:
                raise BadModelError(f"{name}: model version {int(data['version'])} is not "
                                    f"supported (this topodigit reads version {VERSION})")
            labels = tuple(str(c) for c in np.atleast_1d(data["labels"]))
            sources = tuple(str(s) for s in np.atleast_1d(data["sources"]))
            return cls(str(data["features"]), np.asarray(data["vectors"], np.float32), labels,
                       sources, float(data["gate"]))
        except BadModelError as exc:
            if str(exc).startswith(name):
                raise
            raise BadModelError(f"{name}: {exc}") from None
        except (TypeError, ValueError) as exc:
            raise BadModelError(f"{name}: malformed model field ({exc})") from None


def _separation(vec: np.ndarray, labels: tuple[str, ...]) -> float:
    """Median distance from a template to the nearest template of another label."""
    tree = cKDTree(vec)
    lab = np.array(labels)
    k = min(len(lab), SEARCH)
    if k < 2:
        return 1.0
    dist, idx = tree.query(vec, k=k)
    other = lab[idx] != lab[:, None]
    if len(set(labels)) < 2:
        other = idx != np.arange(len(lab))[:, None]
    found = other.any(axis=1)
    first = np.argmax(other, axis=1)
    d = dist[np.arange(len(lab)), first][found]
    return float(np.median(d)) if len(d) and np.median(d) > 0 else 1.0


def builtin(features: str = "hog") -> Model:
    """The templates shipped with topodigit (see ``tools/build_templates.py``).

    Rendered from the free fonts listed in the README; loaded once, read-only.
    """
    if features not in FEATURES:
        raise BadArgumentError(f"features must be one of {FEATURES}, got {features!r}")
    with _BUILTIN_LOCK:  # one load even when threads ask at once
        return _builtin(features)


_BUILTIN_LOCK = threading.Lock()


@functools.lru_cache(maxsize=len(FEATURES))
def _builtin(features: str) -> Model:
    ref = resources.files("topodigit") / "data" / f"templates-{features}.npz"
    with resources.as_file(ref) as path:
        return Model.load(path)


__all__ = ["FEATURES", "Model", "builtin", "feature_vector"]
