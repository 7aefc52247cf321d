"""KNN models: features, gate, candidates, save/load and validation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from topodigit import BadArgumentError, BadModelError, knn


def bar() -> np.ndarray:
    m = np.zeros((40, 10), bool)
    m[:, 3:7] = True
    return m


def ring() -> np.ndarray:
    m = np.zeros((40, 24), bool)
    m[2:38, 2:22] = True
    m[8:32, 8:16] = False
    return m


def ell() -> np.ndarray:
    m = np.zeros((40, 24), bool)
    m[:, :5] = True
    m[35:, :] = True
    return m


@pytest.mark.parametrize("kind", knn.FEATURES)
def test_each_template_is_its_own_nearest(kind: str) -> None:
    model = knn.Model.fit([bar(), ring(), ell()], ["1", "0", "L"], features=kind)
    assert [model.classify(m).char for m in (bar(), ring(), ell())] == ["1", "0", "L"]
    v = model.classify(ring())
    assert v.method == "knn" and v.rule == f"knn-{kind}" and v.confidence > 0.5


def test_features_keep_the_aspect_ratio() -> None:
    # a bar and a square block must differ: padding to a square keeps the width
    block = np.ones((40, 40), bool)
    assert np.linalg.norm(knn.feature_vector(bar(), kind="raw")
                          - knn.feature_vector(block, kind="raw")) > 1.0


def test_far_glyph_is_unreadable_not_wrong() -> None:
    model = knn.Model.fit([bar(), ring()], ["1", "0"], features="hog", gate=0.05)
    v = model.classify(ell())
    assert v.char == "?" and "beyond the gate" in v.reason


def test_allowed_restricts_the_vote() -> None:
    model = knn.Model.fit([bar(), ring()], ["1", "0"], features="raw", gate=100.0)
    assert model.classify(ring(), allowed=("1",)).char == "1"
    assert model.classify(ring(), allowed=("7",)).char == "?"


def test_save_load_round_trip(tmp_path: Path) -> None:
    model = knn.Model.fit([bar(), ring()], ["1", "0"], features="hog", sources=["a", "b"])
    path = tmp_path / "m.npz"
    model.save(path)
    back = knn.Model.load(path)
    assert back.labels == model.labels and back.sources == ("a", "b")
    assert back.gate == pytest.approx(model.gate)
    np.testing.assert_allclose(back.vectors, model.vectors)


@pytest.mark.parametrize("content", [b"", b"not a zip at all", b"PK\x03\x04garbage"])
def test_corrupt_model_file_is_a_typed_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.npz"
    path.write_bytes(content)
    with pytest.raises(BadModelError, match=r"bad\.npz"):
        knn.Model.load(path)


def test_foreign_npz_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "foreign.npz"
    np.savez(path, x=np.arange(3))
    with pytest.raises(BadModelError, match="not a topodigit model"):
        knn.Model.load(path)


def test_pickled_npz_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "pickled.npz"
    model = knn.Model.fit([bar(), ring()], ["1", "0"], features="raw")
    np.savez(path, format=np.array(knn.FORMAT), version=np.array(knn.VERSION),
             features=np.array("raw"), vectors=model.vectors,
             labels=np.array([["1"], "0"], dtype=object), sources=np.array(["", ""]),
             gate=np.array(1.0))
    with pytest.raises(BadModelError):
        knn.Model.load(path)


def test_inconsistent_fields_are_rejected(tmp_path: Path) -> None:
    path = tmp_path / "short.npz"
    np.savez(path, format=np.array(knn.FORMAT), version=np.array(knn.VERSION),
             features=np.array("raw"), vectors=np.zeros((2, 7), np.float32),
             labels=np.array(["1", "0"]), sources=np.array(["", ""]), gate=np.array(1.0))
    with pytest.raises(BadModelError, match="vectors of shape"):
        knn.Model.load(path)


def test_missing_model_file(tmp_path: Path) -> None:
    with pytest.raises(BadModelError, match="no such model file"):
        knn.Model.load(tmp_path / "nope.npz")


def test_bad_arguments() -> None:
    with pytest.raises(BadArgumentError, match="features"):
        knn.feature_vector(bar(), kind="sift")
    with pytest.raises(BadArgumentError, match="labels"):
        knn.Model.fit([bar()], ["1", "2"])
    with pytest.raises(BadArgumentError, match="2-D"):
        knn.feature_vector(np.zeros((0, 3), bool))


@pytest.mark.parametrize("kind", knn.FEATURES)
def test_builtin_templates_cover_every_digit(kind: str) -> None:
    model = knn.builtin(kind)
    assert set(model.labels) == set("0123456789")
    assert len(model.labels) > 500 and model.features == kind


@pytest.mark.parametrize("k", [1, knn.K, knn.SEARCH])
def test_brute_force_finds_the_trees_neighbours(k: int) -> None:
    model = knn.builtin()
    rng = np.random.default_rng(5)
    picks = rng.integers(len(model.labels), size=40)
    queries = [model.vectors[i] + rng.normal(0, s, model.vectors.shape[1]).astype(np.float32)
               for i, s in zip(picks, np.resize([0.0, 0.01, 0.1], 40), strict=True)]
    for q in queries:
        dist, idx = model.tree.query(q, k=k)
        got_dist, got_idx = model._nearest(np.asarray(q, np.float64), k)
        np.testing.assert_allclose(got_dist, np.atleast_1d(dist), rtol=1e-12)
        # identical templates may come in either order
        same = model.vectors[got_idx] == model.vectors[np.atleast_1d(idx)]
        assert same.all()
