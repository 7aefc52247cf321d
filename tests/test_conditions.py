"""conditions: each degradation moves a drawing the intended way; no fonts needed."""

from __future__ import annotations

import itertools

import cv2
import numpy as np
import pytest

from topodigit.conditions import (
    CONDITIONS,
    LOWCONTRAST_LEVELS,
    UNEVEN_LOW,
    Box,
    blot,
    degrade,
    ink_pairs,
    join,
    kern,
)
from topodigit.errors import BadArgumentError, BadImageError

H = 24  # digit height of the drawings


def _bars(n: int = 4, gap: int = 5) -> np.ndarray:
    """Dark-on-light page with `n` digit-sized filled bars (0 on 255), `gap` px apart."""
    page = np.full((H + 16, 8 + n * (10 + gap) + 8), 255, np.uint8)
    for i in range(n):
        left = 8 + i * (10 + gap)
        page[8 : 8 + H, left : left + 10] = 0
    return page


def _rings() -> np.ndarray:
    """Two hollow rectangles ("zeros") with sharp edges."""
    page = _bars(2)
    page[12 : 8 + H - 4, 11:15] = 255
    page[12 : 8 + H - 4, 26:30] = 255
    return page


def _components(gray: np.ndarray) -> int:
    mask = (gray < 128).astype(np.uint8)
    return int(cv2.connectedComponents(mask, connectivity=8)[0]) - 1


def _gradient_energy(gray: np.ndarray) -> float:
    g = gray.astype(np.float64)
    return float((np.diff(g, axis=0) ** 2).sum() + (np.diff(g, axis=1) ** 2).sum())


def _run(condition: str, gray: np.ndarray | None = None, seed: int = 0, **kw) -> np.ndarray:
    page = _rings() if gray is None else gray
    return degrade(page, condition, np.random.default_rng(seed), digit_height=H, **kw)


# --- shapes, types, determinism ----------------------------------------------------------------


@pytest.mark.parametrize("condition", CONDITIONS)
def test_every_condition_returns_2d_uint8_and_is_deterministic(condition: str) -> None:
    page = _rings()
    before = page.copy()
    out = _run(condition, page, seed=7)
    assert out.dtype == np.uint8 and out.ndim == 2
    if condition == "touching":  # kerning narrows the image
        assert out.shape[0] == page.shape[0] and out.shape[1] <= page.shape[1]
    elif condition not in ("rotate", "photo"):
        assert out.shape == page.shape
    assert np.array_equal(out, _run(condition, page, seed=7))
    assert np.array_equal(page, before)  # the input is not modified


@pytest.mark.parametrize("condition", ["noise", "rotate", "uneven", "scan", "photo", "lcd"])
def test_random_conditions_depend_on_the_seed(condition: str) -> None:
    assert not np.array_equal(_run(condition, seed=1), _run(condition, seed=2))


def test_clean_is_unchanged() -> None:
    assert np.array_equal(_run("clean"), _rings())


# --- each condition in its direction -----------------------------------------------------------


def test_blur_lowers_gradient_energy() -> None:
    assert _gradient_energy(_run("blur")) < 0.6 * _gradient_energy(_rings())


def test_noise_raises_std_on_flat_paper() -> None:
    paper = np.full((40, 40), 200, np.uint8)
    out = _run("noise", paper)
    assert 15 < float(out.std()) < 25
    assert abs(float(out.mean()) - 200) < 3


def test_jpeg_changes_pixels_but_keeps_the_picture() -> None:
    page = _rings()
    out = _run("jpeg", page)
    assert not np.array_equal(out, page)
    assert float(np.abs(out.astype(int) - page).mean()) < 20


def test_rotate_expands_the_canvas_and_fills_with_paper() -> None:
    page = _rings()
    out = _run("rotate", page)
    assert out.shape[0] > page.shape[0] and out.shape[1] > page.shape[1]
    assert out[0, 0] == 255 and out[-1, -1] == 255  # corners are new paper
    assert _components(out) == _components(page)  # nothing cut off


def test_lowcontrast_maps_ink_and_paper_to_its_levels() -> None:
    out = _run("lowcontrast")
    assert (int(out.min()), int(out.max())) == LOWCONTRAST_LEVELS


def test_inverted_swaps_polarity() -> None:
    page = _rings()
    out = _run("inverted", page)
    ink = page == 0
    assert out[ink].min() > 200 and out[~ink].max() < 50


def test_uneven_darkens_one_side_of_a_blank_page() -> None:
    blank = np.full((60, 90), 255, np.uint8)
    out = _run("uneven", blank, seed=3).astype(float)
    assert out.max() >= 250 and out.min() <= 255 * UNEVEN_LOW + 2
    rows = np.abs(np.diff(out, axis=0)).max()
    cols = np.abs(np.diff(out, axis=1)).max()
    assert max(rows, cols) <= 3  # smooth: no steps


def test_uneven_keeps_ink_dark() -> None:
    page = _rings()
    out = _run("uneven", page)
    assert out[page == 0].max() == 0


@pytest.mark.parametrize("condition", ["scan", "photo"])
def test_scan_and_photo_keep_dark_on_light(condition: str) -> None:
    page = _rings()
    out = _run(condition, page).astype(float)
    assert np.median(out) > 150 and out.min() < 90


def test_lcd_draws_segments_on_gray_and_ghosts_slightly_darker() -> None:
    ghost = _bars(3)  # all segments on
    text = ghost.copy()
    text[:, 36:] = 255  # the third "segment" is unlit
    plain = _run("lcd", text).astype(float)
    out = _run("lcd", text, ghost=ghost).astype(float)
    assert plain[12:28, 11:15].mean() < 70  # lit segment
    assert 100 < plain[12:28, 41:45].mean() < 175  # background
    darker = plain[12:28, 41:45].mean() - out[12:28, 41:45].mean()
    assert 6 < darker < 16  # unlit segment: a faint ghost
    assert abs(plain[:, 52:] - out[:, 52:]).mean() < 2  # background unchanged


# --- touching and crowded ----------------------------------------------------------------------


def _boxes(n: int = 4, gap: int = 5) -> list[Box]:
    """The boxes of ``_bars(n, gap)``."""
    return [(8, 8 + i * (10 + gap), 8 + H, 18 + i * (10 + gap)) for i in range(n)]


def _ink_runs(row: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) columns of each dark run in one row."""
    cols = np.flatnonzero(row < 128)
    breaks = np.flatnonzero(np.diff(cols) > 1)
    return list(zip(cols[np.r_[0, breaks + 1]].tolist(), cols[np.r_[breaks, -1]].tolist(),
                    strict=True))  # fmt: skip


@pytest.mark.parametrize("condition", ["touching", "crowded"])
def test_joining_conditions_join_neighbours(condition: str) -> None:
    page = _bars(4)
    for seed in range(8):
        out = _run(condition, page, seed=seed)
        assert 2 <= _components(out) < _components(page) == 4


def test_kern_pulls_the_right_part_left_until_the_ink_overlaps() -> None:
    page = _bars(4, gap=6)
    for overlap in (1, 2):
        out = kern(page, (_boxes(4, 6)[1], _boxes(4, 6)[2]), overlap)
        shift = 6 + overlap
        assert out.shape == (page.shape[0], page.shape[1] - shift)  # margins keep their width
        assert _components(out) == 3
        # bars 1 and 2 now form one run 20 - overlap wide; the other gaps are unchanged
        assert _ink_runs(out[8 + H // 2]) == [(8, 17), (24, 43 - overlap), (56 - shift, 65 - shift)]
        assert (out[:8] == 255).all() and (out[8 + H :] == 255).all()


def test_kern_follows_a_slanted_gap() -> None:
    """Italic-like bars whose boxes overlap in columns: the cut follows the gap."""
    page = np.full((H + 16, 60), 255, np.uint8)
    for r in range(H):
        shift = (H - 1 - r) // 4  # leaning right: the top is 5 px right of the bottom
        page[8 + r, 8 + shift : 16 + shift] = 0
        page[8 + r, 20 + shift : 28 + shift] = 0
    pair = ((8, 8, 8 + H, 21), (8, 20, 8 + H, 33))
    out = kern(page, pair, 1)
    assert out.shape[1] == page.shape[1] - 5
    assert _components(out) == 1
    assert int((out < 128).sum()) == int((page < 128).sum()) - H  # one column shared per row
    assert [len(_ink_runs(row)) for row in out[8 : 8 + H]] == [1] * H


def test_kern_keeps_anti_aliased_ink_and_composes_dark_on_light() -> None:
    page = _bars(2, gap=6)
    page[8 : 8 + H, 18] = 200  # a light anti-aliased edge on the left bar
    out = kern(page, (_boxes(2, 6)[0], _boxes(2, 6)[1]), 2)
    assert out.shape[1] == page.shape[1] - 8  # the gap between dark ink was 6 px
    assert (out[8 : 8 + H, 18] == 0).all()  # the right bar's dark ink lands on the light edge
    assert (out[8 : 8 + H, 8:26] < 128).all() and _components(out) == 1


def test_join_blots_or_kerns_pairs_that_share_no_glyph() -> None:
    page, boxes = _bars(6), _boxes(6)
    pairs = list(itertools.pairwise(boxes))
    widths, kerned, blotted = set(), 0, 0
    for seed in range(40):
        out = join(page, pairs, np.random.default_rng(seed), digit_height=H)
        runs = [b - a + 1 for a, b in _ink_runs(out[8 + H // 2])]
        components = _components(out)
        assert 4 <= components <= 5  # 1-2 pairs joined
        narrower = page.shape[1] - out.shape[1]
        kerned += narrower > 0
        blotted += narrower == 0  # only blots: nothing moved
        widths.update(w for w in runs if w > 10)
        top = [b - a + 1 for a, b in _ink_runs(out[8]) if b - a + 1 > 10]  # no blot up there
        assert all(w in (18, 19) for w in top)  # kerned: 20 px of bars less 1-2 px overlap
    assert kerned and blotted
    assert max(widths) <= 2 * 10 + 5  # twice a glyph and the gap: never three in one


def test_join_without_pairs_is_a_copy() -> None:
    page = _bars(2)
    assert np.array_equal(join(page, [], np.random.default_rng(0), digit_height=H), page)


def test_ink_pairs_skips_word_spaces() -> None:
    page = np.full((40, 80), 255, np.uint8)
    for left in (5, 20, 50):  # gaps: 5 px (neighbours), 20 px (a space)
        page[8:32, left : left + 10] = 0
    assert [(a[1], b[1]) for a, b in ink_pairs(page, digit_height=H)] == [(5, 20)]


def test_blot_bridges_a_given_pair_only() -> None:
    page = _bars(3, gap=6)
    boxes = [(8, 8 + i * 16, 8 + H, 18 + i * 16) for i in range(3)]
    out = blot(page, [(boxes[1], boxes[2])], np.random.default_rng(0), digit_height=H)
    assert (out[:, 18:24] == 255).all()  # first gap untouched
    rows = np.flatnonzero((out[:, 34:40] < 128).all(axis=1))
    assert rows.size and 8 + 0.2 * H <= rows.mean() <= 8 + 0.8 * H


def test_blot_without_pairs_is_a_copy() -> None:
    page = _bars(2)
    assert np.array_equal(blot(page, [], np.random.default_rng(0), digit_height=H), page)


# --- bad arguments ---------------------------------------------------------------------------


def test_unknown_condition_is_rejected_with_its_name() -> None:
    with pytest.raises(BadArgumentError, match="'fog'"):
        _run("fog")


@pytest.mark.parametrize("height", [0, 3, 2000, float("nan"), "tall"])
def test_bad_digit_height_is_rejected_with_its_value(height: object) -> None:
    with pytest.raises(BadArgumentError, match="digit_height"):
        degrade(_rings(), "blur", np.random.default_rng(0), digit_height=height)  # type: ignore[arg-type]


@pytest.mark.parametrize("gray", [np.zeros((4, 4, 3), np.uint8), np.zeros((4, 4), np.float32),
                                  np.zeros((0, 5), np.uint8)])  # fmt: skip
def test_bad_images_are_rejected(gray: np.ndarray) -> None:
    with pytest.raises(BadImageError):
        degrade(gray, "clean", np.random.default_rng(0), digit_height=H)


def test_extras_only_go_with_their_condition() -> None:
    page = _rings()
    with pytest.raises(BadArgumentError, match="ghost"):
        _run("blur", page, ghost=page)
    with pytest.raises(BadArgumentError, match="ghost"):
        _run("lcd", page, ghost=page[:-1])
    with pytest.raises(BadArgumentError, match="pairs"):
        _run("noise", page, pairs=[])
    assert _run("crowded", page, pairs=[]).shape == page.shape
