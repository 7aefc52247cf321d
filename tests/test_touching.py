"""Touching glyphs cut by recognition: candidate cuts, the best cutting, whole readings."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

import topodigit
from topodigit import touching

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "clean"


def rings(n: int, *, width: int = 14, height: int = 20, overlap: int = 2) -> np.ndarray:
    """``n`` ring-shaped glyphs in a row, each overlapping the next by ``overlap`` columns."""
    step = width - overlap
    own = np.zeros((height, step * n + overlap), bool)
    for k in range(n):
        left = k * step
        own[:, left:left + width] = True
        own[4:height - 4, left + 4:left + width - 4] = False
    return own


def test_candidates_are_local_minima_and_extras() -> None:
    prof = np.array([3, 9, 9, 9, 2, 9, 9, 1, 1, 9, 9, 3])
    assert touching.candidates(prof, height=20) == [4, 7]
    assert touching.candidates(prof, height=20, extra=(10,)) == [4, 7, 10]
    assert touching.candidates(prof, height=20, extra=(0, 12)) == [4, 7]  # ends are no cut


def test_best_spans_cuts_where_the_pieces_read_best() -> None:
    own = np.zeros((20, 50), bool)  # three 14-px rings, 2 px apart, joined by 2-px bridges
    for left in (0, 16, 32):
        own[:, left:left + 14] = True
        own[4:16, left + 4:left + 10] = False
    own[9:11, 14:16] = own[9:11, 30:32] = True
    ring = 20 * 14 - 12 * 6

    def one_ring(spans: list[tuple[int, int]]) -> list[float]:  # one whole ring, nothing else
        return [float(own[:, c0:c1].sum() == ring) for c0, c1 in spans]

    spans = touching.best_spans(own, height=20, score=one_ring)
    assert len(spans) == 3
    assert all(own[:, a:b].sum() == ring for a, b in spans)
    assert all(b1 <= a2 for (_, b1), (a2, _) in itertools.pairwise(spans))


def test_best_spans_keeps_a_region_whole_when_it_reads_best_whole() -> None:
    own = rings(1, width=18)
    spans = touching.best_spans(own, height=20,
                                score=lambda spans: [float(b - a == 18) for a, b in spans])
    assert spans == [(0, 18)]


def test_a_thin_bridge_is_skipped() -> None:
    own = np.zeros((40, 30), bool)
    own[:, 1:10] = True
    own[:, 20:29] = True
    own[18:20, 10:20] = True  # a blot's thin bridge
    like = {(0, 10): 1.0, (20, 30): 1.0}
    spans = touching.best_spans(own, height=40,
                                score=lambda spans: [like.get(s, 0.0) for s in spans])
    assert spans == [(0, 10), (20, 30)]


def _one_blotted_to_a_seven() -> np.ndarray:
    """A "1" (stem and foot) joined at mid-height by a blot to a "7" whose
    diagonal leaves its left half empty there: 40 rows, the cut at column 20."""
    own = np.zeros((40, 40), bool)
    own[:, 6:10] = True  # the 1's stem ...
    own[36:, 2:15] = True  # ... and its foot, which reaches under the blot
    own[:4, 22:38] = True  # the 7's top bar ...
    for r in range(4, 40):
        own[r, 34 - (r - 4) // 3:38 - (r - 4) // 3] = True  # ... and its diagonal
    own[17:23, 10:31] = True  # the blot, across the gap and into the 7
    return own


def test_a_blots_end_is_trimmed_up_to_the_glyphs_stroke() -> None:
    own = _one_blotted_to_a_seven()
    left = touching.blot_stub(own, 20, height=40, right=False)
    assert left[17:23, 10:20].all() and np.count_nonzero(left) == 6 * 10  # not the foot
    right = touching.blot_stub(own, 20, height=40, right=True)
    cols = np.flatnonzero(right.any(axis=0))
    assert cols[0] == 20 and right[17:23, 20].all()
    assert not right[:, cols[-1] + 1:].any() and own[17:23, cols[-1] + 1].any()  # the diagonal
    assert not right[:17].any() and not right[23:].any()


def test_no_stub_without_a_bar_at_the_cut() -> None:
    own = _one_blotted_to_a_seven()
    own[17:23, 10:31] = False  # no blot: the glyphs do not touch at the cut
    assert not touching.blot_stub(own, 20, height=40, right=False).any()
    assert not touching.blot_stub(own, 20, height=40, right=True).any()


def _line(font: str, digits: str, joined: set[int]) -> np.ndarray:
    """Fixture glyphs of ``font`` centred in equal cells (tabular figures), except
    that glyph ``k`` in ``joined`` (and all after it) moves left until it overlaps
    glyph ``k - 1`` by 2 px."""
    crops = []
    for d in digits:
        img = np.asarray(topodigit.io.load_image(FIXTURES / font / "32" / f"single-{d}.png"))
        cols = np.flatnonzero((img < 128).any(axis=0))
        crops.append(img[:, cols[0]:cols[-1] + 1])
    height = min(c.shape[0] for c in crops)
    cell = max(c.shape[1] for c in crops) + round(0.15 * 32)
    page = np.full((height, cell * (len(crops) + 1)), 255, np.uint8)
    shift, right = 0, 0
    for k, c in enumerate(crops):
        left = cell // 2 + k * cell + (cell - c.shape[1]) // 2 - shift
        if k in joined:
            shift += left - right + 2
            left = right - 2
        view = page[:, left:left + c.shape[1]]
        np.minimum(view, c[:height], out=view)
        right = left + c.shape[1]
    return page[:, :right + cell // 2]


@pytest.mark.parametrize("font", ["dejavu-sans-bold", "liberation-serif-regular",
                                  "freesans-regular", "ocr-a-regular"])
@pytest.mark.parametrize("digits", ["3089", "3529", "3719"])
def test_two_touching_digits_between_separate_ones_are_read(font: str, digits: str) -> None:
    page = _line(font, digits, joined={2})
    assert topodigit.read(page).text == digits


@pytest.mark.parametrize("font", ["dejavu-sans-bold", "freesans-regular"])
def test_a_hyphen_kerned_into_a_digit_is_kept(font: str) -> None:
    left, right = _line(font, "20", joined=set()), _line(font, "04", joined=set())
    rows = np.flatnonzero((left < 128).any(axis=1))
    height = len(rows)  # the digits' height
    end = int(np.flatnonzero((left < 128).any(axis=0))[-1])  # the 0's last ink column
    width = round(0.35 * height)
    gap = width + round(0.15 * height)  # the hyphen, then the usual gap before the next digit
    page = np.hstack([left[:, :end + 1], np.full((left.shape[0], gap), 255, np.uint8),
                      right[:, int(np.flatnonzero((right < 128).any(axis=0))[0]):]])
    mid = int(rows[0]) + height // 2
    page[mid - 2:mid + 2, end - 1:end + width] = 0  # a hyphen run into the 0
    assert topodigit.read(page).text == "20-04"


def test_a_known_pitch_sets_the_glyph_count() -> None:
    own = np.zeros((20, 40), bool)  # four 8-px bars, 10 px apart, joined by a thin line
    for left in (1, 11, 21, 31):
        own[:, left:left + 8] = True
    own[10, :] = True

    def has_a_bar(spans: list[tuple[int, int]]) -> list[float]:
        return [1.0 if own[:, a:b].sum(axis=0).max() == 20 else 0.2 for a, b in spans]

    singles = touching.best_spans(own, height=20, score=has_a_bar, pitch=10.0)
    pairs = touching.best_spans(own, height=20, score=has_a_bar, pitch=20.0)
    assert len(singles) == 4
    assert all((own[:, a:b].sum(axis=0) == 20).sum() == 8 for a, b in singles)  # one bar each
    assert len(pairs) < len(singles)


def test_a_narrow_digit_kerned_into_a_wide_one_is_cut() -> None:
    # the pair is only about 1.3 times as wide as the line's other glyphs
    page = _line("liberation-serif-italic", "3117", joined={2})
    assert topodigit.read(page).text == "3117"


def test_a_plus_sign_as_wide_as_a_digit_pair_is_not_cut() -> None:
    page = _line("dejavu-serif-regular", "2545", joined=set())
    rows = np.flatnonzero((page < 128).any(axis=1))
    h = len(rows)
    first = int(np.flatnonzero((page < 128).any(axis=0))[0])
    arm = round(0.9 * h) // 2  # a plus 0.9 H wide: 1.3 times a 1, as wide as two
    plus = np.full((page.shape[0], 2 * arm + 8), 255, np.uint8)
    mid = int(rows[0]) + h // 2
    plus[mid - 1:mid + 2, 4:4 + 2 * arm] = 0
    plus[mid - arm:mid + arm, 4 + arm - 1:4 + arm + 2] = 0
    line = np.hstack([plus, page[:, first - round(0.15 * h):]])
    assert topodigit.read(line).text == "+2545"
